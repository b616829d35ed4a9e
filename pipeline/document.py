"""The normalised document that every reader produces and the layout step consumes.

Whatever the input (text PDF, DOCX, HTML, TXT/Markdown, later OCR), a document is a list of
pages, each a list of :class:`Line` in reading order, with the line's box when the format has
geometry (PDF) and ``None`` when it does not (DOCX, HTML, TXT). Text is already normalised
(:mod:`pipeline.normalize`); ``bold`` says whether the whole line was set in bold, which
is how the trích yếu (subject) is set under a document's type name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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
    read_as: str | None = None  # OCR's own text when the spelling repair changed it
    agreed: bool = False  # OCR: two readings of the line gave the same letters (a name)

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass(slots=True)
class Page:
    number: int
    width: float | None = None
    height: float | None = None
    lines: list[Line] = dataclasses.field(default_factory=list)
    has_text: bool = True
    ocr: bool = False  # the lines were read from the page image


@dataclass(slots=True)
class SignatureField:
    """One signature field of a PDF as read from the file, before any interpretation.

    ``lines`` is the text the field's widget draws (its appearance stream alone, never the
    page text under it), with ``source = signature_widget``; the other attributes come from
    the signature dictionary and its CMS blob. The signatures extractor turns these into
    :class:`schemas.record.Signature` values and the stamped number and day into fields.
    """

    field: str | None
    page: int | None = None
    bbox: BBox | None = None
    lines: list[Line] = dataclasses.field(default_factory=list)
    signed: bool = False
    kind: str | None = None  # /Sig or /DocTimeStamp
    subfilter: str | None = None
    m_time: dt.datetime | None = None
    name: str | None = None
    reason: str | None = None
    common_name: str | None = None
    organisation: str | None = None
    email: str | None = None
    certificate_issuer: str | None = None
    cms_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None
    intact: bool | None = None
    coverage: str | None = None
    modified_after: str | None = None
    errors: list[str] = dataclasses.field(default_factory=list)


@dataclass(slots=True)
class Handwritten:
    """A blank of the letter that was filled in by hand, as the digit recogniser read it.

    ``blank`` is ``number`` (``Số:  574  /UBND-KTTH``) or ``day`` (``ngày  04  tháng 02``);
    ``value`` the digits when the reads agreed, None when they did not (``reads`` says what
    was seen, ``574/ | 544/``); ``bbox`` the crop in PDF points; ``engine`` the recogniser
    and its version."""

    blank: str
    value: str | None
    reads: str
    page: int
    bbox: BBox
    confidence: float
    engine: str


@dataclass(slots=True)
class Seal:
    """A round seal found on a scanned page (:mod:`pipeline.layout.seals`): its disc's box in
    PDF points, ``red`` or ``black`` (a black seal on a black-and-white scan hides the print
    under it; a red one is turned to paper before reading), and the share of its ring
    that is ink."""

    page: int
    bbox: BBox
    colour: str
    confidence: float


@dataclass(slots=True)
class Table:
    """A table of the letter as rows of cell texts, read where the format keeps tables
    (DOCX, HTML, and text PDFs through pdfplumber): a plan's task table ``Nội dung | Đơn vị
    chủ trì | Thời gian hoàn thành``."""

    rows: list[list[str]]
    page: int | None = None


@dataclass(slots=True)
class Document:
    path: str
    format: str
    pages: list[Page] = dataclasses.field(default_factory=list)
    signature_fields: list[SignatureField] = dataclasses.field(default_factory=list)
    handwriting: list[Handwritten] = dataclasses.field(default_factory=list)
    seals: list[Seal] = dataclasses.field(default_factory=list)
    # finds the seals of one scanned page on demand (the scan reader sets it): seals are
    # looked for only on the pages where a value they could hide was read
    seal_finder: Callable[[int], list[Seal]] | None = None
    seal_pages: set[int] = dataclasses.field(default_factory=set)
    tables: list[Table] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)

    def seals_on(self, pages: Iterable[int]) -> list[Seal]:
        """The seals of ``pages``, each page looked at once (through :attr:`seal_finder`, a
        page without one has none found); a page the finder fails on is said in the warnings
        and counts as having none."""
        for page in sorted(set(pages) - self.seal_pages):
            self.seal_pages.add(page)
            if self.seal_finder is None:
                continue
            try:
                self.seals.extend(self.seal_finder(page))
            except Exception as exc:  # evidence only: a failure costs the evidence, not the record
                self.warnings.append(f"page {page}: seals could not be looked for: {exc!r}")
        wanted = set(pages)
        return [s for s in self.seals if s.page in wanted]

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]

    @property
    def has_geometry(self) -> bool:
        return any(line.bbox is not None for page in self.pages for line in page.lines)

    @property
    def text_pages(self) -> int:
        return sum(1 for p in self.pages if p.has_text)
