"""Which bodies a letter names, as ids of the gazetteer (``pipeline/rules/organisations.yaml``).

The same body is written many ways: ``UBND tỉnh Quảng Ngãi``, ``ỦY BAN NHÂN DÂN TỈNH QUẢNG
NGÃI`` and ``Ủy ban nhân dân tỉnh Quảng Ngãi`` are all ``ubnd@quang-ngai``. spaCy's
``PhraseMatcher`` finds the gazetteer's phrases in a blank Vietnamese pipeline (no model: the
tokens are ours, compared on their folded form, so case and tone marks do not matter);
abbreviations (``BTTTT``, ``Sở TTTT``, ``UBND``) are compared as written. A kind of provincial
body is joined to the province after it (``Sở Xây dựng tỉnh Bình Định`` → ``sxd@binh-dinh``),
to every province (``Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc Trung ương``
→ ``stttt@*``), or to the letter's own province (``Sở Nội vụ`` in a letter of Hà Nội →
``snv@ha-noi``).

The extractor gives ``issuer_id``, one id per ``recipients`` and ``distribution`` entry, and
an issuer for a letter that lost its header (``source = inferred``): read from its symbol
(``…/BTTTT-HTQT``) and from the sentence in which the body speaks (``Bộ Thông tin và Truyền
thông trân trọng thông báo …``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from extractors.base import Context, provenance
from pipeline.document import Line
from pipeline.normalize import fold, normalize_tone_marks
from pipeline.rules import rules
from pipeline.rules.gazetteer import Gazetteer, gazetteer
from schemas.record import OrgMention, Provenance, Record, Source

_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")
# between a kind of body and its province: "Sở Xây dựng tỉnh Bình Định", "UBND TP. Hà Nội"
_PROVINCE_WORDS = {"tinh", "thanh", "pho", "tp", ".", "thu", "do"}
# the words that end a local body's name, compared with their tone marks: "Tịnh" of "huyện
# Sơn Tịnh" folds to "tinh" as "tỉnh" does, and is part of the name
_NAME_ENDS = ("tỉnh", "tp")
_CODE_JOINS = ("/", "-")  # "749/QĐ-TTg": a symbol's part, not a body named in the text
CONFIDENCE_BOTH = 0.8  # the symbol and the body name the same writer
CONFIDENCE_ONE = 0.5  # only one of them does


@dataclass(frozen=True)
class Mention:
    """A body named in a text: its id (None when the text does not say which one: ``Sở Nội
    vụ`` with no province known), where it is, and the words."""

    id: str | None
    start: int
    end: int
    text: str


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


class _Matcher:
    """The gazetteer's phrases in two spaCy PhraseMatchers: names on folded tokens, short
    forms as written (``TU`` for Tỉnh ủy must not match ``từ``)."""

    def __init__(self, gaz: Gazetteer) -> None:
        # a blank pipeline: tokens are ours, and pyvi (a model) is not needed
        self.nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
        self.by_name = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.by_form = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for label, phrases in gaz.phrases.items():
            names, forms = [], []
            for phrase in phrases:
                short = phrase.replace(" ", "")
                if short.isupper() or (len(phrase.split()) == 2 and phrase.split()[1].isupper()
                                       and len(phrase.split()[1]) > 1):
                    if len(short) >= 4:  # "BTTTT", "UBND", "Bộ TTTT"; not "CP" in "NĐ-CP"
                        forms.append(self.doc(phrase))
                else:
                    names.append(self.doc(phrase))
            if names:
                self.by_name.add(label, names)
            if forms:
                self.by_form.add(label, forms)

    def doc(self, text: str) -> Any:
        toks = _tokens(text)
        doc = Doc(self.nlp.vocab, words=[t for t, _, _ in toks] or [""])
        for token, (word, _, _) in zip(doc, toks, strict=False):
            token.norm_ = fold(word).lower()
        doc.user_data["offsets"] = [(s, e) for _, s, e in toks]
        return doc

    def spans(self, text: str) -> list[tuple[str, int, int, int, int]]:
        """(label, first token, end token, start char, end char), longest first, none
        overlapping, in reading order."""
        doc = self.doc(text)
        offsets = doc.user_data["offsets"]
        if not offsets:
            return []
        found = []
        for matcher in (self.by_name, self.by_form):
            for match_id, s, e in matcher(doc):
                span = doc[s:e]
                span.label_ = self.nlp.vocab.strings[match_id]
                found.append(span)
        return [(sp.label_, sp.start, sp.end, offsets[sp.start][0], offsets[sp.end - 1][1])
                for sp in sorted(filter_spans(found), key=lambda sp: sp.start)]


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    return _Matcher(gazetteer())


# Built when the extractors are imported (0.3 s, spaCy's import 1 s): the local executor's
# fork server imports them once, so no worker pays it within a document's time limit.
_matcher()


def province_of(text: str | None) -> str | None:
    """The province id a place or a name holds: ``Phú Yên`` → ``phu-yen``."""
    if not text:
        return None
    gaz = gazetteer()
    if fold(text).strip() in gaz.province_by_folded:
        return gaz.province_by_folded[fold(text).strip()]
    for label, *_ in _matcher().spans(text):
        if label.startswith("P:"):
            return label[2:]
    return None


def letter_province(rec: Record) -> str | None:
    """The province a letter's bare ``Sở Nội vụ`` belongs to: its header's (``UBND TỈNH
    QUẢNG NGÃI``), else its place's (``Lâm Đồng, ngày …``) unless its writer is a national
    body: a Nghị định of the Chính phủ dated ``Hà Nội, ngày …`` speaks of every province's
    ``Ủy ban nhân dân cấp tỉnh``, not of Hà Nội's."""
    found = province_of(rec.issuer_parent) or province_of(rec.issuer) \
        or _id_province(rec.issuer_id)
    if found:
        return found
    national = rec.issuer_id is not None and "@" not in rec.issuer_id \
        and ":" not in rec.issuer_id
    return None if national else province_of(rec.place)


