"""The Delta Lake sink: the dataset's tables with a transaction log, written by batches.

Layout of a dataset directory (each table a Delta table: Parquet files plus ``_delta_log``,
readable by ``deltalake``, DuckDB, Polars, Spark and Dask)::

    DATASET/documents/   one row per current input file (the data contract)
    DATASET/fields/      one row per extracted field, with provenance
    DATASET/signatures/  one row per signature
    DATASET/files/       the manifest: path, size, mtime, inode, hash, status, versions…
    DATASET/runs/        one row per run, with the version of every table when it ended
    DATASET/_runs/       each run's log as JSON (what failed, and why)

Rows are keyed by ``source_path`` (resolved). A batch replaces the rows of its paths in
``fields``, ``signatures`` and ``documents`` (one Delta commit each: a file changed in place
keeps one row, its old one stays in the history) and only then marks the paths done in
``files``, so a run killed between two commits redoes that batch and writes each row once.
Readers never look at the tables' newest versions: they read the versions the last complete
run recorded in ``runs``, so they never see a document without its fields nor half a run.
A data file that cannot be read (a truncated part) is named in a warning and left out, and
``ingest`` sets it aside (moved to ``DATASET/_damaged/``) so its paths are processed again.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

from pipeline.sinks.corrections import apply_documents, apply_fields, latest
from schemas.arrow import ALL_TABLES, CORRECTIONS, RECORD_TABLES, record_rows
from schemas.record import Record

Version = dict[str, int]

# Free space a commit leaves untouched (MiB; ``VANTHU_MIN_FREE_MB`` overrides): a commit that
# would eat into it is not started, so a filling disk stops the run between two commits with
# an ``ENOSPC`` of ours rather than inside Delta Lake's writer, which says so in a panic on
# stderr. The logs, checkpoints and the run's row fit in it.
MIN_FREE_MB = 8.0


def _min_free() -> int:
    try:
        return int(float(os.environ.get("VANTHU_MIN_FREE_MB", MIN_FREE_MB)) * (1 << 20))
    except ValueError:
        return int(MIN_FREE_MB * (1 << 20))


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


class DeltaWriter:
    """One run's writes: records, manifest rows and moved files, committed per batch."""

    def __init__(self, sink: DeltaSink, run_id: str) -> None:
        self.sink = sink
        self.run_id = run_id
        self._records: list[Record] = []
        self._copies: list[tuple[str, str]] = []  # (stored path, new path) of moved files
        self._files: dict[str, dict[str, Any]] = {}
        self.commits = 0
        for table in ALL_TABLES:
            sink.create(table)

    def add(self, record: Record, file_row: Mapping[str, Any] | None = None) -> None:
        self._records.append(record)
        if file_row is not None:
            self._files[file_row["path"]] = dict(file_row)

    def copy(self, stored_path: str, file_row: Mapping[str, Any]) -> None:
        """Record ``file_row['path']`` with the rows already stored for ``stored_path``."""
        self._copies.append((stored_path, file_row["path"]))
        self._files[file_row["path"]] = dict(file_row)

    def mark(self, file_row: Mapping[str, Any]) -> None:
        """Update a path's manifest row only (touched, deleted, skipped)."""
        self._files[file_row["path"]] = dict(file_row)

    def pending(self) -> int:
        return len(self._records) + len(self._copies) + len(self._files)

    def flush(self) -> None:
        if not self.pending():
            return
        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in RECORD_TABLES}
        for rec in self._records:
            made_by = self._files.get(rec.source_path, {}).get("pipeline_version")
            for table, table_rows in record_rows(rec, made_by).items():
                rows[table].extend(table_rows)
        paths = [r.source_path for r in self._records]
        if self._copies:
            wanted = {old for old, _ in self._copies}
            stored = {table: self.sink.read_latest(table, source_paths=wanted).to_pylist()
                      for table in RECORD_TABLES}
            for old, new in self._copies:
                doc_id = self._files[new]["doc_id"]
                if not any(r["source_path"] == old and r["doc_id"] == doc_id
                           for r in stored["documents"]):
                    # the stored path's rows were replaced since (its file changed): no
                    # manifest row either, so the next run reads the new path itself
                    del self._files[new]
                    continue
                for table in RECORD_TABLES:
                    rows[table].extend({**r, "source_path": new} for r in stored[table]
                                       if r["source_path"] == old and r["doc_id"] == doc_id)
                paths.append(new)
        if paths:
            for table in RECORD_TABLES:
                self.sink.replace(table, "source_path", paths,
                                  pa.Table.from_pylist(rows[table], schema=ALL_TABLES[table]))
        if self._files:
            self.sink.replace("files", "path", list(self._files),
                              pa.Table.from_pylist(list(self._files.values()),
                                                   schema=ALL_TABLES["files"]))
        self.commits += 1
        self._records, self._copies, self._files = [], [], {}

    def close(self) -> None:
        self.flush()


