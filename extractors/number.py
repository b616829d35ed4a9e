"""Document number and symbol (số, ký hiệu), from the number line.

``Số: 4644/BTTTT-CĐSQG`` → number ``4644``, symbol ``BTTTT-CĐSQG``, code ``4644/BTTTT-CĐSQG``;
``Số: 06/2026/TT-BXD`` → number ``06``, symbol ``TT-BXD``, code ``06/2026/TT-BXD`` (the year
part of a legal document's number stays in the code); a draft or an e-office letter whose
number is stamped later, ``Số:   /KH-STTTT``, gives no number, symbol ``KH-STTTT`` and code
``/KH-STTTT``. The number is kept as printed, leading zeros included; a handwritten number
that OCR reads as junk (``Số: §†4/UBND-KTTH``) gives no number rather than a guess.
"""

from __future__ import annotations

import re

from extractors.base import Context, provenance
from extractors.ruleset import rules


class NumberExtractor:
    name = "number"
    fields = ("number", "symbol", "code")

    def extract(self, ctx: Context) -> None:
        line = ctx.zones.number
        if line is None:
            return
        m = rules().anchors["number"].match(line.text)
        if not m:
            ctx.record.warnings.append(f"number line not understood: {line.text!r}")
            return
        number, year = m.group("number"), m.group("year")
        if m.group("junk"):  # a handwritten number OCRed as "§†4": unreadable, not guessed
            rec_warn = f"number not readable (handwritten?): {line.text!r}"
            ctx.record.warnings.append(rec_warn)
            number = None
        symbol = re.sub(r"\s*-\s*", "-", m.group("symbol")).rstrip(".-")
        code = "/".join(p for p in (number or "", year) if p is not None)
        code = f"{code}/{symbol}" if code else f"/{symbol}"
        prov = provenance([line], self.name)
        rec = ctx.record
        rec.set("number", number, prov)
        rec.set("symbol", symbol, prov)
        rec.set("code", code, prov)
