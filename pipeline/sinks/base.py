"""The sink contract: where a run's records go, and how the dataset is read back.

``ingest`` does not know how the dataset is stored. It reads the manifest (``files``: what
each path held when last seen) to decide what to process, hands the writer each record with
the path's new manifest row, commits in batches, and records the run with the version of
every table; ``read_dataset`` asks the sink for a table as the last complete run left it.
Today's sink is Delta Lake (:mod:`pipeline.sinks.delta`).

Rows are keyed by ``source_path``, the resolved path, e.g.
``/srv/archive/2024/cv-sxd-1204.pdf``: one current record per path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from schemas.record import Record


class SinkWriter(Protocol):
    """Takes the records of one run; what ``flush`` returns from is committed."""

    commits: int

    def add(self, record: Record, file_row: Mapping[str, Any] | None = None) -> None:
        """Take one record (and its path's manifest row); held until the next commit."""

    def copy(self, stored_path: str, file_row: Mapping[str, Any]) -> None:
        """A path whose bytes are stored under ``stored_path``: reuse those rows."""

    def mark(self, file_row: Mapping[str, Any]) -> None:
        """Change a path's manifest row only."""

    def pending(self) -> int:
        """Changes held since the last commit."""

    def flush(self) -> None:
        """Commit what is held: the record tables first, the manifest last."""

    def close(self) -> None:
        """Commit what is left."""


class Sink(Protocol):
    """A dataset: the tables of :data:`schemas.arrow.ALL_TABLES`, plus one log per run."""

    kind: str
    root: Path

    def writer(self, run_id: str) -> SinkWriter:
        """A writer for the run ``run_id``."""

    def read_table(self, table: str, as_of: dt.datetime | str | None = None, *,
                   corrected: bool = True) -> pa.Table:
        """One table as the last complete run (finished by ``as_of``) left it, with the
        corrections laid over ``documents`` and ``fields`` unless not ``corrected``."""

    def add_corrections(self, rows: list[Mapping[str, Any]]) -> None:
        """Append an archivist's corrections (rows of ``schemas.arrow.CORRECTIONS``)."""

    def read_corrections(self) -> pa.Table:
        """Every correction ever made."""

    def read_latest(self, table: str, source_paths: set[str] | None = None,
                    columns: list[str] | None = None) -> pa.Table:
        """One table at its newest version (what the next run builds on)."""

    def pinned(self, as_of: dt.datetime | str | None = None) -> dict[str, int] | None:
        """The table versions readers read, or None before the first complete run."""

    def versions_now(self) -> dict[str, int]:
        """Every table's newest version."""

    def write_table(self, table: str, rows: pa.Table) -> None:
        """Replace a dataset-level table (``links``, ``checks``: built from the record
        tables at the end of a run) whole."""

    def drop_records(self, paths: list[str]) -> None:
        """Delete the rows of every record table whose ``source_path`` is one of ``paths``."""

    def record_run(self, row: Mapping[str, Any]) -> None:
        """Store the run's row in ``runs``."""

    def runs(self) -> pa.Table:
        """The ``runs`` table, every row."""

    def sweep(self, since: dt.datetime | None = None) -> list[str]:
        """Delete what a killed run left behind (written ``since``); returns what."""

    def tidy(self) -> None:
        """Compact and checkpoint after a complete run."""

    def compact(self) -> None:
        """Rewrite every table's data files into few (``vanthu vacuum``)."""

    def vacuum(self, days: float = 30) -> list[str]:
        """Delete data files no version of the last ``days`` nor the pinned versions need."""

    def set_aside_damaged(self) -> list[str]:
        """Take unreadable data files out of the tables; returns their names."""

    def write_run_log(self, run_id: str, report: Mapping[str, Any]) -> Path:
        """Store what a run did as a readable log; returns where."""

    def close_dead_run_logs(self) -> list[str]:
        """Mark ``killed`` the logs still saying ``running``; called by the run holding the
        dataset's lock, so no other run is alive. Returns their run ids."""
