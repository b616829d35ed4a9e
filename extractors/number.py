"""Document number and symbol (số, ký hiệu), from the number line.

``Số: 4644/BTTTT-CĐSQG`` → number ``4644``, symbol ``BTTTT-CĐSQG``, code ``4644/BTTTT-CĐSQG``;
``Số: 06/2026/TT-BXD`` → number ``06``, symbol ``TT-BXD``, code ``06/2026/TT-BXD`` (the year
part of a legal document's number stays in the code); a draft or an e-office letter whose
number is stamped later, ``Số:   /KH-STTTT``, gives no number, symbol ``KH-STTTT`` and code
``/KH-STTTT``. The number is kept as printed, leading zeros included; a handwritten number
that OCR reads as junk (``Số: §†4/UBND-KTTH``) gives no number rather than a guess (the
``handwritten`` extractor may fill it from the digit recogniser). OCR's spellings of the line
(``Sá: 12⁄QĐÐ-TTg``) are read by the one number-line grammar, :mod:`pipeline.layout.numberline`.
"""

from __future__ import annotations

import re

from extractors.base import Context, provenance
from pipeline.document import Line
from pipeline.layout.numberline import match_number_line, number_line_text
from pipeline.rules import rules


class NumberExtractor:
    name = "number"
    needs_text = True
    fields = ("number", "symbol", "code")

    def extract(self, ctx: Context) -> None:
        line = ctx.zones.number
        if line is None:
            self._from_header(ctx)
            return
        m = match_number_line(line.text)
        lines = [line]
        if not m:  # "Số: O4" over "/TTr-UBND": a handwritten number pushed the symbol down
            after = _next_line(ctx.zones.header_left, line)
            if after is not None and number_line_text(after.text).lstrip().startswith("/"):
                m = match_number_line(f"{line.text} {after.text.strip()}")
                lines.append(after)
        if not m:
            ctx.record.warnings.append(f"number line not understood: {line.text!r}")
            self._from_header(ctx)
            return
        number = m.group("number")
        if m.group("junk"):  # a handwritten number OCRed as "§†4": unreadable, not guessed
            seen = " / ".join(ln.text for ln in lines)
            rec_warn = f"number not readable (handwritten?): {seen!r}"
            ctx.record.warnings.append(rec_warn)
            number = None
        self._set(ctx, m, lines, number)

    def _set(self, ctx: Context, m: re.Match[str], lines: list[Line],
             number: str | None = "") -> None:
        """Number, symbol and code from a match of the number-line grammar; ``number`` is
        the number to use (None: unreadable), by default the match's own."""
        number = m.group("number") if number == "" else number
        year = m.group("year")
        symbol = re.sub(r"\s*-\s*", "-", m.group("symbol")).rstrip(".-")
        code = "/".join(p for p in (number or "", year) if p is not None)
        code = f"{code}/{symbol}" if code else f"/{symbol}"
        prov = provenance(lines, self.name)
        rec = ctx.record
        rec.set("number", number, prov)
        rec.set("symbol", symbol, prov)
        rec.set("code", code, prov)

    def _from_header(self, ctx: Context) -> None:
        """No number line: a symbol left at the end of a header line by OCR, or put on a
        line of its own below a handwritten number (``Số: O4`` / ``/TTr-UBND``)."""
        for line in ctx.zones.header_left or ctx.zones.issuer:  # the issuer is in the column
            whole = match_number_line(line.text.strip())
            if whole and whole.group("number") and not whole.group("junk") \
                    and whole.end() == len(number_line_text(line.text.strip())):
                # "574/UBND-KTTH": the number line, its "Số:" lost as a speck
                ctx.record.warnings.append(f"number line without 'Số:': {line.text!r}")
                self._set(ctx, whole, [line])
                return
            m = rules().anchors["trailing_code"].search(number_line_text(line.text))
            if m:
                ctx.record.warnings.append(
                    f"no number line; the symbol is read from a header line: {line.text!r}")
                prov = provenance([line], self.name)
                ctx.record.set("symbol", m.group("symbol"), prov)
                ctx.record.set("code", f"/{m.group('symbol')}", prov)
                return


def _next_line(lines: list[Line], line: Line) -> Line | None:
    """The line after ``line`` in its column (``/TTr-UBND`` under ``Số: O4``), if any."""
    for i, candidate in enumerate(lines[:-1]):
        if candidate is line:
            return lines[i + 1]
    return None
