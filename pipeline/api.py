"""The library face of vanthu, for notebooks and scripts.

    >>> from pipeline import extract, ingest, read_dataset
    >>> rec = extract("samples/generated/cv-sxd-1204.pdf")
    >>> rec.code, rec.issue_date, rec.provenance["code"].page
    ('1204/SXD-QLN', datetime.date(2024, 11, 18), 1)
    >>> report = ingest(["samples"], "out/samples")
    >>> df = read_dataset("out/samples")            # documents, dates as dates, lists as lists

``ingest`` walks folders recursively, asks the dataset's sink (:mod:`pipeline.sinks`) what it
already holds, runs the rest on an executor (:mod:`pipeline.executors`: this process, or a
pool of processes when ``workers > 1``), hands each record to the sink, and returns a
:class:`RunReport` that says what failed.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from pipeline.errors import VanthuError
from pipeline.executors import DocumentTask, make_executor
from pipeline.options import DEFAULT, Options
from pipeline.runner import process_file
from pipeline.sinks import DEFAULT_SINK, open_sink
from schemas.arrow import TABLES
from schemas.record import Record, Status


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

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("records")
        return d


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
    executor: str = "local",
    sink: str = DEFAULT_SINK,
) -> RunReport:
    """Process every file under ``paths`` not yet in the dataset at ``out``.

    ``workers``: processes to use (default: the machine's cores, 1 for small batches);
    ``retry_failed``: process again files whose earlier record failed (their new record is
    added, ``read_dataset`` keeps the newest); ``progress``: called with each record;
    ``options``: what to read besides the text (see :class:`pipeline.options.Options`);
    OCR results are cached in ``out/.ocr-cache`` unless ``options.ocr_cache`` says where;
    ``page_progress``: called about twice a second with the number of pages OCRed so far;
    ``executor`` and ``sink``: where documents run and how the dataset is stored, by their
    registry names (:data:`pipeline.executors.EXECUTORS`, :data:`pipeline.sinks.SINKS`).
    """
    started = dt.datetime.now(dt.timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    report = RunReport(run_id=run_id, out=str(out), started_at=started)
    files, problems = discover(paths)
    report.problems = problems
    report.inputs = len(files)
    dataset = open_sink(out, sink)
    todo = [str(f) for f in files]
    workers = workers or os.cpu_count() or 1
    if len(todo) < 8:
        workers = 1
    if options.ocr_cache is None:
        options = replace(options, ocr_cache=str(Path(out) / ".ocr-cache"))
    if options.ocr_threads == 0:  # the cores are shared between the worker processes
        options = replace(options, ocr_threads=max(1, (os.cpu_count() or 1) // workers))
    task = DocumentTask(options=options, known=dataset.known_keys(), retry_failed=retry_failed)
    runner = make_executor(executor, workers=workers)
    writer = dataset.writer(run_id)
    stop = threading.Event()
    if page_progress is not None:
        def poll() -> None:
            while not stop.wait(0.5):
                page_progress(runner.pages_done())

        threading.Thread(target=poll, daemon=True).start()
    try:
        for rec in runner.run(task, todo):
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
            page_progress(runner.pages_done())
        writer.close()
        report.finished_at = dt.datetime.now(dt.timezone.utc)
        dataset.write_run_log(run_id, report.as_dict())
    return report


# ---------------------------------------------------------------------------- reading back


def read_table(out: str | os.PathLike[str], table: str = "documents",
               sink: str = DEFAULT_SINK) -> pa.Table:
    """One table of the dataset as stored, every row (as Arrow)."""
    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
    return open_sink(out, sink).read_table(table)


def read_dataset(out: str | os.PathLike[str], table: str = "documents") -> pd.DataFrame:
    """A table of the dataset as a pandas DataFrame with analyst-friendly dtypes.

    ``issue_date`` is ``datetime64`` (a date at midnight), ``ingested_at`` and signature times
    are timezone-aware, counts are nullable integers, list columns hold Python lists. When a
    file was processed more than once (``retry_failed``), the newest row is kept.
    """
    tbl = read_table(out, table)
    data: dict[str, Any] = {}
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
