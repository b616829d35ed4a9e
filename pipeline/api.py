"""The library face of vanthu, for notebooks and scripts.

    >>> from pipeline import extract, ingest, read_dataset
    >>> rec = extract("samples/pdf/cv-bxd-1204.pdf")
    >>> rec.code, rec.issue_date, rec.provenance["code"].page
    >>> report = ingest(["samples"], "out/samples")
    >>> df = read_dataset("out/samples")            # documents, dates as dates, lists as lists

``ingest`` walks folders recursively, skips what the dataset already holds, runs the rest
(in parallel when ``workers > 1``) and returns a :class:`RunReport` that says what failed.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import ocr
from pipeline.errors import VanthuError
from pipeline.options import DEFAULT, Options
from pipeline.runner import failed_record, process_file
from pipeline.sinks import DatasetWriter, iter_parts, known_keys, write_run_log
from schemas.arrow import TABLES
from schemas.record import Record, Status


class NoInputError(VanthuError):
    code = "no_input"


def extract(path: str | os.PathLike[str], *, raise_on_error: bool = False,
            options: Options = DEFAULT) -> Record:
    """The record of one file. With ``raise_on_error`` a failed file raises instead."""
    rec = process_file(path, options=options)
    assert rec is not None  # no skip test: every file gives a record
    if raise_on_error and rec.status is Status.FAILED:
        raise VanthuError(str(path), "; ".join(rec.errors))
    return rec


def discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """Input files under ``paths`` (recursively), and one message per path that gave none.

    Every regular file is an input, whatever its name: one vanthu cannot read still gets a
    record that says why. Hidden files and folders (``.git``, ``.DS_Store``) are left out.
    """
    files: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and not f.name.endswith(".expected.json")
            )
            if not found:
                problems.append(f"{p}: the folder holds no files")
            files.extend(found)
        else:
            problems.append(f"{p}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


@dataclass
class RunReport:
    run_id: str
    out: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    inputs: int = 0
    skipped: int = 0
    processed: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list, repr=False)

    @property
    def failed(self) -> int:
        return self.by_status.get(Status.FAILED.value, 0)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("records")
        return d


class _Known:
    """Which (doc_id, path) keys the dataset already holds, and the run's options; set once
    per worker process."""

    keys: dict[tuple[str, str], str] = {}
    retry_failed = False
    options: Options = DEFAULT

    @classmethod
    def set(cls, keys: dict[tuple[str, str], str], retry_failed: bool,
            options: Options = DEFAULT, pages_done: Any = None) -> None:
        cls.keys, cls.retry_failed, cls.options = keys, retry_failed, options
        ocr.PAGE_DONE = pages_done

    @classmethod
    def skip(cls, doc_id: str, path: str) -> bool:
        status = cls.keys.get((doc_id, path))
        if status is None:
            return False
        return not (cls.retry_failed and status == Status.FAILED.value)


def _process_one(path: str) -> Record | None:
    return process_file(path, skip=_Known.skip, options=_Known.options)


def _process_chunk(paths: list[str]) -> list[Record | None]:
    return [_process_one(p) for p in paths]


def _run_parallel(files: list[str], workers: int, known: dict, retry_failed: bool,
                  options: Options, pages_done: Any) -> Iterator[Record | None]:
    """Results in input order (None for a file already in the dataset), computed by
    ``workers`` processes, batches of files a task.

    A worker that dies (a crash inside a native library on a damaged file) loses its batch:
    those files are run again one per process, so only the file that kills its process gets
    a failed record.
    """
    chunk = max(1, min(32, len(files) // (workers * 4) or 1))
    batches = [files[i: i + chunk] for i in range(0, len(files), chunk)]
    init = (known, retry_failed, options, pages_done)
    with ProcessPoolExecutor(max_workers=workers, initializer=_Known.set, initargs=init) as pool:
        futures = [pool.submit(_process_chunk, b) for b in batches]
        for batch, fut in zip(batches, futures):
            try:
                yield from fut.result()
            except BrokenProcessPool:
                yield from _isolated(batch, init)
            except Exception as exc:
                for p in batch:
                    yield failed_record(p, f"internal error: {exc!r}")


def _isolated(paths: list[str], init: tuple) -> Iterator[Record | None]:
    for p in paths:
        try:
            with ProcessPoolExecutor(max_workers=1, initializer=_Known.set, initargs=init) as pool:
                yield pool.submit(_process_one, p).result()
        except BrokenProcessPool:
            yield failed_record(p, "the reader crashed on this file (damaged or hostile content)")


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    workers: int | None = None,
    retry_failed: bool = False,
    progress: Callable[[Record], None] | None = None,
    keep_records: bool = False,
    options: Options = DEFAULT,
    page_progress: Callable[[int], None] | None = None,
) -> RunReport:
    """Process every file under ``paths`` not yet in the dataset at ``out``.

    ``workers``: processes to use (default: the machine's cores, 1 for small batches);
    ``retry_failed``: process again files whose earlier record failed (their new record is
    added, ``read_dataset`` keeps the newest); ``progress``: called with each record;
    ``options``: what to read besides the text (see :class:`pipeline.options.Options`);
    OCR results are cached in ``out/.ocr-cache`` unless ``options.ocr_cache`` says where;
    ``page_progress``: called about twice a second with the number of pages OCRed so far.
    """
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    report = RunReport(run_id=run_id, out=str(out), started_at=dt.datetime.now(dt.timezone.utc))
    files, problems = discover(paths)
    report.problems = problems
    report.inputs = len(files)
    known = known_keys(out)
    todo = [str(f) for f in files]
    writer = DatasetWriter(out, run_id)
    workers = workers or os.cpu_count() or 1
    if len(todo) < 8:
        workers = 1
    if options.ocr_cache is None:
        options = replace(options, ocr_cache=str(Path(out) / ".ocr-cache"))
    if options.ocr_threads == 0:  # the cores are shared between the worker processes
        options = replace(options, ocr_threads=max(1, (os.cpu_count() or 1) // workers))
    pages_done = mp.get_context().Value("i", 0)
    stop = threading.Event()
    if page_progress is not None:
        def poll() -> None:
            while not stop.wait(0.5):
                page_progress(pages_done.value)

        threading.Thread(target=poll, daemon=True).start()
    if workers > 1:
        results = _run_parallel(todo, workers, known, retry_failed, options, pages_done)
    else:
        _Known.set(known, retry_failed, options, pages_done)
        results = (_process_one(p) for p in todo)
    try:
        for rec in results:
            if rec is None:
                report.skipped += 1
                continue
            writer.add(rec)
            report.processed += 1
            report.by_status[rec.status.value] = report.by_status.get(rec.status.value, 0) + 1
            if rec.status is Status.FAILED:
                report.failures.append({"path": rec.source_path, "error": "; ".join(rec.errors)})
            if keep_records:
                report.records.append(rec)
            if progress is not None:
                progress(rec)
    finally:
        stop.set()
        if page_progress is not None:
            page_progress(pages_done.value)
        writer.close()
        report.finished_at = dt.datetime.now(dt.timezone.utc)
        write_run_log(out, run_id, report.as_dict())
    return report


# ---------------------------------------------------------------------------- reading back

_LIST_COLUMNS = ("errors", "warnings", "recipients", "distribution", "signatures", "deadlines",
                 "references", "contacts")


def read_table(out: str | os.PathLike[str], table: str = "documents") -> pa.Table:
    parts = list(iter_parts(out, table))
    schema = TABLES[table]
    if not parts:
        return schema.empty_table()
    return pa.concat_tables(pq.read_table(p, schema=schema) for p in parts)


def read_dataset(out: str | os.PathLike[str], table: str = "documents") -> pd.DataFrame:
    """A table of the dataset as a pandas DataFrame with analyst-friendly dtypes.

    ``issue_date`` is ``datetime64`` (a date at midnight), ``ingested_at`` and signature times
    are timezone-aware, counts are nullable integers, list columns hold Python lists. When a
    file was processed more than once (``retry_failed``), the newest row is kept.
    """
    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
    tbl = read_table(out, table)
    data = {}
    for name in tbl.column_names:
        col = tbl.column(name)
        if pa.types.is_list(col.type) or pa.types.is_struct(col.type):
            data[name] = pd.Series(col.to_pylist(), dtype=object)
        else:
            data[name] = col.to_pandas()
    df = pd.DataFrame(data)
    if table == "documents" and len(df):
        df["issue_date"] = pd.to_datetime(df["issue_date"])
        for name in ("page_count", "issue_year", "issue_month", "text_pages", "file_size"):
            df[name] = df[name].astype("Int64")
        df = (
            df.sort_values("ingested_at")
            .drop_duplicates(["doc_id", "source_path"], keep="last")
            .sort_values("source_path")
            .reset_index(drop=True)
        )
    elif table == "fields" and len(df):
        df = df.drop_duplicates(["doc_id", "source_path", "field"], keep="last").reset_index(
            drop=True
        )
    return df
