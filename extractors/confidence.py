"""Confidence that means something: each value read from a scan is rated by its evidence.

A value read by OCR used to carry the mean confidence of its words, and on unseen scans most
wrong values came with 0.9 or more: Tesseract is sure of ``THỦ TƯỚNG`` when a black seal hid
the ``KT.`` above and the ``PHÓ`` before it, of a stamp's header taken for the issuer, of
``Văn Hải`` whose family name is under the seal. Word confidence says the letters are clear,
not that the value is whole. So after the extractors, each value that came from page OCR
(``source = ocr``) or from the digit recogniser (``ocr_handwriting``) gets

    confidence = min(what the engine said, the cap its evidence allows)

where the cap is :data:`CHECKED` when something other than the pixels vouches for the value,
and :data:`UNCHECKED` otherwise:

- a known phrase or list: the issuer (``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI``: a known head and a
  known province), the place, the title (``PHÓ CHỦ TỊCH``), the urgency;
- a checked pattern: a date line read in full, a symbol whose type code is known, a number
  that two readings of its line agreed on;
- agreement: a handwritten number or day that two or more reads of its blank gave
  (:mod:`pipeline.layout.handwriting`), a title that fits its authority (``KT. CHỦ TỊCH`` over
  ``PHÓ CHỦ TỊCH``), a name that starts with a known family name and has three parts.

A name's form is not its letters: ``Võ Hữu Đồng`` and ``Võ Hữu Đông`` both pass the name
check, and on unseen scans the only wrong values rated 0.9 or more were names with a tone
misread. So a name read by OCR is also capped at :data:`ONE_READING` by its extractor unless
two readings of its line gave it letter for letter (:func:`read_alike`: the page's and the
line's cut out, or a third reading that sided with one of them,
:func:`pipeline.layout.rereads.reread_names`).

The runner applies :func:`calibrate` once every extractor has run (the checks read several
fields: a title against its authority). Values from a text layer, a signature dictionary or
a widget keep their confidence. The caps
were set on the labelled real scans and the scan factory's set together (the calibration
table of ``scripts/eval_scans.py``): a value under :data:`REVIEW` is one to check.
That table is in-sample: it measures the caps on the scans they were set on, not on unseen ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from pipeline.document import Line, Seal
from pipeline.layout import is_phrase, name_text
from pipeline.layout.numberline import match_number_line, slashes_only
from pipeline.normalize import fold
from pipeline.rules import rules
from schemas.record import Record, Source

_DIGIT_LOOKALIKES = str.maketrans("OoIlÌÍ|", "0011111")  # as the date extractor reads them

CHECKED = 0.97
UNCHECKED = 0.85
REVIEW = 0.9  # below this a reviewer should look at the value
SEALED = 0.8  # a signature-block line under a black seal: what the seal hides is unknown
# a name whose letters one OCR reading gave: a tone misread (``Hông`` for ``Hồng``) leaves a
# name just as well formed, and nothing but a second reading can tell; below REVIEW
ONE_READING = UNCHECKED
UNDER_SEAL = ("signing_authority", "signer_title", "signer_name")
OCR_SOURCES = {Source.OCR.value, Source.OCR_HANDWRITING.value}


def _issuer(rec: Record) -> bool:
    """A known phrase (``THỦ TƯỚNG CHÍNH PHỦ``) or a known head ending in a known place
    (``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI``); ``BAN CHÍ ĐẠO 138`` is neither."""
    return _known_body(rec.issuer or "")


def _known_body(issuer: str) -> bool:
    if is_phrase(issuer):
        return True
    folded = fold(issuer)
    head = any(folded.startswith(h + " ") for h in rules().org_heads_folded)
    return head and any(folded.endswith(" " + fold(p)) for p in rules().places)


def _place(rec: Record) -> bool:
    return rec.place in rules().places


def _symbol(rec: Record) -> bool:
    """``QĐ-UBND``: a known type code before the dash; ``UBND-KTTH`` of a công văn: the
    issuer's code, the type then known from the letter's shape."""
    symbol = rec.symbol or ""
    head, dash, tail = symbol.partition("-")
    if not dash or not tail:
        return False
    return rules().type_of_code(head) is not None or rec.doc_type == rules().plain_letter.name


def _title(rec: Record) -> bool:
    """A deputy's title that fits the ``KT.`` above it: ``PHÓ CHỦ TỊCH`` under ``KT. CHỦ
    TỊCH``. A head's own title (``THỦ TƯỚNG`` under ``TM. CHÍNH PHỦ``) is what a seal that
    hides ``KT. THỦ TƯỚNG`` and the ``PHÓ`` before the title leaves on a scan, so nothing
    but the pixels vouches for it."""
    title = rec.signer_title or ""
    if not is_phrase(title):
        return False
    last = (rec.signing_authority or "").split(" / ")[-1]
    prefix, _, head = last.partition(". ")
    return prefix == "KT" and title == rules().deputy(head)


def _authority(rec: Record) -> bool:
    parts = (rec.signing_authority or "").split(" / ")
    return all(p.partition(". ")[0] in rules().authority_prefixes for p in parts) \
        and _title(rec)


def _name(rec: Record) -> bool:
    """``Trần Phước Hiền``: a known family name first and three parts or more (a name under a
    seal loses its family name first, ``Phước Hiền``)."""
    words = (rec.signer_name or "").split()
    return len(words) >= 3 and words[0] in rules().surnames


def read_alike(line: Line, name: str) -> bool:
    """Whether ``name`` is, letter for letter, what two OCR readings of ``line`` gave
    (``Line.agreed``): not when the spelling repair changed the line (``read_as``) or the
    name was put right after reading (``Hỗ`` → ``Hồ`` from the family names), since no
    reading gave those letters. ``TS. Trần Hồng Hà`` read alike gives ``Trần Hồng Hà``."""
    if not line.agreed or line.read_as is not None:
        return False
    words, read = name.split(), name_text(line.text).split()
    return bool(words) and read[-len(words):] == words


def _issuer_parent(rec: Record) -> bool:
    """The parent body, by the issuer's own test (``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI``)."""
    return _known_body(rec.issuer_parent or "")


