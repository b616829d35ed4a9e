"""Place and date of issue (địa danh, ngày tháng năm ban hành), from the place/date line.

``Quảng Ngãi, ngày 06 tháng 11 năm 2024`` → place ``Quảng Ngãi``, 2024-11-06. A day or month
left blank for the signing system to stamp (``ngày       tháng 11 năm 2024``), or written in
by hand and read by OCR as junk (``ngày ẤX Ñ/ tháng 4 năm 2018``), gives no date but keeps
the year and the month; a month out of range keeps the year. A line the regular pattern cannot
read (``Hà Nội, 13/9/2022``) goes to dateparser, loaded on first use only.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from extractors.base import Context, make_date, provenance
from pipeline.layout.numberline import slashes_only
from pipeline.rules import rules
from schemas.record import Source


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # heavy import: only when a date line needs it

    return dateparser


_DIGIT_LOOKALIKES = str.maketrans("OoIlÌÍ|", "0011111")


def _int(value: str | None) -> int | None:
    value = (value or "").strip().translate(_DIGIT_LOOKALIKES)  # OCR: "0Ì" is 01
    return int(value) if value.isdigit() else None


class IssueDateExtractor:
    name = "dates"
    needs_text = True
    fields = ("place", "issue_date", "issue_year", "issue_month")

    def extract(self, ctx: Context) -> None:
        line = ctx.zones.date
        if line is None:
            return
        rec = ctx.record
        text = slashes_only(line.text)  # "Hà Nội, 13⁄9⁄2022": OCR's fraction slash
        m = rules().anchors["date_line"].match(text)
        if m:
            prov = provenance([line], self.name)
            place = (m.group("place") or "").strip() or None
            day, month, year = _int(m.group("day")), _int(m.group("month")), _int(m.group("year"))
            if month is not None and not 1 <= month <= 12:
                rec.warnings.append(f"month out of range in date line: {line.text!r}")
                month = None
            date = make_date(day, month, year) if day is not None and month is not None else None
            if day is None and (m.group("day_junk") or "").strip(" .…_"):
                # a handwritten day OCR could not read: the month and year stand without it
                rec.warnings.append(f"day of issue not readable in {line.text!r}")
            if day is not None and month is not None and date is None:
                rec.warnings.append(f"impossible date in date line: {line.text!r}")
        else:
            loose = rules().anchors["date_line_loose"].match(text)
            if loose is None:
                return
            place = loose.group("place").strip()
            date = parse_loose_date(loose.group("rest"))
            prov = provenance([line], self.name, confidence=0.9)
            if date is None:
                rec.warnings.append(f"date line not understood: {line.text!r}")
                year = month = None
            else:
                year, month = date.year, date.month
        if place and line.source == Source.OCR.value:  # "Rà Nội" is Hà Nội
            place = rules().closest("places", place, near=True) or place
        if place:
            rec.set("place", place, prov)
        rec.set("issue_year", year, prov)
        rec.set("issue_month", month, prov)
        rec.set("issue_date", date, prov)


def parse_loose_date(text: str) -> dt.date | None:
    """A date from other wordings (``13/9/2022``, ``13 tháng 9, 2022``, ``ngày 13 tháng Chín
    năm 2022``): the numeric regex first, then dateparser; None when neither reads it."""
    m = rules().date_numeric.search(text)
    if m:
        return make_date(m.group("d"), m.group("m"), m.group("y"))
    parsed = _dateparser().parse(
        text, languages=["vi"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True}
    )
    return parsed.date() if parsed else None
