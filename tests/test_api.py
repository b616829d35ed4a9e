"""The dataset contract and the nightly run's bookkeeping: tables, dtypes, the manifest
(unchanged files are not opened; touched, changed, moved and deleted files), history, and
the read paths the README documents (pandas, DuckDB, Polars)."""

from __future__ import annotations

import dataclasses
import os
import shutil

import pandas as pd
import pyarrow as pa
import pytest
from deltalake import DeltaTable

from pipeline import connect, ingest, read_dataset, read_table
from schemas.arrow import DOCUMENTS, RUN_COLUMNS, SIGNATURE_TYPE
from schemas.record import NOT_COLUMNS, Record, Signature
from tests.conftest import SAMPLES

CONTRACT = ["doc_id", "source_path", "source_format", "page_count", "status", "errors",
            "doc_type", "doc_type_code", "number", "symbol", "code", "issuer", "issuer_parent",
            "place", "issue_date", "issue_year", "issue_month", "subject", "recipients",
            "distribution", "signer_name", "signer_title", "signing_authority", "signatures",
            "deadlines", "references", "contacts", "urgency", "secrecy", "schema_version"]
SEED = "004_6568c36e68d1f851.txt"


def test_arrow_schema_and_record_agree():
    record_fields = {f.name for f in dataclasses.fields(Record)} - set(NOT_COLUMNS)
    assert set(DOCUMENTS.names) == record_fields | set(RUN_COLUMNS)
    assert [f.name for f in SIGNATURE_TYPE] == [f.name for f in dataclasses.fields(Signature)]
    assert set(CONTRACT) <= set(DOCUMENTS.names)


def _texts(tmp_path):
    """The text samples in a folder of their own (fast to ingest)."""
    src = tmp_path / "in"
    for sub in ("seeds", "generated"):
        (src / sub).mkdir(parents=True)
        for f in (SAMPLES / sub).glob("*.txt"):
            shutil.copyfile(f, src / sub / f.name)
    return src


