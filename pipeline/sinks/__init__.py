"""Where records go: a :class:`~pipeline.sinks.base.Sink` per storage kind, in one registry.

    >>> sink = open_sink("out/samples")              # the default kind, "delta"
    >>> sink.read_table("documents").num_rows

``open_sink(out, "nosuch")`` fails with the list of known kinds.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from pipeline.sinks.base import Sink, SinkWriter
from pipeline.sinks.delta import DeltaSink, DeltaWriter

SINKS: dict[str, Callable[[str | os.PathLike[str]], Sink]] = {"delta": DeltaSink}
DEFAULT_SINK = "delta"


def open_sink(out: str | os.PathLike[str], kind: str = DEFAULT_SINK) -> Sink:
    """The dataset at ``out``, stored as ``kind``."""
    try:
        make = SINKS[kind]
    except KeyError:
        raise KeyError(f"unknown sink {kind!r}; known: {', '.join(SINKS)}") from None
    return make(out)


__all__ = ["DEFAULT_SINK", "SINKS", "DeltaSink", "DeltaWriter", "Sink", "SinkWriter",
           "open_sink"]
