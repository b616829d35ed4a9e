"""Runs one file through the steps: bytes → reader → zones → extractors → record.

Nothing here raises for a bad document: a file that cannot be read gives a record with
``status = failed`` and the reason in ``errors`` (``the PDF is encrypted and needs a
password``); an extractor that fails leaves its fields empty, says why, and marks the record
``partial``. A batch therefore always has one record per input file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from extractors.base import Context
from extractors.registry import registry
from pipeline.errors import VanthuError
from pipeline.layout import zone
from pipeline.options import DEFAULT, Options
from pipeline.readers import read_document
from schemas.record import CORE_FIELDS, Record, Status


def doc_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def failed_record(path: str, message: str, *, data: bytes | None = None,
                  fmt: str = "unknown") -> Record:
    return Record(
        doc_id=doc_id_of(data) if data is not None else "",
        source_path=path,
        source_format=fmt,
        status=Status.FAILED,
        errors=[message],
        file_size=len(data) if data is not None else None,
        ingested_at=dt.datetime.now(dt.timezone.utc),
    )


def process_bytes(path: str, data: bytes, options: Options = DEFAULT) -> Record:
    """The record of one file whose bytes are already read."""
    fmt = Path(path).suffix.lower().lstrip(".") or "unknown"
    try:
        doc = read_document(path, data, options)
    except VanthuError as exc:
        return failed_record(path, exc.message, data=data, fmt=fmt)
    except Exception as exc:  # a reader bug must not stop the batch
        return failed_record(path, f"internal error while reading: {exc!r}", data=data, fmt=fmt)

    rec = Record(
        doc_id=doc_id_of(data),
        source_path=path,
        source_format=doc.format,
        page_count=len(doc.pages),
        text_pages=doc.text_pages,
        file_size=len(data),
        ingested_at=dt.datetime.now(dt.timezone.utc),
    )
    rec.errors.extend(doc.errors)
    rec.warnings.extend(doc.warnings)
    empty = [p.number for p in doc.pages if not p.has_text]
    if empty and len(empty) == len(doc.pages):
        rec.status = Status.FAILED
        why = next((w for w in doc.warnings if "OCR" in w), None)
        if any(p.ocr for p in doc.pages):
            rec.errors.append("no text on any page: neither a text layer nor OCR found any")
        else:
            rec.errors.append(
                "no text layer on any page (a scanned document) and no OCR"
                + (f": {why}" if why else "")
            )
        run_extractors(Context(doc=doc, zones=zone(doc), record=rec), text=False)
        return rec
    if empty:
        rec.warnings.append(f"no text layer on page(s) {', '.join(map(str, empty))}")

    try:
        zones = zone(doc)
    except Exception as exc:
        rec.status = Status.FAILED
        rec.errors.append(f"internal error while finding the layout: {exc!r}")
        return rec
    run_extractors(Context(doc=doc, zones=zones, record=rec))
    missing = [f for f in CORE_FIELDS if getattr(rec, f) in (None, "", [])]
    if missing:
        rec.warnings.append(f"not found: {', '.join(missing)}")
    rec.status = Status.PARTIAL if (rec.errors or missing or empty) else Status.OK
    return rec


def run_extractors(ctx: Context, *, text: bool = True) -> None:
    """Every registered extractor over ``ctx``, in the registry's order, each failure said in
    the record's errors; with ``text=False`` (a page image without a text layer) only those
    that read something else than the text, such as signatures.

    The step a test or a notebook calls to run the extractors on a document it built itself
    (``Context(doc=doc, zones=zone(doc), record=Record(...))``)."""
    for name, extractor in registry().items():
        if not text and extractor.needs_text:
            continue
        try:
            extractor.extract(ctx)
        except Exception as exc:
            ctx.record.errors.append(f"extractor {name} failed: {exc!r}")


def process_file(
    path: str | os.PathLike[str],
    skip: Callable[[str, str], bool] | None = None,
    options: Options = DEFAULT,
) -> Record | None:
    """The record of one file on disk, reading it once. With ``skip``, a file for which
    ``skip(doc_id, path)`` is true is not processed and None is returned."""
    path = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return failed_record(path, f"the file cannot be read ({exc.strerror or exc})")
    if skip is not None and skip(doc_id_of(data), path):
        return None
    return process_bytes(path, data, options)
