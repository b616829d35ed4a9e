"""Readers: one module per input kind, each turning file bytes into a :class:`Document`.

The format is decided from the bytes (``%PDF``, a ZIP with ``word/document.xml``, an HTML
tag), not from the name alone; a file whose name promises one format and whose bytes hold
another (a PDF saved as ``.docx``) is refused with a clear error rather than guessed at.

``READERS`` is the registry; ``reader_for(name)`` fails with the list of known names.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from pipeline.document import Document
from pipeline.errors import EmptyFileError, FormatMismatchError, UnsupportedFormatError
from pipeline.options import DEFAULT, Options
from pipeline.readers import docx, html, image, pdf, text

Reader = Callable[[str, bytes, Options], Document]

READERS: dict[str, Reader] = {
    "pdf": pdf.read,
    "docx": docx.read,
    "html": html.read,
    "txt": text.read,
    "md": text.read,
    "image": image.read,
}

EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}


def reader_for(name: str) -> Reader:
    try:
        return READERS[name]
    except KeyError:
        raise KeyError(f"unknown reader {name!r}; known: {', '.join(sorted(READERS))}") from None


def sniff(data: bytes) -> str | None:
    """The format the bytes hold, or None when they could be any text."""
    head = data[:1024].lstrip()
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff" \
            or data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return "ole"  # legacy .doc / .xls
    lower = head[:512].lower()
    if lower.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lower:
        return "html"
    return None


def detect_format(path: str | Path, data: bytes) -> str:
    """Decide which reader takes the file; raise a clear error when none should."""
    path = str(path)
    if not data.strip():
        raise EmptyFileError(path, "the file is empty")
    by_name = EXTENSIONS.get(Path(path).suffix.lower())
    by_bytes = sniff(data)
    if by_bytes in ("zip", "ole"):
        kind = "a ZIP archive" if by_bytes == "zip" else "a legacy Office (.doc/.xls) file"
        raise UnsupportedFormatError(path, f"the file is {kind}; convert it to DOCX or PDF")
    if by_name is None:
        if by_bytes is None:
            raise UnsupportedFormatError(
                path,
                f"unknown file type {Path(path).suffix or '(no extension)'!r}; "
                f"known: {', '.join(sorted(EXTENSIONS))}",
            )
        return by_bytes
    if by_bytes is not None and by_bytes != by_name and not (
        by_name in ("txt", "md") and by_bytes == "html"
    ):
        raise FormatMismatchError(
            path,
            f"the name says {by_name.upper()} but the content is {by_bytes.upper()}; "
            f"rename it to .{by_bytes} and ingest it again",
        )
    if by_name in ("pdf", "docx", "image") and by_bytes is None:
        raise FormatMismatchError(
            path, f"the name says {by_name.upper()} but the content is not a {by_name.upper()} file"
        )
    return by_name


def read_document(path: str | Path, data: bytes, options: Options = DEFAULT) -> Document:
    fmt = detect_format(path, data)
    return reader_for(fmt)(str(path), data, options)


__all__ = ["READERS", "EXTENSIONS", "detect_format", "read_document", "reader_for", "sniff"]