def _id_province(org: str | None) -> str | None:
    """The province an id is placed in: ``ubnd-huyen:tu-nghia@quang-ngai/phong-tckh`` →
    ``quang-ngai``; none for ``btttt`` or ``ubnd-huyen@*``."""
    head = (org or "").split("/")[0]
    prov = head.partition("@")[2]
    return prov if prov and prov != "*" else None


def _unplaced_local(org: str | None) -> bool:
    """A local body's id with no province: ``ubnd-huyen:tu-nghia`` (its header and its place,
    ``Tư Nghĩa, ngày …``, name only the district)."""
    head = (org or "").split("/")[0]
    return ":" in head and "@" not in head


def sole_province(text: str) -> str | None:
    """The one province the bodies of ``text`` are placed in (``UBND tỉnh Quảng Ngãi``,
    ``Sở Tài chính tỉnh Quảng Ngãi``, ``xã Nghĩa Hòa, tỉnh Quảng Ngãi`` → ``quang-ngai``);
    none when they name two, or none: a district's letter then keeps an id without one."""
    found = {p for m in mentions(text) if (p := _id_province(m.id))}
    return found.pop() if len(found) == 1 else None


def slug(text: str) -> str:
    """A name as an id's part, ASCII: ``Tư Nghĩa`` → ``tu-nghia``, ``Phường 3`` →
    ``phuong-3``."""
    folded = fold(text).lower().encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


@lru_cache(maxsize=1)
def _name_ends() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_marked(w) for w in e.split()) for e in gazetteer().local_name_ends)


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(_marked(w) for w in rules().surnames)


def _marked(word: str) -> str:
    """A word lower-cased with its tone marks, in one convention: ``TỈNH``, ``Tỉnh`` →
    ``tỉnh``; ``Hoà`` → ``hòa``."""
    return normalize_tone_marks(unicodedata.normalize("NFC", word)).lower()


_NOT_A_BODY = ""  # a local level without a name: "Ủy ban nhân dân cấp xã"


