"""Where records go: a :class:`~pipeline.sinks.base.Sink` per storage kind, in one registry.

    >>> sink = open_sink("out/samples")              # the default kind, "parquet"
    >>> sink.read_table("documents").num_rows

``open_sink(out, "nosuch")`` fails with the list of known kinds.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from pipeline.sinks.base import Key, Sink, SinkWriter
from pipeline.sinks.parquet import ParquetSink

SINKS: dict[str, Callable[[str | os.PathLike[str]], Sink]] = {"parquet": ParquetSink}
DEFAULT_SINK = "parquet"


def open_sink(out: str | os.PathLike[str], kind: str = DEFAULT_SINK) -> Sink:
    """The dataset at ``out``, stored as ``kind``."""
    try:
        make = SINKS[kind]
    except KeyError:
        raise KeyError(f"unknown sink {kind!r}; known: {', '.join(SINKS)}") from None
    return make(out)


__all__ = ["DEFAULT_SINK", "SINKS", "Key", "ParquetSink", "Sink", "SinkWriter", "open_sink"]
