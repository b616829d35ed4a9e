"""Correcting a value once, for good: ``vanthu correct`` and ``vanthu corrections``.

    >>> correct("out/ds", "cv-sxd-1204.pdf", "signer_name", "Trần Thị Mai", who="lan")

stores who corrected which field of which document, when, from which extracted value to which
(``schemas.arrow.CORRECTIONS``, appended through the sink). Every read of the dataset
(``read_dataset``, ``connect``, ``show``, ``export``) then gives the corrected value with
``source = manual`` in its provenance, after any later run or reprocessing of the file; a
correction whose field has since been extracted differently is listed as ``review``
(:func:`corrections`), never dropped.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import uuid
from typing import Any

import pandas as pd
import pyarrow as pa

from pipeline.api import read_table
from pipeline.sinks import DEFAULT_SINK, open_sink
from pipeline.sinks.corrections import states
from schemas.arrow import DOCUMENTS

# what a run, not an archivist, decides: the file's identity, its reading, its bookkeeping
NOT_CORRECTABLE = frozenset({
    "doc_id", "source_path", "source_format", "page_count", "status", "errors", "warnings",
    "text_pages", "file_size", "ingested_at", "schema_version", "signatures",
    "pipeline_version",
})
CORRECTABLE = tuple(n for n in DOCUMENTS.names if n not in NOT_CORRECTABLE)


class CorrectionError(ValueError):
    """A correction that cannot be stored: no such document or field, a value of the wrong
    kind. The message says which."""


def find(docs: pd.DataFrame, doc: str) -> dict[str, Any]:
    """The one document ``doc`` names: its ``doc_id`` or first 6+ characters, its path (as
    stored or as given), or its file name when only one document has it."""
    resolved = os.path.realpath(doc)
    paths = docs["source_path"].astype(str)
    ids = docs["doc_id"].astype(str)
    for mask in (ids == doc, paths == doc, paths == resolved,
                 ids.str.startswith(doc) if len(doc) >= 6 else None,
                 paths.str.endswith(os.sep + doc)):
        if mask is None:
            continue
        hits = docs[mask]
        if len(hits) == 1:
            return dict(hits.iloc[0])
        if len(hits) > 1:
            raise CorrectionError(f"{doc!r} names {len(hits)} documents: "
                                  + ", ".join(hits["source_path"].astype(str)[:5]))
    raise CorrectionError(f"no document {doc!r} in the dataset")


def parse_value(field: str, text: Any) -> Any:
    """The value typed as the ``documents`` column ``field`` holds it, from what was typed on
    the command line: ``"2025-03-15"`` for ``issue_date``, ``"UBND tỉnh A; Sở Tài chính"`` (a
    ``;`` between entries) for ``recipients``, JSON for lists of objects; ``""`` empties."""
    if field not in CORRECTABLE:
        raise CorrectionError(f"{field!r} cannot be corrected; fields: "
                              + ", ".join(CORRECTABLE))
    kind = DOCUMENTS.field(field).type
    if text is None or (isinstance(text, str) and not text.strip()):
        return [] if pa.types.is_list(kind) else None
    if not isinstance(text, str):
        return text
    text = text.strip()
    try:
        if pa.types.is_date32(kind):
            return dt.date.fromisoformat(text).isoformat()
        if pa.types.is_integer(kind):
            return int(text)
        if pa.types.is_floating(kind):
            return float(text)
    except ValueError:
        raise CorrectionError(f"{field} takes a {kind}, not {text!r}") from None
    if pa.types.is_list(kind):
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CorrectionError(f"{field}: {exc}") from None
            if not isinstance(value, list):
                raise CorrectionError(f"{field} takes a list")
            return value
        if pa.types.is_string(kind.value_type):
            return [p.strip() for p in text.split(";") if p.strip()]
        raise CorrectionError(f"{field} takes a JSON list of objects")
    return text


def correct(out: str | os.PathLike[str], doc: str, field: str, value: Any, *,
            who: str | None = None, sink: str = DEFAULT_SINK) -> dict[str, Any]:
    """Store a correction of ``field`` in the document ``doc`` (see :func:`find`); returns
    the stored row. ``who`` defaults to the login name."""
    typed_value = parse_value(field, value)
    docs = read_table(out, "documents").to_pandas()
    row = find(docs, doc) if len(docs) else find(pd.DataFrame(
        {"doc_id": [], "source_path": []}), doc)
    dataset = open_sink(out, sink)
    raw = dataset.read_table("fields", corrected=False)
    extracted = [r["value"] for r in raw.select(["source_path", "field", "value"]).to_pylist()
                 if r["source_path"] == row["source_path"] and r["field"] == field]
    stored = {
        "correction_id": uuid.uuid4().hex,
        "doc_id": row["doc_id"],
        "source_path": row["source_path"],
        "field": field,
        "old_value": extracted[0] if extracted else None,
        "value": json.dumps(typed_value, ensure_ascii=False),
        "who": who or _login(),
        "at": dt.datetime.now(dt.timezone.utc),
    }
    dataset.add_corrections([stored])
    return stored


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in a container
        return "unknown"


def corrections(out: str | os.PathLike[str], sink: str = DEFAULT_SINK) -> pd.DataFrame:
    """Every correction, oldest first, with its ``state`` (``applied``, ``review`` when the
    extracted value changed since, ``replaced`` by a later one, ``gone`` with its file) and
    the value ``extracted`` now."""
    dataset = open_sink(out, sink)
    made = dataset.read_corrections()
    docs = dataset.read_table("documents", corrected=False)
    rows = states(made, dataset.read_table("fields", corrected=False),
                  set(docs.column("source_path").to_pylist()))
    cols = [*made.schema.names, "extracted", "state"]
    return pd.DataFrame(rows, columns=cols)
