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

The runner applies :func:`calibrate` once every extractor has run (the checks read several
fields: a title against its authority). Values from a text layer, a signature dictionary or
a widget keep their confidence. The caps
were set on the labelled real scans and the scan factory's set together (the calibration
table of ``scripts/eval_scans.py``): a value under :data:`REVIEW` is one to check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pipeline.layout import is_phrase
from pipeline.normalize import fold
from pipeline.rules import rules
from schemas.record import Record, Source

CHECKED = 0.97
UNCHECKED = 0.85
REVIEW = 0.9  # below this a reviewer should look at the value
OCR_SOURCES = {Source.OCR.value, Source.OCR_HANDWRITING.value}


def _issuer(rec: Record) -> bool:
    """A known phrase (``THỦ TƯỚNG CHÍNH PHỦ``) or a known head ending in a known place
    (``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI``); ``BAN CHÍ ĐẠO 138`` is neither."""
    issuer = rec.issuer or ""
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


def _dated(rec: Record) -> bool:
    return rec.issue_year is not None and rec.provenance.get("issue_year") is not None


CHECKS: dict[str, Callable[[Record], bool]] = {
    "issuer": _issuer,
    "issuer_parent": lambda rec: True,
    "place": _place,
    "symbol": _symbol,
    "code": _symbol,
    "doc_type": lambda rec: True,  # from the type's own title or a known code
    "doc_type_code": lambda rec: True,
    "number": lambda rec: True,  # two readings agreed (page and line, or the blank's reads)
    "issue_date": _dated,
    "issue_year": _dated,
    "issue_month": _dated,
    "signer_title": _title,
    "signing_authority": _authority,
    "signer_name": _name,
    "urgency": lambda rec: True,
    "secrecy": lambda rec: True,
}


def calibrate(rec: Record) -> None:
    """Cap the confidence of every value read by OCR by what its evidence allows."""
    for field, prov in rec.provenance.items():
        if prov.source not in OCR_SOURCES:
            continue
        check = CHECKS.get(field)
        cap = CHECKED if check is not None and check(rec) else UNCHECKED
        # a copy: the number, the symbol and the code share one provenance
        rec.provenance[field] = replace(prov, confidence=round(min(prov.confidence, cap), 3))
