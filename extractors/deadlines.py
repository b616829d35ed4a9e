"""Deadlines set by the letter, with the sentence they belong to.

``… gửi về Vụ Hợp tác quốc tế theo địa chỉ email: dntuyen@mic.gov.vn trước ngày 4/6/2021 để
thông báo và cập nhật cho ITU.`` → 2021-06-04 and that sentence. Also ``chậm nhất ngày``,
``không muộn hơn ngày``, ``hạn chót``, with an hour before the day (``trước 17 giờ ngày …``)
and the worded form ``trước ngày 05 tháng 6 năm 2020``. A recurring deadline without a year
(``trước ngày 15 tháng 11 hàng năm``) has no date to give and is left out.
"""

from __future__ import annotations

from extractors.base import Context, date_from_match, provenance
from pipeline.document import Line
from pipeline.rules import rules
from schemas.record import Deadline


class DeadlinesExtractor:
    name = "deadlines"
    needs_text = True
    fields = ("deadlines",)

    def extract(self, ctx: Context) -> None:
        r = rules()  # the cues and the hour are in dates.yaml
        view = ctx.body_view()
        found: list[Deadline] = []
        lines: list[Line] = []
        for m in r.deadline.finditer(view.text):
            date = date_from_match(m)
            if date is None:
                continue
            s, e = view.sentence_at(m.start(), m.end())
            sentence = r.sentence_bullet.sub("", view.text[s:e].strip())
            found.append(Deadline(date=date, text=sentence))
            lines.extend(view.lines_for(m.start(), m.end()))
        if found:
            ctx.record.set("deadlines", found, provenance(lines, self.name, text=found[0].text))
