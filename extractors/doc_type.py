"""Document type and its code (Nghị định 30/2020/NĐ-CP, Phụ lục III).

In order of trust: the type name printed as the title (``THÔNG BÁO`` → Thông báo, ``TB``);
the code that starts the symbol (``QĐ-TTg`` → Quyết định); a subject that starts with ``V/v``,
which only a công văn carries; a symbol without a type code (``UBND-KTTH``), which is how a
công văn is numbered.
"""

from __future__ import annotations

from extractors.base import Context, provenance
from pipeline.layout import is_vv, type_of_title
from pipeline.rules import DocType, rules
from schemas.record import Provenance


def type_from_code(code: str | None) -> DocType | None:
    """The type a code names: ``QĐ-TTg`` or ``2025/NĐ-CP`` → Quyết định / Nghị định,
    ``63/2025/QH15`` → Luật; a symbol without a type code (``BTTTT-HTQT``) → Công văn."""
    if not code:
        return None
    r = rules()
    symbol = code.rsplit("/", 1)[-1]
    found = r.type_of_code(symbol.split("-", 1)[0])
    if found is not None:
        return found
    if "-" in symbol:
        return r.plain_letter
    return None


class DocTypeExtractor:
    name = "doc_type"
    needs_text = True
    fields = ("doc_type", "doc_type_code")

    def extract(self, ctx: Context) -> None:
        z, rec = ctx.zones, ctx.record
        r = rules()
        found: DocType | None = None
        prov: Provenance | None = None
        if z.title is not None:
            found = type_of_title(z.title)
            prov = provenance([z.title], self.name)
        if found is None and rec.symbol:
            found = r.type_of_code(rec.symbol.split("-", 1)[0])
            if found is not None:
                prov = provenance([z.number], self.name, confidence=0.9)
        if found is None and z.subject and is_vv(z.subject[0]):
            found = r.plain_letter
            prov = provenance([z.subject[0]], self.name, confidence=0.95)
        if found is None and rec.symbol and "-" in rec.symbol:
            found = r.plain_letter
            prov = provenance([z.number], self.name, confidence=0.7)
        if found is not None and prov is not None:
            rec.set("doc_type", found.name, prov)
            rec.set("doc_type_code", found.code, prov)
