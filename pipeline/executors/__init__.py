"""Where documents run: an :class:`~pipeline.executors.base.Executor` per kind, in one
registry.

    >>> executor = make_executor("local", workers=2)   # a pool of 2 processes
    >>> make_executor("serial")                         # this process

``make_executor("nosuch")`` fails with the list of known kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.executors.base import DocumentTask, Executor
from pipeline.executors.local import PoolExecutor, SerialExecutor


def _local(workers: int = 1, **_: Any) -> Executor:
    return PoolExecutor(workers) if workers > 1 else SerialExecutor()


EXECUTORS: dict[str, Callable[..., Executor]] = {
    "local": _local,
    "serial": lambda **_: SerialExecutor(),
}


def make_executor(kind: str = "local", **settings: Any) -> Executor:
    """An executor of ``kind`` with its ``settings`` (``workers`` for ``local``)."""
    try:
        make = EXECUTORS[kind]
    except KeyError:
        raise KeyError(f"unknown executor {kind!r}; known: {', '.join(EXECUTORS)}") from None
    return make(**settings)


__all__ = ["EXECUTORS", "DocumentTask", "Executor", "PoolExecutor", "SerialExecutor",
           "make_executor"]
