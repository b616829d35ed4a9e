"""The number and the day that a signing system stamps over the blanks of the letter.

In e-office PDFs the number line is printed with a blank, ``Số:          /TB-UBND``, and the
date line too, ``Quảng Ngãi, ngày       tháng 01 năm 2025``; when the letter is issued, a
signature whose widget draws just ``11`` is placed over the first blank and one that draws
``08`` over the second. A widget's digits that sit on the number line (same band, inside its
width) complete ``number`` and ``code`` (``11/TB-UBND``); digits on the date line complete
``issue_date`` from the printed month and year. These values carry
``source = signature_widget`` and the widget's box. Values printed in the text are never
overwritten, and nothing is filled when two widgets compete for the same blank.
"""

from __future__ import annotations

import datetime as dt
import re

from extractors.base import Context, provenance
from pipeline.document import Line, SignatureField
from pipeline.rules import rules
from schemas.record import BBox


def on_line(box: BBox, line_box: BBox) -> bool:
    """Whether text at ``box`` sits on the line at ``line_box``: most of its height within
    the line's band, and horizontally inside the line (a few points of slack)."""
    top, bottom = max(box[1], line_box[1]), min(box[3], line_box[3])
    height = max(box[3] - box[1], 1.0)
    inside = box[0] >= line_box[0] - 6 and box[2] <= line_box[2] + 6
    return (bottom - top) / height >= 0.4 and inside


def _candidates(ctx: Context, line_box: BBox, page: int | None,
                pattern: re.Pattern[str]) -> list[tuple[SignatureField, Line]]:
    """The widget lines that match ``pattern`` and sit on the letter's line at ``line_box``."""
    out = []
    for sig in ctx.doc.signature_fields:
        for wl in sig.lines:
            if wl.page == page and wl.bbox and pattern.fullmatch(wl.text.strip()) \
                    and on_line(wl.bbox, line_box):
                out.append((sig, wl))
    return out


class StampedExtractor:
    name = "stamped"
    needs_text = True
    fields: tuple[str, ...] = ("number", "code", "issue_date")

    def extract(self, ctx: Context) -> None:
        fills = ctx.fills  # read by the signatures extractor, which runs after this one
        if not ctx.doc.signature_fields:
            return
        r = rules()
        rec = ctx.record

        line = ctx.zones.number
        if line is not None and line.bbox and rec.number is None and rec.code:
            found = _candidates(ctx, line.bbox, line.page, r.stamped_number)
            if len(found) == 1:
                sig, wl = found[0]
                number = wl.text.strip()
                prov = provenance([wl], self.name)
                rec.set("number", number, prov)
                rec.set("code", number + rec.code, prov)
                fills[sig.field or ""] = "number"
            elif len(found) > 1:
                rec.warnings.append("several widgets stamp digits on the number line; none used")

        line = ctx.zones.date
        if (line is not None and line.bbox and rec.issue_date is None
                and rec.issue_year and rec.issue_month):
            found = _candidates(ctx, line.bbox, line.page, r.stamped_day)
            if len(found) == 1:
                sig, wl = found[0]
                try:
                    day = dt.date(rec.issue_year, rec.issue_month, int(wl.text))
                except ValueError:
                    rec.warnings.append(f"stamped day {wl.text!r} is not a day of the month")
                    return
                rec.set("issue_date", day, provenance([wl], self.name))
                fills[sig.field or ""] = "day"
            elif len(found) > 1:
                rec.warnings.append("several widgets stamp digits on the date line; none used")
