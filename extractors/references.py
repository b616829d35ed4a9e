"""Documents the letter cites: type, code and date.

``Thực hiện Công văn số 1453/BTTTT-HTQT ngày 07/5/2021 của Bộ Thông tin và Truyền thông`` →
(Công văn, ``1453/BTTTT-HTQT``, 2021-05-07); ``Quyết định số 505/QĐ-TTg`` → (Quyết định,
``505/QĐ-TTg``, no date); ``Luật Tổ chức Chính phủ số 63/2025/QH15`` → (Luật, ``63/2025/QH15``).
``Văn bản số 4247/BTTTT-THH`` takes its type from the code. Each code is listed once, with
the first date given for it; the letter's own code is not a reference. A code OCR spelled
``1453⁄BTTTT-HTQT`` (U+2044) or ``505/QĐÐ-TTg`` is read by the number-line grammar
(:mod:`pipeline.layout.numberline`) as ``1453/BTTTT-HTQT``, ``505/QĐ-TTg``. A date that
cannot be the cited document's (later than the letter, or of another year than its code) is
dropped.
"""

from __future__ import annotations

import datetime as dt
import re

from extractors.base import Context, date_from_match, provenance
from extractors.doc_type import type_from_code
from pipeline.document import Line
from pipeline.layout.numberline import number_line_text, slashes_only
from pipeline.normalize import fold
from pipeline.rules import rules
from schemas.record import Record, Reference


def canonical_type(word: str, code: str) -> str | None:
    """The type's name from the word (``quyết định`` → Quyết định), or from the code when the
    word names no type (``Văn bản số 4247/BTTTT-THH`` → Công văn)."""
    known = rules().type_by_folded.get(fold(word))
    if known is not None:
        return known.name
    found = type_from_code(code)
    return found.name if found else word[:1].upper() + word[1:].lower()


_CODE_YEAR = re.compile(r"^\d+[a-z]?/((?:19|20)\d{2})/")


def implausible(date: dt.date, code: str, rec: Record) -> str | None:
    """Why the date read beside a cited code cannot be its date, or None.

    A cited document is older than the letter citing it, and a code that carries a year
    (``15/2007/QĐ-UBND``) was issued in that year (Nghị định 30/2020, Phụ lục I). OCR of a
    scan misreads digits (``05/9/2023`` as ``05/9/2033``): such a date is dropped, with a
    warning, and the reference kept."""
    m = _CODE_YEAR.match(code)
    if m and int(m.group(1)) != date.year:
        return f"its code is of {m.group(1)}"
    if rec.issue_date is not None and date > rec.issue_date:
        return f"it is after the letter's own date {rec.issue_date.isoformat()}"
    if rec.issue_date is None and rec.issue_year is not None and date.year > rec.issue_year:
        return f"it is after the letter's year {rec.issue_year}"
    return None


class ReferencesExtractor:
    name = "references"
    needs_text = True
    fields = ("references",)

    def extract(self, ctx: Context) -> None:
        view = ctx.body_view()
        rec = ctx.record
        own = {rec.code, f"/{rec.symbol}" if rec.symbol else None}
        by_code: dict[str, Reference] = {}
        lines: list[Line] = []
        named = rules().named_reference_words_folded
        # a type or citing word, its name for a law, the code and a date (doc_types.yaml)
        pattern = rules().reference
        subject_text = " ".join(ln.text for ln in ctx.zones.subject)
        for written, in_body in ((subject_text, False), (view.text, True)):
            text = slashes_only(written)  # "1453⁄BTTTT-HTQT": OCR's fraction slash
            for m in pattern.finditer(text):
                code = number_line_text(written[m.start("code"):m.end("code")])
                if code in own:
                    continue
                if m.group("name") and fold(m.group("word")) not in named:
                    continue  # "Quyết định này … số" is not a citation
                date = date_from_match(m)
                why = implausible(date, code, rec) if date is not None else None
                if why:
                    rec.warnings.append(f"date {date} of cited {code} dropped: {why}")
                    date = None
                ref = by_code.get(code)
                if ref is None:
                    by_code[code] = Reference(
                        doc_type=canonical_type(m.group("word"), code), code=code, date=date
                    )
                    if in_body:
                        lines.extend(view.lines_for(m.start(), m.end()))
                elif ref.date is None and date is not None:
                    ref.date = date
        if by_code:
            src = lines or ctx.zones.subject
            rec.set("references", list(by_code.values()), provenance(src, self.name))
