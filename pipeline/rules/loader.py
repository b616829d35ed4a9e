"""Loads and validates the rule files beside it in ``pipeline/rules/`` (data only, no code).

Each file is read once per process. A missing key, a regex that does not compile or a
malformed table entry stops the load with the file and key named, so a bad edit to a rule
file fails the first test rather than a night's ingestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from pipeline.normalize import fold, within_one_edit

RULE_FILES = (
    "anchors", "doc_types", "authority", "marks", "contacts", "signatures", "names",
    "ocr_phrases",
)


class RuleError(ValueError):
    """A rule file is malformed."""


def _load(name: str) -> dict[str, Any]:
    text = resources.files("pipeline.rules").joinpath(f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise RuleError(f"{name}.yaml: expected a mapping at the top level")
    return data


def _compile(file: str, key: str, pattern: Any, flags: int = 0) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise RuleError(f"rules/{file}.yaml: {key} must be a string pattern")
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(f"rules/{file}.yaml: {key} does not compile: {exc}") from None


def _str_list(file: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"rules/{file}.yaml: {key} must be a list of non-empty strings")
    return value


@dataclass(frozen=True)
class DocType:
    name: str
    code: str
    folded: str
    symbol_only: bool = False


@dataclass(frozen=True)
class Rules:
    anchors: dict[str, re.Pattern[str]]
    doc_types: tuple[DocType, ...]
    type_by_code: dict[str, DocType]
    type_by_folded: dict[str, DocType]
    reference_words: tuple[str, ...]
    named_reference_words_folded: frozenset[str]
    authority_prefixes: dict[str, str]
    org_heads_folded: tuple[str, ...]
    name_prefixes: tuple[str, ...]
    urgency: tuple[str, ...]
    secrecy: tuple[str, ...]
    email: re.Pattern[str]
    phone: re.Pattern[str]
    phone_digits: tuple[int, int]
    honorifics: tuple[str, ...]
    contact_cues_folded: tuple[str, ...]
    stamp_cues: re.Pattern[str]
    stamp_cue_kind: dict[str, str]
    stamp_time: re.Pattern[str]
    stamped_number: re.Pattern[str]
    stamped_day: re.Pattern[str]
    time_tolerance: int
    places: tuple[str, ...]
    surnames: tuple[str, ...]
    deputies: dict[str, str]
    ocr_phrases: tuple[str, ...]

    def deputy(self, head: str) -> str:
        """The title of who signs "KT. <head>": ``THỨ TRƯỞNG`` for ``BỘ TRƯỞNG``, else
        ``PHÓ <head>``."""
        return self.deputies.get(head, f"PHÓ {head}")

    def closest(self, kind: str, value: str, *, near: bool = False) -> str | None:
        """The entry of list ``kind`` (``places``, ``surnames``) that ``value`` must be:
        equal once tone marks are folded, or, with ``near``, one letter away; None when no
        single entry fits. ``value`` itself when it is on the list."""
        entries: tuple[str, ...] = getattr(self, kind)
        if value in entries:
            return value
        key = fold(value)
        same = {e for e in entries if fold(e) == key}
        if len(same) == 1:
            return same.pop()
        if same or not near:
            return None
        close = {e for e in entries if within_one_edit(fold(e), key)}
        return close.pop() if len(close) == 1 else None


@lru_cache(maxsize=1)
def rules() -> Rules:
    anchors_raw = _load("anchors")
    anchors = {}
    for key, pattern in anchors_raw.items():
        flags = re.IGNORECASE if key.endswith("_folded") else 0
        anchors[key] = _compile("anchors", key, pattern, flags)
    required = {
        "motto_folded", "independence_folded", "rule_line", "number_line_folded", "number",
        "date_line", "vv_line", "kinh_gui_folded", "noi_nhan_folded", "authority_folded",
        "signature_noise_folded", "body_end", "appendix_folded", "body_start_folded",
        "issuing_authority_folded", "date_line_loose",
    }
    missing = required - anchors.keys()
    if missing:
        raise RuleError(f"rules/anchors.yaml: missing {', '.join(sorted(missing))}")

    types_raw = _load("doc_types")
    doc_types = []
    for i, entry in enumerate(types_raw.get("types") or []):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("code"):
            raise RuleError(f"rules/doc_types.yaml: types[{i}] needs a name and a code")
        doc_types.append(
            DocType(
                name=entry["name"],
                code=entry["code"],
                folded=fold(entry["name"]),
                symbol_only=bool(entry.get("symbol_only", False)),
            )
        )
    if not doc_types:
        raise RuleError("rules/doc_types.yaml: no types")
    type_by_code = {t.code: t for t in doc_types if not t.symbol_only}
    type_by_folded = {t.folded: t for t in doc_types}

    auth = _load("authority")
    deputies = auth.get("deputies") or {}
    if not isinstance(deputies, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in deputies.items()
    ):
        raise RuleError("rules/authority.yaml: deputies must map a head's title to a deputy's")
    prefixes = auth.get("prefixes")
    if not isinstance(prefixes, dict) or not prefixes:
        raise RuleError("rules/authority.yaml: prefixes must be a mapping")
    marks = _load("marks")
    contacts = _load("contacts")
    digits = (contacts.get("phone_min_digits"), contacts.get("phone_max_digits"))
    if not all(isinstance(d, int) for d in digits):
        raise RuleError("rules/contacts.yaml: phone_min_digits/phone_max_digits must be integers")

    names = _load("names")
    sig = _load("signatures")
    cue_kind: dict[str, str] = {}
    for kind in ("signer", "organisation", "time", "email"):
        for cue in _str_list("signatures", f"{kind}_cues", sig.get(f"{kind}_cues")):
            cue_kind[fold(cue)] = kind
    cues = sorted(cue_kind, key=len, reverse=True)
    tolerance = sig.get("time_tolerance_seconds")
    if not isinstance(tolerance, int) or tolerance < 0:
        raise RuleError("rules/signatures.yaml: time_tolerance_seconds must be a whole number >= 0")

    return Rules(
        anchors=anchors,
        doc_types=tuple(doc_types),
        type_by_code=type_by_code,
        type_by_folded=type_by_folded,
        reference_words=tuple(
            _str_list("doc_types", "reference_words", types_raw.get("reference_words"))
        ),
        named_reference_words_folded=frozenset(
            fold(w) for w in _str_list(
                "doc_types", "named_reference_words", types_raw.get("named_reference_words")
            )
        ),
        authority_prefixes=prefixes,
        org_heads_folded=tuple(
            fold(h) for h in _str_list("authority", "org_heads", auth.get("org_heads"))
        ),
        name_prefixes=tuple(_str_list("authority", "name_prefixes", auth.get("name_prefixes"))),
        urgency=tuple(_str_list("marks", "urgency", marks.get("urgency"))),
        secrecy=tuple(_str_list("marks", "secrecy", marks.get("secrecy"))),
        email=_compile("contacts", "email", contacts.get("email")),
        phone=_compile("contacts", "phone", contacts.get("phone")),
        phone_digits=(digits[0], digits[1]),  # type: ignore[arg-type]
        honorifics=tuple(_str_list("contacts", "honorifics", contacts.get("honorifics"))),
        contact_cues_folded=tuple(
            _str_list("contacts", "cues_folded", contacts.get("cues_folded"))
        ),
        # cues are matched on folded text (no marks, upper case): "KY BOI:", "THOI GIAN KY:"
        stamp_cues=re.compile(
            r"(?<![A-Z])(?P<cue>" + "|".join(re.escape(c) for c in cues) + r")\s*:\s*"
        ),
        stamp_cue_kind=cue_kind,
        stamp_time=_compile("signatures", "stamp_time", sig.get("stamp_time")),
        stamped_number=_compile("signatures", "stamped_number", sig.get("stamped_number")),
        stamped_day=_compile("signatures", "stamped_day", sig.get("stamped_day")),
        time_tolerance=tolerance,
        places=tuple(_str_list("names", "places", names.get("places"))),
        surnames=tuple(_str_list("names", "surnames", names.get("surnames"))),
        deputies=deputies,
        ocr_phrases=tuple(
            _str_list("ocr_phrases", "phrases", _load("ocr_phrases").get("phrases"))
        ),
    )
