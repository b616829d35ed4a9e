"""Recipients (``Kính gửi``) and the distribution list (``Nơi nhận``).

``Kính gửi: Sở Thông tin và Truyền thông các tỉnh…`` gives one recipient; a ``Kính gửi:`` followed
by ``- Các Bộ, cơ quan ngang bộ…;`` lines gives one per line. ``Nơi nhận:`` lines become the
distribution list (``Như trên``, ``Lưu: VT, HTQT, ĐNT`` included, as printed), a wrapped item
joined to its line. Placeholders of dots (``Kính gửi: ……………``) give nothing.
"""

from __future__ import annotations

from extractors.base import Context, provenance
from pipeline.document import Line
from pipeline.normalize import fold, join_lines
from pipeline.rules import rules


def head_end(text: str) -> int | None:
    """Where the ``Kính gửi:`` or ``Nơi nhận:`` that opens ``text`` ends, None when none
    does. The layout's anchors match the folded line, whose letters stand where the
    line's do (one folded letter for each letter of an NFC line)."""
    folded = fold(text)
    if len(folded) != len(text):
        return None
    anchors = rules().anchors
    m = anchors["kinh_gui_folded"].match(folded) or anchors["noi_nhan_folded"].match(folded)
    return m.end() if m else None


def list_items(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    anchors = rules().anchors
    bullet, placeholder = anchors["list_bullet"], anchors["placeholder"]
    items: list[tuple[list[str], list[Line]]] = []
    for k, ln in enumerate(lines):
        text = ln.text
        if k == 0:
            text = text[head_end(text) or 0:]
            if not text.strip():
                continue
        if bullet.match(text) or not items or k == 0:
            items.append(([bullet.sub("", text)], [ln]))
        else:
            items[-1][0].append(text)
            items[-1][1].append(ln)
    out = []
    for parts, src in items:
        text = join_lines(parts).strip().rstrip(";,").strip()
        if text.endswith(".") and not text.endswith(".)"):
            text = text[:-1].rstrip()
        if text and not placeholder.match(text):
            out.append((text, src))
    return out


class RecipientsExtractor:
    name = "recipients"
    needs_text = True
    fields = ("recipients",)

    def extract(self, ctx: Context) -> None:
        lines = ctx.zones.recipients
        items = list_items(lines)
        if items:
            ctx.record.set("recipients", [t for t, _ in items], provenance(lines, self.name))


class DistributionExtractor:
    name = "distribution"
    needs_text = True
    fields = ("distribution",)

    def extract(self, ctx: Context) -> None:
        lines = ctx.zones.distribution
        if not lines:
            return
        start = next((i for i, ln in enumerate(lines) if head_end(ln.text) is not None), 0)
        items = list_items(lines[start:])
        if items:
            ctx.record.set("distribution", [t for t, _ in items], provenance(lines, self.name))
