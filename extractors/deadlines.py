"""Dates the letter sets, what kind each is, the task and who must do it.

``… gửi về Vụ Hợp tác quốc tế theo địa chỉ email: dntuyen@mic.gov.vn trước ngày 4/6/2021 để
thông báo và cập nhật cho ITU.`` → 2021-06-04 and that sentence. Cues: ``trước ngày``,
``chậm nhất ngày``, ``không muộn hơn ngày``, ``hạn chót``, with an hour before the day
(``trước 17 giờ ngày …``) and the worded form ``trước ngày 05 tháng 6 năm 2020``
(``dates.yaml``). A recurring deadline without a year (``trước ngày 15 tháng 11 hàng năm``)
has no date to give and is left out.

Each date has a kind (``tasks.yaml``): ``action`` (a deadline to meet), ``cutoff`` (``giấy
phép đã cấp trước ngày 01/7/2014``: a legal cut-off, said by a past-tense word before the cue
or by a date before the letter's own) or ``effective`` (``có hiệu lực từ ngày 01/7/2024``).
The task is the sentence without the cue and its date; the assignee the body a verb hands it
to: ``Giao Sở Nội vụ hoàn thành việc rà soát … trước ngày 30/9/2025`` → ``Sở Nội vụ``
(``snv@ha-noi`` in a letter of Hà Nội).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from extractors.base import Context, date_from_match, provenance
from extractors.organisations import Mention, mentions, province_of
from pipeline.document import Line
from pipeline.normalize import fold
from pipeline.rules import rules
from pipeline.rules.gazetteer import task_rules
from pipeline.rules.loader import DatesFile, load
from schemas.record import Deadline, DeadlineKind, Record

_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _effective() -> re.Pattern[str]:
    dates = load("dates", DatesFile)
    date_any = rf"(?:{dates.numeric.pattern}|{dates.words.pattern})"
    return re.compile(task_rules().effective.pattern + date_any, re.IGNORECASE)


def kind_of(text: str, cue_start: int, date: dt.date, rec: Record) -> str:
    """``cutoff`` when a past-tense word stands among the words before the cue (``đã cấp
    trước ngày``) or the date is before the letter's own; else ``action``."""
    tr = task_rules()
    before = _WORD.findall(fold(text[max(0, cue_start - 80):cue_start]).lower())
    tail = " ".join(before[-tr.cutoff_window:])
    for word in tr.cutoff_words:
        if re.search(rf"(?<![a-z]){re.escape(fold(word).lower())}(?![a-z])", tail):
            return DeadlineKind.CUTOFF.value
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
        province = province_of(rec.issuer_parent) or province_of(rec.issuer) \
            or province_of(rec.place)
        found: list[tuple[int, Deadline]] = []
        lines: list[Line] = []
        matches = [(m, DeadlineKind.ACTION.value) for m in r.deadline.finditer(view.text)]
        matches += [(m, DeadlineKind.EFFECTIVE.value) for m in _effective().finditer(view.text)]
        for m, kind in matches:
            date = date_from_match(m)
            if date is None:
                continue
            if kind == DeadlineKind.ACTION.value:
                kind = kind_of(view.text, m.start(), date, rec)
            s, e = view.sentence_at(m.start(), m.end())
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