def _local(kind: str, toks: list[tuple[str, int, int]], e_tok: int,
           spans: list[tuple[str, int, int, int, int]], i: int,
           province: str | None) -> tuple[str, int, set[int]] | None:
    """A body below the province (``UBND huyện Tư Nghĩa``, ``ỦY BAN NHÂN DÂN XÃ NGHĨA
    HÒA``): its id, where it ends and the spans it took; ``_NOT_A_BODY`` for a level without
    a name (``Ủy ban nhân dân cấp xã``, ``UBND xã, phường``); None when no level follows."""
    gaz = gazetteer()
    if kind not in gaz.local_kinds:
        return None
    words = [fold(t).lower() for t, _, _ in toks]
    marked = [_marked(t) for t, _, _ in toks]
    if words[e_tok:e_tok + 1] == ["cap"]:  # "Ủy ban nhân dân cấp xã", "… cấp tỉnh"
        return _NOT_A_BODY, toks[e_tok][2], set()
    found = [(lw, lv) for lw, lv in gaz.local_levels
             if tuple(words[e_tok:e_tok + len(lw)]) == lw]
    if not found:
        return None
    level_words, level = found[0]  # the longest: "thị xã" before "xã"
    j = start = e_tok + len(level_words)
    starts = {sp[1]: q for q, sp in enumerate(spans) if q > i}
    if j in starts and spans[starts[j]][0].startswith("P:") and level == "thanh-pho":
        named = gaz.provinces.get(spans[starts[j]][0][2:])
        if named is not None and fold(named.kind).lower() == "thanh pho":
            return None  # "UBND thành phố Hà Nội": a centrally-run city, the province itself
        # "UBND thành phố Quảng Ngãi": the city of tỉnh Quảng Ngãi, a body below the province
    taken: set[int] = set()
    ends = _name_ends()
    while j < len(toks) and j - start < 6:
        word = toks[j][0]
        if not (word[:1].isupper() or word.isdigit()) or marked[j] in _NAME_ENDS:
            break
        if any(tuple(marked[j:j + len(e)]) == e for e in ends):
            break  # "UBND xã Nghĩa Hòa Chủ trì …"
        if j - start >= 2 and marked[j] in _surnames() and len(toks) >= j + 3 and all(
                t[:1].isupper() for t, _, _ in toks[j + 1:j + 3]):
            break  # "UBND huyện Tư Nghĩa Trần Văn Hải"
        if marked[j:j + 2] == ["thành", "phố"]:
            break
        if j in starts:
            if not spans[starts[j]][0].startswith("P:") or j > start:
                break  # another body, or the province after the name
            taken.add(starts[j])  # a name that is also a province's: "xã Bình Định"
        j += 1
    if j == start:
        if " ".join(level_words) in gaz.province_kinds:
            return None  # "UBND Thành phố" in a letter of Hà Nội: the city, a province
        return _NOT_A_BODY, toks[start - 1][2], set()  # "UBND xã, phường"
    name = " ".join(t for t, _, _ in toks[start:j])
    end = toks[j - 1][2]
    prov = province
    for q in range(i + 1, len(spans)):
        label, s_tok, _, _, p_end = spans[q]
        if q in taken:
            continue
        gap = words[j:s_tok]
        if label.startswith("P:") and len(gap) <= 4 and all(
                g in _PROVINCE_WORDS or g == "," for g in gap):
            prov, end = label[2:], p_end
            taken.add(q)
        break
    org = f"{kind}-{level}:{slug(name)}" + (f"@{prov}" if prov else "")
    return org, end, taken


def _writer_head(owner: str | None) -> str | None:
    """The head word of the writer's name, folded: ``stttt@phu-yen`` → ``so``, ``btttt`` →
    ``bo``."""
    name = gazetteer().name(owner) if owner else None
    return fold(name.split()[0]).lower() if name else None


