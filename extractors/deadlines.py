"""Deadlines set by the letter, with the sentence they belong to.

``… gửi về Vụ Hợp tác quốc tế theo địa chỉ email: dntuyen@mic.gov.vn trước ngày 4/6/2021 để
thông báo và cập nhật cho ITU.`` → 2021-06-04 and that sentence. Also ``chậm nhất ngày``,
``không muộn hơn ngày``, ``hạn chót``, with an hour before the day (``trước 17 giờ ngày …``)
and the worded form ``trước ngày 05 tháng 6 năm 2020``. A recurring deadline without a year
(``trước ngày 15 tháng 11 hàng năm``) has no date to give and is left out.
"""

from __future__ import annotations

import re

from extractors.base import DATE_ANY, Context, date_from_match, provenance
from schemas.record import Deadline

_CUE = (
    r"(?:trước|chậm nhất(?:\s+là)?(?:\s+vào)?|không\s+muộn\s+hơn|hạn\s+chót(?:\s+là)?|"
    r"hạn\s+cuối(?:\s+là)?|thời\s+hạn(?:\s+là)?|đến\s+hết)"
)
_TIME = r"(?:(?:\d{1,2}\s*(?:h|giờ)\s*(?:\d{1,2}\s*(?:phút|')?)?)\s*,?\s*)?"
_BULLET = re.compile(r"^[-–+•]\s*")  # a list item's dash is layout, not part of the sentence
DEADLINE = re.compile(_CUE + r"\s+" + _TIME + r"(?:ngày\s+)" + DATE_ANY, re.IGNORECASE)


class DeadlinesExtractor:
    name = "deadlines"
    fields = ("deadlines",)

    def extract(self, ctx: Context) -> None:
        view = ctx.body_view()
        found: list[Deadline] = []
        lines = []
        for m in DEADLINE.finditer(view.text):
            date = date_from_match(m)
            if date is None:
                continue
            s, e = view.sentence_at(m.start(), m.end())
            sentence = _BULLET.sub("", view.text[s:e].strip())
            found.append(Deadline(date=date, text=sentence))
            lines.extend(view.lines_for(m.start(), m.end()))
        if found:
            ctx.record.set("deadlines", found, provenance(lines, self.name, text=found[0].text))
