"""Runs one file through the steps: bytes → reader → zones → extractors → record.

Nothing here raises for a bad document: a file that cannot be read gives a record with
``status = failed`` and the reason in ``errors`` (``the PDF is encrypted and needs a
password``); an extractor that fails leaves its fields empty, says why, and marks the record
``partial``. A batch therefore always has one record per input file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from extractors.base import Context
from extractors.confidence import calibrate, seal_pages
from extractors.registry import registry
from pipeline.errors import VanthuError
from pipeline.layout import zone
from pipeline.options import DEFAULT, Options
from pipeline.readers import EXTENSIONS, read_document, sniff
from schemas.record import CORE_FIELDS, Record, Status

# The file name endings ``ingest`` takes as documents by default (``.pdf``, ``.docx``…).
DOCUMENT_EXTENSIONS: frozenset[str] = frozenset(EXTENSIONS)


def doc_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as text that any table can hold: a name that is not UTF-8 (``C\\xf4ng v\\xe3n
    .txt`` saved by an old Windows tool in Windows-1258) keeps each undecodable byte as a
    ``\\xNN`` escape instead of crashing the writer; a UTF-8 name is returned unchanged."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Seen:
    """A file whose bytes the dataset already holds a current record for: it is not processed
    again (a file moved to another folder, or touched without a change)."""

    path: str
    doc_id: str
    size: int


def failed_record(path: str, message: str, *, data: bytes | None = None,
                  fmt: str = "unknown") -> Record:
    if data is None:  # still say which bytes failed when they can be read cheaply
        data = _small_file(path)
    return Record(
        doc_id=doc_id_of(data) if data is not None else "",
        source_path=display_path(path),
        source_format=fmt,
        status=Status.FAILED,
        errors=[message],
        file_size=len(data) if data is not None else None,
        ingested_at=dt.datetime.now(dt.timezone.utc),
    )


def _small_file(path: str, limit: int = 256 << 20) -> bytes | None:
    """The bytes of a regular file under ``limit`` bytes, or None (never blocks on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def page_count(data: bytes) -> int | None:
    """Pages of a PDF, counted from its page tree without reading any page, or frames of a
    multi-page TIFF, counted from its directories without decoding one (None for other
    bytes or when they cannot be opened: the reader then says why)."""
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        from PIL import Image  # opened lazily: only the directories are read

        try:
            with Image.open(io.BytesIO(data)) as image:
                return int(getattr(image, "n_frames", 1))
        except Exception:
            return None
    if sniff(data) != "pdf":
        return None
    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            return int(doc.page_count)
    except Exception:
        return None


def process_bytes(path: str, data: bytes, options: Options = DEFAULT,
                  max_pages: int | None = None) -> Record:
    """The record of one file whose bytes are already read. With ``max_pages``, a document of
    more pages fails before any page is read or rendered (3,000 pages of one dot each would
    otherwise be OCRed page by page)."""
    fmt = Path(path).suffix.lower().lstrip(".") or "unknown"
    if max_pages is not None:
        pages = page_count(data)
        if pages is not None and pages > max_pages:
            return failed_record(path, f"{pages} pages, more than the limit of {max_pages} "
                                 "pages per document (--max-pages)", data=data, fmt=fmt)
    try:
        doc = read_document(display_path(path), data, options)
    except VanthuError as exc:
        return failed_record(path, exc.message, data=data, fmt=fmt)
    except Exception as exc:  # a reader bug must not stop the batch
        return failed_record(path, f"internal error while reading: {exc!r}", data=data, fmt=fmt)

    rec = Record(
        doc_id=doc_id_of(data),
        source_path=display_path(path),
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
    # an OCR value's confidence from its evidence, a seal over the signature block included;
    # what the seal search says (a page it could not search) reaches the record
    said = len(ctx.doc.warnings)
    seals = ctx.doc.seals_on(seal_pages(ctx.record))
    ctx.record.warnings.extend(ctx.doc.warnings[said:])
    calibrate(ctx.record, seals)


def process_file(
    path: str | os.PathLike[str],
    skip: Callable[[str, str], bool] | None = None,
    options: Options = DEFAULT,
    max_pages: int | None = None,
) -> Record | Seen:
    """The record of one file on disk, reading it once. With ``skip``, a file for which
    ``skip(doc_id, path)`` is true is not processed: a :class:`Seen` comes back instead.

    Only a regular file is read: a FIFO, a socket or a device (a link to ``/dev/zero``) gives
    a failed record at once instead of blocking or reading forever."""
    path = os.fspath(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return failed_record(path, f"the file cannot be read ({exc.strerror or exc})")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return failed_record(path, "not a regular file (a FIFO, socket or device)")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read()
    except OSError as exc:
        return failed_record(path, f"the file cannot be read ({exc.strerror or exc})")
    finally:
        os.close(fd)
    doc_id = doc_id_of(data)
    if skip is not None and skip(doc_id, display_path(path)):
        return Seen(display_path(path), doc_id, len(data))
    return process_bytes(path, data, options, max_pages)


_VERSION_SOURCES = ("extractors", "pipeline/readers", "pipeline/layout", "pipeline/ocr",
                    "pipeline/rules", "pipeline/signatures", "schemas")
_VERSION_FILES = ("pipeline/runner.py", "pipeline/normalize.py", "pipeline/document.py",
                  "pipeline/letters.py")


def pipeline_version() -> str:
    """What made a record: a short hash of the code and rule files that turn bytes into a
    record (readers, layout, OCR, extractors, rules, schemas), e.g. ``0.1.0+3f9a1c2e``. A new
    rule in ``doc_types.yaml`` changes it, so ``ingest --reprocess outdated`` knows which
    records an older pipeline made."""
    from importlib.metadata import PackageNotFoundError, version

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    files = [root / f for f in _VERSION_FILES]
    for folder in _VERSION_SOURCES:
        files.extend(sorted((root / folder).rglob("*.py")))
        files.extend(sorted((root / folder).rglob("*.yaml")))
    for f in files:
        if f.is_file():
            digest.update(f.relative_to(root).as_posix().encode())
            digest.update(f.read_bytes())
    try:
        base = version("vanthu")
    except PackageNotFoundError:
        base = "0"
    return f"{base}+{digest.hexdigest()[:8]}"
