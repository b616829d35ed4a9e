"""``vanthu export``: every document, the corrected values, lists readable, in CSV, JSON Lines
and Excel, read back with the tools an analyst would use."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pandas as pd
import pytest

from pipeline.api import ingest, read_dataset
from pipeline.cli import main
from pipeline.corrections import correct
from pipeline.export import SHEETS, readable
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    for name in ("cv-sxd-1204.txt", "qd-ubnd-256.txt", "tb-vp-blank.txt"):
        shutil.copyfile(SAMPLES / "generated" / name, src / name)
    (src / "empty.txt").write_bytes(b"")  # a failed record is exported too
    out = tmp_path_factory.mktemp("ds") / "ds"
    ingest([src], out, workers=1, executor="serial")
    correct(out, "cv-sxd-1204.txt", "signer_name", "Trần Thị Mai Anh", who="lan")
    correct(out, "tb-vp-blank.txt", "issue_date", "2025-04-01", who="lan")
    return out


def test_readable_joins_lists_and_objects():
    assert readable(["UBND tỉnh Bình Định", "Sở Tài chính"]) == \
        "UBND tỉnh Bình Định; Sở Tài chính"
    assert readable([{"doc_type": "Công văn", "code": "1204/SXD-QLN", "date": None},
                     {"doc_type": None, "code": "12/2024/NĐ-CP", "date": "2024-02-01"}]) == \
        "Công văn, 1204/SXD-QLN; 12/2024/NĐ-CP, 2024-02-01"
    assert readable([]) == ""


def test_csv_round_trips_every_document_with_the_corrections(dataset, tmp_path, capsys):
    path = tmp_path / "docs.csv"
    assert main(["export", str(dataset), "--format", "csv", "--out", str(path)]) == 0
    assert "documents 4 rows" in capsys.readouterr().out
    got = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    want = read_dataset(dataset)
    assert sorted(got["source_path"]) == sorted(want["source_path"])
    by = got.set_index(got["source_path"].str.rsplit("/", n=1).str[-1])
    assert by.loc["cv-sxd-1204.txt", "signer_name"] == "Trần Thị Mai Anh"
    assert by.loc["tb-vp-blank.txt", "issue_date"] == "2025-04-01"
    assert by.loc["empty.txt", "status"] == "failed"
    assert by.loc["cv-sxd-1204.txt", "issue_year"] == "2025"  # not 2025.0
    cv = want[want["source_path"].str.endswith("cv-sxd-1204.txt")].iloc[0]
    assert by.loc["cv-sxd-1204.txt", "recipients"] == "; ".join(cv["recipients"])
    for name in ("code", "subject", "issuer", "place"):
        assert by.loc["cv-sxd-1204.txt", name] == cv[name]


def test_jsonl_keeps_lists_and_types(dataset, tmp_path):
    path = tmp_path / "docs.jsonl"
    assert main(["export", str(dataset), "--format", "jsonl", "--out", str(path)]) == 0
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    want = read_dataset(dataset)
    assert [r["source_path"] for r in rows] == list(want["source_path"])
    for row, (_, doc) in zip(rows, want.iterrows(), strict=True):
        assert row["recipients"] == list(doc["recipients"])
        assert row["code"] == (None if pd.isna(doc["code"]) else doc["code"])
    blank = next(r for r in rows if r["source_path"].endswith("tb-vp-blank.txt"))
    assert blank["issue_date"] == "2025-04-01"


def test_excel_has_one_sheet_per_table_and_the_corrections(dataset, tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    assert main(["export", str(dataset), "--format", "xlsx", "--out", str(path)]) == 0
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == list(SHEETS)
    docs = pd.read_excel(path, sheet_name="documents", dtype=str, keep_default_na=False)
    assert sorted(docs["source_path"]) == sorted(read_dataset(dataset)["source_path"])
    by = docs.set_index(docs["source_path"].str.rsplit("/", n=1).str[-1])
    assert by.loc["cv-sxd-1204.txt", "signer_name"] == "Trần Thị Mai Anh"
    assert by.loc["tb-vp-blank.txt", "issue_date"] == "2025-04-01"
    fields = pd.read_excel(path, sheet_name="fields", dtype=str, keep_default_na=False)
    manual = fields[fields["source"] == "manual"]
    assert sorted(manual["field"]) == ["issue_date", "signer_name"]
    made = pd.read_excel(path, sheet_name="corrections", dtype=str, keep_default_na=False)
    assert list(made["state"]) == ["applied", "applied"] and set(made["who"]) == {"lan"}
    assert len(pd.read_excel(path, sheet_name="fields")) == len(read_dataset(dataset, "fields"))
    assert main(["export", str(dataset), "--format", "xlsx", "--out", str(path),
                 "--table", "fields"]) == 2
