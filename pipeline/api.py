"""The library face of vanthu, for notebooks and scripts.

    >>> from pipeline import extract, ingest, read_dataset
    >>> rec = extract("samples/generated/cv-sxd-1204.pdf")
    >>> rec.code, rec.issue_date, rec.provenance["code"].page
    ('1204/SXD-QLN', datetime.date(2024, 11, 18), 1)
    >>> report = ingest(["samples"], "out/samples")
    >>> df = read_dataset("out/samples")            # documents, dates as dates, lists as lists
    >>> last_night = read_dataset("out/samples", as_of=datetime.datetime(2026, 12, 1, 23, 0))

``ingest`` is built to run every night unattended: it takes the dataset's lock, lists the
input folders, compares each file's size, mtime and inode with the manifest (the ``files``
table) so an unchanged file is never opened, runs what is new or changed on an executor
(:mod:`pipeline.executors`) under per-document limits, commits the records in batches as they
finish (:mod:`pipeline.sinks`), marks files gone from the folders as deleted, and records the
run with the version of every table, which is what readers then read.
"""

from __future__ import annotations

import datetime as dt
import errno
import fnmatch
import json
import os
import re
import signal
import socket
import stat
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import filelock
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.checks import checks_table
from pipeline.errors import VanthuError
from pipeline.executors import DocumentTask, Limits, make_executor
from pipeline.links import links_table
from pipeline.options import DEFAULT, Options
from pipeline.query import NULLABLE_DTYPES
from pipeline.runner import (
    DOCUMENT_EXTENSIONS,
    Seen,
    display_path,
    pipeline_version,
    process_file,
)
from pipeline.sinks import DEFAULT_SINK, Sink, open_sink, read_live
from schemas.arrow import ALL_TABLES, RECORD_TABLES
from schemas.record import Record, Status

MAX_ATTEMPTS = 3  # a failed file is tried again on the next runs, this many times in all
BATCH_SIZE = 200  # records per commit: a kill loses at most this many
BATCH_SECONDS = 30.0  # and at most this much work
# Names left out by default though their extension is a document's: a folder's own notes
DEFAULT_EXCLUDE = ("README*", "readme*", "Readme*")


__all__ = ["DEFAULT_EXCLUDE", "MAX_ATTEMPTS", "DatasetLocked", "DatasetUnwritable", "InputError",
           "Limits", "RunReport", "connect", "discover", "extract", "ingest", "read_dataset",
           "read_table", "storage_failure", "vacuum"]


class DatasetLocked(VanthuError):
    """Another run holds the dataset's lock."""


class InputError(VanthuError):
    """The run cannot start: an input folder is missing, or there is nothing to read."""


class DatasetUnwritable(VanthuError):
    """The dataset could not be written (the disk is full, the folder is read-only): the run
    stopped, readers still see the last complete run, and the next run finishes the work."""


# the causes that are the storage's, not a document's or the code's: said in one line
STORAGE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO)


