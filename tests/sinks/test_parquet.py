"""The Parquet sink on its own: parts committed whole, keys and statuses read back."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from pipeline.runner import process_file
from pipeline.sinks import SINKS, open_sink
from schemas.arrow import TABLES
from tests.conftest import SAMPLES

SEED = SAMPLES / "seeds" / "004_6568c36e68d1f851.txt"


def test_unknown_sink_names_the_known_ones(tmp_path):
    with pytest.raises(KeyError, match="unknown sink 'delta'; known: parquet"):
        open_sink(tmp_path, "delta")
    assert set(SINKS) == {"parquet"}


def test_an_empty_dataset_reads_as_empty_tables_with_their_schemas(tmp_path):
    sink = open_sink(tmp_path / "nothing-yet")
    assert sink.known_keys() == {}
    for name, schema in TABLES.items():
        table = sink.read_table(name)
        assert table.num_rows == 0 and table.schema == schema


def test_written_records_come_back_with_their_keys_and_every_table(tmp_path):
    rec = process_file(SEED)
    empty = process_file(SAMPLES / "seeds" / "000_42e6ccbbfb6392cd.txt")
    assert rec is not None and empty is not None
    sink = open_sink(tmp_path)
    writer = sink.writer("run-1")
    writer.add(rec)
    writer.add(empty)
    assert sink.read_table("documents").num_rows == 0  # held until the commit
    writer.close()
    assert sink.known_keys() == {(rec.doc_id, str(SEED)): "ok",
                                 (empty.doc_id, empty.source_path): empty.status.value}
    docs = sink.read_table("documents")
    assert sorted(docs.column("source_path").to_pylist()) == sorted(
        [rec.source_path, empty.source_path])
    fields = sink.read_table("fields").to_pylist()
    code = next(f for f in fields if f["doc_id"] == rec.doc_id and f["field"] == "code")
    assert code["text"] == "Số: 4644/BTTTT-CĐSQG"
    sigs = sink.read_table("signatures")
    assert set(sigs.column("doc_id").to_pylist()) == {empty.doc_id}  # seed 000 has 5
    assert not (tmp_path / ".tmp").exists()  # no staging left behind


def test_a_batch_is_committed_as_one_part_per_table_documents_last(tmp_path, monkeypatch):
    import os

    import pipeline.sinks.parquet as parquet

    moved: list[str] = []
    real_replace = os.replace

    def recording_replace(src, dst):
        moved.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(parquet.os, "replace", recording_replace)
    rec = process_file(SAMPLES / "seeds" / "000_42e6ccbbfb6392cd.txt")
    assert rec is not None
    writer = open_sink(tmp_path).writer("r")
    writer.add(rec)
    writer.flush()
    assert [m.split("/")[-2] for m in moved] == ["fields", "signatures", "documents"]
    assert pq.read_table(moved[-1]).num_rows == 1


def test_run_logs_are_written_whole(tmp_path):
    sink = open_sink(tmp_path)
    path = sink.write_run_log("20261202T000000Z-abc", {"inputs": 3, "failures": []})
    assert path.read_text("utf-8").startswith("{") and '"inputs": 3' in path.read_text("utf-8")
    assert [p.name for p in path.parent.iterdir()] == [path.name]
