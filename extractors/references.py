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

import bisect
import datetime as dt
import re
from collections.abc import Iterator

from extractors.base import Context, TextView, date_from_match, provenance
from extractors.doc_type import type_from_code
from pipeline.document import Line
from pipeline.layout.numberline import number_line_text, slashes_only
from pipeline.normalize import fold
from pipeline.rules import rules
from pipeline.rules.gazetteer import relations
from schemas.record import Record, Reference, Relation


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


_GAP_WORD = re.compile(r"[^\W_]+|[,;]")


_PASSIVE_BEFORE = re.compile(r"(?:\bduoc|\bda duoc|\bda)\s*$")
_PASSIVE_AFTER = re.compile(r"^\s*(?:mot so dieu\s+)?(?:boi|theo)\b")


def relation_of(text: str, start: int, clause_start: int,
                previous: tuple[int, str] | None) -> str:
    """What the words before a citation say the letter does with it (``relations.yaml``).

    ``Thực hiện Công văn số 1453/BTTTT-HTQT …`` → ``implements``; ``Căn cứ Luật … và Nghị
    định số 30/2020/NĐ-CP`` → both ``legal_basis`` (a citation joined to the one before by
    ``và`` or a comma shares its phrase); ``Quyết định này thay thế Quyết định số
    15/2007/QĐ-UBND`` → ``replaces``. The phrase must stand in the same clause, and after
    any earlier citation of it: in ``Căn cứ Quyết định số 1 … quy định về … Công văn số 2``
    the second is only ``cites``. A passive phrase says what one cited document did to
    another, not what the letter does: in ``Căn cứ Luật Xây dựng số 50/2014/QH13 được sửa
    đổi, bổ sung bởi Luật số 62/2020/QH14`` both laws are the legal basis. ``previous``:
    where the clause's last citation ended and its relation."""
    rel = relations()
    window = fold(text[clause_start:start]).lower()
    active: tuple[int, int, str] | None = None  # (start, end, relation) of the nearest
    passive: tuple[int, int] | None = None
    for phrase, name in rel.phrases:
        pattern = rf"(?<![^\W\d_]){re.escape(phrase.lower())}(?![^\W\d_])"
        for m in re.finditer(pattern, window):
            s, e = clause_start + m.start(), clause_start + m.end()
            if _PASSIVE_BEFORE.search(window[:m.start()]) or \
                    _PASSIVE_AFTER.match(window[m.end():]):
                if passive is None or e > passive[1]:
                    passive = (s, e)
            elif active is None or e > active[1] or (e == active[1] and s < active[0]):
                active = (s, e, name)
    prev_end, prev_rel = previous if previous and previous[0] > clause_start else (-1, "")
    if passive is not None and (active is None or passive[1] > active[1]):
        if prev_end >= 0 and prev_end <= passive[0]:
            return prev_rel  # "… số 50/2014/QH13 được sửa đổi, bổ sung bởi Luật số …"
    if prev_end >= 0 and (active is None or active[1] <= prev_end):
        gap = _GAP_WORD.findall(fold(text[prev_end:start]).lower())
        joined = gap and all(w in {j.lower() for j in rel.joiners_folded} for w in gap)
        if passive is not None and passive[0] >= prev_end:
            joined = True
        return prev_rel if joined else Relation.CITES.value
    if active is None or "," in text[active[1]:start]:
        # "Thực hiện nhiệm vụ được giao, Bộ … đã ban hành Quyết định số 1092/QĐ-BTTTT":
        # the phrase governs another clause of the sentence
        return Relation.CITES.value
    return active[2]


def _citations(pattern: re.Pattern[str], text: str, named: frozenset[str]
               ) -> Iterator[re.Match[str]]:
    """The pattern's matches, looking again just after a type word that was no citation:
    in ``Quyết định này thay thế Quyết định số 1200/QĐ-UBND`` the first ``Quyết định``
    swallows the second as its name; the second is the citation."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        if m.group("name") and fold(m.group("word")) not in named:
            pos = m.end("word")
            continue
        yield m
        pos = m.end()


class _Sentences:
    """``TextView.sentence_at`` for many citations of one text: the sentence ends are found
    once (a page of the legal database cites forty documents; looking again from the start
    for each made the extractor quadratic)."""

    def __init__(self, view: TextView) -> None:
        spans = [(m.start(), m.end()) for m in view._SENTENCE_END.finditer(view.text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.length = len(view.text)

    def at(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.ends, start) - 1
        s = self.ends[i] if i >= 0 else 0
        j = bisect.bisect_left(self.starts, end)
        e = self.starts[j] if j < len(self.starts) else self.length
        return s, e


def _clause_start(text: str, start: int, sentence_start: int) -> int:
    cut = text.rfind(";", sentence_start, start)
    return cut + 1 if cut >= 0 else sentence_start


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
        sentences = _Sentences(view)
        for written, in_body in ((subject_text, False), (view.text, True)):
            text = slashes_only(written)  # "1453⁄BTTTT-HTQT": OCR's fraction slash
            previous: tuple[int, str] | None = None
            for m in _citations(pattern, text, named):
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
                s, e = sentences.at(m.start(), m.end()) if in_body else (0, len(text))
                relation = relation_of(text, m.start(), _clause_start(text, m.start(), s),
                                       previous)
                previous = (m.end(), relation)
                clause = re.sub(r"\s+", " ", written[s:e]).strip()[:500]
                ref = by_code.get(code)
                if ref is not None and ref.relation == Relation.CITES.value \
                        and relation != Relation.CITES.value:
                    ref.relation, ref.text = relation, clause  # said later what it does
                if ref is None:
                    by_code[code] = Reference(
                        doc_type=canonical_type(m.group("word"), code), code=code, date=date,
                        relation=relation, text=clause,
                    )
                    if in_body:
                        lines.extend(view.lines_for(m.start(), m.end()))
                elif ref.date is None and date is not None:
                    ref.date = date
        if by_code:
            src = lines or ctx.zones.subject
            rec.set("references", list(by_code.values()), provenance(src, self.name))
