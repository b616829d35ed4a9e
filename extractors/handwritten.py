"""The number and the day written in by hand, from the digit recogniser's reads.

On a scanned letter the records office writes the number into ``Số:      /UBND-KTTH`` and
the day into ``Quảng Ngãi, ngày      tháng 02 năm 2025`` after signing. The page reading
leaves both empty (``Số: §†4/UBND-KTTH`` is junk); the scan reader has the two blanks read
again by the digit recogniser (``Document.handwriting``), keeping only digits that two of its
reads agree on. This extractor fills ``number`` and ``code`` (``574/UBND-KTTH``) and
``issue_date`` (2025-02-04, from the printed month and year) from them, with
``source = ocr_handwriting``, the engine and the crop's box, when:

- the field is still empty: a number stamped by a signature widget (``signature_widget``)
  or printed in the text keeps precedence;
- the read sits on the letter's number or date line;
- the day is a day of the printed month, and not after the first signature of a signed PDF
  (a letter is numbered and dated when it is issued, after signing at the latest that day).

Where the page reading did give a value and the recogniser read other digits, the two
engines disagree and the value is dropped with a warning: a wrong number is worse than none.
"""

from __future__ import annotations

import datetime as dt

from extractors.base import Context, make_date
from pipeline.document import Handwritten, Line
from schemas.record import BBox, Provenance, Source

LOCAL = dt.timezone(dt.timedelta(hours=7))  # dates on Vietnamese letters are local dates


def _on(line: Line | None, read: Handwritten) -> bool:
    """Whether ``read`` was cut from ``line``'s band on its page."""
    if line is None or line.bbox is None or line.page != read.page:
        return False
    top, bottom = max(line.bbox[1], read.bbox[1]), min(line.bbox[3], read.bbox[3])
    return bottom > top


def _read(ctx: Context, blank: str, line: Line | None) -> Handwritten | None:
    found = [h for h in ctx.doc.handwriting if h.blank == blank and _on(line, h)]
    return found[0] if len(found) == 1 else None


def provenance_of(read: Handwritten) -> Provenance:
    box: BBox = read.bbox
    return Provenance(page=read.page, bbox=box, text=read.reads,
                      source=Source.OCR_HANDWRITING.value, extractor=HandwrittenExtractor.name,
                      confidence=read.confidence, engine=read.engine)


def first_signed(ctx: Context) -> dt.date | None:
    """The local date of the first signature of a signed PDF, if any."""
    times = [t for f in ctx.doc.signature_fields if f.signed
             for t in (f.m_time, f.cms_time, f.timestamp_time) if t is not None]
    if not times:
        return None
    first = min(t if t.tzinfo else t.replace(tzinfo=LOCAL) for t in times)
    return first.astimezone(LOCAL).date()


class HandwrittenExtractor:
    name = "handwritten"
    needs_text = True
    fields: tuple[str, ...] = ("number", "code", "issue_date")

    def extract(self, ctx: Context) -> None:
        if not ctx.doc.handwriting:
            return
        self._number(ctx)
        self._day(ctx)

    def _number(self, ctx: Context) -> None:
        rec = ctx.record
        line = ctx.zones.number
        code = rec.provenance.get("code")
        if line is None and code is not None and code.bbox is not None:
            # "Số: O4" and "/TTr-UBND" read as two lines: the symbol's line marks the row
            line = Line(code.text, page=code.page, bbox=code.bbox)
        read = _read(ctx, "number", line)
        if read is None:
            return
        if read.value is None:
            if rec.number is None:
                rec.warnings.append(f"handwritten number not read: the reads differ ({read.reads})")
            return
        if rec.number is not None:
            if rec.number != read.value and rec.provenance.get("number") is not None \
                    and rec.provenance["number"].source == Source.OCR.value:
                rec.warnings.append(f"number read {rec.number!r} on the page and "
                                    f"{read.value!r} by the digit recogniser; left empty")
                rec.number = None
                rec.provenance.pop("number", None)
                if rec.code and "/" in rec.code:
                    rec.set("code", "/" + rec.code.split("/", 1)[1], rec.provenance.get("code"))
            return
        if not rec.code or not rec.code.startswith("/"):
            rec.warnings.append(f"handwritten number {read.value!r} read, but no symbol was "
                                f"found to number ({rec.code!r}); left empty")
            return
        prov = provenance_of(read)
        rec.set("number", read.value, prov)
        rec.set("code", read.value + rec.code, prov)

    def _day(self, ctx: Context) -> None:
        rec = ctx.record
        read = _read(ctx, "day", ctx.zones.date)
        if read is None:
            return
        if read.value is None:
            if rec.issue_date is None:
                rec.warnings.append(f"handwritten day not read: the reads differ ({read.reads})")
            return
        if rec.issue_date is not None:
            printed = rec.provenance.get("issue_date")
            if rec.issue_date.day != int(read.value) and printed is not None \
                    and printed.source == Source.OCR.value:
                rec.warnings.append(f"day read {rec.issue_date.day} on the page and "
                                    f"{read.value} by the digit recogniser; left empty")
                rec.issue_date = None
                rec.provenance.pop("issue_date", None)
            return
        if rec.issue_year is None or rec.issue_month is None:
            return
        date = make_date(read.value, rec.issue_month, rec.issue_year)
        if date is None:
            rec.warnings.append(f"handwritten day {read.value} is not a day of "
                                f"{rec.issue_month}/{rec.issue_year}")
            return
        signed = first_signed(ctx)
        if signed is not None and date > signed:
            rec.warnings.append(f"handwritten day gives {date}, after the first signature "
                                f"({signed}); left empty")
            return
        rec.set("issue_date", date, provenance_of(read))
