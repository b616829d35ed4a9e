"""Documents processed on this machine: in this process, or in a pool of processes.

A pool sends the run's :class:`~pipeline.executors.base.DocumentTask` to each worker once
(as the pool's initializer) and then batches of paths, so a run over 2,445 files pays the
task's pickling twice, not 2,445 times. A worker that dies (a crash inside a native library
on a damaged file) loses its batch: those files are run again one per process, so only the
file that kills its process gets a failed record.
"""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.sharedctypes
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from pipeline.executors.base import DocumentTask
from pipeline.ocr import progress
from pipeline.runner import failed_record
from schemas.record import Record

PageCounter = multiprocessing.sharedctypes.Synchronized  # an ``mp.Value("i")``


def _count_pages(counter: PageCounter) -> None:
    """Count this process's OCRed pages into ``counter``, which the parent reads."""
    progress.set_listener(progress.counter_listener(counter))


class SerialExecutor:
    """Every document in this process, one after the other: for small runs and debugging."""

    kind = "serial"

    def __init__(self) -> None:
        self._pages = mp.get_context().Value("i", 0)

    def run(self, task: DocumentTask, paths: Sequence[str]) -> Iterator[Record | None]:
        _count_pages(self._pages)
        try:
            for path in paths:
                yield task(path)
        finally:
            progress.set_listener(None)

    def pages_done(self) -> int:
        return int(self._pages.value)


_TASK: DocumentTask | None = None  # the run's task, set once in each worker


def _install(task: DocumentTask, counter: PageCounter) -> None:
    global _TASK
    _TASK = task
    _count_pages(counter)


def _run_batch(paths: list[str]) -> list[Record | None]:
    assert _TASK is not None, "the worker was started without its task"
    return [_TASK(p) for p in paths]


class PoolExecutor:
    """Documents in ``workers`` processes, in batches of up to 32 paths a task."""

    kind = "local"

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pages = mp.get_context().Value("i", 0)

    def pages_done(self) -> int:
        return int(self._pages.value)

    def run(self, task: DocumentTask, paths: Sequence[str]) -> Iterator[Record | None]:
        files = list(paths)
        chunk = max(1, min(32, len(files) // (self.workers * 4) or 1))
        batches = [files[i: i + chunk] for i in range(0, len(files), chunk)]
        init = (task, self._pages)
        with ProcessPoolExecutor(max_workers=self.workers, initializer=_install,
                                 initargs=init) as pool:
            futures = [pool.submit(_run_batch, b) for b in batches]
            for batch, fut in zip(batches, futures, strict=True):
                try:
                    yield from fut.result()
                except BrokenProcessPool:
                    yield from self._isolated(batch, init)
                except Exception as exc:
                    for p in batch:
                        yield failed_record(p, f"internal error: {exc!r}")

    @staticmethod
    def _isolated(paths: list[str], init: tuple[DocumentTask, PageCounter]
                  ) -> Iterator[Record | None]:
        for p in paths:
            try:
                with ProcessPoolExecutor(max_workers=1, initializer=_install,
                                         initargs=init) as pool:
                    yield pool.submit(_run_batch, [p]).result()[0]
            except BrokenProcessPool:
                yield failed_record(
                    p, "the reader crashed on this file (damaged or hostile content)")
