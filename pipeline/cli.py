"""``vanthu``: the command line, a thin shell over :mod:`pipeline.api`.

    vanthu ingest FOLDER... --out DATASET     read every file (recursively) into the dataset
    vanthu show FILE                          one document's fields and where each came from
    vanthu summary DATASET                    the dataset's documents as a short table

Exit codes: 0 every input has a record and none failed; 1 some files failed (their records
say why; the rest is written); 2 nothing to do (bad arguments, no input files).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from pipeline.api import extract, ingest, read_dataset
from pipeline.options import Options
from schemas.record import Record

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


def print_summary(df, out=None) -> None:
    out = out or sys.stdout
    if df.empty:
        print("(no documents)", file=out)
        return
    cols = [("source_path", 34), ("status", 7), ("doc_type", 10), ("code", 20),
            ("issue_date", 10), ("signer_name", 20)]
    print("  ".join(name.ljust(w) for name, w in cols), file=out)
    print("  ".join("-" * w for _, w in cols), file=out)
    for _, row in df.iterrows():
        vals = []
        for name, w in cols:
            v = row[name]
            if name == "source_path":
                v = str(v)[-w:]
            elif name == "issue_date":
                v = "" if v is None or str(v) == "NaT" else str(v)[:10]
            vals.append(_short("" if v is None or (isinstance(v, float)) else v, w).ljust(w))
        print("  ".join(vals), file=out)
    counts = df["status"].value_counts().to_dict()
    print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
          + f"  ({len(df)} documents)", file=out)


def _options(args) -> Options:
    return Options(
        signatures=not args.no_signatures,
        ocr=not args.no_ocr,
        ocr_lang=args.ocr_lang,
        ocr_cache=args.ocr_cache,
    )


def cmd_ingest(args) -> int:
    from tqdm import tqdm

    quiet = True if args.no_progress else None
    bar = tqdm(unit="doc", disable=quiet, desc="documents", position=0)
    pages_bar = None

    def tick(rec: Record) -> None:
        bar.update(1)

    def pages(done: int) -> None:
        nonlocal pages_bar
        if done and pages_bar is None:
            pages_bar = tqdm(unit="page", disable=quiet, desc="OCR pages", position=1)
        if pages_bar is not None and done != pages_bar.n:
            pages_bar.update(done - pages_bar.n)

    report = ingest(args.paths, args.out, workers=args.workers, retry_failed=args.retry_failed,
                    progress=tick, options=_options(args), page_progress=pages)
    bar.close()
    if pages_bar is not None:
        pages_bar.close()
    for problem in report.problems:
        print(f"vanthu: {problem}", file=sys.stderr)
    print(f"{report.inputs} input files: {report.processed} processed, {report.skipped} already "
          f"in {args.out}; " + ", ".join(f"{k}: {v}" for k, v in sorted(report.by_status.items())))
    for fail in report.failures:
        print(f"FAILED {fail['path']}: {fail['error']}", file=sys.stderr)
    if args.summary:
        print()
        print_summary(read_dataset(args.out))
    if report.inputs == 0:
        print("vanthu: no input files", file=sys.stderr)
        return 2
    return 1 if report.failed else 0


def cmd_show(args) -> int:
    rec = extract(args.file, options=_options(args))
    if args.json:
        print(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        show_record(rec)
    return 1 if rec.status.value == "failed" else 0


def cmd_summary(args) -> int:
    print_summary(read_dataset(args.dataset))
    return 0


def _ocr_arguments(p: argparse.ArgumentParser, cache_help: str) -> None:
    p.add_argument("--no-ocr", action="store_true",
                   help="do not OCR pages without a text layer (scans fail instead)")
    p.add_argument("--ocr-lang", default="vie", help="Tesseract language data (default: vie)")
    p.add_argument("--ocr-cache", default=None, help=cache_help)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vanthu", description="Vietnamese official documents to structured records."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="read files and folders into a Parquet dataset")
    p.add_argument("paths", nargs="+", help="files or folders (read recursively)")
    p.add_argument("--out", required=True, help="dataset directory (created if missing)")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--retry-failed", action="store_true",
                   help="process again files whose earlier record failed")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-signatures", action="store_true",
                   help="do not read PDF signature fields (stamped number and day stay blank)")
    _ocr_arguments(p, cache_help="folder of cached OCR results (default: DATASET/.ocr-cache)")
    p.add_argument("--summary", action="store_true", help="print the dataset as a table after")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("show", help="one document's record and where each value came from")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="the record as JSON")
    p.add_argument("--no-signatures", action="store_true", help="do not read PDF signatures")
    _ocr_arguments(p, cache_help="folder of cached OCR results (default: ~/.cache/vanthu/ocr)")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("summary", help="a dataset's documents as a short table")
    p.add_argument("dataset")
    p.set_defaults(func=cmd_summary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
