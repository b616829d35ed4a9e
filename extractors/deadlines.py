"""Dates the letter sets, what kind each is, the task and who must do it.

``… gửi về Vụ Hợp tác quốc tế theo địa chỉ email: dntuyen@mic.gov.vn trước ngày 4/6/2021 để
thông báo và cập nhật cho ITU.`` → 2021-06-04 and that sentence. Cues: ``trước ngày``,
``chậm nhất ngày``, ``không muộn hơn ngày``, ``hạn chót``, with an hour before the day
(``trước 17 giờ ngày …``) and the worded form ``trước ngày 05 tháng 6 năm 2020``
(``dates.yaml``). A recurring deadline without a year (``trước ngày 15 tháng 11 hàng năm``)
has no date to give and is left out.

Each date has a kind (``tasks.yaml``): ``action`` (a deadline to meet), ``cutoff`` (``giấy
phép đã cấp trước ngày 01/7/2014``, ``quy trình … được tái cấu trúc và công bố … trước ngày
01 tháng 01 năm 2026``: a legal cut-off, said by a participle of issuing before the cue, by
``từ ngày … trở về trước``, or by a date before the letter's own), ``effective`` (``có hiệu
lực từ ngày 01/7/2024``) or ``expiry`` (``có hiệu lực thi hành kể từ ngày 26 tháng 01 năm
2026 đến hết ngày 28 tháng 02 năm 2027``, ``hết hiệu lực kể từ ngày …``): the grammar of the
clause decides, the date only when the words say nothing.
The task is the sentence without the cue and its date; the assignee the body a verb hands it
to: ``Giao Sở Nội vụ hoàn thành việc rà soát … trước ngày 30/9/2025`` → ``Sở Nội vụ``
(``snv@ha-noi`` in a letter of Hà Nội).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.base import Context, date_from_match, provenance
from extractors.organisations import Mention, letter_province, mentions
from pipeline.document import Line
from pipeline.normalize import fold
from pipeline.rules import rules
from pipeline.rules.gazetteer import task_rules
from pipeline.rules.loader import DatesFile, load
from schemas.record import Deadline, DeadlineKind, Record

_WORD = re.compile(r"[^\W_]+")


def _alternation(words: tuple[str, ...]) -> str:
    """Words as one pattern, longest first, any space between their syllables."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.lower().split())) for w in ordered)


@dataclass(frozen=True)
class _Grammar:
    effective: re.Pattern[str]  # "có hiệu lực … từ ngày <date>"
    expiry: re.Pattern[str]  # "hết hiệu lực … từ ngày <date>"
    span: re.Pattern[str]  # "từ ngày <date> trở về trước"
    join_end: re.Pattern[str]  # the clause ends with "đến" before the cue
    join_start: re.Pattern[str]  # the cue is "đến hết"
    validity: re.Pattern[str]  # "hiệu lực", "áp dụng", "được thực hiện"
    passive: re.Pattern[str]  # "được … công bố", "đã cấp"
    duty: re.Pattern[str]  # "phải", "có trách nhiệm", "gửi"
    compounds: re.Pattern[str]  # "quy trình": a noun, no duty
    purpose: re.Pattern[str]  # "để (được)" right before a passive or a cut-off word
    purpose_folded: re.Pattern[str]  # the same on folded, lower-case words
    subject: re.Pattern[str]  # "này", "Quyết định": a letter is what is in force


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    dates = load("dates", DatesFile)
    tr = task_rules()
    date_any = rf"(?:{dates.numeric.pattern}|{dates.words.pattern})"
    reach = tr.cutoff_reach
    return _Grammar(
        effective=re.compile(tr.effective.pattern + date_any, re.IGNORECASE),
        expiry=re.compile(tr.expiry.pattern + date_any, re.IGNORECASE),
        span=re.compile(tr.cutoff_span_lead.pattern + date_any + tr.cutoff_span_tail.pattern,
                        re.IGNORECASE),
        join_end=re.compile(rf"(?<!\w)(?:{tr.expiry_join.pattern})\s*$", re.IGNORECASE),
        join_start=re.compile(rf"(?:{tr.expiry_join.pattern})(?!\w)", re.IGNORECASE),
        validity=re.compile(rf"(?<!\w)(?:{_alternation(tr.expiry_words)})(?!\w)",
                            re.IGNORECASE),
        passive=re.compile(rf"(?<!\w)(?:{_alternation(tr.cutoff_markers)})\s+"
                           rf"(?:\w+\s+){{0,{reach}}}?(?:{_alternation(tr.cutoff_participles)})"
                           r"(?!\w)", re.IGNORECASE),
        duty=re.compile(rf"(?<!\w)(?:{_alternation(tr.duty_words)})(?!\w)", re.IGNORECASE),
        compounds=re.compile(rf"(?<!\w)(?:{_alternation(tr.duty_compounds)})(?!\w)",
                             re.IGNORECASE),
        purpose=re.compile(rf"(?<!\w)(?:{_alternation(tr.purpose_words)})\s+"
                           rf"(?:(?:{_alternation(tr.cutoff_markers)})\s+)?$", re.IGNORECASE),
        purpose_folded=re.compile(
            rf"(?<![a-z])(?:{_alternation(tuple(fold(w).lower() for w in tr.purpose_words))})"
            rf"\s+(?:(?:{_alternation(tuple(fold(w).lower() for w in tr.cutoff_markers))})\s+)?$"),
        subject=re.compile(rf"(?<!\w)(?:{_alternation(tr.expiry_subjects)})(?!\w)",
                           re.IGNORECASE),
    )


