"""The Dask executor on a 2-worker LocalCluster: the same records as this process, and a
dataset written by ``ingest --executor dask`` equal to one written locally."""

from __future__ import annotations

import shutil

import pytest

from pipeline import ingest, read_dataset
from pipeline.executors import DaskExecutor, DocumentTask, SerialExecutor
from tests.conftest import SAMPLES

pytest.importorskip("distributed", reason="Dask distributed is not installed")

FILES = sorted(str(p) for p in (SAMPLES / "seeds").glob("*.txt"))


def _comparable(rec):
    d = rec.to_dict()
    d.pop("ingested_at")
    return d


def test_dask_gives_the_records_of_a_local_run():
    task = DocumentTask()
    local = {r.source_path: _comparable(r) for r in SerialExecutor().run(task, FILES)}
    remote = {r.source_path: _comparable(r) for r in DaskExecutor(workers=2).run(task, FILES)}
    assert remote == local


def test_ingest_on_dask_writes_the_same_dataset(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for f in FILES:
        shutil.copy(f, src)
    local = ingest([src], tmp_path / "local", workers=2)
    dask = ingest([src], tmp_path / "dask", executor="dask", workers=2)
    assert (dask.processed, dask.by_status) == (local.processed, local.by_status)
    a = read_dataset(tmp_path / "local").drop(columns=["ingested_at"])
    b = read_dataset(tmp_path / "dask").drop(columns=["ingested_at"])
    assert a.to_dict("records") == b.to_dict("records")
    again = ingest([src], tmp_path / "dask", executor="dask", workers=2)
    assert again.processed == 0 and again.unchanged == local.seen


def test_a_file_that_kills_its_dask_worker_fails_alone():
    from tests.executors.test_local import _Dying

    victim = FILES[2]
    results = list(DaskExecutor(workers=2).run(_Dying(victim.rsplit("/", 1)[-1]), FILES))
    assert sorted(r.source_path for r in results) == FILES
    failed = [r.source_path for r in results if r.status.value == "failed"]
    assert failed == [victim]
