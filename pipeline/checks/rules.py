"""The format rules of Nghị định 30/2020/NĐ-CP that a record can be checked against.

Each rule reads one document (a row of ``documents``) and the lines its fields were read
from (``fields.text``: the date line ``Hà Nội, ngày 05 tháng 02 năm 2024``, the number line
``Số: 05/QĐ-UBND``) and says ``ok``, ``failed`` (with why) or ``not_applicable``, citing
where the decree says it. Only what the record holds is checked: fonts, sizes and positions
(Phụ lục I, Mục IV) are not in a record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.letters import fold
from pipeline.rules import rules

OK, FAILED, NA = "ok", "failed", "not_applicable"
Outcome = tuple[str, str]  # (outcome, detail)
Doc = Mapping[str, Any]
Lines = Mapping[str, str]  # field → the text it was read from


@dataclass(frozen=True)
class Rule:
    id: str
    article: str
    says: str
    check: Callable[[Doc, Lines], Outcome]


def _is_letter(doc: Doc) -> bool:
    """A record laid out as a letter: its type or its symbol was read, or it is signed and
    sent to someone (a letter that lost its header). A web page quoting a letter has none
    of these, and the rules do not apply to it."""
    return bool(doc.get("doc_type") or doc.get("symbol")
                or (doc.get("signer_name") and (doc.get("recipients") or doc.get("distribution"))))


def _type(doc: Doc) -> str:
    return fold(doc.get("doc_type") or "").strip()


# ---------------------------------------------------------------------------- the rules

_COMPONENTS = (
    ("issuer", "tên cơ quan ban hành (b)"),
    ("symbol", "số, ký hiệu (c)"),
    ("issue_year", "thời gian ban hành (d)"),
    ("place", "địa danh (d)"),
    ("doc_type", "tên loại (đ)"),
    ("subject", "trích yếu (đ)"),
    ("signer_name", "họ tên người ký (g)"),
    ("distribution", "nơi nhận (i)"),
)


def components(doc: Doc, lines: Lines) -> Outcome:
    if not _is_letter(doc):
        return NA, "no header: not laid out as an official document"
    missing = [label for name, label in _COMPONENTS
               if doc.get(name) in (None, "", []) or name == "issuer" and _inferred(lines)]
    return (FAILED, "missing: " + ", ".join(missing)) if missing else (OK, "")


def _inferred(lines: Lines) -> bool:
    return lines.get("issuer_source") == "inferred"


_GROUP = re.compile(r"^(?:[A-ZĐ0-9&]+|[A-ZĐ][A-ZĐ0-9]*[a-z][A-ZĐ0-9]*)$")


def number_format(doc: Doc, lines: Lines) -> Outcome:
    """``Số: 05/QĐ-UBND``: Arabic digits, a 0 before a number below 10, a slash between
    number and symbol, the symbol's groups in capitals joined by hyphens, no spaces."""
    code = doc.get("code")
    if not code:
        return NA, "no number line"
    line = lines.get("code", "")
    problems = []
    if line and fold(line).startswith("SO") and not re.match(r"^\S+\s*:", line):
        problems.append("no colon after Số")
    number = doc.get("number")
    if number:
        if not number.isdigit():
            problems.append(f"number {number!r} is not in Arabic digits")
        elif int(number) < 10 and not number.startswith("0"):
            problems.append(f"number {number} below 10 without a leading 0")
    if " " in code.strip():
        problems.append("spaces in the number and symbol")
    symbol = (doc.get("symbol") or "").split("/")[-1]
    bad = [g for g in symbol.split("-") if not _GROUP.match(g)]
    if bad:
        problems.append(f"symbol groups not in capitals or not joined by hyphens: {bad}")
    if not number:
        return (FAILED, "; ".join(problems)) if problems else \
            (OK, "number left blank (filled when signed)")
    return (FAILED, "; ".join(problems)) if problems else (OK, "")


_DATE_WORDS = re.compile(r"ngày\s*(\d*)\s*tháng\s*(\d*)\s*năm\s+(\d{4})", re.IGNORECASE)


def date_format(doc: Doc, lines: Lines) -> Outcome:
    """``Hà Nội, ngày 05 tháng 02 năm 2024``: written in full, a 0 before a day below 10
    and before the months 1 and 2, a comma after the place."""
    line = lines.get("issue_year") or lines.get("issue_date") or ""
    if not line:
        return NA, "no date line"
    m = _DATE_WORDS.search(line)
    if m is None:
        return FAILED, f"not written as 'ngày … tháng … năm …': {line!r}"
    day, month = m.group(1), m.group(2)
    problems = []
    stamped = lines.get("issue_date_source") == "signature_widget"
    if (not day or not month) and not stamped and doc.get("issue_date") is None:
        return NA, "day or month left blank (filled when signed)"
    if day and int(day) < 10 and not day.startswith("0"):
        problems.append(f"day {day} without a leading 0")
    if month and int(month) in (1, 2) and not month.startswith("0"):
        problems.append(f"month {month} without a leading 0")
    place = line[:m.start()].strip()
    if place and not place.endswith(","):
        problems.append("no comma after the place")
    return (FAILED, "; ".join(problems)) if problems else (OK, "")


_DEPUTY = re.compile(r"^(?:PHÓ\b|THỨ TRƯỞNG\b)")
_HEADS = ("BỘ TRƯỞNG", "GIÁM ĐỐC", "CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "VỤ TRƯỞNG", "CỤC TRƯỞNG",
          "TỔNG GIÁM ĐỐC", "HIỆU TRƯỞNG", "VIỆN TRƯỞNG", "TRƯỞNG BAN", "CHÁNH THANH TRA",
          "THỦ TƯỚNG")