def mentions(text: str, *, province: str | None = None, owner: str | None = None,
             lists: bool = False) -> list[Mention]:
    """Every body ``text`` names, in order. ``province``: the letter's own (joined to a
    kind of body written without one); ``owner``: the writer's id (joined to its units);
    ``lists``: ``text`` is an entry of Kính gửi or Nơi nhận, where the writer's own people
    and files are named too (``Lưu: VT`` → ``btttt/luu``; in the body ``phòng`` is a word)."""
    gaz = gazetteer()
    spans = _matcher().spans(text)
    toks = _tokens(text)
    out: list[Mention] = []
    used: set[int] = set()
    unit_at: int | None = None  # a leading "Cục …" waiting for the body it belongs to
    for i, (label, s_tok, e_tok, start, end) in enumerate(spans):
        if i in used:
            continue
        kind, _, name = label.partition(":")
        org: str | None = None
        local = _local(name, toks, e_tok, spans, i, province) if kind == "K" else None
        if local is not None:
            if local[0] == _NOT_A_BODY:
                continue
            org, end = local[0], local[1]
            used.update(local[2])
        elif kind == "N" and s_tok >= 2 and [fold(t).lower() for t, _, _ in
                                              toks[s_tok - 2:s_tok]] == ["van", "phong"]:
            # "Văn phòng Quốc hội", "Văn phòng Chủ tịch nước": the body's office
            org, start = f"{name}/vp", toks[s_tok - 2][1]
        elif kind == "N" or kind == "G":
            org = name
        elif kind == "K":
            after = spans[i + 1] if i + 1 < len(spans) else None
            gap = [fold(t).lower() for t, _, _ in toks[e_tok:after[1]]] if after else []
            if after and after[0].startswith("P:") and all(g in _PROVINCE_WORDS for g in gap) \
                    and len(gap) <= 3:
                org, end = f"{name}@{after[0][2:]}", after[4]
                used.add(i + 1)
            elif after and after[0] == "A" and not gap:
                org, end = f"{name}@*", after[4]
                used.add(i + 1)
            elif province:
                org = f"{name}@{province}"
        elif kind == "U":
            after = spans[i + 1] if i + 1 < len(spans) else None
            if after and after[0].startswith("N:") and after[1] - e_tok <= 2:
                org, end = f"{after[0][2:]}/{name}", after[4]
                used.add(i + 1)
            elif owner and "@" not in owner and "/" not in owner:
                org = f"{owner}/{name}"
        elif kind == "I":
            if not lists and name not in gaz.internal_in_body:
                continue
            if name in gaz.internal_of_writer:
                said = fold(toks[e_tok - 1][0]).lower()  # "Sở" of "Văn phòng Sở"
                named = e_tok < len(toks) and toks[e_tok][0][:1].isupper()
                if said != _writer_head(owner) or named:
                    continue  # "các đơn vị thuộc Bộ" in a Sở's letter, "… thuộc Bộ Y tế"
            if name in gaz.internal_leading:
                before = fold(toks[s_tok - 1][0]).lower() if s_tok else ""
                if not toks[s_tok][0][:1].isupper() or before in ("van", "vp") \
                        or (before[:1].isalnum() and before != "cac"):
                    continue  # "Văn phòng Quốc hội", "Sở Nội vụ": a word, not a unit
                if any(sp[0][0] in "NK" for sp in spans[i + 1:]):
                    unit_at = start  # "Cục Kiểm tra văn bản … (Bộ Tư pháp)"
                    continue
            org = f"{owner}/{name}" if owner else None
        else:
            continue  # a province or "các tỉnh" alone names no body
        if unit_at is not None and org and "/" not in org:
            unit = "phong"
            if ":" in org:  # a local body's Phòng is named as its header would name it
                words = re.sub(r"(?i)\s*(?:thuộc|trực thuộc|[-–(,])\s*$", "",
                               text[unit_at:start].strip())
                unit = slug(words) or unit
            org, start, unit_at = f"{org}/{unit}", unit_at, None
        out.append(Mention(org, start, end, text[start:end]))
    return out


def first_id(text: str, *, province: str | None = None, owner: str | None = None,
             lists: bool = False) -> str | None:
    """The id of the first body ``text`` names (an entry of a list names one)."""
    found = [m.id for m in mentions(text, province=province, owner=owner, lists=lists)
             if m.id]
    return found[0] if found else None


def issuer_id_of(issuer: str | None, parent: str | None, place: str | None,
                 province: str | None = None) -> str | None:
    """``SỞ XÂY DỰNG`` under ``UBND TỈNH BÌNH ĐỊNH`` → ``sxd@binh-dinh``; ``VĂN PHÒNG``
    under ``UBND THÀNH PHỐ HÀ NỘI`` → ``vp-ubnd@ha-noi``; ``BỘ THÔNG TIN VÀ TRUYỀN THÔNG`` →
    ``btttt``. The province is the parent's, or the place's (``Lâm Đồng, ngày …``), else
    ``province`` (the one the letter's text places its bodies in: ``UBND HUYỆN TƯ NGHĨA``
    writing to ``UBND tỉnh Quảng Ngãi`` is ``ubnd-huyen:tu-nghia@quang-ngai``, the id a
    letter of Quảng Ngãi naming ``UBND huyện Tư Nghĩa`` gives it)."""
    if not issuer:
        return None
    province = province_of(parent) or province_of(issuer) or province_of(place) or province
    parent_id = first_id(parent, province=province) if parent else None
    if parent_id and ":" in parent_id and fold(issuer).upper().startswith("PHONG "):
        # "PHÒNG TÀI CHÍNH - KẾ HOẠCH" under "UBND HUYỆN TƯ NGHĨA"
        return f"{parent_id}/{slug(issuer)}"
    if fold(issuer).strip() == "VAN PHONG" and parent_id:
        if parent_id.startswith("ubnd@"):
            return "vp-" + parent_id
        if "@" not in parent_id:
            return f"{parent_id}/vp"
    found = [m.id for m in mentions(issuer, province=province, owner=parent_id) if m.id]
    return found[-1] if found else None


def _symbol_writer(symbol: str | None, province: str | None) -> str | None:
    """The writer a symbol names: ``BTTTT-HTQT`` → ``btttt``, ``KH-STTTT`` (with the place
    Phú Yên) → ``stttt@phu-yen``; the type's code (``KH``) is skipped."""
    if not symbol:
        return None
    gaz = gazetteer()
    for part in symbol.split("-"):
        if rules().type_of_code(part) is not None and part not in gaz.by_abbr:
            continue
        label = gaz.by_abbr.get(fold(part))
        if label is None:
            continue
        kind, _, name = label.partition(":")
        if kind == "N":
            return name
        if kind == "K" and province:
            return f"{name}@{province}"
        return None
    return None


