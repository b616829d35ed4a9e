"""Subject (trích yếu nội dung).

A công văn carries it under the number as ``V/v tổ chức hoạt động nhân Ngày Viễn thông…``;
other types carry it in bold under the type name (``THÔNG BÁO`` / ``Về việc tham dự Hội
nghị…``). Wrapped lines are joined; a leading ``V/v`` or ``Về việc`` is dropped, as every
công văn has it and it says nothing of the subject.
"""

from __future__ import annotations

import re

from extractors.base import Context, provenance
from pipeline.normalize import join_lines
from schemas.record import Source

_PREFIX = re.compile(r"^\s*(?:V/v|V/V|v/v|Về việc|VỀ VIỆC)\s*[:.]?\s*")
# OCR of a scan: "và việc", "Vẻ việc", or a speck before it ("L$ Về việc bổ nhiệm…")
_OCR_PREFIX = re.compile(r"^\W{0,3}\S{0,3}?\W{0,2}\s*[VvV][àaềêẻeéèệ]\s+việc\s*[:.]?\s*")


class SubjectExtractor:
    name = "subject"
    fields = ("subject",)

    def extract(self, ctx: Context) -> None:
        lines = ctx.zones.subject
        if not lines:
            return
        text = join_lines([ln.text for ln in lines])
        ocr = any(ln.source == Source.OCR.value for ln in lines)
        if ocr:
            text = _OCR_PREFIX.sub("", text)
        text = _PREFIX.sub("", text).strip().rstrip(".;,")
        if ocr:  # specks and a short rule under the subject ("… cơn bão số 3 ——")
            text = text.rstrip(".;,`'—–_~ -")
        if text:
            ctx.record.set("subject", text, provenance(lines, self.name))
