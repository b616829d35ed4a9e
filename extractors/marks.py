"""Urgency and secrecy marks (độ khẩn, độ mật): ``HỎA TỐC``, ``THƯỢNG KHẨN``, ``KHẨN``;
``TUYỆT MẬT``, ``TỐI MẬT``, ``MẬT``, standing alone in the header (Phụ lục I, mục 10)."""

from __future__ import annotations

from extractors.base import Context, provenance
from pipeline.layout import mark_of


class MarksExtractor:
    name = "marks"
    needs_text = True
    fields = ("urgency", "secrecy")

    def extract(self, ctx: Context) -> None:
        for line in ctx.zones.marks:
            found = mark_of(line)
            if found and getattr(ctx.record, found[0]) is None:
                ctx.record.set(found[0], found[1], provenance([line], self.name))
