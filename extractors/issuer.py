"""Issuing body and its parent (tên cơ quan ban hành, cơ quan chủ quản), header left column.

The column holds one or two names, each possibly wrapped over two lines. A line that starts
with an organisation word (``VĂN PHÒNG``, ``SỞ``, ``CỤC``… see ``rules/authority.yaml``) and
does not continue the line above starts a new name; the last name is the issuer and the
ones above it its parent::

    UBND TỈNH QUẢNG NGÃI   → issuer_parent          ỦY BAN NHÂN DÂN   → issuer, one name
    VĂN PHÒNG              → issuer                 TỈNH QUẢNG NGÃI      on two lines
"""

from __future__ import annotations

import re

from extractors.base import Context, provenance
from pipeline.document import Line
from pipeline.normalize import fold
from pipeline.rules import rules
from schemas.record import Source

_CONNECTOR = re.compile(r"(?:\bVÀ|[-,&])\s*$")


def split_units(lines: list[Line]) -> list[list[Line]]:
    heads = rules().org_heads_folded
    units: list[list[Line]] = []
    for ln in lines:
        f = fold(ln.text).strip()
        starts_org = any(f == h or f.startswith(h + " ") for h in heads)
        if units and (not starts_org or _CONNECTOR.search(units[-1][-1].text)):
            units[-1].append(ln)
        else:
            units.append([ln])
    return units


def _name(lines: list[Line]) -> str:
    text = re.sub(r"\s+", " ", " ".join(ln.text for ln in lines))
    # a symbol OCR pasted onto the name ("… QUẢNG NGÃI /QĐ-XPHC") belongs to the number
    text = rules().anchors["trailing_code"].sub("", text).strip(" -_")
    if any(ln.source == Source.OCR.value for ln in lines):
        text = _ocr_name(text)
    return text


def _ocr_name(text: str) -> str:
    """An issuer's name as OCR of a scan read it, in the capitals it is printed in (``Bộ
    CÔNG THƯƠNG`` → ``BỘ CÔNG THƯƠNG``), its province spelled from the list of places when it
    is one letter or a few marks away from exactly one (``TỈNH LÂM ĐÔNG`` → ``TỈNH LÂM ĐỒNG``,
    ``TỈNH QUẢNG NGÃT`` → ``TỈNH QUẢNG NGÃI``)."""
    text = text.upper()
    m = rules().anchors["issuer_province"].search(text)
    if m:
        place = rules().closest("places", m.group("place").title(), near=True)
        if place is not None:
            text = text[:m.start("place")] + place.upper()
    return text


class IssuerExtractor:
    name = "issuer"
    needs_text = True
    fields = ("issuer", "issuer_parent")

    def extract(self, ctx: Context) -> None:
        code = rules().anchors["trailing_code"]
        # not a symbol OCR left on a line of its own ("/QĐ-XPHC"); a "Số:" line already
        # ends the issuer zone
        lines = [ln for ln in ctx.zones.issuer if code.sub("", ln.text).strip(" -_")]
        if not lines:
            return
        units = split_units(lines)
        rec = ctx.record
        rec.set("issuer", _name(units[-1]), provenance(units[-1], self.name))
        if len(units) > 1:
            parent = [ln for unit in units[:-1] for ln in unit]
            rec.set("issuer_parent", _name(parent), provenance(parent, self.name))
