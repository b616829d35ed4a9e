"""``vanthu``: the command line, a thin shell over :mod:`pipeline.api`.

    vanthu ingest FOLDER... --out DATASET     read every file (recursively) into the dataset
    vanthu show FILE                          one document's fields and where each came from
    vanthu show DATASET DOC                   the same, as the dataset stored it (DOC: a doc_id
                                              or its start, a path, or a file name)
    vanthu summary DATASET                    the dataset's documents as a table
    vanthu list DATASET --status failed       documents by status, empty field, low confidence
    vanthu crop DATASET DOC FIELD --out F.png the box of a field cut out of its page
    vanthu correct DATASET DOC FIELD VALUE    a correction that every read and run keeps
    vanthu corrections DATASET                the corrections, and which need a new look
    vanthu export DATASET --format csv|jsonl|xlsx --out FILE   the data out, corrected
    vanthu review DATASET                     a local web page to check and correct values
    vanthu sql DATASET "SELECT …"             a query over the dataset's tables and views
    vanthu check DATASET                      the Nghị định 30/2020 rules each record breaks

Tables are drawn by rich to the terminal's width (80 columns, or ``COLUMNS``, when piped);
paths are shown whole, less the folder every listed path shares. Output piped into ``head``
stops quietly.

Exit codes of ``ingest`` (for cron): 0 every input has a record and none failed; 1 some
documents failed (each has a record saying why; the rest is written); 2 the run could not
start or could not finish (bad arguments, a missing input folder, no input, a crash); 3
another run holds the dataset's lock.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipeline.api import (
    BATCH_SIZE,
    DEFAULT_EXCLUDE,
    MAX_ATTEMPTS,
    DatasetLocked,
    DatasetUnwritable,
    InputError,
    Limits,
    extract,
    ingest,
    is_dataset,
    read_dataset,
    terminate_on_sigterm,
    vacuum,
)
from pipeline.corrections import CorrectionError
from pipeline.options import Options
from pipeline.review.select import select_documents
from schemas.record import Record

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_LOCKED = 0, 1, 2, 3

FIELD_ORDER = (
    "doc_type", "doc_type_code", "number", "symbol", "code", "issuer", "issuer_parent", "place",
    "issue_date", "issue_year", "issue_month", "subject", "recipients", "distribution",
    "signer_name", "signer_title", "signing_authority", "deadlines", "references", "contacts",
    "urgency", "secrecy",
)


def _short(value, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _fmt(value) -> str:
    if isinstance(value, list):
        if not value:
            return "[]"
        return "".join(f"\n    - {_fmt(v)}" for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return ", ".join(f"{k}={_fmt(getattr(value, k))}" for k in value.__dataclass_fields__
                         if getattr(value, k) not in (None, []))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def show_record(rec: Record, out=None) -> None:
    out = out or sys.stdout
    print(f"{rec.source_path}", file=out)
    print(f"  status: {rec.status.value}   format: {rec.source_format}   pages: {rec.page_count}"
          f"   doc_id: {rec.doc_id[:16]}…", file=out)
    for err in rec.errors:
        print(f"  error: {err}", file=out)
    for warn in rec.warnings:
        print(f"  warning: {warn}", file=out)
    for name in FIELD_ORDER:
        value = getattr(rec, name)
        if value in (None, []):
            continue
        print(f"  {name}: {_fmt(value)}", file=out)
        prov = rec.provenance.get(name)
        if prov is not None:
            where = f"page {prov.page}" if prov.page else "no pages"
            if prov.bbox:
                where += " box (" + ", ".join(f"{v:.0f}" for v in prov.bbox) + ")"
            print(f"      ↳ {where}, {prov.source}, {prov.extractor}, "
                  f"conf {prov.confidence:.2f}: {_short(prov.text, 90)!r}", file=out)
    show_signatures(rec, out)


def _time(value) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value is not None else "no time"


def show_signatures(rec: Record, out=None) -> None:
    """One block per signature: who, when, how it was made, whether it still holds."""
    out = out or sys.stdout
    if not rec.signatures:
        return
    print(f"  signatures ({len(rec.signatures)}):", file=out)
    for i, sig in enumerate(rec.signatures, 1):
        where = f"page {sig.page}" if sig.page else "no page"
        if sig.bbox:
            where += " box (" + ", ".join(f"{v:.0f}" for v in sig.bbox) + ")"
        head = f"    {i}. {sig.field or '(text)'}, {where}, {sig.source}"
        print(head, file=out)
        who = sig.signer or "signer unknown"
        if sig.organisation:
            who += f" ({sig.organisation})"
        if sig.email:
            who += f" <{sig.email}>"
        print(f"       signer: {who}", file=out)
        print(f"       signed: {_time(sig.signed_at)}", file=out)
        if sig.cms_signed_at is not None:
            print(f"       CMS signing time: {_time(sig.cms_signed_at)}", file=out)
        if sig.timestamp_at is not None:
            print(f"       timestamp token: {_time(sig.timestamp_at)}", file=out)
        if sig.time_conflict:
            print(f"       time conflict: {sig.time_conflict}", file=out)
        if sig.subfilter or sig.certificate_issuer:
            print(f"       format: {sig.subfilter or '?'}, certificate from "
                  f"{sig.certificate_issuer or '?'}", file=out)
        if sig.intact is not None or sig.coverage:
            state = {True: "intact", False: "NOT intact", None: "integrity unknown"}[sig.intact]
            cover = {"whole_file": "covers the whole file",
                     "revision": "covers its revision",
                     "unclear": "coverage unclear"}.get(sig.coverage or "", "")
            after = {"annotations": "later revisions only add signatures, fields or annotations",
                     "content": "PAGE CONTENT CHANGED after signing",
                     "unknown": "later changes unknown"}.get(sig.modified_after or "", "")
            print("       " + "; ".join(p for p in (state, cover, after) if p), file=out)
        if sig.fills:
            print(f"       stamps the {sig.fills} of the letter", file=out)
        if sig.stamp_text:
            print(f"       stamp text: {_short(sig.stamp_text, 100)!r}", file=out)
        for err in sig.errors:
            print(f"       error: {err}", file=out)


def _console(out=None):
    """A rich console on ``out``: the terminal's width, or 80 columns (``COLUMNS``) when
    piped, so a table never runs past the right edge."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich exits 1 itself: let main() stop as for print
            raise BrokenPipeError

    return _Console(file=out or sys.stdout, highlight=False, soft_wrap=False)


