"""Document type and its code (Nghị định 30/2020/NĐ-CP, Phụ lục III).

In order of trust: the type name printed as the title (``THÔNG BÁO`` → Thông báo, ``TB``);
the code that starts the symbol (``QĐ-TTg`` → Quyết định); a subject that starts with ``V/v``,
which only a công văn carries; a symbol without a type code (``UBND-KTTH``), which is how a
công văn is numbered.
"""

from __future__ import annotations

import re

from extractors.base import Context, provenance
from pipeline.rules import rules
from pipeline.layout import is_vv, type_of_title


def type_from_code(code: str | None):
    """The type a code names: ``QĐ-TTg`` or ``2025/NĐ-CP`` → Quyết định / Nghị định."""
    if not code:
        return None
    r = rules()
    symbol = code.rsplit("/", 1)[-1]
    head = symbol.split("-", 1)[0]
    if head in r.type_by_code:
        return r.type_by_code[head]
    if re.fullmatch(r"QH\d*", head):
        return r.type_by_folded["LUAT"]
    if "-" in symbol:
        return r.type_by_code["CV"]
    return None


class DocTypeExtractor:
    name = "doc_type"
    fields = ("doc_type", "doc_type_code")

    def extract(self, ctx: Context) -> None:
        z, rec = ctx.zones, ctx.record
        found, prov = None, None
        if z.title is not None:
            found = type_of_title(z.title)
            prov = provenance([z.title], self.name)
        if found is None and rec.symbol:
            head = rec.symbol.split("-", 1)[0]
            if head in rules().type_by_code or re.fullmatch(r"QH\d*", head):
                found = type_from_code(rec.symbol)
                prov = provenance([z.number], self.name, confidence=0.9)
        if found is None and z.subject and is_vv(z.subject[0]):
            found = rules().type_by_code["CV"]
            prov = provenance([z.subject[0]], self.name, confidence=0.95)
        if found is None and rec.symbol and "-" in rec.symbol:
            found = rules().type_by_code["CV"]
            prov = provenance([z.number], self.name, confidence=0.7)
        if found is not None:
            rec.set("doc_type", found.name, prov)
            rec.set("doc_type_code", found.code, prov)
