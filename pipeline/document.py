"""The normalised document that every reader produces and the layout step consumes.

Whatever the input (text PDF, DOCX, HTML, TXT/Markdown, later OCR), a document is a list of
pages, each a list of :class:`Line` in reading order, with the line's box when the format has
geometry (PDF) and ``None`` when it does not (DOCX, HTML, TXT). Text is already normalised
(:mod:`pipeline.normalize`); ``bold`` says whether the whole line was set in bold, which
is how the trích yếu (subject) is set under a document's type name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.record import BBox, Source


@dataclass(slots=True)
class Line:
    text: str
    page: int | None = None
    bbox: BBox | None = None
    bold: bool = False
    size: float | None = None
    source: str = Source.TEXT_LAYER.value
    confidence: float = 1.0

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass(slots=True)
class Page:
    number: int
    width: float | None = None
    height: float | None = None
    lines: list[Line] = field(default_factory=list)
    has_text: bool = True


@dataclass(slots=True)
class Document:
    path: str
    format: str
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]

    @property
    def has_geometry(self) -> bool:
        return any(line.bbox is not None for page in self.pages for line in page.lines)

    @property
    def text_pages(self) -> int:
        return sum(1 for p in self.pages if p.has_text)
