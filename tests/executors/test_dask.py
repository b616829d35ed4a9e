"""The Dask executor on a 2-worker LocalCluster: the same records as this process, a
dataset written by ``ingest --executor dask`` equal to one written locally, and the
per-document limits held inside each worker."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from pipeline import ingest, read_dataset
from pipeline.executors import DaskExecutor, DocumentTask, Limits, SerialExecutor
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


class _Hanging(DocumentTask):
    """A task that never returns on files called ``name`` (a reader stuck in a loop)."""

    def __init__(self, name: str, seconds: float) -> None:
        super().__init__(limits=Limits(seconds=seconds, memory_mb=None, pages=None))
        object.__setattr__(self, "name", name)

    def __call__(self, path: str):
        if os.path.basename(path) == self.name:
            while True:
                time.sleep(1)
        return super().__call__(path)


def test_a_document_that_hangs_on_dask_fails_at_the_time_limit_and_the_run_completes():
    """Without the limit the hung file would hold its worker, and the run, for ever: the run
    ending at all, with the time limit named, shows the child was stopped."""
    victim = FILES[1]
    start = time.monotonic()
    results = list(DaskExecutor(workers=2).run(_Hanging(os.path.basename(victim), 10), FILES))
    assert time.monotonic() - start < 120
    assert sorted(r.source_path for r in results) == FILES
    failed = [r for r in results if r.status.value == "failed"]
    assert [r.source_path for r in failed] == [victim]
    assert "longer than the limit of 10 s per document (--max-seconds)" in failed[0].errors[0]


def _children() -> int:
    """Document processes under this Dask worker: the children of its fork server."""
    import psutil

    servers = [p for p in psutil.Process().children()
               if "forkserver" in " ".join(p.cmdline())]
    return sum(len(p.children()) for p in servers)


def test_the_time_limit_holds_on_a_cluster_the_run_did_not_start():
    """A cluster started elsewhere (``--scheduler ADDRESS``) with Dask's defaults, daemonic
    workers included: the hung file still fails at the limit, and when the run is over the
    workers keep no document process of it."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        victim = FILES[0]
        task = _Hanging(os.path.basename(victim), 10)
        results = list(DaskExecutor(scheduler=cluster.scheduler_address).run(task, FILES))
        failed = [r for r in results if r.status.value == "failed"]
        assert [r.source_path for r in failed] == [victim]
        assert "longer than the limit of 10 s" in failed[0].errors[0]
        assert len(results) == len(FILES)
        assert set(client.run(_children).values()) == {0}


def test_a_workers_child_is_never_reused_by_another_run():
    """A worker's supervised child kept from a run whose ending failed is not reused by the
    next run, even when the next run's task sits at the same address (``id`` reused): the
    new run's task is the one applied (here its ``reuse`` makes the letter a Seen)."""
    from pipeline.executors import dask as dask_executor
    from pipeline.runner import Seen

    letter = FILES[0]
    limits = Limits(seconds=120)
    task = DocumentTask(limits=limits)
    try:
        first = dask_executor._run_many([letter], task, limits, run="a")[0]
        assert not isinstance(first, Seen)
        # the next run's task at the old one's address: it knows the letter's bytes
        object.__setattr__(task, "reuse", frozenset({first.doc_id}))
        second = dask_executor._run_many([letter], task, limits, run="b")[0]
        assert isinstance(second, Seen) and second.doc_id == first.doc_id
    finally:
        dask_executor._close_supervised()
    assert dask_executor._SUPERVISED == {}
