"""Typed records: what vanthu says about one input file.

A record is flat on purpose: one attribute per column of the ``documents`` table, so that an
analyst's ``df.signer_name`` and an archivist's ``vanthu show`` speak of the same thing.
Where each value came from is kept beside it in ``provenance`` (one :class:`Provenance`
per field), which becomes the ``fields`` table of the dataset.

Example: for the letter whose number line reads ``Số: 4644/BTTTT-CĐSQG`` the record holds
``number="4644"``, ``symbol="BTTTT-CĐSQG"``, ``code="4644/BTTTT-CĐSQG"`` and
``provenance["code"] = Provenance(page=1, text="Số: 4644/BTTTT-CĐSQG", source="text_layer",
extractor="number", ...)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from enum import Enum
from typing import Any

SCHEMA_VERSION = "1.2"


class Status(str, Enum):
    """Outcome of one document: ``ok`` (read and the core fields found), ``partial`` (read,
    but some core field is missing or a step reported an error), ``failed`` (not readable)."""

    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


class Source(str, Enum):
    """Where a value was read from."""

    TEXT_LAYER = "text_layer"
    OCR = "ocr"
    OCR_HANDWRITING = "ocr_handwriting"  # digits written in by hand, read by a second engine
    SIGNATURE_WIDGET = "signature_widget"
    SIGNATURE_DICT = "signature_dict"
    INFERRED = "inferred"  # not printed where the rules put it: read from the symbol and body
    MANUAL = "manual"  # an archivist's correction (``vanthu correct``), kept over every re-run


BBox = tuple[float, float, float, float]


def union(boxes: Iterable[BBox | None]) -> BBox | None:
    """The smallest box holding every box given (``None`` ones skipped): the box of a field
    read from several lines, or of a line from its words. ``None`` when there is none."""
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for box in boxes:
        if box is None:
            continue
        x0, y0 = min(x0, box[0]), min(y0, box[1])
        x1, y1 = max(x1, box[2]), max(y1, box[3])
    return None if x0 == float("inf") else (x0, y0, x1, y1)


def union_all(boxes: Iterable[BBox]) -> BBox:
    """:func:`union` of boxes that must be there: the words of one OCR line, the spans of one
    text line. An empty list is a bug of the caller and raises ``ValueError``."""
    box = union(boxes)
    if box is None:
        raise ValueError("no box to unite")
    return box


@dataclass(slots=True)
class Provenance:
    """Where one field's value came from: 1-based page, the box on that page (PDF points,
    ``None`` for formats without geometry), the line(s) of text it was read from, the layer,
    the extractor that produced it and a confidence in [0, 1]. ``engine`` names the OCR
    engine that read a value written in by hand (``ppocr``), None otherwise."""

    page: int | None
    bbox: BBox | None
    text: str
    source: str = Source.TEXT_LAYER.value
    extractor: str = ""
    confidence: float = 1.0
    engine: str | None = None


class Coverage(str, Enum):
    """How much of the file a PDF signature's byte range covers."""

    WHOLE_FILE = "whole_file"  # nothing was appended after this signature
    REVISION = "revision"  # a whole earlier revision; later revisions were appended
    UNCLEAR = "unclear"  # a byte range that does not frame one revision


class Modification(str, Enum):
    """What later revisions changed, for a signature that covers a revision only."""

    NONE = "none"
    ANNOTATIONS = "annotations"  # pages unchanged: later signatures, form fields, annotations
    CONTENT = "content"  # the text or drawing of a page changed after signing
    UNKNOWN = "unknown"


@dataclass(slots=True)
class Signature:
    """One signature on a document.

    From a signed PDF (``source = signature_dict``): ``signer`` and ``organisation`` are the
    certificate's common name and organisation, ``signed_at`` the signature dictionary's
    ``/M`` (what the stamp shows), ``cms_signed_at`` the CMS ``signingTime`` attribute and
    ``timestamp_at`` the RFC 3161 token's time. ``time_conflict`` says when ``/M`` and the CMS
    time disagree, as they do in the publication centre's files (``/M`` 10:21:11 +07:00, CMS
    10:21:11 UTC). ``intact`` is whether the signed bytes still match the signature;
    ``coverage`` and ``modified_after`` say whether the file was changed after signing.
    ``stamp_text`` is the text the widget draws (``Ký bởi: …``, or just ``542`` when the
    signature stamps the number, then ``fills = "number"``). A signature that cannot be read
    keeps what could be read and says why in ``errors``.
    """

    signer: str | None
    signed_at: dt.datetime | None
    source: str
    field: str | None = None
    organisation: str | None = None
    subfilter: str | None = None
    intact: bool | None = None
    timestamp_at: dt.datetime | None = None
    page: int | None = None
    bbox: BBox | None = None
    email: str | None = None
    certificate_issuer: str | None = None
    cms_signed_at: dt.datetime | None = None
    time_conflict: str | None = None
    coverage: str | None = None
    modified_after: str | None = None
    stamp_text: str | None = None
    fills: str | None = None
    reason: str | None = None
    errors: list[str] = dc_field(default_factory=list)


class DeadlineKind(str, Enum):
    """What a date after a deadline cue is: only ``action`` is a deadline to meet.

    ``Báo cáo … trước ngày 05 tháng 6 năm 2020`` is an action; ``giấy phép đã cấp trước
    ngày 01/7/2014`` a legal cut-off (it sorts cases; it is before the letter's own date);
    ``Quyết định này có hiệu lực từ ngày 01/7/2024`` the effective date; ``Nghị quyết này
    có hiệu lực thi hành kể từ ngày 26 tháng 01 năm 2026 đến hết ngày 28 tháng 02 năm
    2027`` an effective date and an expiry (the day after which it no longer applies)."""

    ACTION = "action"
    CUTOFF = "cutoff"
    EFFECTIVE = "effective"
    EXPIRY = "expiry"