def _sentence_writer(lines: list[Line], province: str | None) -> tuple[str, Line] | None:
    """The body that speaks in the letter: named at the start of a line (a sentence) and
    followed by a writer's verb (``Bộ Thông tin và Truyền thông trân trọng thông báo``)."""
    verbs = gazetteer().writer_verbs_folded
    for ln in lines:
        found = mentions(ln.text, province=province)
        if not found or found[0].start > 2 or found[0].id is None:
            continue
        rest = fold(ln.text[found[0].end:]).strip()
        if any(rest.startswith(v) for v in verbs):
            return found[0].id, ln
    return None


class OrganisationsExtractor:
    name = "organisations"
    needs_text = True
    fields = ("issuer_id", "recipient_ids", "distribution_ids", "issuer", "organisations")

    def extract(self, ctx: Context) -> None:
        rec = ctx.record
        if rec.issuer:
            org = issuer_id_of(rec.issuer, rec.issuer_parent, rec.place)
            if _unplaced_local(org):
                # a district's or commune's letter: its header and place do not say the
                # province, the bodies it writes to and cites do
                said = "\n".join([*(rec.recipients or []), ctx.body_view().text])
                org = issuer_id_of(rec.issuer, rec.issuer_parent, rec.place,
                                   sole_province(said)) or org
            rec.set("issuer_id", org, rec.provenance.get("issuer"))
        else:
            self._infer(ctx, province_of(rec.place))
        province = letter_province(rec)
        owner = rec.issuer_id
        self._body(ctx, province, owner)
        if rec.recipients:
            rec.set("recipient_ids", [first_id(r, province=province, owner=owner, lists=True)
                                      for r in rec.recipients], rec.provenance.get("recipients"))
        if rec.distribution:
            rec.set("distribution_ids", [first_id(d, province=province, owner=owner,
                                                  lists=True)
                                         for d in rec.distribution],
                    rec.provenance.get("distribution"))

    def _body(self, ctx: Context, province: str | None, owner: str | None) -> None:
        """Every body the letter's text names, once each (by id, or by its folded name when
        it has none), with the page where it is first named."""
        view = ctx.body_view()
        found: list[OrgMention] = []
        seen: set[str] = set()
        first: list[Line] = []
        text = view.text
        for m in mentions(text, province=province, owner=owner):
            if text[m.start - 1:m.start] in _CODE_JOINS or text[m.end:m.end + 1] in _CODE_JOINS:
                continue  # a part of a cited code: "Quyết định số 749/QĐ-TTg"
            key = m.id or fold(m.text).lower()
            if key in seen:
                continue
            seen.add(key)
            lines = view.lines_for(m.start, m.end)
            first = first or lines
            found.append(OrgMention(org_id=m.id, name=m.text,
                                    page=lines[0].page if lines else None))
        if found:
            ctx.record.set("organisations", found,
                           provenance(first, self.name, text=found[0].name))

    def _infer(self, ctx: Context, province: str | None) -> None:
        """An issuer for a letter without its header, from its symbol and its body; left
        empty when they name different bodies."""
        rec = ctx.record
        by_symbol = _symbol_writer(rec.symbol, province)
        spoken = _sentence_writer(ctx.zones.body, province)
        by_body = spoken[0] if spoken else None
        if by_symbol and by_body and by_symbol != by_body:
            rec.warnings.append(f"issuer not inferred: the symbol names {by_symbol}, "
                                f"the body {by_body}")
            return
        org = by_symbol or by_body
        name = gazetteer().name(org) if org else None
        if org is None or name is None:
            return
        conf = CONFIDENCE_BOTH if by_symbol and by_body else CONFIDENCE_ONE
        lines: list[Line | None] = [spoken[1]] if spoken else [ctx.zones.number]
        prov = provenance(lines, self.name, confidence=conf)
        prov = Provenance(page=prov.page, bbox=prov.bbox, text=prov.text,
                          source=Source.INFERRED.value, extractor=self.name, confidence=conf)
        rec.set("issuer", name, prov)
        rec.set("issuer_id", org, prov)
        said = "symbol and body" if by_symbol and by_body else "symbol" if by_symbol else "body"
        rec.warnings.append(f"issuer inferred from the {said}: {name}")
