"""``pipeline.connect``: a view per table and flat views, queried as an analyst would, with
the same column types on the samples and on an empty dataset."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

from pipeline import connect, ingest
from pipeline.cli import main
from pipeline.query import VIEW_TYPES, describe, frame
from schemas.arrow import ALL_TABLES
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("ds") / "samples"
    ingest([SAMPLES], out, executor="serial")
    return out


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("empty")
    (folder / "notes.bin").write_bytes(b"")  # not a document: the run completes, empty
    out = folder / "ds"
    ingest([folder], out, executor="serial")
    return out


def _sql_type(t: pa.DataType) -> str:
    import duckdb

    con = duckdb.connect()
    con.register("x", pa.table({"c": pa.array([], t)}))
    return con.sql("DESCRIBE x").fetchall()[0][1]


@pytest.mark.parametrize("which", ["dataset", "empty"])
def test_every_view_has_its_documented_types(which, request):
    con = connect(request.getfixturevalue(which))
    for view, types in VIEW_TYPES.items():
        assert describe(con, view) == types, view
    for table, schema in ALL_TABLES.items():
        got = describe(con, table)
        want = {f.name: _sql_type(f.type) for f in schema}
        if table == "fields":
            want["value_text"] = "VARCHAR"
        assert got == want, table


@pytest.mark.parametrize("which", ["dataset", "empty"])
def test_frame_dtypes_do_not_change_with_the_data(which, request):
    con = connect(request.getfixturevalue(which))
    sigs = frame(con, "SELECT page, intact, time_conflict FROM signatures")
    assert [str(t) for t in sigs.dtypes] in (["Int32", "boolean", "str"],
                                             ["Int32", "boolean", "object"])
    fields = frame(con, "SELECT page, confidence FROM fields")
    assert [str(t) for t in fields.dtypes] == ["Int32", "Float32"]


def test_citations_need_no_unnest_nor_quotes(dataset):
    con = connect(dataset)
    rows = con.sql("SELECT cited_code, relation, resolved FROM citations "
                   "WHERE source_path LIKE '%003_8b36292388a6cced.txt'").fetchall()
    assert rows == [("1453/BTTTT-HTQT", "implements", True)]
    by_relation = dict(con.sql("SELECT relation, count(*) FROM citations GROUP BY 1").fetchall())
    assert by_relation["legal_basis"] >= 4  # qd-ubnd-256 in four formats and two signed PDFs


def test_which_letters_mention_a_body(dataset):
    """The question an analyst asks: which letters speak of a Sở Nội vụ, and where. The
    Hà Nội notice (tb-vp-blank, in four formats, and its stamped PDF) names it in its body
    and in its Nơi nhận; the view says both, with the page of the PDFs' body."""
    con = connect(dataset)
    rows = con.sql("SELECT source_path, role, name, page FROM mentions "
                   "WHERE org_id = 'snv@ha-noi' ORDER BY source_path").fetchall()
    names = sorted({r[0].rsplit("/", 1)[1] for r in rows})
    assert names == ["tb-vp-blank.docx", "tb-vp-blank.html", "tb-vp-blank.pdf",
                     "tb-vp-blank.txt", "tb-vp-stamped.pdf"]
    assert {(r[1], r[2]) for r in rows} == {("body", "Sở Nội vụ"), ("distribution", "Sở Nội vụ")}
    assert {r[3] for r in rows if r[0].endswith(".pdf") and r[1] == "body"} == {1}
    roles = dict(con.sql("SELECT role, count(*) FROM mentions GROUP BY 1").fetchall())
    assert set(roles) == {"issuer", "recipient", "distribution", "body"}


def test_links_view(dataset):
    con = connect(dataset)
    rows = con.sql("SELECT from_code, to_code, relation, match FROM links").fetchall()
    assert rows == [("/KH-STTTT", "/BTTTT-HTQT", "implements", "symbol_subject")]


def test_deadlines_by_kind_and_assignee(dataset):
    con = connect(dataset)
    rows = con.sql("SELECT DISTINCT date, assignee_id FROM deadlines WHERE kind = 'action' "
                   "AND assignee_id IS NOT NULL ORDER BY 1").fetchall()
    assert (dt.date(2025, 9, 20), "snv@ha-noi") in rows


def test_recipients_with_ids(dataset):
    con = connect(dataset)
    rows = con.sql("SELECT DISTINCT role, name, org_id FROM recipients "
                   "WHERE code = '4644/BTTTT-CĐSQG' ORDER BY role, name").fetchall()
    assert ("recipient", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
            "ubnd@*") in rows
    assert ("distribution", "Lưu: VT, CĐSQG", "btttt/luu") in rows


def test_issuers_by_id_join_the_documents_of_one_body(dataset):
    con = connect(dataset)
    rows = dict(con.sql("SELECT issuer_id, count(DISTINCT issuer) FROM documents "
                        "WHERE issuer_id IS NOT NULL GROUP BY 1").fetchall())
    assert rows["btttt"] == 2  # "BỘ THÔNG TIN VÀ TRUYỀN THÔNG" and the inferred name


def test_checks_and_pages(dataset):
    con = connect(dataset)
    (n_docs,), = con.sql("SELECT count(*) FROM documents").fetchall()
    (rules,), = con.sql("SELECT count(DISTINCT rule) FROM checks").fetchall()
    assert con.sql("SELECT count(*) FROM checks").fetchall() == [(n_docs * rules,)]
    hits = con.sql("SELECT DISTINCT source_path FROM pages "
                   "WHERE text ILIKE '%nhà ở xã hội%'").fetchall()
    assert len(hits) == 5  # cv-sxd-1204 in four formats and its signed copy


def test_fields_value_text(dataset):
    con = connect(dataset)
    (value, text), = con.sql("SELECT DISTINCT value, value_text FROM fields WHERE field = 'code'"
                             " AND value_text = '1204/SXD-QLN'").fetchall()
    assert value == '"1204/SXD-QLN"'


def test_vanthu_sql_prints_a_table_csv_and_json(dataset, capsys):
    q = "SELECT kind, count(*) AS n FROM deadlines GROUP BY 1 ORDER BY 1"
    assert main(["sql", str(dataset), q]) == 0
    assert "action" in capsys.readouterr().out
    assert main(["sql", str(dataset), q, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "kind,n"
    assert main(["sql", str(dataset), q, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["kind"] == "action"
    assert main(["sql", str(dataset), "SELECT nosuch FROM documents"]) == 2


def test_vanthu_check_lists_failures_and_counts(dataset, capsys):
    assert main(["check", str(dataset)]) == 0
    out = capsys.readouterr().out
    assert "components" in out and "003_8b36292388a6cced.txt" in out
    assert main(["check", str(dataset), "--all", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["outcome"] for r in rows} == {"ok", "failed", "not_applicable"}


@pytest.mark.parametrize("which", ["dataset", "empty"])
def test_read_dataset_dtypes_do_not_change_with_the_data(which, request):
    from pipeline import read_dataset

    out = request.getfixturevalue(which)
    sigs = read_dataset(out, "signatures")
    assert (str(sigs.intact.dtype), str(sigs.page.dtype)) == ("boolean", "Int32")
    fields = read_dataset(out, "fields")
    assert (str(fields.page.dtype), str(fields.x0.dtype)) == ("Int32", "Float32")
    docs = read_dataset(out)
    assert (str(docs.issue_date.dtype).startswith("datetime64"), str(docs.issue_year.dtype)) \
        == (True, "Int64")
