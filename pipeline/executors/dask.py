"""Documents on a Dask distributed cluster: the same task, the same records, more machines.

    >>> make_executor("dask", scheduler="tcp://10.0.0.5:8786")   # an existing cluster
    >>> make_executor("dask", workers=2)                          # a LocalCluster here

The run's :class:`~pipeline.executors.base.DocumentTask` is scattered to every worker once,
then each path is one Dask task; results are yielded as they finish and written by the one
process that runs ``ingest``, so the dataset never has two writers. Workers need the
``vanthu`` package and Tesseract installed, and must see the input paths (shared storage
mounted at the same place). The memory limit becomes each worker's ``memory_limit`` (the
nanny restarts a worker that passes it; the file then gets a failed record); the wall-time
limit is not enforced on Dask (a task cannot be stopped from outside its worker).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pipeline.executors.base import DocumentTask, Limits, Result
from pipeline.runner import failed_record


def _run_one(path: str, task: DocumentTask) -> Result:
    return task(path)


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
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   memory_limit=memory, dashboard_address=None)
            return Client(cluster), cluster

    def run(self, task: DocumentTask, paths: Sequence[str]) -> Iterator[Result]:
        from distributed import as_completed

        if not paths:
            return
        client, cluster = self._client(self.limits or task.limits)
        try:
            shared = client.scatter(task, broadcast=True)
            futures = client.map(_run_one, list(paths), task=shared, pure=False)
            path_of = {f.key: p for f, p in zip(futures, paths, strict=True)}
            for fut in as_completed(futures):
                try:
                    yield fut.result()
                except Exception as exc:  # KilledWorker: the file took its worker down
                    yield failed_record(path_of[fut.key],
                                        f"the worker was lost while reading this file ({exc!r})")
                fut.release()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
