"""Links between the documents of a dataset: each citation resolved to the document it names.

A letter cites others (``Thực hiện Công văn số 1453/BTTTT-HTQT ngày 07/5/2021 của Bộ Thông
tin và Truyền thông về việc tổ chức hoạt động nhân Ngày Viễn thông …``); when the cited
document is in the dataset, the ``links`` table says so: ``from_doc_id`` cites ``to_doc_id``
as ``relation`` (``implements``, ``legal_basis``, ``replies_to``, ``amends``, ``repeals``,
``replaces``, ``cites``: what the citing clause says), with the clause in ``text``.

Matching, most certain first (``match``):

- ``code``: the same number and symbol once OCR's variants are folded away (``1453/BTTTT–
  HTQT`` with an en dash, ``Đ``/``D``, ``⁄`` for ``/``, leading zeros), the same type when
  both say it. Two documents can share a number, a symbol and a year (a Quyết định and a
  Công văn of one body): the cited date then decides, and a candidate whose own date differs
  from the cited one is never taken;
- ``symbol_subject``: the cited symbol and type equal those of a document whose number is
  blank (an e-office letter's number is stamped by its signature, so an export has ``Số:
  /BTTTT-HTQT``), of the cited year, whose subject the citing clause repeats.

The same letter kept as several files (its PDF and its DOCX: one type, one code, one date)
is linked in each. A citation that matches nothing, or documents that differ (two dates, two
types), stays a citation only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from pipeline.letters import fold
from schemas.arrow import LINKS

_DASHES = re.compile(r"[\u2010-\u2015\u2212\u00ad_]")
_SLASHES = re.compile(r"[\u2044\u2215\\|]")
_WORD = re.compile(r"[^\W_]+")
SUBJECT_OVERLAP = 0.8  # of the target's subject words found in the citing clause


def code_key(code: str | None) -> tuple[str, str] | None:
    """``1453/BTTTT–HTQT`` → ``("1453", "BTTTT-HTQT")``; ``/BTTTT-HTQT`` → ``("",
    "BTTTT-HTQT")``; ``77/2015/QH13`` → ``("77", "2015/QH13")``. None without a symbol."""
    if not code:
        return None
    text = _SLASHES.sub("/", _DASHES.sub("-", code))
    text = re.sub(r"\s+", "", fold(text)).upper()
    number, sep, symbol = text.partition("/")
    if not sep or not symbol:
        return None
    number = number.lstrip("0") or ("0" if number else "")
    return number, symbol.strip("-")


def _type_key(doc_type: str | None) -> str | None:
    return fold(doc_type).strip() if doc_type else None


def _words(text: str | None) -> set[str]:
    return {w for w in _WORD.findall(fold(text or "").lower()) if len(w) > 1}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def resolve(documents: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The links among ``documents`` (rows of the ``documents`` table), one per citation
    resolved to exactly one other document."""
    docs = [d for d in documents if d.get("doc_id") and d.get("status") != "failed"]
    by_key: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for d in docs:
        key = code_key(d.get("code"))
        if key is not None:
            by_key[key].append(d)
    rows = []
    for d in docs:
        for ref in d.get("references") or []:
            targets, how = _targets(ref, d, by_key)
            for target in targets:
                rows.append({
                    "from_doc_id": d["doc_id"], "from_path": d.get("source_path"),
                    "from_code": d.get("code"), "to_doc_id": target["doc_id"],
                    "to_path": target.get("source_path"), "to_code": target.get("code"),
                    "cited_code": ref.get("code"), "cited_type": ref.get("doc_type"),
                    "cited_date": _date(ref.get("date")),
                    "relation": ref.get("relation") or "cites", "text": ref.get("text"),
                    "match": how,
                })
    return rows


def _fits(ref: Mapping[str, Any], cand: Mapping[str, Any]) -> bool:
    """The candidate can be the cited document: same type when both say one; its date the
    cited date, or its year the cited year, when both are known."""
    want, have = _type_key(ref.get("doc_type")), _type_key(cand.get("doc_type"))
    if want and have and want != have:
        return False
    cited, own = _date(ref.get("date")), _date(cand.get("issue_date"))
    if cited and own:
        return cited == own
    if cited and cand.get("issue_year") is not None:
        if cited.year != cand["issue_year"]:
            return False
        month = cand.get("issue_month")
        return month is None or month == cited.month
    return True


def _one_letter(cands: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The candidates when they are one letter in several files (one type, one date),
    else none."""
    letters = {(_type_key(c.get("doc_type")), _date(c.get("issue_date")), c.get("issue_year"))
               for c in cands}
    return sorted(cands, key=lambda c: str(c.get("source_path"))) if len(letters) == 1 else []


def _targets(ref: Mapping[str, Any], citing: Mapping[str, Any],
             by_key: Mapping[tuple[str, str], list[Mapping[str, Any]]]
             ) -> tuple[list[Mapping[str, Any]], str]:
    key = code_key(ref.get("code"))
    if key is None or not key[0]:
        return [], ""
    cands = [c for c in by_key.get(key, []) if c["doc_id"] != citing["doc_id"] and _fits(ref, c)]
    if cands:
        return _one_letter(cands), "code"
    # the cited letter with its number left blank: symbol, type, year and subject
    clause = _words(ref.get("text"))
    blank = []
    for c in by_key.get(("", key[1]), []):
        if c["doc_id"] == citing["doc_id"] or not _fits(ref, c):
            continue
        if not (_type_key(ref.get("doc_type")) and _type_key(c.get("doc_type"))):
            continue
        subject = _words(c.get("subject"))
        if subject and len(subject & clause) >= SUBJECT_OVERLAP * len(subject):
            blank.append(c)
    return _one_letter(blank), "symbol_subject"


def links_table(documents: pa.Table) -> pa.Table:
    """:func:`resolve` over a ``documents`` table, as a ``links`` table."""
    cols = [c for c in ("doc_id", "source_path", "status", "code", "doc_type", "issue_date",
                        "issue_year", "issue_month", "subject", "references")
            if c in documents.column_names]
    rows = resolve(documents.select(cols).to_pylist())
    return pa.Table.from_pylist(rows, schema=LINKS)
