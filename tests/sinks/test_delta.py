"""The Delta Lake sink on its own: rows replaced by path in one commit per table, readers
pinned to the last complete run, damaged parts named and set aside."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from deltalake import DeltaTable

from pipeline.runner import process_file
from pipeline.sinks import SINKS, open_sink
from schemas.arrow import ALL_TABLES
from tests.conftest import SAMPLES

SEED = SAMPLES / "seeds" / "004_6568c36e68d1f851.txt"
SIGNED = SAMPLES / "seeds" / "000_42e6ccbbfb6392cd.txt"


def test_unknown_sink_names_the_known_ones(tmp_path):
    with pytest.raises(KeyError, match="unknown sink 'parquet'; known: delta"):
        open_sink(tmp_path, "parquet")
    assert set(SINKS) == {"delta"}


def test_an_empty_dataset_reads_as_empty_tables_with_their_schemas(tmp_path):
    sink = open_sink(tmp_path / "nothing-yet")
    assert sink.pinned() is None
    for name, schema in ALL_TABLES.items():
        table = sink.read_table(name)
        assert table.num_rows == 0 and table.schema == schema


def _complete(sink, run_id="r"):
    sink.record_run({"run_id": run_id, "state": "complete", "started_at": None,
                     "finished_at": dt.datetime.now(dt.timezone.utc),
                     "versions": json.dumps(sink.versions_now())})


def test_a_record_written_again_replaces_its_rows_in_every_table(tmp_path):
    sink = open_sink(tmp_path)
    signed = process_file(SIGNED)
    writer = sink.writer("r1")
    writer.add(signed)
    writer.add(process_file(SEED))
    writer.flush()
    assert sink.read_table("documents").num_rows == 0  # no complete run yet
    _complete(sink)
    assert sink.read_table("documents").num_rows == 2
    n_sigs = sink.read_table("signatures").num_rows
    assert n_sigs == 5
    writer.add(signed)  # the same path again (a retried or changed file)
    writer.flush()
    _complete(sink, "r2")
    docs = sink.read_table("documents")
    assert sorted(docs.column("source_path").to_pylist()) == sorted([str(SIGNED), str(SEED)])
    assert sink.read_table("signatures").num_rows == n_sigs
    # one commit per table per batch, fields and signatures before documents
    ops = [DeltaTable(str(tmp_path / t)).history(1)[0]["operation"] for t in
           ("fields", "signatures", "documents")]
    assert ops == ["WRITE"] * 3
    code = [f for f in sink.read_table("fields").to_pylist()
            if f["source_path"] == str(SEED) and f["field"] == "code"]
    assert len(code) == 1 and code[0]["text"] == "Số: 4644/BTTTT-CĐSQG"


def test_a_damaged_part_is_named_read_around_and_set_aside(tmp_path):
    sink = open_sink(tmp_path)
    for i, path in enumerate((SEED, SIGNED)):
        writer = sink.writer(f"r{i}")
        writer.add(process_file(path))
        writer.flush()
    _complete(sink)
    first = sorted((tmp_path / "documents").glob("*.parquet"))
    victim = next(p for p in first if b"004_6568" in p.read_bytes())
    victim.write_bytes(victim.read_bytes()[:100])  # truncated
    with pytest.warns(UserWarning, match=f"documents: the data file .*{victim.name}"):
        docs = sink.read_table("documents")
    assert docs.column("source_path").to_pylist() == [str(SIGNED)]
    assert sink.set_aside_damaged() == [f"documents/{victim.name}"]
    assert (tmp_path / "_damaged" / "documents" / victim.name).exists()
    assert [p.name for p in DeltaTable(str(tmp_path / "documents")).file_uris()
            if victim.name in p] == []


def test_run_logs_are_written_whole(tmp_path):
    sink = open_sink(tmp_path)
    path = sink.write_run_log("20261202T000000Z-abc", {"seen": 3, "failures": []})
    assert json.loads(path.read_text("utf-8")) == {"seen": 3, "failures": []}
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_ingest_redoes_the_documents_of_a_damaged_part_of_any_table(tmp_path):
    import shutil

    from pipeline import ingest, read_dataset

    src = tmp_path / "in"
    src.mkdir()
    for f in (SEED, SIGNED):
        shutil.copy(f, src)
    out = tmp_path / "ds"
    ingest([src], out, batch_size=1)
    clean = {t: len(read_dataset(out, t)) for t in ("documents", "fields", "signatures")}
    for table in ("fields", "signatures", "documents"):
        live = [Path(u.removeprefix("file://"))
                for u in DeltaTable(str(out / table)).file_uris()]
        part = next(p for p in live if b"000_42e6" in p.read_bytes())
        part.write_bytes(part.read_bytes()[:64])
        with pytest.warns(UserWarning, match=part.name):
            assert len(read_dataset(out, table)) < clean[table]
        again = ingest([src], out)
        assert again.set_aside == [f"{table}/{part.name}"] and again.processed == 1
        assert {t: len(read_dataset(out, t)) for t in clean} == clean


def test_each_document_row_names_the_pipeline_that_made_it(tmp_path, monkeypatch):
    """The documents row carries the version of the code and rules that made it, the same as
    its files row: a row made before new rules keeps the old version until it is made again."""
    import shutil

    from pipeline import api, ingest, read_dataset

    src = tmp_path / "in"
    src.mkdir()
    for f in (SEED, SIGNED):
        shutil.copy(f, src)
    out = tmp_path / "ds"
    first = ingest([src], out)
    docs, files = read_dataset(out), read_dataset(out, "files")
    assert set(docs.pipeline_version) == set(files.pipeline_version) == {first.pipeline_version}
    monkeypatch.setattr(api, "pipeline_version", lambda: "9.9.9+newrules")
    (src / SEED.name).write_text(SEED.read_text("utf-8") + "\nBản sao.\n", "utf-8")
    ingest([src], out)
    made = dict(zip(read_dataset(out).source_path, read_dataset(out).pipeline_version,
                    strict=True))
    assert made == {str(src / SEED.name): "9.9.9+newrules",
                    str(src / SIGNED.name): first.pipeline_version}


def test_vacuum_compacts_deletes_old_files_keeps_what_readers_read_and_waits_for_runs(tmp_path):
    """With no hours retained, vacuum deletes the files earlier versions alone needed, but
    not those of the versions the last complete run pinned (its compaction came after
    them); while a run holds the lock it does nothing and says who holds it."""
    import shutil

    import filelock

    from pipeline import api, ingest, read_dataset
    from pipeline.cli import main

    src = tmp_path / "in"
    src.mkdir()
    for f in (SEED, SIGNED):
        shutil.copy(f, src)
    out = tmp_path / "ds"
    ingest([src], out, batch_size=1)
    (src / SEED.name).write_text(SEED.read_text("utf-8") + "\nBản sao.\n", "utf-8")
    ingest([src], out)
    before = {t: read_dataset(out, t).drop(columns=["ingested_at"], errors="ignore")
              for t in ("documents", "fields", "files")}
    parts = sorted((out / "documents").glob("*.parquet"))
    held = filelock.FileLock(str(out / ".lock"))
    held.acquire()
    try:
        with pytest.raises(api.DatasetLocked, match="the dataset is locked by"):
            api.vacuum(out, retain_hours=0)
        assert main(["vacuum", str(out), "--retain-hours", "0"]) == 3
    finally:
        held.release()
    assert sorted((out / "documents").glob("*.parquet")) == parts  # untouched
    removed = api.vacuum(out, retain_hours=0)
    assert any(r.endswith(".parquet") for r in removed)
    for table, df in before.items():
        got = read_dataset(out, table).drop(columns=["ingested_at"], errors="ignore")
        assert got.to_dict("records") == df.to_dict("records"), table
    assert main(["vacuum", str(out)]) == 0


def _dataset_with_replaced_files(tmp_path: Path, runs: int = 4) -> Path:
    """A dataset whose letter was edited between runs, so each run replaced its rows and
    left the old data files to vacuum."""
    import shutil

    from pipeline import ingest

    src = tmp_path / "in"
    src.mkdir()
    for f in (SEED, SIGNED):
        shutil.copy(f, src)
    out = tmp_path / "ds"
    for i in range(runs):
        if i:
            (src / SEED.name).write_text(SEED.read_text("utf-8") + f"\nBản sao số {i}.\n",
                                         "utf-8")
        ingest([src], out, batch_size=1)
    return out


def test_vacuum_frees_replaced_files_on_a_disk_with_less_free_space_than_the_live_data(
        tmp_path, monkeypatch):
    """A disk (simulated at the sink's one look at free space) whose room is the live data
    plus the replaced files less a byte: the replaced files are deleted first, which makes
    the room the compaction needs, and the tables read the same."""
    import collections

    from pipeline import read_dataset
    from pipeline.cli import main
    from pipeline.sinks import delta

    out = _dataset_with_replaced_files(tmp_path)
    sink = open_sink(out)
    live = sum(Path(u.removeprefix("file://")).stat().st_size for t in ALL_TABLES
               if sink.exists(t) for u in DeltaTable(str(sink.path(t))).file_uris())

    def parquet() -> int:
        return sum(p.stat().st_size for p in out.rglob("*.parquet"))

    assert parquet() > live  # there are replaced files to delete
    capacity = parquet() + live - 1  # before: free is one byte short of the live data
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(delta.shutil, "disk_usage",
                        lambda _: usage(capacity, parquet(), capacity - parquet()))
    monkeypatch.setenv("VANTHU_MIN_FREE_MB", "0")
    before = {t: read_dataset(out, t).drop(columns=["ingested_at"], errors="ignore")
              for t in ("documents", "fields", "files")}
    assert main(["vacuum", str(out), "--retain-hours", "0"]) == 0
    assert parquet() < capacity - live  # freed more than the compaction took
    for table, df in before.items():
        got = read_dataset(out, table).drop(columns=["ingested_at"], errors="ignore")
        assert got.to_dict("records") == df.to_dict("records"), table


def test_vacuum_stopped_by_storage_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    """Delta Lake's vacuum failing with the OS error only in its words (a full disk) ends
    ``vanthu vacuum`` with exit 2 and one line, not a traceback, and the lock is let go."""
    import filelock
    from deltalake.exceptions import DeltaError

    from pipeline.cli import main

    out = _dataset_with_replaced_files(tmp_path, runs=2)

    def full(*_: object, **__: object) -> list[str]:
        raise DeltaError("Generic LocalFileSystem error: Unable to delete file: "
                      "No space left on device (os error 28)")

    monkeypatch.setattr(DeltaTable, "vacuum", full)
    assert main(["vacuum", str(out), "--retain-hours", "0"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"vanthu vacuum: {out}: the dataset cannot be written: no "
                                "space left on device (ENOSPC); not vacuumed; readers still "
                                "see the last complete run"]
    filelock.FileLock(str(out / ".lock")).acquire(timeout=0)


def test_a_run_log_lost_to_a_full_disk_after_a_complete_run_says_the_run_completed(
        tmp_path, monkeypatch):
    """The run's row committed, then its log cannot be written (ENOSPC): the line says the
    run completed, not that readers still see the run before."""
    import errno
    import shutil

    from pipeline import api, read_dataset
    from pipeline.sinks import delta

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src)
    out = tmp_path / "ds"
    write = delta.DeltaSink.write_run_log
    calls = []

    def full_at_the_end(self, run_id, report):
        calls.append(report["state"])
        if report["state"] == "complete":
            raise OSError(errno.ENOSPC, "No space left on device", str(out / "_runs"))
        return write(self, run_id, report)

    monkeypatch.setattr(delta.DeltaSink, "write_run_log", full_at_the_end)
    with pytest.raises(api.DatasetUnwritable) as caught:
        api.ingest([src], out)
    assert "the run completed and readers see it; only its log" in str(caught.value)
    assert "still see the last complete run" not in str(caught.value)
    assert len(read_dataset(out, "documents")) == 1  # the run is read
    assert calls[0] == "running" and calls[-1] == "complete"  # lost at the last write only
