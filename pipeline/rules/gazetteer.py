"""Tables built from ``organisations.yaml``, ``relations.yaml`` and ``tasks.yaml``.

The gazetteer gives every state body an id and the phrases it is written as, in the forms
letters use: ``Bộ Thông tin và Truyền thông``, ``Bộ TTTT`` and ``BTTTT`` are ``btttt``;
``Sở Thông tin và Truyền thông tỉnh Phú Yên``, ``Sở TTTT Phú Yên`` are ``stttt@phu-yen``.
Matching them in text is the extractors' work (spaCy's PhraseMatcher over these phrases);
here are only the data and the names of ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.letters import fold
from pipeline.rules.loader import RULES_DIR, load
from pipeline.rules.registers import (
    Body,
    OrganisationsFile,
    Province,
    RelationsFile,
    TasksFile,
)


@dataclass(frozen=True)
class Gazetteer:
    """Phrases by label, and what each id is called.

    ``phrases`` maps a label to the phrases written for it. Labels: ``N:btttt`` (a national
    body), ``U:htqt`` (a unit of a ministry), ``K:stttt`` (a kind of provincial body),
    ``P:phu-yen`` (a province), ``A`` (every province: ``các tỉnh, thành phố trực thuộc
    Trung ương``), ``G:bo@*`` (a group), ``I:luu`` (the writer's own people and files)."""

    phrases: dict[str, tuple[str, ...]]
    national: dict[str, Body]
    units: dict[str, Body]
    provincial: dict[str, Body]
    provinces: dict[str, Province]
    groups: dict[str, Body]
    by_abbr: dict[str, str]  # a symbol's part, folded: "BTTTT" → "N:btttt", "STTTT" → "K:stttt"
    province_by_folded: dict[str, str]  # "PHU YEN" → "phu-yen"
    writer_verbs_folded: tuple[str, ...]
    internal_in_body: frozenset[str] = frozenset()  # "vp": "Văn phòng Sở" in the body too
    internal_of_writer: frozenset[str] = frozenset()  # said with the writer's head word
    internal_leading: frozenset[str] = frozenset()  # "Phòng", "Vụ": only opening an entry
    local_kinds: frozenset[str] = frozenset()  # "ubnd": "UBND huyện Tư Nghĩa"
    # a level's folded words → its id: ("thi", "xa") → "thi-xa", longest first
    local_levels: tuple[tuple[tuple[str, ...], str], ...] = ()
    local_name_ends: tuple[str, ...] = ()  # "Chủ trì": no place's word
    province_kinds: frozenset[str] = frozenset()  # folded: "thanh pho", "tinh"

    def name(self, org_id: str) -> str | None:
        """The written name of an id: ``stttt@phu-yen`` → ``Sở Thông tin và Truyền thông
        tỉnh Phú Yên``, ``btttt/htqt`` → ``Vụ Hợp tác quốc tế`` (Bộ Thông tin và Truyền
        thông); None for an id the gazetteer does not hold."""
        if org_id in self.groups:
            return self.groups[org_id].name
        if "/" in org_id:
            head, unit = org_id.split("/", 1)
            owner = self.name(head)
            known = self.units.get(unit)
            if owner is None or known is None:
                return None
            return f"{known.name} ({owner})"
        if ":" in org_id:
            return None  # a local body's id is built from its name: the text has its name
        if "@" in org_id:
            kind, prov = org_id.split("@", 1)
            body = self.provincial.get(kind)
            if body is None:
                return None
            if prov == "*":
                return f"{body.name} các tỉnh, thành phố trực thuộc Trung ương"
            p = self.provinces.get(prov)
            return f"{body.name} {p.kind} {p.name}" if p else None
        body = self.national.get(org_id)
        return body.name if body else None

    def now(self, org_id: str) -> str:
        """The id of the body that holds an id's work today (after the 2025 mergers):
        ``btttt`` → ``bkhcn``, ``stttt@phu-yen`` → ``stttt@dak-lak``."""
        if "@" in org_id:
            kind, prov = org_id.rsplit("@", 1)
            p = self.provinces.get(prov)
            return f"{kind}@{p.merged_into}" if p and p.merged_into else org_id
        body = self.national.get(org_id)
        return body.merged_into if body and body.merged_into else org_id


def _short_forms(body: Body, word: str) -> list[str]:
    """``Bộ TTTT`` from the abbreviation ``BTTTT``: a ministry's or a department's short
    name is its head word and the abbreviation without its first letter."""
    out = []
    for abbr in body.abbr:
        out.append(abbr)
        if len(abbr) > 2 and abbr[0] == word[0].upper() and abbr[1:].isupper():
            out.append(f"{word} {abbr[1:]}")
    return out


@lru_cache(maxsize=4)
def gazetteer(folder: Path = RULES_DIR) -> Gazetteer:
    """The gazetteer of ``organisations.yaml``, built once."""
    data = load("organisations", OrganisationsFile, folder)
    phrases: dict[str, list[str]] = {}
    by_abbr: dict[str, str] = {}
    for body in data.national:
        label = f"N:{body.id}"
        phrases[label] = [body.name, *body.aliases, *_short_forms(body, "Bộ")]
        for abbr in body.abbr:
            by_abbr.setdefault(fold(abbr), label)
    for body in data.ministry_units:
        phrases[f"U:{body.id}"] = [body.name, *body.aliases]
    for body in data.provincial:
        label = f"K:{body.id}"
        phrases[label] = [body.name, *body.aliases, *_short_forms(body, "Sở")]
        for abbr in body.abbr:
            if " " not in abbr:
                by_abbr.setdefault(fold(abbr), label)
    for prov in data.provinces:
        phrases[f"P:{prov.id}"] = [prov.name, *prov.aliases]
    phrases["A"] = list(data.every_province)
    for body in data.groups:
        phrases[f"G:{body.id}"] = [body.name, *body.aliases]
    for body in data.internal:
        phrases[f"I:{body.id}"] = [body.name, *body.aliases]
    return Gazetteer(
        phrases={k: tuple(dict.fromkeys(v)) for k, v in phrases.items()},
        national={b.id: b for b in data.national},
        units={b.id: b for b in data.ministry_units},
        provincial={b.id: b for b in data.provincial},
        provinces={p.id: p for p in data.provinces},
        groups={b.id: b for b in data.groups},
        by_abbr=by_abbr,
        province_by_folded={fold(n): p.id for p in data.provinces for n in (p.name, *p.aliases)},
        writer_verbs_folded=tuple(fold(v) for v in data.writer_verbs),
        internal_in_body=frozenset(data.internal_in_body),
        internal_of_writer=frozenset(data.internal_of_writer),
        internal_leading=frozenset(data.internal_leading),
        local_kinds=frozenset(data.local_kinds),
        local_levels=tuple(sorted(((tuple(fold(lv.name).lower().split()), lv.id)
                                   for lv in data.local_levels),
                                  key=lambda p: len(p[0]), reverse=True)),
        province_kinds=frozenset(fold(p.kind).lower() for p in data.provinces),
        local_name_ends=tuple(data.local_name_ends),
    )


@dataclass(frozen=True)
class Relations:
    """Folded phrase → relation (``CAN CU`` → ``legal_basis``), longest first, and the
    words that join two citations under one phrase."""

    phrases: tuple[tuple[str, str], ...]
    joiners_folded: frozenset[str]


@lru_cache(maxsize=4)
def relations(folder: Path = RULES_DIR) -> Relations:
    data = load("relations", RelationsFile, folder)
    pairs = [(fold(p), rel) for rel, words in data.relations.items() for p in words]
    pairs.sort(key=lambda pr: len(pr[0]), reverse=True)
    return Relations(tuple(pairs), frozenset(fold(j) for j in data.joiners))


@lru_cache(maxsize=4)
def task_rules(folder: Path = RULES_DIR) -> TasksFile:
    return load("tasks", TasksFile, folder)
