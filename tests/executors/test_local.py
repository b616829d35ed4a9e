"""Local executors: the same records in this process and in a pool, in input order; a worker
that dies costs only the file that killed it."""

from __future__ import annotations

import os

import pytest

from pipeline.executors import EXECUTORS, DocumentTask, PoolExecutor, SerialExecutor, make_executor
from pipeline.runner import doc_id_of
from tests.conftest import SAMPLES

FILES = sorted(str(p) for p in (SAMPLES / "generated").glob("*.txt")) + sorted(
    str(p) for p in (SAMPLES / "seeds").glob("*.txt"))


def _comparable(rec):
    d = rec.to_dict()
    d.pop("ingested_at")
    return d


def test_unknown_executor_names_the_known_ones():
    with pytest.raises(KeyError, match="unknown executor 'dask'; known: local, serial"):
        make_executor("dask")
    assert set(EXECUTORS) == {"local", "serial"}
    assert isinstance(make_executor("local", workers=1), SerialExecutor)
    assert isinstance(make_executor("local", workers=2), PoolExecutor)


def test_serial_and_pool_give_the_same_records_in_input_order():
    task = DocumentTask()
    serial = list(SerialExecutor().run(task, FILES))
    pooled = list(PoolExecutor(2).run(task, FILES))
    assert [r.source_path for r in pooled] == FILES
    assert [_comparable(r) for r in pooled] == [_comparable(r) for r in serial]


def test_known_files_are_skipped_unless_they_failed_and_retry_is_asked(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = FILES[0]
    with open(good, "rb") as fh:
        known = {(doc_id_of(fh.read()), good): "ok", (doc_id_of(b""), str(empty)): "failed"}
    results = list(SerialExecutor().run(DocumentTask(known=known), [good, str(empty)]))
    assert results == [None, None]
    retried = list(SerialExecutor().run(DocumentTask(known=known, retry_failed=True),
                                        [good, str(empty)]))
    assert retried[0] is None and retried[1] is not None and retried[1].status.value == "failed"


def _dies_on(name: str):
    """A task that kills its worker process on files called ``name``."""
    return _Dying(name)


class _Dying(DocumentTask):
    def __init__(self, name: str) -> None:
        super().__init__()
        object.__setattr__(self, "name", name)

    def __call__(self, path: str):
        if os.path.basename(path) == self.name:
            os._exit(3)
        return super().__call__(path)


def test_a_worker_that_dies_costs_only_its_file():
    victim = os.path.basename(FILES[3])
    results = list(PoolExecutor(2).run(_dies_on(victim), FILES))
    assert [r.source_path for r in results] == FILES
    failed = [r for r in results if r.status.value == "failed"]
    assert [r.source_path for r in failed] == [FILES[3]]
    assert "crashed" in failed[0].errors[0]
