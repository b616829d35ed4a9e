"""Pages and boxes as PNG, for checking a value against the page it was read from.

Boxes are ``(x0, y0, x1, y1)`` in PDF points (1/72 inch) with the origin at the page's top
left corner, as PyMuPDF and the ``fields`` table give them: the number ``Số: 4644/BTTTT-CĐSQG``
of a letter's first page sits near ``(70, 95, 230, 110)``.
"""

from __future__ import annotations

import pymupdf

BBox = tuple[float, float, float, float]


class BoxError(ValueError):
    """The page or box cannot be cut out (no such page, a file PyMuPDF cannot open)."""


def _open(path: str) -> pymupdf.Document:
    try:
        return pymupdf.open(path)
    except Exception as exc:  # a DOCX, a moved file, damaged bytes: say which
        raise BoxError(f"{path} cannot be opened as pages ({exc})") from None


def page_png(path: str, page: int, *, zoom: float = 1.5) -> bytes:
    """Page ``page`` (1-based) of ``path`` as PNG, ``zoom`` pixels per point."""
    with _open(path) as doc:
        if not 1 <= page <= doc.page_count:
            raise BoxError(f"{path} has {doc.page_count} pages, not a page {page}")
        pix = doc[page - 1].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom))
        return bytes(pix.tobytes("png"))


def page_size(path: str, page: int) -> tuple[float, float]:
    """Width and height of page ``page`` in points."""
    with _open(path) as doc:
        if not 1 <= page <= doc.page_count:
            raise BoxError(f"{path} has {doc.page_count} pages, not a page {page}")
        rect = doc[page - 1].rect
        return float(rect.width), float(rect.height)


def crop_png(path: str, page: int, box: BBox, *, zoom: float = 2.0,
             margin: float = 6.0) -> bytes:
    """The box ``box`` of page ``page``, with ``margin`` points around it, as PNG."""
    with _open(path) as doc:
        if not 1 <= page <= doc.page_count:
            raise BoxError(f"{path} has {doc.page_count} pages, not a page {page}")
        pg = doc[page - 1]
        clip = pymupdf.Rect(box[0] - margin, box[1] - margin, box[2] + margin,
                            box[3] + margin) & pg.rect
        if clip.is_empty:
            raise BoxError(f"the box {box} lies outside page {page} of {path}")
        pix = pg.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip)
        return bytes(pix.tobytes("png"))