def test_ingest_then_read_back(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    out = tmp_path / "ds"
    first = ingest([src], out, workers=2)
    n = first.seen
    assert n >= 17 and first.processed == n == first.new
    # the golden records beside the samples are not documents: listed as skipped
    assert first.skipped == len(list(src.rglob("*.expected.json")))
    df = read_dataset(out)
    assert len(df) == n and df["doc_id"].is_unique and df["source_path"].is_unique
    assert set(CONTRACT) <= set(df.columns)
    assert str(df["issue_date"].dtype).startswith("datetime64")
    assert str(df["issue_year"].dtype) == "Int64"
    row = df[df.source_path.str.endswith(SEED)].iloc[0]
    assert row.source_path == str((src / "seeds" / SEED).resolve())
    assert row.issue_date == pd.Timestamp("2022-09-13") and isinstance(row.recipients, list)
    assert row.references[0]["code"] == "505/QĐ-TTg"

    fields = read_dataset(out, "fields")
    code = fields[(fields.doc_id == row.doc_id) & (fields.field == "code")].iloc[0]
    assert code.text == "Số: 4644/BTTTT-CĐSQG" and code.extractor == "number"
    sigs = read_dataset(out, "signatures")
    seed0 = sigs[sigs.source_path.str.endswith("000_42e6ccbbfb6392cd.txt")]
    assert len(seed0) == 5 and str(seed0.signed_at.iloc[0]) == "2021-05-06 06:40:32+00:00"
    runs = read_dataset(out, "runs")
    assert runs.state.tolist() == ["complete"] and runs.seen.iloc[0] == n


def test_the_same_folder_named_another_way_is_the_same_files(tmp_path, monkeypatch):
    src = _texts(tmp_path)
    out = tmp_path / "ds"
    ingest([src], out)
    monkeypatch.chdir(tmp_path)
    again = ingest(["in", str(src / ".." / "in"), str(src / "seeds")], out)
    assert again.processed == 0 and again.seen == again.unchanged == len(list(src.rglob("*.*")))
    assert read_dataset(out)["source_path"].is_unique


def test_an_unchanged_folder_is_not_opened_and_each_change_is_one_row(tmp_path, monkeypatch):
    src = _texts(tmp_path)
    out = tmp_path / "ds"
    first = ingest([src], out, executor="serial")
    n = first.seen
    opened: list[str] = []
    real_open = os.open

    def counting_open(path, *args, **kwargs):
        if str(path).startswith(str(src)):
            opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    again = ingest([src], out, executor="serial")
    assert opened == [] and (again.unchanged, again.processed) == (n, 0)

    seed = src / "seeds" / SEED
    os.utime(seed, (1e9, 1e9))  # touched: opened and hashed, not processed
    touched = ingest([src], out, executor="serial")
    assert opened == [str(seed)] and (touched.processed, touched.unchanged) == (0, n)

    before = read_dataset(out)
    old_id = before.loc[before.source_path == str(seed), "doc_id"].iloc[0]
    seed.write_text(seed.read_text("utf-8").replace("13 tháng 9", "14 tháng 9"), "utf-8")
    changed = ingest([src], out, executor="serial")
    assert (changed.changed, changed.processed) == (1, 1)
    after = read_dataset(out)
    rows = after[after.source_path == str(seed)]
    assert len(rows) == 1 and rows.doc_id.iloc[0] != old_id
    assert rows.issue_date.iloc[0] == pd.Timestamp("2022-09-14")
    fields = read_dataset(out, "fields")
    assert set(fields[fields.source_path == str(seed)].doc_id) == {rows.doc_id.iloc[0]}
    # the old record stays in the history
    assert old_id in set(read_dataset(out, as_of=before_run(out, changed.run_id)).doc_id)

    moved_to = src / "elsewhere" / "renamed.txt"
    moved_to.parent.mkdir()
    shutil.move(src / "generated" / "cv-sxd-1204.txt", moved_to)
    moved = ingest([src], out, executor="serial")
    assert (moved.moved, moved.deleted, moved.processed) == (1, 1, 0)
    now = read_dataset(out)
    assert len(now) == n and str(moved_to) in set(now.source_path)
    assert now.loc[now.source_path == str(moved_to), "code"].iloc[0] == "1204/SXD-QLN"
    fields = read_dataset(out, "fields")
    assert (fields.source_path == str(moved_to)).sum() > 3

    (src / "seeds" / "000_42e6ccbbfb6392cd.txt").unlink()
    deleted = ingest([src], out, executor="serial")
    assert deleted.deleted == 1 and len(read_dataset(out)) == n - 1
    everything = read_dataset(out, include_deleted=True)
    assert len(everything) == n + 1  # the moved file's old path and the deleted one
    sigs = read_dataset(out, "signatures")
    assert not sigs.source_path.str.endswith("000_42e6ccbbfb6392cd.txt").any()
    files = read_dataset(out, "files")
    gone = files[files.path.str.endswith("000_42e6ccbbfb6392cd.txt")]
    assert gone.deleted_at.notna().all()


def before_run(out, run_id):
    """The finishing time of the complete run before ``run_id``."""
    runs = read_dataset(out, "runs")
    started = runs.loc[runs.run_id == run_id, "started_at"].iloc[0]
    return runs[runs.finished_at < started].finished_at.max().to_pydatetime()


def test_counts_add_up_and_failed_files_are_retried_up_to_the_cap(tmp_path):
    src = _texts(tmp_path)
    (src / "empty.pdf").write_bytes(b"")
    (src / "danh-sach.csv").write_text("a,b\n", "utf-8")
    out = tmp_path / "ds"
    runs = [ingest([src], out) for _ in range(4)]
    for r in runs:
        assert r.seen == r.new + r.changed + r.moved + r.unchanged + r.retried
    assert [r.failed for r in runs] == [1, 1, 1, 0]
    assert [r.still_failed for r in runs] == [0, 0, 0, 1]
    assert all(r.skipped == 1 and r.skipped_files[0]["reason"].startswith("not a document")
               for r in runs)
    files = read_dataset(out, "files").set_index("path")
    assert files.loc[str(src / "empty.pdf"), "attempts"] == 3
    shutil.copyfile(SAMPLES / "generated" / "cv-sxd-1204.pdf", src / "empty.pdf")
    fixed = ingest([src], out)
    assert (fixed.changed, fixed.failed) == (1, 0)
    df = read_dataset(out)
    assert df.source_path.is_unique and df.loc[df.source_path == str(src / "empty.pdf"),
                                                "status"].iloc[0] != "failed"


def test_outdated_records_are_redone_only_when_asked(tmp_path, monkeypatch):
    import pipeline.api as api

    src = _texts(tmp_path)
    out = tmp_path / "ds"
    n = ingest([src], out).seen
    monkeypatch.setattr(api, "pipeline_version", lambda: "9.9.9+newrules")
    assert ingest([src], out).processed == 0
    redo = ingest([src], out, reprocess="outdated")
    assert (redo.retried, redo.processed) == (n, n)
    assert set(read_dataset(out, "files").pipeline_version) == {"9.9.9+newrules"}
    assert ingest([src], out, reprocess="outdated").processed == 0
    assert ingest([src], out, reprocess="all").processed == n


def test_readers_see_the_last_complete_run_only(tmp_path):
    src = _texts(tmp_path)
    out = tmp_path / "ds"
    first = ingest([src], out)
    (src / "new.txt").write_text("Số: 9/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    ingest([src], out)
    assert len(read_dataset(out)) == first.seen + 1
    assert len(read_dataset(out, as_of=first.run_id)) == first.seen
    assert len(read_dataset(out, as_of=first.finished_at)) == first.seen
    # a batch committed by a run that did not finish is not read
    from pipeline.runner import process_file
    from pipeline.sinks import open_sink

    writer = open_sink(out).writer("unfinished")
    rec = process_file(src / "new.txt")
    rec.source_path = "/nowhere/half-a-run.txt"
    writer.add(rec)
    writer.close()
    assert "/nowhere/half-a-run.txt" not in set(read_dataset(out).source_path)


def test_duckdb_polars_and_pandas_read_the_tables_as_the_readme_says(tmp_path):
    src = _texts(tmp_path)
    out = tmp_path / "ds"
    n = ingest([src], out).seen
    con = connect(out)
    assert con.sql("SELECT count(*) FROM documents").fetchall()[0][0] == n
    assert con.sql("SELECT count(*) FROM fields WHERE field = 'code'").fetchall()[0][0] > 0
    # what the README shows for tools of one's own: the Delta table through deltalake
    import duckdb

    docs = DeltaTable(str(out / "documents")).to_pyarrow_dataset()
    assert duckdb.from_arrow(docs).aggregate("count(*)").fetchall()[0][0] == n
    assert len(DeltaTable(str(out / "documents")).to_pandas()) == n
    assert isinstance(read_table(out), pa.Table)
    pl = pytest.importorskip("polars", reason="Polars is not installed")
    assert pl.read_delta(str(out / "documents")).height == n


def test_an_emptied_or_unmounted_folder_deletes_nothing(tmp_path, capsys):
    from pipeline.cli import main

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"cv-{i}.txt").write_text(f"Số: {i}/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    out = tmp_path / "ds"
    assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 0
    for f in src.iterdir():
        f.unlink()
    assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 2
    assert "holds no files" in capsys.readouterr().err
    assert len(read_dataset(out)) == 3
    assert read_dataset(out, "files").deleted_at.isna().all()
    # two roots, one of them emptied: its records stay and the run says which folder
    (tmp_path / "b").mkdir()
    other = _texts(tmp_path / "b")
    for i in range(3):
        (src / f"cv-{i}.txt").write_text(f"Số: {i}/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    n = ingest([src, other], out).seen
    for f in src.iterdir():
        f.unlink()
    assert main(["ingest", str(src), str(other), "--out", str(out), "--quiet"]) == 2
    assert f"{src}: the folder holds no files" in capsys.readouterr().err
    assert len(read_dataset(out)) == n
    # a folder left with only files that are no documents yields no input: kept too
    (src / "notes.csv").write_text("a,b\n", "utf-8")
    report = ingest([src, other], out)
    assert report.deleted == 0 and len(read_dataset(out)) == n


def test_links_and_checks_catch_up_after_a_stopped_run(tmp_path, monkeypatch):
    import pipeline.api as api

    src = tmp_path / "in"
    src.mkdir()
    (src / "cv-0.txt").write_text("Số: 0/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    out = tmp_path / "ds"
    ingest([src], out)
    for i in (1, 2):
        (src / f"cv-{i}.txt").write_text(f"Số: {i}/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    derive = api.derive

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt  # SIGTERM after the documents were committed

    monkeypatch.setattr(api, "derive", stopped)
    with pytest.raises(KeyboardInterrupt):
        ingest([src], out)
    monkeypatch.setattr(api, "derive", derive)
    assert ingest([src], out).processed == 0
    assert read_dataset(out, "checks").doc_id.nunique() == 3
    assert len(read_dataset(out)) == 3
    version = DeltaTable(str(out / "checks")).version()
    ingest([src], out)  # nothing changed since: not derived again
    assert DeltaTable(str(out / "checks")).version() == version


def test_a_copy_of_a_file_edited_in_the_same_run_gets_its_record(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    letter = "Số: 7/UBND-VP\nKính gửi: Sở Nội vụ\n"
    (src / "a.txt").write_text(letter, "utf-8")
    (src / "b.txt").write_text(letter, "utf-8")
    out = tmp_path / "ds"
    ingest([src], out, executor="serial")
    old_id = read_dataset(out).doc_id.iloc[0]

    def consistent():
        files = read_dataset(out, "files")
        docs = read_dataset(out)
        current = set(files[files.deleted_at.isna()].path)
        assert current <= set(docs.source_path)
        for path, doc_id in zip(files.path, files.doc_id, strict=True):
            if path in current:
                assert docs.loc[docs.source_path == path, "doc_id"].iloc[0] == doc_id
        return docs.set_index("source_path").doc_id

    # cp a.txt c.txt, then a.txt edited: b.txt still holds the bytes, c.txt is copied from it
    shutil.copyfile(src / "a.txt", src / "c.txt")
    (src / "a.txt").write_text(letter + "Nơi nhận: Sở Tài chính\n", "utf-8")
    ingest([src], out, executor="serial", batch_size=1)
    ids = consistent()
    assert ids[str(src / "c.txt")] == ids[str(src / "b.txt")] == old_id != ids[str(src / "a.txt")]
    # the only other copy is the edited file: a run may leave the copy for the next one,
    # never with a manifest row and no record
    (src / "b.txt").unlink()
    (src / "c.txt").unlink()
    ingest([src], out, executor="serial")
    shutil.copyfile(src / "a.txt", src / "d.txt")
    (src / "a.txt").write_text(letter + "Nơi nhận: Sở Xây dựng\n", "utf-8")
    ingest([src], out, executor="serial", batch_size=1)
    consistent()
    ingest([src], out, executor="serial")
    assert str(src / "d.txt") in consistent()


def test_records_a_killed_run_left_without_a_files_row_are_dropped(tmp_path):
    from pipeline.runner import process_file
    from pipeline.sinks import open_sink

    src = tmp_path / "in"
    src.mkdir()
    (src / "cv-0.txt").write_text("Số: 0/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    out = tmp_path / "ds"
    ingest([src], out)
    # killed after the record tables' commit and before the files one; then renamed
    (src / "cv-1.txt").write_text("Số: 1/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    writer = open_sink(out).writer("killed")
    writer.add(process_file(src / "cv-1.txt"))
    writer.close()
    (src / "cv-1.txt").rename(src / "cv-2.txt")
    report = ingest([src], out)
    assert sorted(read_dataset(out).source_path) == [str(src / "cv-0.txt"),
                                                     str(src / "cv-2.txt")]
    assert any("cv-1.txt" in s for s in report.swept)
    sink = open_sink(out)
    for table in ("documents", "fields", "pages"):
        assert str(src / "cv-1.txt") not in set(
            sink.read_latest(table).column("source_path").to_pylist()), table


def test_a_failure_while_finishing_a_run_still_releases_the_lock_and_logs(tmp_path,
                                                                          monkeypatch):
    import json

    import filelock

    from pipeline.sinks.delta import DeltaSink

    src = tmp_path / "in"
    src.mkdir()
    (src / "cv-0.txt").write_text("Số: 0/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    out = tmp_path / "ds"

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(DeltaSink, "tidy", broken)
    report = ingest([src], out)
    log = json.loads((out / "_runs" / f"{report.run_id}.json").read_text("utf-8"))
    assert log["state"] == "complete" and "disk full" in log["warnings"][0]
    assert len(read_dataset(out)) == 1
    (src / "cv-1.txt").write_text("Số: 1/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    import pipeline.api as api

    finish = api._finish

    def finish_broken(report, dataset):  # the versions cannot be read once the work is done
        monkeypatch.setattr(DeltaSink, "versions_now", broken)
        return finish(report, dataset)

    monkeypatch.setattr(api, "_finish", finish_broken)
    with pytest.raises(OSError, match="disk full") as stopped:
        ingest([src], out)
    lock = filelock.FileLock(str(out / ".lock"))
    lock.acquire(timeout=0)  # released though the run's frames are still alive
    lock.release()
    logs = [json.loads(p.read_text("utf-8")) for p in (out / "_runs").glob("*.json")]
    last = max(logs, key=lambda r: r["started_at"])
    assert last["state"] == "crashed" and "disk full" in last["warnings"][-1]
    assert stopped.value is not None and len(read_dataset(out)) == 1


def test_max_pages_counts_the_frames_of_a_multi_page_tiff(tmp_path):
    from PIL import Image

    from pipeline.runner import page_count, process_bytes

    path = tmp_path / "scan.tif"
    frames = [Image.new("L", (64, 64), 255) for _ in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    data = path.read_bytes()
    assert page_count(data) == 3
    rec = process_bytes(str(path), data, max_pages=2)
    assert rec.status.value == "failed" and "3 pages" in rec.errors[0]
    assert "--max-pages" in rec.errors[0]
