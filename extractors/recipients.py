"""Recipients (``Kính gửi``) and the distribution list (``Nơi nhận``).

``Kính gửi: Sở Thông tin và Truyền thông các tỉnh…`` gives one recipient; a ``Kính gửi:`` followed
by ``- Các Bộ, cơ quan ngang bộ…;`` lines gives one per line. ``Nơi nhận:`` lines become the
distribution list (``Như trên``, ``Lưu: VT, HTQT, ĐNT`` included, as printed), a wrapped item
joined to its line. Placeholders of dots (``Kính gửi: ……………``) give nothing.
"""

from __future__ import annotations

import re

from extractors.base import Context, provenance
from pipeline.document import Line
from pipeline.normalize import join_lines

_BULLET = re.compile(r"^\s*[-–+•*]\s*")
_HEAD = re.compile(r"^\s*(?:Kính\s*gửi|Nơi\s*nhận)\s*[:.]?\s*", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^[\s.…_]*$")


def list_items(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    items: list[tuple[list[str], list[Line]]] = []
    for k, ln in enumerate(lines):
        text = ln.text
        if k == 0:
            text = _HEAD.sub("", text)
            if not text.strip():
                continue
        if _BULLET.match(text) or not items or k == 0:
            items.append(([_BULLET.sub("", text)], [ln]))
        else:
            items[-1][0].append(text)
            items[-1][1].append(ln)
    out = []
    for parts, src in items:
        text = join_lines(parts).strip().rstrip(";,").strip()
        if text.endswith(".") and not text.endswith(".)"):
            text = text[:-1].rstrip()
        if text and not _PLACEHOLDER.match(text):
            out.append((text, src))
    return out


class RecipientsExtractor:
    name = "recipients"
    fields = ("recipients",)

    def extract(self, ctx: Context) -> None:
        lines = ctx.zones.recipients
        items = list_items(lines)
        if items:
            ctx.record.set("recipients", [t for t, _ in items], provenance(lines, self.name))


class DistributionExtractor:
    name = "distribution"
    fields = ("distribution",)

    def extract(self, ctx: Context) -> None:
        lines = ctx.zones.distribution
        if not lines:
            return
        start = next((i for i, ln in enumerate(lines) if _HEAD.match(ln.text)), 0)
        items = list_items(lines[start:])
        if items:
            ctx.record.set("distribution", [t for t, _ in items], provenance(lines, self.name))
