"""Documents on a Dask distributed cluster: the same task, the same records, more machines.

    >>> make_executor("dask", scheduler="tcp://10.0.0.5:8786")   # an existing cluster
    >>> make_executor("dask", workers=2)                          # a LocalCluster here

The run's :class:`~pipeline.executors.base.DocumentTask` is scattered to every worker once,
then each chunk of 8 paths is one Dask task (a chunk whose worker is lost is sent again one
path a task, so only the file that took the worker down fails); results are yielded as they
finish and written by the one process that runs ``ingest``, so the dataset never has two
writers. Workers need the
``vanthu`` package and Tesseract installed, and must see the input paths (shared storage
mounted at the same place).

The limits hold on any cluster, remote ones included: a Dask worker runs each document in a
supervised child process of its own (:class:`~pipeline.executors.local.Supervised`, the
local pool's watch), kept between tasks, so a document past ``--max-seconds`` or
``--max-memory`` is ended with its OCR processes and gets a failed record while the worker
goes on; the children are ended when the run is. On a ``LocalCluster`` the memory limit is
besides each worker's ``memory_limit`` (the nanny restarts a worker that passes it), and a
task whose worker dies is not tried on another worker; on a remote cluster those two are the
cluster's own settings (``distributed.scheduler.allowed-failures``: a file that kills its
worker is tried that many times more before its failed record).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from pipeline.executors.base import DocumentTask, Limits, Result
from pipeline.executors.local import Supervised
from pipeline.runner import failed_record

CHUNK = 8  # paths per Dask task: a task costs the scheduler about a millisecond


# each worker thread's supervised child, kept between the tasks of one run: (run, child)
_SUPERVISED: dict[int, tuple[str, Supervised]] = {}


def _run_many(paths: list[str], task: DocumentTask, limits: Limits | None = None,
              run: str = "") -> list[Result]:
    """``paths`` run by this worker's supervised child (one per run: the run's task and
    limits); without limits (none set) in the worker's own thread. ``run`` names the run:
    a child kept from another run (its ending failed) is never reused, even when this
    run's task happens to sit at the address the old one had (``id`` is reused)."""
    limits = limits or task.limits
    if limits.seconds is None and limits.memory_mb is None:
        return [task(p) for p in paths]
    key, thread = f"{run or id(task)}:{limits}", threading.get_ident()
    held = _SUPERVISED.get(thread)
    if held is None or held[0] != key:
        if held is not None:
            held[1].close()  # an earlier run's child
        held = _SUPERVISED[thread] = (key, Supervised(task, limits))
    return [held[1](p) for p in paths]


def _close_supervised() -> None:
    """End this worker's supervised children (the run is over: on a cluster that outlives
    the run they would otherwise hold their memory until the next one)."""
    for thread, (_, supervised) in list(_SUPERVISED.items()):  # worker threads add to it
        supervised.close()
        _SUPERVISED.pop(thread, None)


class DaskExecutor:
    """Documents as Dask tasks on the cluster at ``scheduler``, or on a ``LocalCluster`` of
    ``workers`` single-threaded processes when no address is given."""

    kind = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 2,
                 limits: Limits | None = None) -> None:
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.limits = limits

    def pages_done(self) -> int:
        return 0  # pages are counted inside the workers' processes only

    def _client(self, limits: Limits) -> tuple[Any, Any]:
        import dask
        from distributed import Client, LocalCluster

        if self.scheduler:
            return Client(self.scheduler), None
        memory = f"{limits.memory_mb}MiB" if limits.memory_mb else "auto"
        # one task at a time per worker thread, and a task whose worker dies fails at once
        # (its files are then sent again alone): only the file that took the worker down fails
        with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                              "distributed.scheduler.worker-saturation": 1.0,
                              "distributed.worker.daemon": False}):
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   memory_limit=memory, dashboard_address=":0")
            return Client(cluster), cluster

    @staticmethod
    def _alone(client: Any, task: DocumentTask, path: str, limits: Limits, run: str,
               tries: int = 2) -> Result:
        """``path`` as a task of its own; a second try tells a file that kills its worker
        from one that was only beside it when another did. The task is scattered again: the
        workers that held it may be the ones that died."""
        error = ""
        for _ in range(tries):
            try:
                shared = client.scatter(task, broadcast=True)
                result: list[Result] = client.submit(_run_many, [path], task=shared,
                                                     limits=limits, run=run,
                                                     pure=False).result()
                return result[0]
            except Exception as exc:
                error = type(exc).__name__
        return failed_record(path, f"the worker was lost while reading this file ({error})")

    def run(self, task: DocumentTask, paths: Sequence[str]) -> Iterator[Result]:
        from distributed import as_completed

        if not paths:
            return
        limits = self.limits or task.limits
        run = uuid.uuid4().hex  # keys the workers' supervised children to this run
        client, cluster = self._client(limits)
        try:
            shared = client.scatter(task, broadcast=True)
            files = list(paths)
            chunks = [files[i: i + CHUNK] for i in range(0, len(files), CHUNK)]
            futures = client.map(_run_many, chunks, task=shared, limits=limits, run=run,
                                 pure=False)
            chunk_of = {f.key: c for f, c in zip(futures, chunks, strict=True)}
            for fut in as_completed(futures):
                chunk = chunk_of[fut.key]
                try:
                    yield from fut.result()
                except Exception:  # KilledWorker, or the task's data went with a worker
                    for path in chunk:  # again one file at a time, so only that file fails
                        yield self._alone(client, task, path, limits, run)
                fut.release()
        finally:
            if cluster is None:
                try:
                    client.run(_close_supervised)
                except Exception:  # noqa: BLE001 (a worker gone: its children went with it)
                    pass
            client.close()
            if cluster is not None:
                cluster.close()