def _numbered(rec: Record) -> bool:
    """A number the handwriting recogniser's reads agreed on, or one read from a whole number
    line: ``Số:``, the number, a symbol. Such a line of a scan was read twice (the page and
    the line cut out, :func:`pipeline.layout.rereads.reread_number`), and a number the two
    readings differ on is not kept. ``574/UBND-KTTH`` alone on a header line (its ``Số:``
    lost) was read once and is not vouched for."""
    prov = rec.provenance.get("number")
    if rec.number is None or prov is None:
        return False
    if prov.source == Source.OCR_HANDWRITING.value:
        return True  # kept only when two reads of the blank or more gave it
    text = prov.text.strip()
    m = match_number_line(text)
    return bool(m and rules().anchors["number_line_folded"].match(fold(text))
                and m.group("number") == rec.number and not m.group("junk")
                and m.group("symbol"))


def _code(rec: Record) -> bool:
    """The code holds the number: both the symbol and the number must be vouched for."""
    return _symbol(rec) and (rec.number is None or _numbered(rec))


def _date_line(rec: Record, field: str) -> re.Match[str] | None:
    prov = rec.provenance.get(field)
    if prov is None:
        return None
    m = rules().anchors["date_line"].match(slashes_only(prov.text))
    if m is None or m.group("year") is None or int(m.group("year")) != rec.issue_year:
        return None
    month = (m.group("month") or "").translate(_DIGIT_LOOKALIKES)
    return m if month.isdigit() and int(month) == rec.issue_month else None


def _dated(rec: Record) -> bool:
    """The day from a date line read in full (``ngày 06 tháng 01 năm 2025``), or written in
    by hand and agreed on by the recogniser's reads (the month and year then from the line).
    A date from other wordings (``13/9/2022``) or a stamp is not vouched for."""
    if rec.issue_date is None:
        return False
    prov = rec.provenance.get("issue_date")
    if prov is not None and prov.source == Source.OCR_HANDWRITING.value:
        return _year_month(rec)
    m = _date_line(rec, "issue_date")
    day = m.group("day") if m else None
    return day is not None and int(day) == rec.issue_date.day


def _year_month(rec: Record) -> bool:
    """The year and the month from a date line read in full."""
    return rec.issue_year is not None and rec.issue_month is not None \
        and _date_line(rec, "issue_year") is not None