def storage_failure(exc: BaseException) -> str | None:
    """The storage cause of ``exc`` in words, e.g. ``no space left on device (ENOSPC)``, or
    None when it is not one. Delta Lake's errors carry the OS error only in their text
    (``… No space left on device (os error 28)``), so the text is read as well as the
    exception chain."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        cur = todo.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        code = cur.errno if isinstance(cur, OSError) else None
        if code not in STORAGE_ERRNOS:
            found = re.search(r"\(os error (\d+)\)|\[Errno (\d+)\]", str(cur))
            code = int(found.group(1) or found.group(2)) if found else None
        if code in STORAGE_ERRNOS:
            assert code is not None
            where = getattr(cur, "filename", None)
            return f"{os.strerror(code).lower()} ({errno.errorcode[code]})" + (
                f" at {where}" if where else "")
        todo += [cur.__cause__, cur.__context__]
    return None


def extract(path: str | os.PathLike[str], *, raise_on_error: bool = False,
            options: Options = DEFAULT) -> Record:
    """The record of one file. With ``raise_on_error`` a failed file raises instead."""
    rec = process_file(path, options=options)
    assert isinstance(rec, Record)  # no skip test: every file gives a record
    if raise_on_error and rec.status is Status.FAILED:
        raise VanthuError(str(path), "; ".join(rec.errors))
    return rec


# ---------------------------------------------------------------------------- listing


@dataclass(frozen=True)
class Found:
    """A regular file under an input root: its resolved path (surrogate-escaped when the name
    is not UTF-8), the root it was found under, and its stat."""

    path: str
    root: str
    size: int
    mtime_ns: int
    inode: int

    @property
    def key(self) -> str:
        return display_path(self.path)


@dataclass
class Listing:
    files: list[Found] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)  # path, reason
    # a skipped path's own bytes by its shown form: a name that is not UTF-8 is shown escaped
    # (``b\\xf4n.pdf``), and the manifest keeps what is really on disk
    skipped_bytes: dict[str, bytes] = field(default_factory=dict)
    unlisted: list[str] = field(default_factory=list)  # folders that could not be read
    roots: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # folder roots that yielded no file: an unmounted share looks like this, so nothing
    # under them is marked deleted
    barren: list[str] = field(default_factory=list)


def _matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    regex = re.compile("|".join(fnmatch.translate(p) for p in patterns) or r"(?!)")
    return lambda name: regex.match(name) is not None


def discover(paths: Iterable[str | os.PathLike[str]], *, include: list[str] | None = None,
             exclude: Iterable[str] = DEFAULT_EXCLUDE, skip_under: str | None = None
             ) -> Listing:
    """Input files under ``paths`` (recursively, following links to folders once), each with
    its stat; everything else is said rather than dropped.

    A file counts as an input when its name has a document extension (``.pdf``, ``.docx``,
    ``.html``, ``.txt``, ``.md``…) or, with ``include``, matches one of those globs;
    ``exclude`` globs win (by default :data:`DEFAULT_EXCLUDE`: a folder's ``README.md`` is
    its notes, not a letter). Other files (``danh-sach.csv`` beside the letters), FIFOs,
    sockets, devices, broken links and link loops are listed in ``skipped`` with the reason;
    a folder that cannot be read is listed in ``unlisted`` (its files are not marked
    deleted). Hidden files and folders (``.git``) are left out silently.
    """
    out = Listing()
    excluded = _matcher(exclude)
    included = _matcher(include or [])

    def wanted(name: str) -> bool:
        if excluded(name):
            return False
        if include:
            return included(name)
        return os.path.splitext(name)[1].lower() in DOCUMENT_EXTENSIONS
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()

    def skip(path: str, reason: str) -> None:
        shown = display_path(path)
        out.skipped.append({"path": shown, "reason": reason})
        out.skipped_bytes[shown] = os.fsencode(path)

    def add(path: str, root: str, st: os.stat_result, real: str | None = None) -> None:
        real = real or os.path.realpath(path)
        if real not in seen_files:
            seen_files.add(real)
            out.files.append(Found(real, root, st.st_size, st.st_mtime_ns, st.st_ino))

    def walk(folder: str, root: str, real_folder: str | None = None) -> None:
        # the real path of an entry is its folder's plus its name, unless it is a link
        real_folder = real_folder or os.path.realpath(folder)
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen_dirs:
                skip(folder, "a link back to a folder already listed (a loop)")
                return
            seen_dirs.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            out.unlisted.append(display_path(folder))
            skip(folder, f"the folder cannot be read ({exc.strerror or exc})")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            full = entry.path
            try:
                st = entry.stat()  # follows links
            except OSError as exc:
                why = {40: "a link loop", 2: "a broken link"}.get(exc.errno or 0)
                skip(full, why or f"cannot be read ({exc.strerror or exc})")
                continue
            link = entry.is_symlink()
            real = None if link else os.path.join(real_folder, entry.name)
            if stat.S_ISDIR(st.st_mode):
                if skip_under and (real or os.path.realpath(full)) == skip_under:
                    continue  # the dataset itself, kept inside an input folder
                walk(full, root, real)
            elif not wanted(entry.name):
                skip(full, "not a document (by its name; see --include)")
            elif not stat.S_ISREG(st.st_mode):
                skip(full, "not a regular file (a FIFO, socket or device)")
            else:
                add(full, root, st, real)

    for raw in paths:
        p = os.fspath(raw)
        try:
            st = os.stat(p)
        except OSError as exc:
            out.problems.append(f"{display_path(p)}: no such file or folder "
                                f"({exc.strerror or exc})")
            continue
        root = os.path.realpath(p)
        out.roots.append(root)
        if stat.S_ISDIR(st.st_mode):
            before, skipped_before = len(out.files), len(out.skipped)
            walk(p, root)
            if len(out.files) == before:
                out.barren.append(root)
                if len(out.skipped) == skipped_before:
                    out.problems.append(f"{display_path(p)}: the folder holds no files")
        elif stat.S_ISREG(st.st_mode):
            add(p, os.path.dirname(root), st)
        else:
            skip(p, "not a regular file (a FIFO, socket or device)")
    return out


# ---------------------------------------------------------------------------- a run


@dataclass
class RunReport:
    """What a run did; the counts add up: ``seen = new + changed + moved + unchanged +
    retried``, and ``processed`` is how many of those went through the pipeline."""

    run_id: str
    out: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    state: str = "running"
    pipeline_version: str = ""
    roots: list[str] = field(default_factory=list)
    seen: int = 0
    new: int = 0
    changed: int = 0
    moved: int = 0
    deleted: int = 0
    unchanged: int = 0
    retried: int = 0
    processed: int = 0
    skipped: int = 0
    still_failed: int = 0  # failed earlier, not tried again (the retry cap)
    by_status: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    skipped_files: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the run finished, but not all of it
    set_aside: list[str] = field(default_factory=list)
    swept: list[str] = field(default_factory=list)  # litter of a killed run, deleted
    commits: int = 0  # batches committed
    error: str | None = None
    records: list[Record] = field(default_factory=list, repr=False)

    @property
    def inputs(self) -> int:
        return self.seen

    @property
    def failed(self) -> int:
        return self.by_status.get(Status.FAILED.value, 0)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("records")
        return d


def _lock(out: Path, wait: float, run_id: str) -> filelock.BaseFileLock:
    """The dataset's lock (an OS file lock: it dies with its process, so a killed run never
    blocks the next one), with who holds it written beside it."""
    out.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(out / ".lock"))
    holder = out / ".lock-holder"
    try:
        lock.acquire(timeout=wait)
    except filelock.Timeout:
        try:
            who = json.loads(holder.read_text("utf-8"))
            by = (f"run {who['run_id']} (pid {who['pid']} on {who['host']}, "
                  f"since {who['started']})")
        except (OSError, ValueError, KeyError):
            by = "another run"
        raise DatasetLocked(str(out), f"the dataset is locked by {by}") from None
    try:
        holder.write_text(json.dumps({"run_id": run_id, "pid": os.getpid(),
                                      "host": socket.gethostname(),
                                      "started": dt.datetime.now().isoformat(
                                          timespec="seconds")}), "utf-8")
    except BaseException:
        lock.release()
        raise
    return lock


def _last_start(dataset: Sink) -> dt.datetime | None:
    """When the last run that swept the dataset started (litter older than that is gone)."""
    starts = [r["started_at"] for r in dataset.runs().to_pylist() if r["started_at"]]
    return max(starts) - dt.timedelta(minutes=1) if starts else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    workers: int | None = None,
    reprocess: str = "failed",
    progress: Callable[[dict[str, Any]], None] | None = None,
    keep_records: bool = False,
    options: Options = DEFAULT,
    page_progress: Callable[[int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    limits: Limits | None = None,
    include: list[str] | None = None,
    exclude: Iterable[str] = DEFAULT_EXCLUDE,
    wait: float = 0.0,
    batch_size: int = BATCH_SIZE,
    sink: str = DEFAULT_SINK,
) -> RunReport:
    """Bring the dataset at ``out`` up to date with the files under ``paths``.

    ``reprocess``: ``"failed"`` (default: files whose record failed are tried again, up to
    :data:`MAX_ATTEMPTS` runs), ``"outdated"`` (also records made by an older pipeline),
    ``"all"`` (every file, ``--full``), ``"none"``. ``progress`` is called with one event per
    file (``{"event": "document", "path", "outcome", "status", "errors"}``) and once with
    ``{"event": "start", "total": n}``; ``limits``: per document (:class:`Limits`); ``wait``:
    seconds to wait for another run's lock before :class:`DatasetLocked`; ``executor``:
    ``local``, ``serial`` or ``dask`` (with ``scheduler``, or a ``LocalCluster``). OCR
    results are cached in ``out/.ocr-cache`` unless ``options.ocr_cache`` says where.
    Raises :class:`InputError` when an input path is missing or there is nothing to read.
    """
    started = _now()
    run_id = started.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    out = Path(out)
    version = pipeline_version()
    report = RunReport(run_id=run_id, out=str(out), started_at=started,
                       pipeline_version=version)
    listing = discover(paths, include=include, exclude=exclude,
                       skip_under=os.path.realpath(out))
    report.problems = listing.problems
    missing = [p for p in listing.problems if "no such file" in p]
    if missing:
        raise InputError(missing[0].split(":")[0], "; ".join(missing))
    empty = [p for p in listing.problems if p.endswith("the folder holds no files")]
    if empty:  # an unmounted or emptied folder: nothing is marked deleted, nothing changes
        raise InputError(empty[0].rsplit(":", 1)[0],
                         "; ".join(empty) + " (is it mounted? nothing was changed)")
    try:
        lock = _lock(out, wait, run_id)
    except OSError as exc:
        if storage_failure(exc) is None:
            raise
        raise _unwritable(out, exc) from exc
    try:
        _locked_run(report, listing, open_sink(out, sink), version, workers=workers,
                    reprocess=reprocess, progress=progress, keep_records=keep_records,
                    options=options, page_progress=page_progress, executor=executor,
                    scheduler=scheduler, limits=limits or Limits(), batch_size=batch_size)
    except DatasetUnwritable:  # already says what readers see
        raise
    except Exception as exc:
        if storage_failure(exc) is None:
            raise
        raise _unwritable(out, exc) from exc
    finally:
        lock.release()
    if report.seen == 0 and not listing.skipped:
        raise InputError(str(out), "no input files: " + "; ".join(listing.problems))
    return report


_NOT_FINISHED = "readers still see the last complete run, and the next run finishes the work"
_NOT_VACUUMED = "not vacuumed; readers still see the last complete run"


def _unwritable(out: Path, exc: BaseException, then: str = _NOT_FINISHED) -> DatasetUnwritable:
    """The one line a storage failure ends in: its cause, then what readers and the next
    run find (``then``)."""
    return DatasetUnwritable(str(out), f"the dataset cannot be written: {storage_failure(exc)}"
                             f"; {then}")


def _locked_run(report: RunReport, listing: Listing, dataset: Sink, version: str,
                **settings: Any) -> None:
    """The run proper, holding the lock. However it ends (a full disk, a read-only table, a
    crash, SIGTERM) it records itself when it can and leaves nothing half-written: the
    data files of a commit that did not happen are deleted before the lock is released."""
    run_id = report.run_id
    try:
        dataset.close_dead_run_logs()  # the lock is ours: a log "running" is a dead run's
        dataset.write_run_log(run_id, report.as_dict())  # "running": a hung run can be seen
        report.swept = dataset.sweep(since=_last_start(dataset))
        report.set_aside = dataset.set_aside_damaged()
        at_start = dataset.versions_now()
        _run(report, listing, dataset, version, at_start, **settings)
        derive(dataset, report, at_start)
        report.state = "complete"
    except BaseException as exc:
        report.state = "interrupted" if isinstance(exc, KeyboardInterrupt | SystemExit) \
            else "crashed"
        report.error = repr(exc)
        raise
    finally:
        report.finished_at = _now()
        unfinished = _finish(report, dataset)
        if report.state != "complete":
            try:  # what this run wrote and did not commit (it holds the lock: nobody else)
                dataset.sweep(since=report.started_at - dt.timedelta(seconds=1))
            except Exception as exc:
                report.warnings.append(f"what was left half-written could not be deleted "
                                       f"(the next run does it): {exc!r}")
        try:
            dataset.write_run_log(run_id, report.as_dict())
        except OSError as exc:
            if unfinished is None and report.state == "complete":
                unfinished = exc if storage_failure(exc) is None else _unwritable(
                    Path(report.out), exc, "the run completed and readers see it; only "
                    f"its log (_runs/{run_id}.json) could not be written")
    if unfinished is not None:
        raise unfinished


def _finish(report: RunReport, dataset: Sink) -> Exception | None:
    """Tidy the tables and add the run's row; what fails here is a warning of the run log
    rather than a held lock and a lost log. Returns the error when a complete run could not
    be recorded (readers then still read the run before)."""
    if report.state == "complete" and report.commits:
        try:
            dataset.tidy()
        except Exception as exc:  # only for speed: the run's data is whole without it
            report.warnings.append(f"the tables could not be tidied: {exc!r}")
    versions = None
    unfinished: Exception | None = None
    if report.state == "complete":
        try:
            versions = dataset.versions_now()
        except Exception as exc:
            unfinished = exc
            report.warnings.append(f"the tables' versions could not be read: {exc!r}")
            report.state, report.error = "crashed", repr(exc)
    try:
        dataset.record_run(_run_row(report, versions))
    except Exception as exc:
        report.warnings.append(f"the run could not be added to the runs table: {exc!r}")
        if report.state == "complete":
            unfinished = exc
            report.state, report.error = "crashed", repr(exc)
    return unfinished


def _run_row(report: RunReport, versions: dict[str, int] | None) -> dict[str, Any]:
    row = {k: getattr(report, k) for k in ALL_TABLES["runs"].names
           if k not in ("versions", "failed", "skipped")}
    row["failed"] = report.failed
    row["skipped"] = report.skipped
    row["versions"] = json.dumps(versions) if versions is not None else None
    return row


def _run(report: RunReport, listing: Listing, dataset: Sink, version: str,
         at_start: dict[str, int], *, workers: int | None, reprocess: str,
         progress: Callable[[dict[str, Any]], None] | None,
         keep_records: bool, options: Options, page_progress: Callable[[int], None] | None,
         executor: str, scheduler: str | None, limits: Limits, batch_size: int) -> None:
    if reprocess not in ("failed", "outdated", "all", "none"):
        raise ValueError(f"reprocess must be failed, outdated, all or none, not {reprocess!r}")
    now = _now()
    report.roots = listing.roots
    files_table = dataset.read_latest("files")
    # times as integers: converting 10,000 of them to datetimes is most of a no-op run's cost,
    # and the writer takes them back as they are
    files = files_table.cast(pa.schema(
        [pa.field(f.name, pa.int64()) if pa.types.is_timestamp(f.type) else f
         for f in files_table.schema])).to_pylist()
    manifest = {r["path"]: r for r in files}
    # rows of a path that never got its manifest row (a run killed between the record and
    # the files commits, the file renamed or deleted since) would be read forever: gone
    # (none when every table is as the last complete run left it: not read again then, the
    # record tables being most of what a no-op run would otherwise read)
    ghosts: set[str] = set()
    pinned = dataset.pinned()
    settled = pinned is not None and not report.set_aside and all(
        at_start.get(t) == pinned.get(t) for t in (*RECORD_TABLES, "files"))
    stored = set(manifest)
    for table in () if settled else RECORD_TABLES:
        paths = set(dataset.read_latest(table, columns=["source_path"])
                    .column("source_path").to_pylist())
        ghosts |= paths - manifest.keys()
        if table == "documents":
            stored = paths - ghosts
    if ghosts:
        dataset.drop_records(sorted(ghosts))
        report.swept += [f"records of {p} (no files row)" for p in sorted(ghosts)]
    # a path whose document row is gone (a damaged part set aside) is done again
    lost = {p for p, r in manifest.items() if r["status"] != "skipped"
            and r["deleted_at"] is None and p not in stored}
    if report.set_aside:
        lost |= _rows_lost(dataset)
    for path in lost:
        manifest.pop(path, None)

    def current(row: dict[str, Any]) -> bool:
        if row["status"] in ("skipped", None) or row["status"] == Status.FAILED.value:
            return False
        return reprocess != "outdated" or row["pipeline_version"] == version

    reuse = frozenset() if reprocess == "all" else frozenset(
        r["doc_id"] for r in manifest.values() if current(r) and r["doc_id"])
    writer = dataset.writer(report.run_id)
    todo: list[Found] = []
    kind: dict[str, str] = {}
    found_keys = set()
    for f in listing.files:
        key = f.key
        found_keys.add(key)
        old = manifest.get(key)
        report.seen += 1
        same_stat = old is not None and old["deleted_at"] is None and (
            old["size"], old["mtime_ns"], old["inode"]) == (f.size, f.mtime_ns, f.inode)
        if old is None or old["status"] == "skipped":
            kind[key] = "new"
        elif old["deleted_at"] is not None:
            kind[key] = "new"  # came back: its bytes are probably known
        elif old["status"] == Status.FAILED.value and not same_stat:
            kind[key] = "changed"  # a fixed file is always tried again
        elif old["status"] == Status.FAILED.value:
            if reprocess == "none" or (old["attempts"] or 0) >= MAX_ATTEMPTS and \
                    reprocess != "all":
                report.unchanged += 1
                report.still_failed += 1
                continue
            kind[key] = "retried"
        elif reprocess == "all" or (reprocess == "outdated" and old["pipeline_version"]
                                    != version):
            kind[key] = "retried"
        elif same_stat:  # not opened, and its row not rewritten: a no-op run writes little
            report.unchanged += 1
            continue
        else:
            kind[key] = "changed"
        todo.append(f)
    for s in listing.skipped:
        report.skipped += 1
        report.skipped_files.append(s)
        old = manifest.get(s["path"])
        raw = listing.skipped_bytes.get(s["path"], os.fsencode(s["path"]))
        writer.mark(_file_row(s["path"], raw, "", None, now, old,
                              report.run_id, version, status="skipped", error=s["reason"]))
    for key, old in manifest.items():
        if key in found_keys or old["deleted_at"] is not None or old["status"] == "skipped":
            continue
        if _under(old["path"], listing.roots) and not _under(
                old["path"], listing.unlisted + listing.barren):
            report.deleted += 1
            writer.mark({**old, "deleted_at": now, "run_id": report.run_id})
    by_doc: dict[str, dict[str, Any]] = {}
    for r in manifest.values():
        if current(r) and r["doc_id"]:
            # prefer a path that still holds the bytes' rows and is not being replaced: a
            # path read again this run may have its rows replaced before the copy is made
            known = by_doc.get(r["doc_id"])
            if known is None or known["path"] in kind and r["path"] not in kind:
                by_doc[r["doc_id"]] = r

    if progress is not None:
        progress({"event": "start", "total": len(todo)})
    n_workers = workers if workers and workers > 0 else (os.cpu_count() or 1)
    if len(todo) < 8:
        n_workers = 1
    if options.ocr_cache is None:
        options = replace(options, ocr_cache=str(Path(report.out) / ".ocr-cache"))
    if options.ocr_threads == 0:  # the cores are shared between the worker processes
        options = replace(options, ocr_threads=max(1, (os.cpu_count() or 1) // n_workers))
    task = DocumentTask(options=options, reuse=reuse, limits=limits)
    runner = make_executor(executor, workers=n_workers, limits=limits, scheduler=scheduler)
    stop = threading.Event()
    if page_progress is not None:
        def poll() -> None:
            while not stop.wait(0.5):
                page_progress(runner.pages_done())

        threading.Thread(target=poll, daemon=True).start()
    found_of = {f.path: f for f in todo}
    last_commit = time.monotonic()
    results = runner.run(task, [f.path for f in todo])
    try:
        for result in _results(results, found_of):
            f, res = result
            key = f.key
            old = manifest.get(key)
            how = kind[key]
            event: dict[str, Any] = {"event": "document", "path": key}
            if isinstance(res, Seen):
                if old is not None and old["doc_id"] == res.doc_id and old["deleted_at"] is None:
                    how = "unchanged"  # touched: same bytes, new mtime
                    writer.mark(_file_row(key, os.fsencode(f.path), f.root, f, now, old,
                                          report.run_id, old["pipeline_version"],
                                          status=old["status"], doc_id=res.doc_id,
                                          error=old["error"]))
                else:
                    source = by_doc[res.doc_id]
                    how = "moved" if how == "new" else how
                    writer.copy(source["path"], _file_row(
                        key, os.fsencode(f.path), f.root, f, now, old, report.run_id,
                        source["pipeline_version"], status=source["status"],
                        doc_id=res.doc_id, error=source["error"]))
                event.update(outcome=how, status=None)
            else:
                rec = res
                rec.source_path = key
                report.processed += 1
                status = rec.status.value
                report.by_status[status] = report.by_status.get(status, 0) + 1
                attempts = ((old or {}).get("attempts") or 0) + 1 \
                    if rec.status is Status.FAILED else 0
                if rec.status is Status.FAILED:
                    report.failures.append({"path": key, "error": "; ".join(rec.errors)})
                writer.add(rec, _file_row(key, os.fsencode(f.path), f.root, f, now, old,
                                          report.run_id, version, status=status,
                                          doc_id=rec.doc_id, error="; ".join(rec.errors),
                                          attempts=attempts))
                if keep_records:
                    report.records.append(rec)
                event.update(outcome=how, status=status, errors=rec.errors)
            setattr(report, how, getattr(report, how) + 1)
            if progress is not None:
                progress(event)
            if writer.pending() >= batch_size or \
                    time.monotonic() - last_commit > BATCH_SECONDS:
                writer.flush()
                last_commit = time.monotonic()
    except BaseException as exc:
        # end the workers; stopped (SIGTERM, Ctrl-C): keep the records already made. A
        # commit that failed (a full disk) is not tried again: the next run redoes it
        if isinstance(results, Generator):
            results.close()
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            writer.flush()
        raise
    finally:
        stop.set()
        if page_progress is not None:
            page_progress(runner.pages_done())
    writer.close()
    report.commits = writer.commits


def _rows_lost(dataset: Sink) -> set[str]:
    """Paths whose field or signature rows went with a damaged part: a document that was
    read but has no field row, or lists signatures that have no row."""
    docs = dataset.read_latest("documents", columns=["source_path", "status", "signatures"])
    with_fields = set(dataset.read_latest("fields", columns=["source_path"])
                      .column("source_path").to_pylist())
    with_sigs = set(dataset.read_latest("signatures", columns=["source_path"])
                    .column("source_path").to_pylist())
    lost = set()
    for row in docs.to_pylist():
        path = row["source_path"]
        if row["status"] != Status.FAILED.value and path not in with_fields:
            lost.add(path)
        if row["signatures"] and path not in with_sigs:
            lost.add(path)
    return lost


def _results(results: Iterator[Any], found_of: dict[str, Found]
             ) -> Iterator[tuple[Found, Record | Seen]]:
    """Each result with the listed file it belongs to (a record's ``source_path`` is the
    display form of the path it was given)."""
    by_display = {display_path(p): f for p, f in found_of.items()}
    for res in results:
        f = by_display.get(res.path if isinstance(res, Seen) else res.source_path)
        if f is None:  # cannot happen: every executor gives back the paths it was given
            raise RuntimeError(f"a result for a path not asked for: {res!r}")
        yield f, res


def _file_row(key: str, raw: bytes, root: str, f: Found | None, now: dt.datetime,
              old: dict[str, Any] | None, run_id: str, version: str, *, status: str,
              doc_id: str = "", error: str | None = None, attempts: int = 0
              ) -> dict[str, Any]:
    return {
        "path": key, "path_bytes": raw, "root": display_path(root) if root else None,
        "size": f.size if f else None, "mtime_ns": f.mtime_ns if f else None,
        "inode": f.inode if f else None, "doc_id": doc_id or None, "status": status,
        "error": error or None, "attempts": attempts, "pipeline_version": version,
        "first_seen": (old or {}).get("first_seen") or now, "last_seen": now,
        "deleted_at": None, "run_id": run_id,
    }


def derive(dataset: Sink, report: RunReport | None = None,
           at_start: dict[str, int] | None = None) -> None:
    """Rebuild the dataset-level tables from the record tables: ``links`` (citations
    resolved to documents of the dataset, :mod:`pipeline.links`) and ``checks`` (Nghị định
    30/2020, :mod:`pipeline.checks`). Skipped only when the record tables are at the
    versions the last complete run pinned (a run that was stopped may have committed
    documents since), the manifest was too when this run started (``at_start``) and this
    run deleted nothing."""
    pinned = dataset.pinned() or {}
    if report is not None and at_start is not None and not report.deleted \
            and {"links", "checks"} <= set(pinned) \
            and at_start.get("files") == pinned.get("files"):
        now = dataset.versions_now()
        if all(now.get(t) == pinned.get(t) for t in RECORD_TABLES):
            return
    docs = dataset.read_latest("documents")
    fields = dataset.read_latest("fields", columns=["source_path", "field", "text", "source"])
    files = dataset.read_latest("files", columns=["path", "deleted_at"])
    gone = files.filter(pc.is_valid(files.column("deleted_at"))).column("path")
    if len(gone):
        docs = docs.filter(pc.invert(pc.is_in(docs.column("source_path"), value_set=gone)))
    dataset.write_table("links", links_table(docs))
    dataset.write_table("checks", checks_table(docs, fields))


def vacuum(out: str | os.PathLike[str], *, retain_hours: float = 24 * 30, wait: float = 0.0,
           sink: str = DEFAULT_SINK) -> list[str]:
    """Compact every table of the dataset at ``out`` and delete the data files no version of
    the last ``retain_hours`` needs (``as_of`` further back then fails); the versions
    readers read are always kept. Holds the dataset's lock, so it refuses
    (:class:`DatasetLocked`) while a run is going, or waits ``wait`` seconds for it. Returns
    the files deleted. Weekly from cron: ``vanthu vacuum /srv/data/vanthu``."""
    if not is_dataset(out, sink):
        raise InputError(str(out), "not a dataset (no complete run of `vanthu ingest` here)")
    try:
        lock = _lock(Path(out), wait, "vacuum-" + _now().strftime("%Y%m%dT%H%M%SZ"))
    except OSError as exc:  # a read-only mount: not even the lock can be taken
        if storage_failure(exc) is None:
            raise
        raise _unwritable(Path(out), exc, _NOT_VACUUMED) from exc
    removed: list[str] = []
    try:
        dataset = open_sink(out, sink)
        # deleting first: on a nearly full disk the files replaced long ago are what makes
        # room for the compaction (whose own replaced files stay until the next vacuum)
        removed = dataset.vacuum(days=retain_hours / 24)
        dataset.compact()
        return removed
    except Exception as exc:  # Delta Lake says "(os error 28)" only in its message
        if storage_failure(exc) is None:
            raise
        raise _unwritable(Path(out), exc, f"{len(removed)} data files deleted, the tables "
                          "not compacted; readers still see the last complete run"
                          if removed else _NOT_VACUUMED) from exc
    finally:
        lock.release()


# ---------------------------------------------------------------------------- reading back

def is_dataset(out: str | os.PathLike[str], sink: str = DEFAULT_SINK) -> bool:
    """Whether ``out`` holds a dataset a run completed: readers fail on anything else
    rather than show an empty table for a misspelt path."""
    return Path(out).is_dir() and open_sink(out, sink).pinned() is not None


AsOf = dt.datetime | str | None


def read_table(out: str | os.PathLike[str], table: str = "documents", *, as_of: AsOf = None,
               include_deleted: bool = False, sink: str = DEFAULT_SINK) -> pa.Table:
    """One table of the dataset as the last complete run (finished by ``as_of``, a datetime
    or a run id) left it, as Arrow. Documents of files since deleted are left out unless
    ``include_deleted``."""
    if table not in ALL_TABLES:
        raise KeyError(f"unknown table {table!r}; known: {', '.join(ALL_TABLES)}")
    return read_live(open_sink(out, sink), table, as_of, include_deleted)


def read_dataset(out: str | os.PathLike[str], table: str = "documents", *, as_of: AsOf = None,
                 include_deleted: bool = False) -> pd.DataFrame:
    """A table of the dataset as a pandas DataFrame with analyst-friendly dtypes.

    ``issue_date`` is ``datetime64`` (a date at midnight), ``ingested_at`` and signature times
    are timezone-aware, numbers and flags are nullable (``Int32``, ``Float32``, ``boolean``)
    whether or not the rows hold a null, list columns hold Python lists. One
    row per current file; ``as_of`` reads the dataset as a past run left it
    (``as_of=datetime(2026, 12, 1, 23, 0)``: as last night's run finished).
    """
    tbl = read_table(out, table, as_of=as_of, include_deleted=include_deleted)
    data: dict[str, Any] = {}
    for name in tbl.column_names:
        col = tbl.column(name)
        if pa.types.is_list(col.type) or pa.types.is_struct(col.type):
            data[name] = pd.Series(col.to_pylist(), dtype=object)
        else:
            # the same dtype with or without nulls: Int32 page, boolean intact, Float32 box
            data[name] = col.to_pandas(types_mapper=NULLABLE_DTYPES.get)
    df = pd.DataFrame(data)
    if table == "documents":
        df["issue_date"] = pd.to_datetime(df["issue_date"])
        for name in ("page_count", "issue_year", "issue_month", "text_pages", "file_size"):
            df[name] = df[name].astype("Int64")
        df = df.sort_values("source_path").reset_index(drop=True)
    return df


def connect(out: str | os.PathLike[str], *, as_of: AsOf = None,
            include_deleted: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per table, as the last complete run left them,
    and the flat views of :mod:`pipeline.query` (``citations``, ``deadlines``,
    ``recipients``…): ``connect(out).sql("SELECT issuer_id, count(*) FROM documents GROUP
    BY 1")``."""
    from pipeline.query import connect as connect_views

    return connect_views(out, as_of=as_of, include_deleted=include_deleted)


def terminate_on_sigterm() -> None:
    """Turn SIGTERM into ``SystemExit`` in the main thread, so a stopped run commits nothing
    half-done, ends its workers, and still writes its run log and ``runs`` row."""
    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
