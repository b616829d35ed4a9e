"""PDF files with a text layer, read with PyMuPDF.

Only the page's own content stream is read. MuPDF's usual text extraction also runs the
page's annotations, and in e-office PDFs the signature widgets carry the stamped number
(``542``), the stamped day (``06``) and the publication centre's stamp (``TRUNG TÂM CÔNG BÁO
VÀ TIN HỌC … 06.11.2024 09:27:05 +07:00``): pasted into the page text they would land in the
body. Widgets are read on their own, with their boxes, by :mod:`pipeline.signatures.embedded`.

Each text line keeps its box and whether it is bold; a line whose spans sit far apart on
one baseline (two columns set with tabs) is split into one line per column.
A page with no characters at all is reported as having no text layer.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pymupdf

from pipeline.document import Document, Line, Page
from pipeline.errors import CorruptFileError, EncryptedFileError
from pipeline.normalize import normalize_line
from pipeline.options import DEFAULT, Options
from pipeline.readers.scan import PageJob, ocr_into, usable_text
from pipeline.readers.tables import looks_like_task_table, pdf_tables
from pipeline.signatures.embedded import read_signature_fields
from schemas.record import union_all

_MP = pymupdf.mupdf
_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP


def content_textpage(page: pymupdf.Page) -> pymupdf.TextPage:
    """A text page of the page's content stream alone, without annotations and widgets."""
    rect = page.rect
    stext = _MP.FzStextPage(_MP.FzRect(rect.x0, rect.y0, rect.x1, rect.y1))
    opts = _MP.FzStextOptions()
    opts.flags = _FLAGS
    dev = _MP.fz_new_stext_device(stext, opts)
    try:
        _MP.fz_run_page_contents(page.this, dev, _MP.FzMatrix(), _MP.FzCookie())
    finally:
        _MP.fz_close_device(dev)
    tp = pymupdf.TextPage(stext)
    tp.parent = page
    return tp


def _is_bold(span: dict) -> bool:
    return bool(span["flags"] & 16) or "bold" in span["font"].lower()


def page_lines(page: pymupdf.Page, page_no: int) -> list[Line]:
    """Lines of one page, in content order, split where one baseline holds two columns."""
    data = page.get_text("dict", textpage=content_textpage(page), flags=_FLAGS)
    out: list[Line] = []
    for block in data["blocks"]:
        if block.get("type", 0) != 0:
            continue
        for line in block["lines"]:
            groups: list[list[dict]] = []
            for span in line["spans"]:
                if not span["text"].strip():
                    if groups:
                        groups[-1].append(span)
                    continue
                if groups:
                    last = next((s for s in reversed(groups[-1]) if s["text"].strip()), None)
                    gap = span["bbox"][0] - (last["bbox"][2] if last else span["bbox"][0])
                    if gap > 3 * max(span["size"], 6):
                        groups.append([span])
                        continue
                    groups[-1].append(span)
                else:
                    groups.append([span])
            for group in groups:
                visible = [s for s in group if s["text"].strip()]
                if not visible:
                    continue
                text = normalize_line("".join(s["text"] for s in group))
                if not text:
                    continue
                x0, y0, x1, y1 = union_all(s["bbox"] for s in visible)
                out.append(
                    Line(
                        text=text,
                        page=page_no,
                        bbox=(round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)),
                        bold=all(_is_bold(s) for s in visible),
                        size=round(max(s["size"] for s in visible), 1),
                    )
                )
    return out


def open_pdf(path: str, data: bytes) -> pymupdf.Document:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # MuPDF raises its own types for damaged files
        raise CorruptFileError(path, f"the PDF cannot be opened ({exc})") from None
    if doc.needs_pass and not doc.authenticate(""):
        doc.close()
        raise EncryptedFileError(path, "the PDF is encrypted and needs a password")
    if doc.page_count == 0:
        doc.close()
        raise CorruptFileError(path, "the PDF has no pages")
    return doc


_RENDER = threading.Lock()  # MuPDF documents are not thread-safe: one render at a time


def ocr_job(page: pymupdf.Page, page_no: int, dpi: int, data: bytes | None = None) -> PageJob:
    """A page to OCR: hashed by what it draws (content stream and images), rendered on demand
    without annotations, so the signature stamps are not read into the body.

    A page may be asked for again after the file is closed (the seals of the signature
    block's page are looked for by the confidence step, after reading): it is then rendered
    from the file's bytes, ``data``, opened again for that page."""
    doc = page.parent
    digest = hashlib.sha256()
    digest.update(f"{page.rect}|{page.rotation}".encode())
    digest.update(page.read_contents())
    for img in page.get_images(full=True):
        digest.update(doc.xref_stream_raw(img[0]) or b"")

    def render() -> Any:
        from PIL import Image

        with _RENDER:
            if doc.is_closed and data is not None:
                again = pymupdf.open(stream=data, filetype="pdf")
                try:
                    pix = again[page_no - 1].get_pixmap(dpi=dpi, annots=False)
                finally:
                    again.close()
            else:
                pix = page.get_pixmap(dpi=dpi, annots=False)
        mode = "RGB" if pix.n >= 3 else "L"
        return Image.frombytes(mode, (pix.width, pix.height), pix.samples)

    return PageJob(page_no=page_no, content_hash=digest.hexdigest(), image=render,
                   scale=72 / dpi)


def read(path: str, data: bytes, options: Options = DEFAULT) -> Document:
    doc = open_pdf(path, data)
    result = Document(path=path, format="pdf")
    loaded: list[pymupdf.Page] = []
    try:
        for index, page in enumerate(doc):
            loaded.append(page)
            try:
                lines = page_lines(page, index + 1)
            except Exception as exc:  # one damaged page must not lose the others
                result.errors.append(f"page {index + 1}: text could not be read ({exc})")
                lines = []
            result.pages.append(
                Page(
                    number=index + 1,
                    width=page.rect.width,
                    height=page.rect.height,
                    lines=lines,
                    has_text=bool(lines),
                )
            )
        jobs = [
            ocr_job(page, index + 1, options.ocr_dpi, data)
            for index, (page, info) in enumerate(zip(loaded, result.pages, strict=True))
            if not usable_text(info.lines)
        ]
        ocr_into(result, jobs, options)
        try:  # a plan's task table, on the text pages that name its columns
            result.tables = pdf_tables(data, [p.number for p in result.pages if p.has_text
                                              and looks_like_task_table(p.lines)])
        except Exception as exc:  # the letter stays readable without its tables
            result.warnings.append(f"tables could not be read ({exc})")
        if options.signatures and doc.is_form_pdf:
            try:
                result.signature_fields = read_signature_fields(doc, data, loaded)
            except Exception as exc:  # the letter's text stays usable without its signatures
                result.errors.append(f"the signature fields could not be read ({exc})")
    finally:
        doc.close()
    return result