def _duty_in(text: str, pos: int = 0) -> bool:
    """A word of duty in ``text`` from ``pos``, nouns that hold one left out: ``chương trình
    đã ban hành trước ngày`` has no duty, ``trình hồ sơ … trước ngày`` has."""
    g = _grammar()
    masked = g.compounds.sub(lambda m: "_" * len(m.group()), text)
    return g.duty.search(masked, pos) is not None


def clause_before(text: str, sentence_start: int, cue_start: int) -> str:
    """The words of the clause that ends at the cue: back to the last comma, semicolon or
    colon of its sentence (``… chia sẻ dữ liệu được khai thác, sử dụng thay thế thành phần
    hồ sơ`` → ``sử dụng thay thế thành phần hồ sơ``)."""
    head = text[sentence_start:cue_start]
    cut = max(head.rfind(","), head.rfind(";"), head.rfind(":"))
    return head[cut + 1:]


def kind_of(text: str, cue_start: int, date: dt.date, rec: Record,
            sentence_start: int | None = None, cue: str = "") -> str:
    """The kind of a date after a deadline cue, from the clause before it:

    - ``expiry`` when the cue is joined by ``đến`` to a word of validity (``Nghị quyết này
      có hiệu lực thi hành kể từ ngày … đến hết ngày 28 tháng 02 năm 2027``);
    - ``cutoff`` when a past-tense word stands among the words before the cue (``đã cấp
      trước ngày``), or a passive of issuing is in the clause with no word of duty after it
      (``được tái cấu trúc và công bố theo quy định tại Điều 7 … trước ngày``), or, the
      words saying nothing, the date is before the letter's own;
    - else ``action``."""
    g = _grammar()
    tr = task_rules()
    start = max(0, cue_start - 300) if sentence_start is None else sentence_start
    clause = clause_before(text, start, cue_start)
    joined = g.join_end.search(clause) or g.join_start.match(cue)
    validity = g.validity.search(clause)
    # "Các đơn vị nâng cao hiệu lực quản lý và hoàn thành đến hết ngày …" is a duty; "Quyết
    # định này có hiệu lực … đến hết ngày …" is a letter in force, whatever else it says
    if joined and validity and (not _duty_in(clause)
                                or g.subject.search(clause, 0, validity.start())):
        return DeadlineKind.EXPIRY.value
    before = _WORD.findall(fold(text[max(0, cue_start - 80):cue_start]).lower())
    words = " ".join(before)
    tail_start = len(words) - len(" ".join(before[-tr.cutoff_window:]))
    # a word of duty just before governs the participle: "phải ban hành trước ngày", "bảo
    # đảm có hiệu lực trước ngày 01 tháng 3 năm 2027" are deadlines
    governed = _duty_in(" ".join(_WORD.findall(clause)[-(tr.cutoff_window + 2):]))
    for word in tr.cutoff_words:
        pattern = rf"(?<![a-z]){re.escape(fold(word).lower())}(?![a-z])"
        for m in re.finditer(pattern, words[tail_start:]):
            # "để (được) ban hành trước ngày" is what a duty aims at, not a cut-off
            if not governed and not g.purpose_folded.search(words[:tail_start + m.start()]):
                return DeadlineKind.CUTOFF.value
    # "để được phê duyệt trước ngày" is the aim of the duty before it, not a cut-off
    passives = [p for p in g.passive.finditer(clause)
                if not g.purpose.search(clause[:p.start()])]
    if passives and not _duty_in(clause, passives[-1].start()):
        return DeadlineKind.CUTOFF.value
    if passives or _duty_in(clause):
        return DeadlineKind.ACTION.value  # the words say it: a duty, whatever the date
    if rec.issue_date is not None and date < rec.issue_date:
        return DeadlineKind.CUTOFF.value
    if rec.issue_date is None and rec.issue_year is not None and date.year < rec.issue_year:
        return DeadlineKind.CUTOFF.value
    return DeadlineKind.ACTION.value


