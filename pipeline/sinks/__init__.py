"""Where records go: a :class:`~pipeline.sinks.base.Sink` per storage kind, in one registry.

    >>> sink = open_sink("out/samples")              # the default kind, "delta"
    >>> sink.read_table("documents").num_rows

``open_sink(out, "nosuch")`` fails with the list of known kinds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.sinks.base import Sink, SinkWriter
from pipeline.sinks.delta import DeltaSink, DeltaWriter
from schemas.arrow import RECORD_TABLES

SINKS: dict[str, Callable[[str | os.PathLike[str]], Sink]] = {"delta": DeltaSink}
DEFAULT_SINK = "delta"


def open_sink(out: str | os.PathLike[str], kind: str = DEFAULT_SINK) -> Sink:
    """The dataset at ``out``, stored as ``kind``."""
    try:
        make = SINKS[kind]
    except KeyError:
        raise KeyError(f"unknown sink {kind!r}; known: {', '.join(SINKS)}") from None
    return make(out)


def read_live(dataset: Sink, table: str, as_of: Any = None,
              include_deleted: bool = False) -> pa.Table:
    """``table`` as the last complete run (by ``as_of``) left it, without the rows of files
    since deleted unless ``include_deleted``: what every reader of the dataset sees."""
    tbl = dataset.read_table(table, as_of)
    if table in RECORD_TABLES and not include_deleted and tbl.num_rows:
        files = dataset.read_table("files", as_of)
        gone = files.filter(pc.is_valid(files.column("deleted_at"))).column("path")
        if len(gone):
            tbl = tbl.filter(pc.invert(pc.is_in(tbl.column("source_path"), value_set=gone)))
    return tbl


__all__ = ["DEFAULT_SINK", "SINKS", "DeltaSink", "DeltaWriter", "Sink", "SinkWriter",
           "open_sink", "read_live"]
