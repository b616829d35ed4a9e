"""The tables of a vanthu dataset as Arrow schemas, kept in step with :mod:`schemas.record`.

A dataset is a directory of Delta Lake tables that pandas, pyarrow, DuckDB and Polars read:

- ``documents``: one row per current input file (the data contract: ``doc_id``, ``code``,
  ``issue_date`` as a date, ``recipients`` as a list, ``signatures`` as a list of structs…);
- ``fields``: one row per extracted field with its provenance (page, box, source text);
- ``signatures``: one row per signature, keyed by ``doc_id``, for analysts who want them flat;
- ``pages``: the text of each page (page number, text, source), for full-text search;
- ``tasks``: one row per task of a plan's task table or handed out with a deadline;
- ``links``: one row per citation resolved to a document of the dataset (a dataset-level
  table, rebuilt at the end of each run: ``from_doc_id`` cites ``to_doc_id`` as
  ``relation``);
- ``checks``: one row per document and Nghị định 30/2020 rule (dataset-level too);
- ``files``: the manifest of every path seen, which makes the nightly run incremental;
- ``runs``: one row per run, with the table versions readers read.

A test checks that every column of ``documents`` is an attribute of ``Record`` and back.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from schemas.record import Record

TZ = "UTC"

SIGNATURE_TYPE = pa.struct(
    [
        ("signer", pa.string()),
        ("signed_at", pa.timestamp("us", tz=TZ)),
        ("source", pa.string()),
        ("field", pa.string()),
        ("organisation", pa.string()),
        ("subfilter", pa.string()),
        ("intact", pa.bool_()),
        ("timestamp_at", pa.timestamp("us", tz=TZ)),
        ("page", pa.int32()),
        ("bbox", pa.list_(pa.float32())),
        ("email", pa.string()),
        ("certificate_issuer", pa.string()),
        ("cms_signed_at", pa.timestamp("us", tz=TZ)),
        ("time_conflict", pa.string()),
        ("coverage", pa.string()),
        ("modified_after", pa.string()),
        ("stamp_text", pa.string()),
        ("fills", pa.string()),
        ("reason", pa.string()),
        ("errors", pa.list_(pa.string())),
    ]
)
DEADLINE_TYPE = pa.struct([("date", pa.date32()), ("text", pa.string()),
                           ("kind", pa.string()), ("task", pa.string()),
                           ("assignee", pa.string()), ("assignee_id", pa.string())])
REFERENCE_TYPE = pa.struct(
    [("doc_type", pa.string()), ("code", pa.string()), ("date", pa.date32()),
     ("relation", pa.string()), ("text", pa.string())]
)
TASK_TYPE = pa.struct(
    [("task", pa.string()), ("lead", pa.string()), ("lead_id", pa.string()),
     ("support", pa.string()), ("due", pa.string()), ("due_date", pa.date32()),
     ("output", pa.string()), ("source", pa.string()), ("page", pa.int32()),
     ("row", pa.int32())]
)
# a body named in the letter's text (schemas.record.OrgMention)
MENTION_TYPE = pa.struct(
    [("org_id", pa.string()), ("name", pa.string()), ("page", pa.int32()),
     ("role", pa.string())]
)
CONTACT_TYPE = pa.struct(
    [("name", pa.string()), ("phone", pa.string()), ("email", pa.string())]
)

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_path", pa.string()),
        ("source_format", pa.string()),
        ("page_count", pa.int32()),
        ("status", pa.string()),
        ("errors", pa.list_(pa.string())),
        ("warnings", pa.list_(pa.string())),
        ("doc_type", pa.string()),
        ("doc_type_code", pa.string()),
        ("number", pa.string()),
        ("symbol", pa.string()),
        ("code", pa.string()),
        ("issuer", pa.string()),
        ("issuer_parent", pa.string()),
        ("place", pa.string()),
        ("issue_date", pa.date32()),
        ("issue_year", pa.int32()),
        ("issue_month", pa.int32()),
        ("subject", pa.string()),
        ("recipients", pa.list_(pa.string())),
        ("distribution", pa.list_(pa.string())),
        ("issuer_id", pa.string()),
        ("recipient_ids", pa.list_(pa.string())),
        ("distribution_ids", pa.list_(pa.string())),
        ("signer_name", pa.string()),
        ("signer_title", pa.string()),
        ("signing_authority", pa.string()),
        ("signatures", pa.list_(SIGNATURE_TYPE)),
        ("deadlines", pa.list_(DEADLINE_TYPE)),
        ("references", pa.list_(REFERENCE_TYPE)),
        ("contacts", pa.list_(CONTACT_TYPE)),
        ("tasks", pa.list_(TASK_TYPE)),
        ("organisations", pa.list_(MENTION_TYPE)),
        ("urgency", pa.string()),
        ("secrecy", pa.string()),
        ("text_pages", pa.int32()),
        ("file_size", pa.int64()),
        ("ingested_at", pa.timestamp("us", tz=TZ)),
        ("schema_version", pa.string()),
        ("pipeline_version", pa.string()),
    ]
)
# Columns of ``documents`` a run fills, not the record: which code and rules made the row
# (``0.1.0+3f9a1c2e``, :func:`pipeline.runner.pipeline_version`), the same as the path's
# ``files`` row. Kept out of the record so its golden copies do not change with every edit.
RUN_COLUMNS = ("pipeline_version",)

FIELDS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_path", pa.string()),
        ("field", pa.string()),
        ("value", pa.string()),  # JSON of the value, so one column holds every field's type
        ("page", pa.int32()),
        ("x0", pa.float32()),
        ("y0", pa.float32()),
        ("x1", pa.float32()),
        ("y1", pa.float32()),
        ("text", pa.string()),
        ("source", pa.string()),
        ("extractor", pa.string()),
        ("confidence", pa.float32()),
        ("engine", pa.string()),  # the recogniser of a value written in by hand
    ]
)

SIGNATURES = pa.schema(
    [("doc_id", pa.string()), ("source_path", pa.string())]
    + [(f.name, f.type) for f in SIGNATURE_TYPE]
)

PAGES = pa.schema(
    [("doc_id", pa.string()), ("source_path", pa.string()), ("page", pa.int32()),
     ("text", pa.string()), ("source", pa.string())]
)

TASKS = pa.schema(
    [("doc_id", pa.string()), ("source_path", pa.string())]
    + [(f.name, f.type) for f in TASK_TYPE]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "fields": FIELDS,
    "signatures": SIGNATURES,
    "pages": PAGES,
    "tasks": TASKS,
}

# Dataset-level tables: built from the record tables at the end of each run (and on demand
# by pipeline.links and pipeline.checks), replaced whole.
LINKS = pa.schema(
    [
        ("from_doc_id", pa.string()),
        ("from_path", pa.string()),
        ("from_code", pa.string()),
        ("to_doc_id", pa.string()),
        ("to_path", pa.string()),
        ("to_code", pa.string()),
        ("cited_code", pa.string()),  # as the citing letter wrote it
        ("cited_type", pa.string()),
        ("cited_date", pa.date32()),
        ("relation", pa.string()),
        ("text", pa.string()),  # the citing clause
        ("match", pa.string()),  # exact / folded (OCR-tolerant) / by date
    ]
)
CHECKS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_path", pa.string()),
        ("rule", pa.string()),
        ("outcome", pa.string()),  # ok / failed / not_applicable
        ("article", pa.string()),  # where Nghị định 30/2020 says it
        ("detail", pa.string()),
    ]
)
DERIVED: dict[str, pa.Schema] = {"links": LINKS, "checks": CHECKS}

# An archivist's corrections, appended by ``vanthu correct`` between runs and never rewritten
# by a run: the latest per (source_path, field) replaces the extracted value on every read.
# Not in ALL_TABLES: runs do not pin it, a correction counts from the moment it is made.
CORRECTIONS = pa.schema(
    [
        ("correction_id", pa.string()),
        ("doc_id", pa.string()),  # of the document as it was corrected
        ("source_path", pa.string()),
        ("field", pa.string()),
        ("old_value", pa.string()),  # JSON of the extracted value corrected (null: was empty)
        ("value", pa.string()),  # JSON of the value the archivist gave
        ("who", pa.string()),
        ("at", pa.timestamp("us", tz=TZ)),
    ]
)


def _json_default(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def record_rows(record: Record, pipeline_version: str | None = None
                ) -> dict[str, list[dict[str, Any]]]:
    """The rows one record contributes to each table; ``pipeline_version`` goes in the
    documents row (see :data:`RUN_COLUMNS`)."""
    doc = record.to_dict(with_provenance=False)
    doc_row = {name: doc.get(name) for name in DOCUMENTS.names}
    doc_row["pipeline_version"] = pipeline_version
    field_rows = []
    for name, prov in record.provenance.items():
        box = prov.bbox or (None, None, None, None)
        field_rows.append(
            {
                "doc_id": record.doc_id,
                "source_path": record.source_path,
                "field": name,
                "value": json.dumps(doc.get(name), ensure_ascii=False, default=_json_default),
                "page": prov.page,
                "x0": box[0],
                "y0": box[1],
                "x1": box[2],
                "y1": box[3],
                "text": prov.text,
                "source": prov.source,
                "extractor": prov.extractor,
                "confidence": prov.confidence,
                "engine": prov.engine,
            }
        )
    key = {"doc_id": record.doc_id, "source_path": record.source_path}
    sig_rows = [{**key, **sig} for sig in doc["signatures"]]
    page_rows = [{**key, "page": p.page, "text": p.text, "source": p.source}
                 for p in record.pages]
    task_rows = [{**key, **task} for task in doc["tasks"]]
    return {"documents": [doc_row], "fields": field_rows, "signatures": sig_rows,
            "pages": page_rows, "tasks": task_rows}


# The manifest: one row per path ever seen under an input root, so the nightly run opens only
# files whose size, mtime or inode changed. ``path`` is the resolved path as text (a name that
# is not UTF-8 is shown with ``\xNN`` escapes); ``path_bytes`` keeps its exact bytes.
FILES = pa.schema(
    [
        ("path", pa.string()),
        ("path_bytes", pa.binary()),
        ("root", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("inode", pa.int64()),
        ("doc_id", pa.string()),
        ("status", pa.string()),  # the record's status, or "skipped" (a FIFO, a link loop…)
        ("error", pa.string()),
        ("attempts", pa.int32()),  # failed runs in a row, for the retry cap
        ("pipeline_version", pa.string()),
        ("first_seen", pa.timestamp("us", tz=TZ)),
        # the last run that opened the file or changed this row; an unchanged file is not
        # rewritten each night (the runs table says when each root was last listed)
        ("last_seen", pa.timestamp("us", tz=TZ)),
        ("deleted_at", pa.timestamp("us", tz=TZ)),
        ("run_id", pa.string()),
    ]
)

# One row per run, written when it ends: what it counted and, for a run that completed, the
# version of every table, which is what readers read.
RUNS = pa.schema(
    [
        ("run_id", pa.string()),
        ("state", pa.string()),  # "complete", or "interrupted" / "crashed"
        ("started_at", pa.timestamp("us", tz=TZ)),
        ("finished_at", pa.timestamp("us", tz=TZ)),
        ("roots", pa.list_(pa.string())),
        ("pipeline_version", pa.string()),
        ("seen", pa.int64()),
        ("new", pa.int64()),
        ("changed", pa.int64()),
        ("moved", pa.int64()),
        ("deleted", pa.int64()),
        ("unchanged", pa.int64()),
        ("retried", pa.int64()),
        ("processed", pa.int64()),
        ("failed", pa.int64()),
        ("skipped", pa.int64()),
        ("versions", pa.string()),  # JSON: table name -> Delta version at the end of the run
        ("error", pa.string()),
    ]
)

# The tables a run commits, fields and signatures before the documents that own them, the
# manifest last: a path is only marked done once its rows are all in.
RECORD_TABLES = ("fields", "signatures", "pages", "tasks", "documents")
ALL_TABLES: dict[str, pa.Schema] = {**TABLES, **DERIVED, "files": FILES, "runs": RUNS}
