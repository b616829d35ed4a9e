"""Nghị định 30/2020/NĐ-CP checks over a dataset: one row per document and rule.

    >>> table = checks_table(read_table(out), read_table(out, "fields"))
    >>> # doc_id, source_path, rule, outcome (ok / failed / not_applicable), article, detail

The rules are in :mod:`pipeline.checks.rules`, each citing the article or appendix it comes
from. ``vanthu check DATASET`` prints what failed; the ``checks`` table and view hold all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from pipeline.checks.rules import FAILED, NA, OK, RULES, Rule
from schemas.arrow import CHECKS


def check_document(doc: Mapping[str, Any], lines: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every rule on one document; ``lines``: field → the text it was read from, plus
    ``<field>_source`` (``inferred``, ``signature_widget``)."""
    out = []
    for rule in RULES:
        if doc.get("status") == "failed":
            outcome, detail = NA, "the document could not be read"
        else:
            try:
                outcome, detail = rule.check(doc, lines)
            except Exception as exc:  # a rule's bug must not hide the other rules
                outcome, detail = NA, f"the rule could not run ({exc!r})"
        out.append({"doc_id": doc.get("doc_id"), "source_path": doc.get("source_path"),
                    "rule": rule.id, "outcome": outcome, "article": rule.article,
                    "detail": detail or None})
    return out


def check_rows(documents: Iterable[Mapping[str, Any]],
               fields: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    lines: dict[str, dict[str, str]] = defaultdict(dict)
    for f in fields:
        mine = lines[f["source_path"]]
        mine[f["field"]] = f.get("text") or ""
        if f.get("source"):
            mine[f["field"] + "_source"] = f["source"]
    rows = []
    for doc in documents:
        rows.extend(check_document(doc, lines.get(str(doc.get("source_path")), {})))
    return rows


def checks_table(documents: pa.Table, fields: pa.Table) -> pa.Table:
    """The ``checks`` table of a dataset's ``documents`` and ``fields``."""
    field_cols = fields.select(["source_path", "field", "text", "source"]).to_pylist()
    return pa.Table.from_pylist(check_rows(documents.to_pylist(), field_cols), schema=CHECKS)


__all__ = ["FAILED", "NA", "OK", "RULES", "Rule", "check_document", "check_rows",
           "checks_table"]
