"""The sink contract: where a run's records go, and how the dataset is read back.

``ingest`` does not know how the dataset is stored. It asks the sink which documents it
already holds (so the nightly run only processes what is new), hands it each record as it
comes, and closes the writer at the end; ``read_dataset`` asks it for a table. Today's sink
is a folder of Parquet parts (:mod:`pipeline.sinks.parquet`); a table format with a
transaction log fits behind the same two protocols.

A key is ``(doc_id, source_path)``: the sha256 of the file's bytes and the path it was read
from, e.g. ``("9f2c…", "samples/seeds/004_6568c36e68d1f851.txt")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from schemas.record import Record

Key = tuple[str, str]


class SinkWriter(Protocol):
    """Takes the records of one run; what ``close`` returns from is committed."""

    def add(self, record: Record) -> None:
        """Take one record; it may be held until the next commit."""

    def flush(self) -> None:
        """Commit what is held, all tables of a batch together."""

    def close(self) -> None:
        """Commit what is left and free the writer's resources."""


class Sink(Protocol):
    """A dataset: the tables of :data:`schemas.arrow.TABLES`, plus one log per run."""

    kind: str
    root: Path

    def known_keys(self) -> dict[Key, str]:
        """Every key already stored, with its record's status (``ok``, ``partial``,
        ``failed``)."""

    def writer(self, run_id: str) -> SinkWriter:
        """A writer for the run ``run_id``."""

    def read_table(self, table: str) -> pa.Table:
        """One table, every stored row, with the table's schema."""

    def write_run_log(self, run_id: str, report: Mapping[str, Any]) -> Path:
        """Store what a run did; returns where."""