@dataclass(slots=True)
class Deadline:
    """A dated cue in the body, with the sentence it is in. ``task`` is the sentence
    without the cue and date, ``assignee`` the body the sentence hands it to (``Giao Sở
    Nội vụ hoàn thành … trước ngày 30/9/2025`` → ``Sở Nội vụ``, id ``snv@ha-noi``)."""

    date: dt.date | None
    text: str
    kind: str | None = None
    task: str | None = None
    assignee: str | None = None
    assignee_id: str | None = None


class Relation(str, Enum):
    """What the citing letter does with a cited document, as its sentence says."""

    LEGAL_BASIS = "legal_basis"  # Căn cứ …
    IMPLEMENTS = "implements"  # Thực hiện …
    REPLIES_TO = "replies_to"  # Trả lời / Phúc đáp …
    AMENDS = "amends"  # sửa đổi, bổ sung …
    REPEALS = "repeals"  # bãi bỏ …
    REPLACES = "replaces"  # thay thế …
    CITES = "cites"  # named, no phrase says more


@dataclass(slots=True)
class Reference:
    """A cited document: ``Thực hiện Công văn số 1453/BTTTT-HTQT ngày 07/5/2021 …`` →
    (Công văn, ``1453/BTTTT-HTQT``, 2021-05-07, ``implements``, the clause)."""

    doc_type: str | None
    code: str
    date: dt.date | None
    relation: str | None = None
    text: str | None = None


@dataclass(slots=True)
class Task:
    """One row of a plan's task table (``Nội dung | Đơn vị chủ trì | Đơn vị phối hợp |
    Thời gian hoàn thành``), or a task a sentence hands out with a deadline. ``due`` is the
    cell as written (``Quý III/2025``, ``Trước ngày 30/9/2025``), ``due_date`` the day it
    names when it names one."""

    task: str
    lead: str | None = None
    lead_id: str | None = None
    support: str | None = None
    due: str | None = None
    due_date: dt.date | None = None
    output: str | None = None
    source: str = "table"  # "table" or "sentence"
    page: int | None = None
    row: int | None = None


@dataclass(slots=True)
class OrgMention:
    """A body the letter's text names, once per body: ``… gửi báo cáo về Sở Nội vụ trước
    ngày 15/12/2025`` in a letter of Hà Nội → (``snv@ha-noi``, ``Sở Nội vụ``, page 2,
    ``body``). ``org_id`` is None when the text does not say which body (``Sở Nội vụ`` with
    no province known); ``page`` is where it is first named."""

    org_id: str | None
    name: str
    page: int | None = None
    role: str = "body"


@dataclass(slots=True)
class PageText:
    """The text of one page as read (``source``: ``text_layer`` or ``ocr``), for search."""

    page: int
    text: str
    source: str


@dataclass(slots=True)
class Contact:
    name: str | None
    phone: str | None
    email: str | None


# Fields that an official letter must have for its record to be "ok"; a missing one makes it
# "partial" (the record is kept, the gap is said in ``errors``).
# Attributes of Record that are not columns of ``documents``.
NOT_COLUMNS = ("provenance", "pages")

CORE_FIELDS = ("doc_type", "symbol", "issuer", "issue_year", "subject", "signer_name")


@dataclass(slots=True)
class Record:
    doc_id: str
    source_path: str
    source_format: str
    page_count: int | None = None
    status: Status = Status.OK
    errors: list[str] = dc_field(default_factory=list)
    warnings: list[str] = dc_field(default_factory=list)
    doc_type: str | None = None
    doc_type_code: str | None = None
    number: str | None = None
    symbol: str | None = None
    code: str | None = None
    issuer: str | None = None
    issuer_parent: str | None = None
    place: str | None = None
    issue_date: dt.date | None = None
    issue_year: int | None = None
    issue_month: int | None = None
    subject: str | None = None
    recipients: list[str] = dc_field(default_factory=list)
    distribution: list[str] = dc_field(default_factory=list)
    issuer_id: str | None = None  # the gazetteer's id: btttt, stttt@phu-yen, vp-ubnd@ha-noi
    # one id per entry of recipients / distribution (None where none fits)
    recipient_ids: list[str | None] = dc_field(default_factory=list)
    distribution_ids: list[str | None] = dc_field(default_factory=list)
    signer_name: str | None = None
    signer_title: str | None = None
    signing_authority: str | None = None
    signatures: list[Signature] = dc_field(default_factory=list)
    deadlines: list[Deadline] = dc_field(default_factory=list)
    references: list[Reference] = dc_field(default_factory=list)
    contacts: list[Contact] = dc_field(default_factory=list)
    tasks: list[Task] = dc_field(default_factory=list)
    organisations: list[OrgMention] = dc_field(default_factory=list)  # named in the body
    urgency: str | None = None
    secrecy: str | None = None
    text_pages: int | None = None
    file_size: int | None = None
    ingested_at: dt.datetime | None = None
    schema_version: str = SCHEMA_VERSION
    provenance: dict[str, Provenance] = dc_field(default_factory=dict)
    # the body text, page by page: the ``pages`` table, not a column of ``documents`` nor
    # part of ``to_dict()`` (a record's JSON stays the letter's fields)
    pages: list[PageText] = dc_field(default_factory=list)

    def set(self, name: str, value: Any, prov: Provenance | None) -> None:
        """Set a field and remember where it came from (the only way extractors write)."""
        setattr(self, name, value)
        if prov is not None and value not in (None, [], ""):
            self.provenance[name] = prov

    def to_dict(self, *, with_provenance: bool = True) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status.value
        out.pop("pages")
        if not with_provenance:
            out.pop("provenance")
        return out