class DeltaSink:
    """A dataset folder of Delta tables (see the module's docstring for the layout)."""

    kind = "delta"

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.root = Path(out)

    # ------------------------------------------------------------------ writing

    def writer(self, run_id: str) -> DeltaWriter:
        return DeltaWriter(self, run_id)

    def path(self, table: str) -> Path:
        return self.root / table

    def room(self, need: int) -> None:
        """Raise ``ENOSPC`` unless ``need`` bytes (an Arrow size: more than its Parquet) fit
        with :data:`MIN_FREE_MB` to spare."""
        free = shutil.disk_usage(self.root).free
        if free < need + _min_free():
            raise OSError(errno.ENOSPC, f"{os.strerror(errno.ENOSPC)}: {free / (1 << 20):.1f} MiB "
                          f"free, {(need + _min_free()) / (1 << 20):.1f} MiB wanted for the "
                          "next commit",
                          str(self.root))

    def exists(self, table: str) -> bool:
        return (self.path(table) / "_delta_log").is_dir()

    def create(self, table: str) -> None:
        if not self.exists(table):
            self.path(table).mkdir(parents=True, exist_ok=True)
            DeltaTable.create(str(self.path(table)), ALL_TABLES[table], mode="ignore")

    def replace(self, table: str, key: str, keys: list[str], rows: pa.Table) -> None:
        """Replace every row whose ``key`` is one of ``keys`` by ``rows``, in one commit. A
        table written by an older schema takes the new columns (its old rows read them as
        null), so a dataset carries over when the pipeline adds a column."""
        self.room(rows.nbytes)
        write_deltalake(str(self.path(table)), rows, mode="overwrite",
                        predicate=f"{key} IN ({_sql_list(keys)})", schema_mode="merge")

    def write_table(self, table: str, rows: pa.Table) -> None:
        """Replace a dataset-level table (``links``, ``checks``) whole, in one commit."""
        self.create(table)
        self.room(rows.nbytes)
        write_deltalake(str(self.path(table)), rows, mode="overwrite")

    def drop_records(self, paths: list[str]) -> None:
        """Delete every row of the record tables whose ``source_path`` is one of ``paths``."""
        for table in RECORD_TABLES:
            if self.exists(table):
                DeltaTable(str(self.path(table))).delete(f"source_path IN ({_sql_list(paths)})")

    def record_run(self, row: Mapping[str, Any]) -> None:
        """Append the run's row to ``runs``; with ``versions``, the run becomes what readers
        read."""
        self.create("runs")
        self.room(0)
        write_deltalake(str(self.path("runs")),
                        pa.Table.from_pylist([dict(row)], schema=ALL_TABLES["runs"]),
                        mode="append")

    def versions_now(self) -> Version:
        """Each table's newest version: the number of its last commit file
        (``_delta_log/00000000000000000017.json``), read from the folder's listing rather
        than by opening the table, which costs a no-op run most of its time."""
        versions = {}
        for table in ALL_TABLES:
            if table == "runs" or not self.exists(table):
                continue
            numbers = [int(name[:-5]) for name in os.listdir(self.path(table) / "_delta_log")
                       if name.endswith(".json") and name[:-5].isdigit()]
            versions[table] = max(numbers, default=0)
        return versions

    def write_run_log(self, run_id: str, report: Mapping[str, Any]) -> Path:
        folder = self.root / "_runs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{run_id}.json"
        tmp = folder / f".{run_id}.json.tmp"
        try:
            tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str),
                           "utf-8")
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half log behind
            raise
        return path

    def close_dead_run_logs(self) -> list[str]:
        """A run killed with ``kill -9`` leaves its log saying ``running``; the next run (which
        holds the lock, so that run is gone) says ``killed`` there instead."""
        closed = []
        for path in sorted((self.root / "_runs").glob("*.json")):
            try:
                log = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(log, dict) and log.get("state") == "running":
                log["state"] = "killed"
                self.write_run_log(path.stem, log)
                closed.append(path.stem)
        return closed

    def tidy(self, max_files: int = 64) -> None:
        """Keep reading fast as runs add up: compact a table of more than ``max_files`` data
        files into fewer (the old ones stay for the history until vacuumed) and checkpoint
        every table's log, so opening it does not replay every commit."""
        for table in ALL_TABLES:
            if not self.exists(table):
                continue
            dtable = DeltaTable(str(self.path(table)))
            uris = dtable.file_uris()
            if len(uris) > max_files:
                self.room(sum(os.path.getsize(u.removeprefix("file://")) for u in uris))
                dtable.optimize.compact()
            self.room(0)
            dtable.create_checkpoint()

    def compact(self) -> None:
        """Rewrite each table's small data files into few (a new version, the same rows). The
        room asked for is the size of the files the table reads now, not of every Parquet
        file in its folder: those already replaced (waiting for :meth:`vacuum`) are not
        rewritten, and on a nearly full disk counting them would refuse the very vacuum
        that frees them."""
        for table in ALL_TABLES:
            if self.exists(table):
                dtable = DeltaTable(str(self.path(table)))
                self.room(sum(os.path.getsize(u.removeprefix("file://"))
                              for u in dtable.file_uris()))
                dtable.optimize.compact()

    def vacuum(self, days: float = 30) -> list[str]:
        """Delete data files that no version of the last ``days`` needs (``as_of`` further
        back then fails), but never one the versions readers read need: a table's files
        replaced after its pinned version (by a compaction since) are kept however old the
        replacing commit is, until a complete run pins a newer version. Returns them."""
        pinned = self.pinned() or {}
        now = dt.datetime.now().timestamp()
        removed = []
        for table in ALL_TABLES:
            if not self.exists(table):
                continue
            hours = days * 24
            after = self.path(table) / "_delta_log" / f"{pinned.get(table, -1) + 1:020d}.json"
            if table in pinned and after.exists():  # the commit that replaced them
                hours = max(hours, (now - after.stat().st_mtime) / 3600 + 1)
            removed += DeltaTable(str(self.path(table))).vacuum(
                retention_hours=int(hours + 0.999), dry_run=False,
                enforce_retention_duration=False)
        return removed

    def sweep(self, since: dt.datetime | None = None) -> list[str]:
        """Delete what a killed run left behind: data files no version of the log names (a
        write cut off before its commit) and half-written run logs, looking only at files
        written ``since`` (the start of the last run, which swept what came before). Call it
        holding the lock."""
        removed = []
        after = since.timestamp() if since is not None else 0.0
        for table in ALL_TABLES:
            if not self.exists(table):
                continue
            for tmp in (self.path(table) / "_delta_log").glob("*.tmp"):
                if tmp.stat().st_mtime >= after:  # a commit cut off before its rename
                    tmp.unlink()
                    removed.append(f"{table}/_delta_log/{tmp.name}")
            fresh = [p for p in self.path(table).glob("*.parquet") if p.stat().st_mtime >= after]
            if not fresh:
                continue
            named = {Path(u.removeprefix("file://")).name
                     for u in DeltaTable(str(self.path(table))).file_uris()}
            for log in (self.path(table) / "_delta_log").glob("*.json"):
                if log.stat().st_mtime < after:
                    continue
                for line in log.read_text("utf-8").splitlines():
                    action = json.loads(line) if line.strip() else {}
                    for kind in ("add", "remove"):
                        if kind in action:
                            named.add(Path(action[kind]["path"]).name)
            for part in fresh:
                if part.name not in named:
                    part.unlink()
                    removed.append(f"{table}/{part.name}")
        for tmp in (self.root / "_runs").glob(".*.tmp"):
            tmp.unlink()
            removed.append(f"_runs/{tmp.name}")
        return removed

    def set_aside_damaged(self) -> list[str]:
        """Move every data file that cannot be read out of the tables (to ``_damaged/``) and
        drop it from the log; returns what was moved, e.g. ``documents/part-0001….parquet``."""
        moved = []
        for table in ALL_TABLES:
            if not self.exists(table):
                continue
            dtable = DeltaTable(str(self.path(table)))
            actions = pa.table(dtable.get_add_actions(flatten=True)).to_pydict()
            for name, size, when in zip(actions["path"], actions["size_bytes"],
                                        actions["modification_time"], strict=True):
                local = self.path(table) / name
                # only a part whose size or time is not the log's is opened: a truncated or
                # rewritten file; reading every footer made each no-op run slower
                try:
                    st = local.stat()
                    same = st.st_size == size and st.st_mtime_ns // 1_000_000 <= _ms(when)
                except OSError:
                    same = False
                if same or _readable(local):
                    continue
                target = self.root / "_damaged" / table / local.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(local), target)
                moved.append(f"{table}/{local.name}")
            if any(m.startswith(table + "/") for m in moved):
                dtable.repair(dry_run=False)
        return moved

    # ------------------------------------------------------------------ reading

    def runs(self) -> pa.Table:
        if not self.exists("runs"):
            return ALL_TABLES["runs"].empty_table()
        return self._read(DeltaTable(str(self.path("runs"))), "runs")

    def pinned(self, as_of: dt.datetime | str | None = None) -> Version | None:
        """The table versions of the last complete run (finished by ``as_of`` when given, or
        the run named ``as_of``); None when no run has completed."""
        done = [r for r in self.runs().to_pylist() if r["state"] == "complete"]
        if isinstance(as_of, str):
            done = [r for r in done if r["run_id"] == as_of]
            if not done:
                raise KeyError(f"no complete run {as_of!r} in {self.root}")
        elif as_of is not None:
            when = as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.timezone.utc)
            done = [r for r in done if r["finished_at"] <= when]
        if not done:
            return None
        last = max(done, key=lambda r: r["finished_at"])
        return {k: int(v) for k, v in json.loads(last["versions"]).items()}

    def read_table(self, table: str, as_of: dt.datetime | str | None = None, *,
                   corrected: bool = True) -> pa.Table:
        """``table`` as the last complete run (by ``as_of``) left it; ``documents`` and
        ``fields`` with the archivist's corrections laid over (made by ``as_of`` when it is a
        time) unless not ``corrected``."""
        if table == "runs":
            return self.runs()
        if table == "corrections":
            return self.read_corrections()
        versions = self.pinned(as_of)
        if versions is None or table not in versions:
            return ALL_TABLES[table].empty_table()
        tbl = self._read(DeltaTable(str(self.path(table)), version=versions[table]), table)
        if corrected and table in ("documents", "fields") and self.exists("corrections"):
            made = self.read_corrections()
            if isinstance(as_of, dt.datetime):
                when = as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.timezone.utc)
                made = made.filter(pc.less_equal(
                    made.column("at"), pa.scalar(when, made.schema.field("at").type)))
            last = latest(made)
            tbl = apply_documents(tbl, last) if table == "documents" else apply_fields(tbl, last)
        return tbl

    def add_corrections(self, rows: list[Mapping[str, Any]]) -> None:
        """Append corrections (one commit); a run never rewrites them."""
        if not self.exists("corrections"):
            self.path("corrections").mkdir(parents=True, exist_ok=True)
            DeltaTable.create(str(self.path("corrections")), CORRECTIONS, mode="ignore")
        write_deltalake(str(self.path("corrections")),
                        pa.Table.from_pylist([dict(r) for r in rows], schema=CORRECTIONS),
                        mode="append")

    def read_corrections(self) -> pa.Table:
        """Every correction ever made, at the table's newest version."""
        if not self.exists("corrections"):
            return CORRECTIONS.empty_table()
        dtable = DeltaTable(str(self.path("corrections")))
        parts = [pq.read_table(u.removeprefix("file://"), schema=CORRECTIONS)
                 for u in dtable.file_uris()]
        return pa.concat_tables(parts) if parts else CORRECTIONS.empty_table()

    def read_latest(self, table: str, source_paths: set[str] | None = None,
                    columns: list[str] | None = None) -> pa.Table:
        """``table`` at its newest version, what a run builds on (``ingest`` holds the lock)."""
        if not self.exists(table):
            return ALL_TABLES[table].empty_table()
        tbl = self._read(DeltaTable(str(self.path(table))), table, columns)
        if source_paths is not None:
            tbl = tbl.filter(pc.is_in(tbl.column("source_path"),
                                      value_set=pa.array(sorted(source_paths), pa.string())))
        return tbl

    def _read(self, dtable: DeltaTable, table: str, columns: list[str] | None = None
              ) -> pa.Table:
        schema = ALL_TABLES[table]
        if columns is not None:
            schema = pa.schema([schema.field(c) for c in columns])
        parts = []
        for uri in dtable.file_uris():
            try:
                parts.append(pq.read_table(uri.removeprefix("file://"), schema=schema,
                                           columns=columns))
            except (OSError, pa.ArrowException) as exc:
                warnings.warn(f"{table}: the data file {uri} cannot be read and is left out "
                              f"({exc}); the next ingest processes its documents again",
                              stacklevel=3)
        return pa.concat_tables(parts) if parts else schema.empty_table()


def _ms(when: Any) -> int:
    """A log time (a datetime or milliseconds) as milliseconds since the epoch."""
    if isinstance(when, dt.datetime):
        return int(when.timestamp() * 1000)
    return int(when)


def _readable(path: Path) -> bool:
    try:
        pq.ParquetFile(path).metadata  # noqa: B018 (reads the footer)
        return True
    except (OSError, pa.ArrowException):
        return False
