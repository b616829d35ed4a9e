"""Where documents run: an :class:`~pipeline.executors.base.Executor` per kind, in one
registry.

    >>> executor = make_executor("local", workers=2)   # 2 supervised processes
    >>> make_executor("serial")                         # this process
    >>> make_executor("dask", scheduler="tcp://scheduler:8786")

``make_executor("nosuch")`` fails with the list of known kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.executors.base import NO_LIMITS, DocumentTask, Executor, Limits, Result
from pipeline.executors.dask import DaskExecutor
from pipeline.executors.local import PoolExecutor, SerialExecutor


def _local(workers: int = 1, limits: Limits | None = None, **_: Any) -> Executor:
    return PoolExecutor(workers, limits)


def _dask(workers: int = 2, limits: Limits | None = None, scheduler: str | None = None,
          **_: Any) -> Executor:
    return DaskExecutor(scheduler=scheduler, workers=workers, limits=limits)


EXECUTORS: dict[str, Callable[..., Executor]] = {
    "local": _local,
    "serial": lambda **_: SerialExecutor(),
    "dask": _dask,
}


def make_executor(kind: str = "local", **settings: Any) -> Executor:
    """An executor of ``kind`` with its ``settings`` (``workers`` and ``limits``; ``scheduler``
    for ``dask``)."""
    try:
        make = EXECUTORS[kind]
    except KeyError:
        raise KeyError(f"unknown executor {kind!r}; known: {', '.join(EXECUTORS)}") from None
    return make(**settings)


__all__ = ["EXECUTORS", "NO_LIMITS", "DaskExecutor", "DocumentTask", "Executor", "Limits",
           "PoolExecutor", "Result", "SerialExecutor", "make_executor"]
