"""Subject (trích yếu nội dung).

A công văn carries it under the number as ``V/v tổ chức hoạt động nhân Ngày Viễn thông…``;
other types carry it in bold under the type name (``THÔNG BÁO`` / ``Về việc tham dự Hội
nghị…``). Wrapped lines are joined; a leading ``V/v`` or ``Về việc`` is dropped, as every
công văn has it and it says nothing of the subject.
"""

from __future__ import annotations

from extractors.base import Context, provenance
from pipeline.normalize import join_lines
from pipeline.rules import rules
from schemas.record import Source


class SubjectExtractor:
    name = "subject"
    needs_text = True
    fields = ("subject",)

    def extract(self, ctx: Context) -> None:
        lines = ctx.zones.subject
        if not lines:
            return
        anchors = rules().anchors
        text = join_lines([ln.text for ln in lines])
        ocr = any(ln.source == Source.OCR.value for ln in lines)
        if ocr:  # "Vẻ việc", "L$ Về việc …"
            text = anchors["subject_prefix_ocr"].sub("", text)
        text = anchors["subject_prefix"].sub("", text).strip().rstrip(".;,")
        if ocr:  # specks and a short rule under the subject ("… cơn bão số 3 ——")
            text = anchors["subject_tail_ocr"].sub("", text)
        if text:
            ctx.record.set("subject", text, provenance(lines, self.name))