def authority_prefix(doc: Doc, lines: Lines) -> Outcome:
    """A deputy signs for the head: ``KT. BỘ TRƯỞNG`` above ``THỨ TRƯỞNG``, ``KT. GIÁM
    ĐỐC`` above ``PHÓ GIÁM ĐỐC``; a head signing in their own name writes no ``KT.``."""
    title = (doc.get("signer_title") or "").upper().strip()
    if not title:
        return NA, "no signer's title"
    authority = (doc.get("signing_authority") or "").upper()
    if _DEPUTY.match(title):
        if "KT." in authority:
            return OK, ""
        return FAILED, f"{title} signs without 'KT.' before the head's title"
    if title in _HEADS and "KT." in authority and "TL." not in authority:
        return FAILED, f"'KT.' before the title of {title}, who is the head"
    return OK, ""


def distribution_archive(doc: Doc, lines: Lines) -> Outcome:
    """The Nơi nhận ends with the archive copy: ``Lưu: VT, …``."""
    items = doc.get("distribution") or []
    if not items:
        return NA, "no Nơi nhận"
    last = fold(items[-1]).upper()
    if re.match(r"^LUU\b", last) and re.search(r"\bVT\b", last):
        return OK, ""
    return FAILED, f"the last entry is {items[-1]!r}, not 'Lưu: VT, …'"


def subject_vv(doc: Doc, lines: Lines) -> Outcome:
    """A Công văn's subject follows ``V/v``."""
    if _type(doc) != "CONG VAN":
        return NA, "not a Công văn"
    line = lines.get("subject") or ""
    if not doc.get("subject"):
        return NA, "no subject"
    if re.match(r"^\s*V/v\b", line):
        return OK, ""
    return FAILED, f"the subject does not start with 'V/v': {line[:60]!r}"


def kinh_gui(doc: Doc, lines: Lines) -> Outcome:
    """A Công văn names who it is sent to after ``Kính gửi:``."""
    if _type(doc) != "CONG VAN":
        return NA, "not a Công văn"
    return (OK, "") if doc.get("recipients") else (FAILED, "no 'Kính gửi' recipients")


def nhu_tren(doc: Doc, lines: Lines) -> Outcome:
    """A Công văn's Nơi nhận opens with ``Như trên`` (those of Kính gửi)."""
    if _type(doc) != "CONG VAN" or not doc.get("distribution"):
        return NA, "not a Công văn with a Nơi nhận"
    first = fold(doc["distribution"][0]).upper()
    return (OK, "") if first.startswith("NHU TREN") else \
        (FAILED, f"the Nơi nhận opens with {doc['distribution'][0]!r}, not 'Như trên'")


def symbol_type(doc: Doc, lines: Lines) -> Outcome:
    """The symbol holds the type's abbreviation (Phụ lục III: ``QĐ`` for Quyết định, ``KH``
    for Kế hoạch); a Công văn's symbol holds none."""
    symbol = doc.get("symbol")
    kind = rules().type_by_folded.get(_type(doc)) if doc.get("doc_type") else None
    if not symbol or kind is None:
        return NA, "no symbol or no type"
    groups = symbol.split("/")[-1].split("-")
    if kind.code == rules().plain_letter.code:
        return OK, ""
    if kind.code in groups:
        return OK, ""
    return FAILED, f"{doc['doc_type']} but the symbol {symbol!r} lacks {kind.code!r}"


_DEGREES = re.compile(r"^(?:TS|ThS|PGS|GS|KS|BS|CN|Th\.S|TSKH)\.?\s", re.IGNORECASE)


def signer_name(doc: Doc, lines: Lines) -> Outcome:
    """The signer's full name, without academic titles before it."""
    name = doc.get("signer_name")
    if not name:
        return NA, "no signer's name"
    if _DEGREES.match(name):
        return FAILED, f"an academic title before the name: {name!r}"
    return OK, ""


RULES: tuple[Rule, ...] = (
    Rule("components", "Điều 8 khoản 2; Phụ lục I, Phần I, Mục II",
         "the main components are present", components),
    Rule("number_format", "Phụ lục I, Phần I, Mục II, điểm 3",
         "number and symbol written as 'Số: 05/QĐ-UBND'", number_format),
    Rule("date_format", "Phụ lục I, Phần I, Mục II, điểm 4 b), c)",
         "date written in full, 0 before a day below 10 and months 1 and 2", date_format),
    Rule("authority_prefix", "Điều 13; Phụ lục I, Phần I, Mục II, điểm 7 b)",
         "'KT.' before the head's title when a deputy signs", authority_prefix),
    Rule("distribution_archive", "Phụ lục I, Phần I, Mục II, điểm 9 d)",
         "Nơi nhận ends with 'Lưu: VT, …'", distribution_archive),
    Rule("subject_vv", "Phụ lục I, Phần I, Mục II, điểm 5 b)",
         "a Công văn's subject follows 'V/v'", subject_vv),
    Rule("kinh_gui", "Phụ lục I, Phần I, Mục II, điểm 9 b)",
         "a Công văn has 'Kính gửi' recipients", kinh_gui),
    Rule("nhu_tren", "Phụ lục I, Phần I, Mục II, điểm 9 b)",
         "a Công văn's Nơi nhận opens with 'Như trên'", nhu_tren),
    Rule("symbol_type", "Phụ lục I, Phần I, Mục II, điểm 3 b); Phụ lục III",
         "the symbol holds the type's abbreviation", symbol_type),
    Rule("signer_name", "Phụ lục I, Phần I, Mục II, điểm 7 c)",
         "the signer's name without academic titles", signer_name),
)
