"""An archivist's corrections laid over the extracted tables, on every read.

A correction says: in the document at ``source_path``, the field ``code`` holds
``"1204/SXD-QLN"`` (the letter's ``Số: 1204/SXD-QLN``, which OCR read as ``1204/SXD-OLN``).
Runs never write corrections and never read them: they replace a document's extracted rows as
before, and the correction is laid over the new rows when they are read, so it outlives
re-runs and reprocessing. The corrected field's ``fields`` row keeps the extracted box and
text (the archivist can still see where the value was on the page) and says ``source =
manual``. When the value extracted now differs from the one the archivist corrected (the file
was replaced, the pipeline reads it differently), the correction still holds but its row says
so in ``extractor``, and :func:`states` calls it ``review``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyarrow as pa

from schemas.record import Source

Key = tuple[str, str]  # (source_path, field)


def latest(corrections: pa.Table) -> dict[Key, dict[str, Any]]:
    """The last correction of each (path, field): a later one replaces an earlier one."""
    out: dict[Key, dict[str, Any]] = {}
    for row in sorted(corrections.to_pylist(), key=lambda r: r["at"]):
        out[(row["source_path"], row["field"])] = row
    return out


def _same(a: str | None, b: str | None) -> bool:
    """Two JSON values equal as values (``null`` and no row alike)."""
    return (json.loads(a) if a else None) == (json.loads(b) if b else None)


def extractor_note(corr: dict[str, Any], extracted: str | None) -> str:
    """What a corrected row says in ``extractor``: who and when, and whether the extracted
    value moved since."""
    when = corr["at"].strftime("%Y-%m-%d %H:%M")
    note = f"correction by {corr['who']} at {when}"
    if not _same(extracted, corr["old_value"]):
        note += (f"; REVIEW: extracted {extracted or 'null'} now, "
                 f"{corr['old_value'] or 'null'} when corrected")
    return note


def apply_fields(fields: pa.Table, corr: dict[Key, dict[str, Any]],
                 paths: set[str] | None = None) -> pa.Table:
    """``fields`` with each corrected value in place (``source = manual``, confidence 1), and
    a row added for a value the extractors left empty. ``paths``: the documents present."""
    if not corr:
        return fields
    present = paths if paths is not None else set(fields.column("source_path").to_pylist())
    wanted = {k: c for k, c in corr.items() if k[0] in present}
    if not wanted:
        return fields
    keys = list(zip(fields.column("source_path").to_pylist(),
                    fields.column("field").to_pylist(), strict=True))
    hit = [i for i, k in enumerate(keys) if k in wanted]
    keep = pa.array([k not in wanted for k in keys], pa.bool_())
    rows = fields.take(pa.array(hit, pa.int64())).to_pylist() if hit else []
    done = set()
    for row in rows:
        c = wanted[(row["source_path"], row["field"])]
        done.add((row["source_path"], row["field"]))
        row.update(extractor=extractor_note(c, row["value"]), value=c["value"],
                   source=Source.MANUAL.value, confidence=1.0, engine=None)
    doc_ids = dict(zip(fields.column("source_path").to_pylist(),
                       fields.column("doc_id").to_pylist(), strict=True))
    for (path, name), c in wanted.items():
        if (path, name) in done:
            continue
        rows.append({"doc_id": doc_ids.get(path, c["doc_id"]), "source_path": path,
                     "field": name, "value": c["value"], "page": None, "x0": None,
                     "y0": None, "x1": None, "y1": None, "text": None,
                     "source": Source.MANUAL.value, "extractor": extractor_note(c, None),
                     "confidence": 1.0, "engine": None})
    return pa.concat_tables([fields.filter(keep),
                             pa.Table.from_pylist(rows, schema=fields.schema)])


def typed(value: Any, kind: pa.DataType) -> Any:
    """A JSON value as the documents column of type ``kind`` holds it."""
    if value is None:
        return None
    if pa.types.is_date32(kind):
        return dt.date.fromisoformat(str(value)[:10])
    if pa.types.is_timestamp(kind):
        return dt.datetime.fromisoformat(str(value))
    if pa.types.is_integer(kind):
        return int(value)
    if pa.types.is_floating(kind):
        return float(value)
    return value


def apply_documents(docs: pa.Table, corr: dict[Key, dict[str, Any]]) -> pa.Table:
    """``documents`` with each corrected value in its column."""
    if not corr:
        return docs
    by_path: dict[str, list[dict[str, Any]]] = {}
    for (path, name), c in corr.items():
        if name in docs.column_names:
            by_path.setdefault(path, []).append(c)
    paths = docs.column("source_path").to_pylist()
    hit = [i for i, p in enumerate(paths) if p in by_path]
    if not hit:
        return docs
    rows = docs.take(pa.array(hit, pa.int64())).to_pylist()
    for row in rows:
        for c in by_path[row["source_path"]]:
            row[c["field"]] = typed(json.loads(c["value"]), docs.schema.field(c["field"]).type)
    keep = pa.array([p not in by_path for p in paths], pa.bool_())
    return pa.concat_tables([docs.filter(keep), pa.Table.from_pylist(rows, schema=docs.schema)])


def states(corrections: pa.Table, raw_fields: pa.Table, present: set[str]
           ) -> list[dict[str, Any]]:
    """Every correction with its ``state``: ``applied`` (the latest for its field, the value
    extracted now is the one corrected), ``review`` (the extracted value changed since),
    ``replaced`` (a later correction of the same field), ``gone`` (no document at its path
among ``present`` now);
    ``extracted`` is the value read now (JSON)."""
    now = {(r["source_path"], r["field"]): r["value"]
           for r in raw_fields.select(["source_path", "field", "value"]).to_pylist()}
    last_ids = {c["correction_id"] for c in latest(corrections).values()}
    rows = sorted(corrections.to_pylist(), key=lambda r: r["at"])
    out = []
    for row in rows:
        extracted = now.get((row["source_path"], row["field"]))
        if row["correction_id"] not in last_ids:
            state = "replaced"
        elif row["source_path"] not in present:
            state = "gone"
        elif _same(extracted, row["old_value"]):
            state = "applied"
        else:
            state = "review"
        out.append({**row, "extracted": extracted, "state": state})
    return out
