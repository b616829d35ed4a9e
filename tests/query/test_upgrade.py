"""A dataset written before the analysts' columns takes them on its next run."""

from __future__ import annotations

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

from pipeline.sinks import DeltaSink
from schemas.arrow import DOCUMENTS, REFERENCE_TYPE

NEW = {"issuer_id", "recipient_ids", "distribution_ids", "tasks"}


def test_rows_of_the_new_schema_replace_rows_of_the_old(tmp_path):
    old_ref = pa.struct([f for f in REFERENCE_TYPE if f.name in ("doc_type", "code", "date")])
    old = pa.schema([(f.name, pa.list_(old_ref)) if f.name == "references" else f
                     for f in DOCUMENTS if f.name not in NEW])
    sink = DeltaSink(tmp_path)
    path = tmp_path / "documents"
    path.mkdir()
    write_deltalake(str(path), pa.Table.from_pylist(
        [{"doc_id": "a", "source_path": "/a", "references": [{"code": "1/UBND"}]},
         {"doc_id": "b", "source_path": "/b"}], schema=old))
    row = {"doc_id": "b2", "source_path": "/b", "issuer_id": "btttt",
           "references": [{"code": "2/SXD", "relation": "implements"}]}
    sink.replace("documents", "source_path", ["/b"],
                 pa.Table.from_pylist([row], schema=DOCUMENTS))
    got = {r["source_path"]: r for r in DeltaTable(str(path)).to_pyarrow_table().to_pylist()}
    assert got["/b"]["issuer_id"] == "btttt"
    assert got["/b"]["references"][0]["relation"] == "implements"
    assert got["/a"]["issuer_id"] is None and got["/a"]["references"][0]["code"] == "1/UBND"
    assert sink.read_latest("documents").num_rows == 2


def test_a_dataset_older_than_the_organisations_column_reads_it_empty(tmp_path):
    """Documents written before the ``organisations`` column: the column reads as null and
    the ``mentions`` view still answers from the issuer and the lists."""
    import duckdb

    from pipeline.query import FLAT_VIEWS
    from schemas.arrow import ALL_TABLES

    old = pa.schema([f for f in DOCUMENTS if f.name != "organisations"])
    path = tmp_path / "documents"
    path.mkdir()
    write_deltalake(str(path), pa.Table.from_pylist(
        [{"doc_id": "a", "source_path": "/a", "issuer": "SỞ NỘI VỤ",
          "issuer_id": "snv@ha-noi", "distribution": ["Lưu: VT"],
          "distribution_ids": ["snv@ha-noi/luu"]}], schema=old))
    docs = DeltaSink(tmp_path).read_latest("documents")
    assert docs.column("organisations").to_pylist() == [None]
    con = duckdb.connect()
    for name, schema in ALL_TABLES.items():
        con.register(name, docs if name == "documents" else schema.empty_table())
    for name, sql in FLAT_VIEWS.items():
        con.execute(f"CREATE VIEW {name} AS {sql}")
    rows = con.sql("SELECT role, org_id FROM mentions ORDER BY role").fetchall()
    assert rows == [("distribution", "snv@ha-noi/luu"), ("issuer", "snv@ha-noi")]