def shared_folder(paths: Sequence[str]) -> str:
    """The folder every path lies in (``/srv/archive/2024/``), dropped from the paths shown
    so the names stay whole: ``cv-sxd-1204.pdf`` rather than ``…chive/2024/cv-sxd-1204.pdf``.
    Empty when the paths share nothing but ``/`` or there is a single path's folder only."""
    folders = [os.path.dirname(p) for p in paths if p]
    if not folders:
        return ""
    try:
        common = os.path.commonpath(folders)
    except ValueError:  # relative and absolute paths mixed
        return ""
    return "" if common in ("", os.sep) else common.rstrip(os.sep) + os.sep


def _cell(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


# columns whose values mean nothing once shortened, and the width they may claim at most
_WHOLE = {"status": 7, "issue_date": 10, "code": 22, "doc_type_code": 5, "number": 8}


def print_documents(df, columns: Sequence[str], out=None, title: str | None = None) -> None:
    """The rows of ``df`` as a table that fits the terminal: the path column folds (never
    cut), the others are shortened with an ellipsis when the width runs out."""
    from rich.table import Table

    console = _console(out)
    if df.empty:
        console.print("(no documents)")
        return
    paths = [str(p) for p in df["source_path"]]
    prefix = shared_folder(paths)
    table = Table(title=title, box=None, show_edge=False, pad_edge=False)
    longest = max(len(p) - len(prefix) for p in paths)
    cells = {name: [_cell(v) for v in df[name]] for name in columns if name != "source_path"}
    for name in columns:
        if name == "source_path":  # whole names first: folded over lines only when too long
            table.add_column("path", overflow="fold",
                             width=min(longest, max(16, console.width * 2 // 5)))
        elif name == "reason":
            table.add_column(name, overflow="fold")
        elif name in _WHOLE:  # a status, a date or a code cut short says nothing: kept whole
            width = max([len(name), *map(len, cells[name])])
            table.add_column(name, no_wrap=True, min_width=min(width, _WHOLE[name]))
        else:
            table.add_column(name, overflow="ellipsis", no_wrap=True, min_width=4)
    for i, path in enumerate(paths):
        table.add_row(*[path[len(prefix):] if name == "source_path" else cells[name][i]
                        for name in columns])
    if prefix:
        console.print(f"paths under {prefix}", overflow="fold")
    console.print(table)


def print_summary(df, out=None) -> None:
    print_documents(df, ["source_path", "status", "doc_type", "code", "issue_date",
                         "signer_name"], out)
    if not df.empty:
        counts = df["status"].value_counts().to_dict()
        print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
              + f"  ({len(df)} documents)", file=out or sys.stdout)


def _options(args) -> Options:
    return Options(
        signatures=not args.no_signatures,
        ocr=not args.no_ocr,
        ocr_lang=args.ocr_lang,
        ocr_cache=args.ocr_cache,
    )


class _Progress:
    """Progress of a run: a bar with the total and an ETA on a terminal, one line every
    ``every`` seconds otherwise (cron mails stay short), nothing with ``--quiet``; with
    ``--log-json`` one JSON line per document on stderr."""

    def __init__(self, quiet: bool, bar: bool, log_json: bool, every: float = 60.0) -> None:
        self.quiet, self.use_bar, self.log_json, self.every = quiet, bar, log_json, every
        self.total = 0
        self.done = 0
        self.started = time.monotonic()
        self.last_line = self.started
        self.bar: Any = None
        self.pages_bar: Any = None

    def __call__(self, event: dict[str, Any]) -> None:
        if event["event"] == "start":
            self.total = event["total"]
            if self.use_bar and not self.quiet:
                from tqdm import tqdm

                self.bar = tqdm(total=self.total, unit="doc", desc="documents", position=0)
            return
        self.done += 1
        if self.log_json:
            print(json.dumps(event, ensure_ascii=False, default=str), file=sys.stderr)
        if self.bar is not None:
            self.bar.update(1)
        elif not self.quiet and not self.log_json and \
                time.monotonic() - self.last_line >= self.every:
            self.last_line = time.monotonic()
            rate = self.done / max(1e-9, self.last_line - self.started)
            eta = (self.total - self.done) / rate if rate else 0
            print(f"vanthu: {self.done}/{self.total} documents, {rate:.1f}/s, "
                  f"about {eta:.0f} s left", file=sys.stderr, flush=True)

    def pages(self, done: int) -> None:
        if self.bar is None:
            return
        if done and self.pages_bar is None:
            from tqdm import tqdm

            self.pages_bar = tqdm(unit="page", desc="OCR pages", position=1)
        if self.pages_bar is not None and done != self.pages_bar.n:
            self.pages_bar.update(done - self.pages_bar.n)

    def close(self) -> None:
        for bar in (self.bar, self.pages_bar):
            if bar is not None:
                bar.close()


def _limits(args) -> Limits:
    def off(value):
        return None if value is not None and value <= 0 else value

    return Limits(seconds=off(args.max_seconds), memory_mb=off(args.max_memory),
                  pages=off(args.max_pages))


def cmd_ingest(args) -> int:
    """Exit codes: 0 all ok; 1 some documents failed (each has a record); 2 the run could not
    start or finish (bad arguments, no input, a crash); 3 another run holds the lock."""
    if args.workers is not None and args.workers < 1:
        print(f"vanthu: --workers must be 1 or more, not {args.workers}", file=sys.stderr)
        return EXIT_ERROR
    terminate_on_sigterm()
    quiet = args.quiet
    prog = _Progress(quiet=quiet, bar=sys.stderr.isatty() and not args.no_progress
                     and not args.log_json, log_json=args.log_json)
    reprocess = "all" if args.full else args.reprocess
    try:
        report = ingest(args.paths, args.out, workers=args.workers, reprocess=reprocess,
                        progress=prog, options=_options(args), page_progress=prog.pages,
                        executor=args.executor, scheduler=args.scheduler, limits=_limits(args),
                        include=args.include or None,
                        exclude=[*DEFAULT_EXCLUDE, *(args.exclude or [])],
                        wait=args.wait, batch_size=args.batch_size)
    except DatasetLocked as exc:
        print(f"vanthu: {exc.message}", file=sys.stderr)
        return EXIT_LOCKED
    except DatasetUnwritable as exc:  # a full disk, a read-only table: one line says which
        print(f"vanthu: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except InputError as exc:
        print(f"vanthu: {exc.message}", file=sys.stderr)
        return EXIT_ERROR
    except (KeyboardInterrupt, SystemExit):
        print("vanthu: stopped; what was committed stays, the next run finishes the work",
              file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        traceback.print_exc()
        print(f"vanthu: the run crashed: {exc!r}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        prog.close()
    code = EXIT_FAILED if (report.failed or report.still_failed) else EXIT_OK
    if args.log_json:
        line = {k: v for k, v in report.as_dict().items()
                if k not in ("failures", "skipped_files")}
        print(json.dumps({"event": "run", "exit_code": code, **line}, ensure_ascii=False,
                         default=str), file=sys.stderr)
    if not quiet:
        print(f"{report.seen} input files: {report.new} new, {report.changed} changed, "
              f"{report.moved} moved, {report.unchanged} unchanged, {report.retried} retried; "
              f"{report.deleted} deleted, {report.skipped} skipped; {report.processed} "
              "processed" + "".join(f", {k}: {v}" for k, v in sorted(report.by_status.items())))
        for problem in report.problems + [f"set aside a damaged part: {p}"
                                          for p in report.set_aside]:
            print(f"vanthu: {problem}", file=sys.stderr)
        reasons: dict[str, int] = {}
        for s in report.skipped_files:
            reasons[s["reason"]] = reasons.get(s["reason"], 0) + 1
        for reason, n in sorted(reasons.items()):
            print(f"skipped {n}: {reason}", file=sys.stderr)
    for fail in report.failures:
        print(f"FAILED {fail['path']}: {fail['error']}", file=sys.stderr)
    if report.still_failed:
        print(f"vanthu: {report.still_failed} files failed {MAX_ATTEMPTS} runs in a row and were "
              "not tried again (--reprocess all tries them)", file=sys.stderr)
    if args.summary:
        print()
        print_summary(read_dataset(args.out))
    return code


def cmd_vacuum(args) -> int:
    """Exit codes: 0 done; 2 not a dataset, or it cannot be written; 3 a run holds the lock."""
    try:
        removed = vacuum(args.dataset, retain_hours=args.retain_hours, wait=args.wait)
    except DatasetLocked as exc:
        print(f"vanthu vacuum: {exc.message}; not vacuumed", file=sys.stderr)
        return EXIT_LOCKED
    except (InputError, DatasetUnwritable) as exc:
        print(f"vanthu vacuum: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"compacted; {len(removed)} data files deleted (kept: what the last "
          f"{args.retain_hours:g} hours and the last complete run need)")
    return EXIT_OK


def _no_dataset(path: str, command: str) -> int:
    print(f"vanthu {command}: {path} is not a dataset (no complete run of `vanthu ingest "
          "--out` there)", file=sys.stderr)
    return EXIT_ERROR


def find_document(docs: pd.DataFrame, doc: str) -> pd.Series:
    """The one row of ``docs`` that ``doc`` names (:func:`pipeline.corrections.find`)."""
    from pipeline.corrections import find

    return pd.Series(find(docs, doc))


def show_stored(doc: pd.Series, fields: pd.DataFrame, out=None) -> None:
    """A stored record with the provenance of each value, as ``show FILE`` prints a fresh one;
    a box is ``(x0, y0, x1, y1)`` in PDF points from the page's top left corner."""
    out = out or sys.stdout
    print(f"{doc['source_path']}", file=out)
    print(f"  status: {doc['status']}   format: {doc['source_format']}   pages: "
          f"{_cell(doc['page_count'])}   doc_id: {doc['doc_id']}", file=out)
    for label in ("errors", "warnings"):
        for text in doc[label] if isinstance(doc[label], list) else []:
            print(f"  {label[:-1]}: {text}", file=out)
    by_name = {r["field"]: r for _, r in fields.iterrows()}
    for name in FIELD_ORDER:
        row = by_name.get(name)
        value = doc.get(name)
        if row is None and (value is None or (isinstance(value, list) and not value)
                            or _cell(value) == ""):
            continue
        shown = json.loads(row["value"]) if row is not None and row["value"] else value
        if name == "issue_date" and row is None:
            shown = _cell(value)
        print(f"  {name}: {_fmt(shown)}", file=out)
        if row is None:
            continue
        where = f"page {row['page']}" if not pd.isna(row["page"]) else "no pages"
        if not pd.isna(row["x0"]):
            where += " box (" + ", ".join(f"{row[k]:.0f}" for k in ("x0", "y0", "x1", "y1")) \
                + ")"
        conf = "" if pd.isna(row["confidence"]) else f", conf {row['confidence']:.2f}"
        text = "" if pd.isna(row["text"]) else f": {_short(row['text'], 90)!r}"
        print(f"      ↳ {where}, {row['source']}, {row['extractor']}{conf}{text}", file=out)


def cmd_show(args) -> int:
    if args.doc is not None:
        if not is_dataset(args.file):
            return _no_dataset(args.file, "show")
        docs = read_dataset(args.file)
        try:
            doc = find_document(docs, args.doc)
        except CorrectionError as exc:
            print(f"vanthu show: {exc}", file=sys.stderr)
            return EXIT_FAILED
        fields = read_dataset(args.file, "fields")
        fields = fields[fields["source_path"] == doc["source_path"]]
        if args.json:
            row = {k: (_cell(v) if k in ("issue_date", "ingested_at") else v)
                   for k, v in doc.items()}
            row["provenance"] = fields.drop(columns=["doc_id", "source_path"]).to_dict("records")
            print(json.dumps(row, ensure_ascii=False, indent=2, default=str))
        else:
            show_stored(doc, fields)
        return EXIT_FAILED if doc["status"] == "failed" else EXIT_OK
    rec = extract(args.file, options=_options(args))
    if args.json:
        print(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        show_record(rec)
    return 1 if rec.status.value == "failed" else 0


def cmd_summary(args) -> int:
    if not is_dataset(args.dataset):
        return _no_dataset(args.dataset, "summary")
    print_summary(read_dataset(args.dataset))
    return 0


def cmd_list(args) -> int:
    if not is_dataset(args.dataset):
        return _no_dataset(args.dataset, "list")
    docs = read_dataset(args.dataset)
    fields = read_dataset(args.dataset, "fields")
    if args.empty and args.empty not in docs.columns:
        print(f"vanthu list: no field {args.empty!r}; known: "
              + ", ".join(FIELD_ORDER), file=sys.stderr)
        return EXIT_ERROR
    hits = select_documents(docs, fields, status=args.status, empty=args.empty,
                            below=args.below, source=args.source)
    hits = hits.assign(doc_id=hits["doc_id"].str[:12])
    print_documents(hits, ["source_path", "status", "doc_id", "code", "reason"])
    print(f"\n{len(hits)} of {len(docs)} documents", file=sys.stdout)
    return EXIT_OK


def cmd_crop(args) -> int:
    from pipeline.review.images import BoxError, crop_png

    if not is_dataset(args.dataset):
        return _no_dataset(args.dataset, "crop")
    try:
        doc = find_document(read_dataset(args.dataset), args.doc)
    except CorrectionError as exc:
        print(f"vanthu crop: {exc}", file=sys.stderr)
        return EXIT_FAILED
    fields = read_dataset(args.dataset, "fields")
    rows = fields[(fields["source_path"] == doc["source_path"])
                  & (fields["field"] == args.field)]
    if rows.empty:
        print(f"vanthu crop: {doc['source_path']} has no value for {args.field}",
              file=sys.stderr)
        return EXIT_FAILED
    row = rows.iloc[0]
    if pd.isna(row["page"]) or pd.isna(row["x0"]):
        print(f"vanthu crop: {args.field} of {doc['source_path']} has no box on a page "
              f"(read from {row['source']})", file=sys.stderr)
        return EXIT_FAILED
    box = tuple(float(row[k]) for k in ("x0", "y0", "x1", "y1"))
    try:
        png = crop_png(str(doc["source_path"]), int(row["page"]), box,  # type: ignore[arg-type]
                       zoom=args.zoom, margin=args.margin)
    except BoxError as exc:
        print(f"vanthu crop: {exc}", file=sys.stderr)
        return EXIT_FAILED
    with open(args.out, "wb") as fh:
        fh.write(png)
    print(f"{args.out}: {args.field} = {_short(json.loads(row['value']), 60)!r}, page "
          f"{int(row['page'])}, box ({', '.join(f'{v:.0f}' for v in box)}) pt")
    return EXIT_OK


def cmd_correct(args) -> int:
    from pipeline.corrections import CorrectionError, correct

    if not is_dataset(args.dataset):
        return _no_dataset(args.dataset, "correct")
    try:
        row = correct(args.dataset, args.doc, args.field, args.value, who=args.who)
    except CorrectionError as exc:
        print(f"vanthu correct: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{row['source_path']}: {row['field']} {row['old_value'] or 'null'} -> "
          f"{row['value']} (by {row['who']})")
    return EXIT_OK


def cmd_corrections(args) -> int:
    from pipeline.corrections import corrections

    if not is_dataset(args.dataset):
        return _no_dataset(args.dataset, "corrections")
    df = corrections(args.dataset)
    if args.format != "table":
        _print_frame(df.drop(columns=["correction_id"]), args.format)
        return EXIT_OK
    df = df.assign(at=df["at"].map(lambda t: t.strftime("%Y-%m-%d %H:%M")),
                   old_value=df["old_value"].fillna("null"),
                   extracted=df["extracted"].fillna("null"))
    print_documents(df, ["source_path", "field", "state", "value", "old_value", "extracted",
                         "who", "at"])
    review = int((df["state"] == "review").sum()) if len(df) else 0
    print(f"\n{len(df)} corrections, {review} to review (the extracted value changed since)")
    return EXIT_OK


def cmd_export(args) -> int:
    from pipeline.export import export

    if not is_dataset(args.dataset):
        return _no_dataset(args.dataset, "export")
    if args.format == "xlsx" and args.table != "documents":
        print("vanthu export: an Excel file holds every table, one sheet each; --table is "
              "for csv and jsonl", file=sys.stderr)
        return EXIT_ERROR
    counts = export(args.dataset, args.format, args.out, table=args.table)
    print(f"{args.out}: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))
    return EXIT_OK


def cmd_review(args) -> int:
    from pipeline.review.app import serve

    if not is_dataset(args.dataset):
        return _no_dataset(args.dataset, "review")
    serve(args.dataset, port=args.port, who=args.who)
    return EXIT_OK


def _print_frame(df, fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "csv":
        df.to_csv(out, index=False)
    elif fmt == "json":
        out.write(df.to_json(orient="records", force_ascii=False, date_format="iso") + "\n")
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None,
                               "display.width", 200, "display.max_colwidth", 60):
            out.write((df.to_string(index=False) if len(df.columns) else "(no columns)")
                      + "\n")


def cmd_sql(args) -> int:
    from pipeline.query import connect, frame

    try:
        con = connect(args.dataset)
        df = frame(con, args.query)
    except Exception as exc:  # a bad query or a missing dataset: say it, exit 2
        print(f"vanthu sql: {exc}", file=sys.stderr)
        return EXIT_ERROR
    _print_frame(df, args.format)
    return EXIT_OK


def cmd_check(args) -> int:
    from pipeline.query import connect, frame

    con = connect(args.dataset)
    where = "" if args.all else "WHERE outcome = 'failed'"
    df = frame(con, f"SELECT source_path, rule, outcome, article, detail FROM checks {where} "
                    "ORDER BY source_path, rule")
    _print_frame(df, args.format)
    if args.format == "table":
        counts = frame(con, "SELECT rule, count(*) FILTER (outcome = 'ok') AS ok, "
                            "count(*) FILTER (outcome = 'failed') AS failed, "
                            "count(*) FILTER (outcome = 'not_applicable') AS not_applicable "
                            "FROM checks GROUP BY rule ORDER BY rule")
        print()
        _print_frame(counts, "table")
    return EXIT_OK


def _ocr_arguments(p: argparse.ArgumentParser, cache_help: str) -> None:
    p.add_argument("--no-ocr", action="store_true",
                   help="do not OCR pages without a text layer (scans fail instead)")
    p.add_argument("--ocr-lang", default="vie", help="Tesseract language data (default: vie)")
    p.add_argument("--ocr-cache", default=None, help=cache_help)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vanthu")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vanthu", description="Vietnamese official documents to structured records."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="bring a dataset up to date with files and folders",
                       epilog="exit codes: 0 all ok, 1 some documents failed, 2 the run could "
                              "not start or finish, 3 the dataset is locked by another run")
    p.add_argument("paths", nargs="+", help="files or folders (read recursively)")
    p.add_argument("--out", required=True, help="dataset directory (created if missing)")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--executor", choices=["local", "serial", "dask"], default="local",
                   help="where documents run (default: local processes)")
    p.add_argument("--scheduler", default=None,
                   help="with --executor dask: the scheduler's address (default: a local "
                        "cluster of --workers processes)")
    p.add_argument("--reprocess", choices=["failed", "outdated", "all", "none"],
                   default="failed",
                   help="besides new and changed files, process again: failed ones (default, "
                        f"up to {MAX_ATTEMPTS} runs), also those made by an older pipeline, "
                        "all, or none")
    p.add_argument("--full", action="store_true", help="process every file again")
    p.add_argument("--include", action="append", metavar="GLOB",
                   help="names to take as documents (default: the known document extensions)")
    p.add_argument("--exclude", action="append", metavar="GLOB",
                   help="names to leave out (always: " + ", ".join(DEFAULT_EXCLUDE) + ")")
    p.add_argument("--max-seconds", type=float, default=Limits.seconds,
                   help="wall time per document (default: %(default)s; 0: none)")
    p.add_argument("--max-memory", type=int, default=Limits.memory_mb,
                   help="MiB per document's worker (default: %(default)s; 0: none)")
    p.add_argument("--max-pages", type=int, default=Limits.pages,
                   help="pages per document (default: %(default)s; 0: none)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for another run's lock (default: exit 3 at once)")
    p.add_argument("--batch-size", type=int, default=BATCH_SIZE, metavar="N",
                   help="commit every N documents (default: %(default)s); a killed run "
                        "loses at most one batch")
    p.add_argument("--quiet", action="store_true", help="print only problems")
    p.add_argument("--log-json", action="store_true",
                   help="one JSON line per document and one per run on stderr")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-signatures", action="store_true",
                   help="do not read PDF signature fields (stamped number and day stay blank)")
    _ocr_arguments(p, cache_help="folder of cached OCR results (default: DATASET/.ocr-cache)")
    p.add_argument("--summary", action="store_true", help="print the dataset as a table after")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("vacuum", help="compact the tables and delete old data files (weekly)",
                       epilog="exit codes: 0 done, 2 not a dataset or not writable, 3 a run "
                              "holds the dataset's lock (nothing is done)")
    p.add_argument("dataset")
    p.add_argument("--retain-hours", type=float, default=24 * 30, metavar="N",
                   help="keep what reading the dataset as of the last N hours needs "
                        "(default: %(default)g, 30 days)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for a run's lock (default: exit 3 at once)")
    p.set_defaults(func=cmd_vacuum)
    p = sub.add_parser("show", help="one document's record and where each value came from",
                       description="vanthu show FILE reads the file now; vanthu show DATASET "
                                   "DOC prints the record the dataset stored. Boxes are "
                                   "(x0, y0, x1, y1) in PDF points, origin top left.")
    p.add_argument("file", help="a document, or a dataset with DOC")
    p.add_argument("doc", nargs="?", default=None,
                   help="with a dataset: a doc_id (or its first 6+ characters), a path or a "
                        "file name")
    p.add_argument("--json", action="store_true", help="the record as JSON")
    p.add_argument("--no-signatures", action="store_true", help="do not read PDF signatures")
    _ocr_arguments(p, cache_help="folder of cached OCR results (default: ~/.cache/vanthu/ocr)")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("summary", help="a dataset's documents as a short table")
    p.add_argument("dataset")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("list", help="the documents to look at: failed, a field empty, a value "
                                    "read with low confidence or by OCR")
    p.add_argument("dataset")
    p.add_argument("--status", choices=("ok", "partial", "failed"))
    p.add_argument("--empty", metavar="FIELD", help="documents with no value for FIELD")
    p.add_argument("--below", type=float, metavar="CONF",
                   help="documents with a value read at a confidence below CONF (0-1)")
    p.add_argument("--source", metavar="SOURCE",
                   help="documents with a value read from SOURCE (ocr, ocr_handwriting…)")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("crop", help="cut the box of a field out of its page, as PNG")
    p.add_argument("dataset")
    p.add_argument("doc", help="a doc_id (or its start), a path or a file name")
    p.add_argument("field", help="e.g. code, signer_name")
    p.add_argument("--out", required=True, help="the PNG to write")
    p.add_argument("--zoom", type=float, default=2.0, help="pixels per point (default 2)")
    p.add_argument("--margin", type=float, default=6.0, help="points around the box")
    p.set_defaults(func=cmd_crop)
    p = sub.add_parser("correct", help="correct a value (or fill an empty one) for good",
                       description="The correction is stored in the dataset and laid over "
                                   "the extracted value on every read, after every later "
                                   "run, with source = manual. Lists: entries joined by ';'. "
                                   "An empty VALUE empties the field.")
    p.add_argument("dataset")
    p.add_argument("doc", help="a doc_id (or its start), a path or a file name")
    p.add_argument("field", help="e.g. code, signer_name, issue_date (YYYY-MM-DD)")
    p.add_argument("value")
    p.add_argument("--who", default=None, help="who corrects (default: the login name)")
    p.set_defaults(func=cmd_correct)
    p = sub.add_parser("export", help="the dataset with its corrections as CSV, JSON Lines "
                                      "or Excel (one sheet per table)")
    p.add_argument("dataset")
    p.add_argument("--format", choices=("csv", "jsonl", "xlsx"), required=True)
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument("--table", default="documents",
                   choices=("documents", "fields", "signatures", "pages", "tasks", "links",
                            "checks", "corrections"),
                   help="the table of a csv or jsonl export (default: documents)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("review", help="a web page on 127.0.0.1 to check each value against "
                                      "its page and correct it")
    p.add_argument("dataset")
    p.add_argument("--port", type=int, default=0, help="default: any free port (printed)")
    p.add_argument("--who", default=None, help="who corrects (default: the login name)")
    p.set_defaults(func=cmd_review)
    p = sub.add_parser("corrections", help="the corrections made, and which need review")
    p.add_argument("dataset")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_corrections)
    p = sub.add_parser("sql", help="run a SQL query over the dataset (DuckDB; tables and views)")
    p.add_argument("dataset")
    p.add_argument("query", help="e.g. \"SELECT kind, count(*) FROM deadlines GROUP BY 1\"")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_sql)
    p = sub.add_parser("check", help="the Nghị định 30/2020 rules each record breaks")
    p.add_argument("dataset")
    p.add_argument("--all", action="store_true", help="every outcome, not only failures")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for bad arguments, 0 for --help
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # `vanthu summary DS | head`: the reader left; stop without a traceback, and point
        # stdout at /dev/null so the interpreter's last flush does not complain either
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + 13  # as a process killed by SIGPIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