def _doc_type(rec: Record) -> bool:
    """The type from its title spelled exactly (``QUYẾT ĐỊNH``, not the one-edit ``NGHT
    ĐINH``), or named by the symbol's type code (``QĐ-UBND``)."""
    r = rules()
    head = (rec.symbol or "").split("-", 1)[0]
    by_code = r.type_of_code(head) if head else None
    if by_code is not None and by_code.name == rec.doc_type:
        return True
    prov = rec.provenance.get("doc_type")
    if prov is None:
        return False
    key = re.sub(r"\s+", " ", fold(prov.text)).strip(" .")
    found = r.type_by_folded.get(key)
    if found is None:
        compact = re.sub(r"[^A-Z]", "", key)
        found = {k.replace(" ", ""): t for k, t in r.type_by_folded.items()}.get(compact)
    return found is not None and found.name == rec.doc_type


def _mark(field: str) -> Callable[[Record], bool]:
    """``HỎA TỐC`` or ``MẬT``: a known mark, spelled exactly, on a line of its own."""
    def check(rec: Record) -> bool:
        prov = rec.provenance.get(field)
        value = getattr(rec, field)
        if prov is None or not value:
            return False
        marks = rules().urgency if field == "urgency" else rules().secrecy
        return value in marks and re.sub(r"[\s|\[\]()]+", " ", prov.text).strip() == value
    return check


CHECKS: dict[str, Callable[[Record], bool]] = {
    "issuer": _issuer,
    "issuer_parent": _issuer_parent,
    "place": _place,
    "symbol": _symbol,
    "code": _code,
    "doc_type": _doc_type,
    "doc_type_code": _doc_type,
    "number": _numbered,
    "issue_date": _dated,
    "issue_year": _year_month,
    "issue_month": _year_month,
    "signer_title": _title,
    "signing_authority": _authority,
    "signer_name": _name,
    "urgency": _mark("urgency"),
    "secrecy": _mark("secrecy"),
}


def overlaps(seal: Seal, page: int | None, bbox: tuple[float, float, float, float] | None,
             ) -> bool:
    """Whether a line's box on ``page`` meets the seal's disc (the point of the box nearest
    the seal's centre lies inside the circle)."""
    if bbox is None or page != seal.page:
        return False
    x0, y0, x1, y1 = seal.bbox
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
    nx, ny = min(max(cx, bbox[0]), bbox[2]), min(max(cy, bbox[1]), bbox[3])
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r


def seal_pages(rec: Record) -> set[int]:
    """The pages a seal could hide a value on: where an authority, a title or a name was read
    by OCR. Seals are looked for there only (:meth:`pipeline.document.Document.seals_on`)."""
    return {prov.page for field in UNDER_SEAL
            if (prov := rec.provenance.get(field)) is not None
            and prov.source in OCR_SOURCES and prov.page is not None}


def calibrate(rec: Record, seals: Sequence[Seal] = ()) -> None:
    """Cap the confidence of every value read by OCR by what its evidence allows.

    A black seal (``seals``, :mod:`pipeline.layout.seals`) over the line an authority, a
    title or a name was read from caps it at :data:`SEALED`, whatever else vouches for it:
    ``THỦ TƯỚNG`` under ``TM. CHÍNH PHỦ`` is also what is left of ``KT. THỦ TƯỚNG / PHÓ THỦ
    TƯỚNG`` under the seal, ``KT. CHỦ TỊCH`` what is left of ``TM. ỦY BAN NHÂN DÂN / KT. CHỦ
    TỊCH``, and a family name goes first under the ring. A warning says so. A red seal
    does not: its ink is turned to paper before reading and the print under it is read."""
    black = [s for s in seals if s.colour == "black"]
    for field, prov in rec.provenance.items():
        if prov.source not in OCR_SOURCES:
            continue
        check = CHECKS.get(field)
        cap = CHECKED if check is not None and check(rec) else UNCHECKED
        if field in UNDER_SEAL and any(overlaps(s, prov.page, prov.bbox) for s in black):
            cap = min(cap, SEALED)
            rec.warnings.append(
                f"{field} {getattr(rec, field)!r} read under a black seal on page {prov.page}:"
                " what the seal hides (a 'KT.' line, 'PHÓ', a family name) cannot be ruled"
                " out; check it")
        # a copy: the number, the symbol and the code share one provenance
        rec.provenance[field] = replace(prov, confidence=round(min(prov.confidence, cap), 3))