def assignee_in(sentence: str, province: str | None, owner: str | None) -> Mention | None:
    """The body a verb hands the task to (``Giao Sở Nội vụ …``, ``Đề nghị UBND các huyện
    …``), or the body the sentence opens with (``Sở Tài chính chủ trì …``)."""
    found = [m for m in mentions(sentence, province=province, owner=owner) if m.id]
    if not found:
        return None
    folded = fold(sentence).lower()
    for verb in task_rules().assign_verbs:
        v = fold(verb).lower()
        for m in re.finditer(rf"(?<![a-z]){re.escape(v)}\s+(?:cho\s+)?", folded):
            after = [x for x in found if m.end() <= x.start <= m.end() + 12]
            if after:
                return after[0]
    first = found[0]
    return first if first.start <= 3 else None


def _task(sentence: str, cue: str) -> str:
    text = sentence.replace(cue, " ")
    text = re.sub(r"\s+", " ", text).strip(" ,;.")
    return text


class DeadlinesExtractor:
    name = "deadlines"
    needs_text = True
    fields = ("deadlines",)

    def extract(self, ctx: Context) -> None:
        r = rules()  # the cues and the hour are in dates.yaml
        rec = ctx.record
        view = ctx.body_view()
        province = letter_province(rec)
        found: list[tuple[int, Deadline]] = []
        lines: list[Line] = []
        g = _grammar()
        matches = [(m, DeadlineKind.ACTION.value) for m in r.deadline.finditer(view.text)]
        matches += [(m, DeadlineKind.EFFECTIVE.value) for m in g.effective.finditer(view.text)]
        matches += [(m, DeadlineKind.EXPIRY.value) for m in g.expiry.finditer(view.text)]
        matches += [(m, DeadlineKind.CUTOFF.value) for m in g.span.finditer(view.text)]
        for m, kind in matches:
            date = date_from_match(m)
            if date is None:
                continue
            s, e = view.sentence_at(m.start(), m.end())
            if kind == DeadlineKind.ACTION.value:
                kind = kind_of(view.text, m.start(), date, rec, s, m.group())
            sentence = r.sentence_bullet.sub("", view.text[s:e].strip())
            deadline = Deadline(date=date, text=sentence, kind=kind)
            if kind == DeadlineKind.ACTION.value:
                deadline.task = _task(sentence, m.group()) or None
                who = assignee_in(sentence, province, rec.issuer_id)
                if who is not None:
                    deadline.assignee, deadline.assignee_id = who.text, who.id
            found.append((m.start(), deadline))
            lines.extend(view.lines_for(m.start(), m.end()))
        if found:
            found.sort(key=lambda pair: pair[0])
            deadlines = [d for _, d in found]
            rec.set("deadlines", deadlines, provenance(lines, self.name, text=deadlines[0].text))
