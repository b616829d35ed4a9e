"""The dataset as SQL: a DuckDB connection with a view per table and flat views for analysts.

    >>> con = connect("out/samples")
    >>> con.sql("SELECT issuer_id, count(*) FROM documents GROUP BY 1").df()
    >>> frame(con, "SELECT * FROM deadlines WHERE kind = 'action' ORDER BY date")

Every table of the dataset is a view (``documents``, ``fields``, ``signatures``, ``pages``,
``tasks``, ``links``, ``checks``, ``files``, ``runs``), read as the last complete run left it
(or ``as_of``). The nested columns of ``documents`` have flat views, so no query needs
``unnest`` nor quotes (``references`` is a keyword of SQL; its view is ``citations``):

- ``citations``: one row per cited document, with the relation and the citing clause, and
  ``resolved`` when ``links`` found it in the dataset;
- ``deadlines``: one row per dated cue, with its kind (``action``, ``cutoff``,
  ``effective``, ``expiry``), the task and the assignee;
- ``recipients``: one row per entry of ``Kính gửi`` (``role = 'recipient'``) and of ``Nơi
  nhận`` (``role = 'distribution'``), with the gazetteer's id;
- ``mentions``: one row per body a letter names, wherever it names it: its writer (``role
  = 'issuer'``), each ``recipients`` row, and each body its text names (``role = 'body'``,
  with the page), so ``SELECT DISTINCT doc_id FROM mentions WHERE org_id LIKE 'snv@%'`` is
  every letter that speaks of a Sở Nội vụ;
- ``fields``: ``value`` is JSON text; ``value_text`` the value as plain text for a string.

The SQL types of every column are in :data:`VIEW_TYPES` (the same on an empty dataset);
:func:`frame` turns a query into pandas with fixed dtypes (nullable ``Int32``, ``boolean``,
``Float32``…) whatever the data holds, which ``relation.df()`` does not promise.
"""

from __future__ import annotations

import os
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.checks import checks_table
from pipeline.links import links_table
from pipeline.sinks import DEFAULT_SINK, open_sink, read_live
from schemas.arrow import ALL_TABLES, DERIVED

AsOf = Any  # a datetime, a run id, or None

FLAT_VIEWS: dict[str, str] = {
    "citations": """
        SELECT c.doc_id, c.source_path, c.citing_code, c.position, c.ref.doc_type AS cited_type,
               c.ref.code AS cited_code, c.ref.date AS cited_date,
               c.ref.relation AS relation, c.ref.text AS text,
               EXISTS (SELECT 1 FROM links l WHERE l.from_doc_id = c.doc_id
                       AND l.cited_code = c.ref.code) AS resolved
        FROM (SELECT doc_id, source_path, code AS citing_code,
                     unnest("references") AS ref,
                     CAST(generate_subscripts("references", 1) AS INTEGER) AS position
              FROM documents) AS c""",
    "deadlines": """
        SELECT d.doc_id, d.source_path, d.code, d.issuer, d.issuer_id, d.issue_date,
               d.position, d.dl.date AS date, d.dl.kind AS kind, d.dl.task AS task,
               d.dl.assignee AS assignee, d.dl.assignee_id AS assignee_id, d.dl.text AS text
        FROM (SELECT doc_id, source_path, code, issuer, issuer_id, issue_date,
                     unnest(deadlines) AS dl,
                     CAST(generate_subscripts(deadlines, 1) AS INTEGER) AS position
              FROM documents) AS d""",
    "recipients": """
        SELECT doc_id, source_path, code, issuer_id, 'recipient' AS role,
               CAST(generate_subscripts(recipients, 1) AS INTEGER) AS position,
               unnest(recipients) AS name, unnest(recipient_ids) AS org_id
        FROM documents
        UNION ALL
        SELECT doc_id, source_path, code, issuer_id, 'distribution' AS role,
               CAST(generate_subscripts(distribution, 1) AS INTEGER) AS position,
               unnest(distribution) AS name, unnest(distribution_ids) AS org_id
        FROM documents""",
    "mentions": """
        SELECT doc_id, source_path, code, issuer_id, 'issuer' AS role,
               CAST(1 AS INTEGER) AS position, issuer AS name, issuer_id AS org_id,
               CAST(NULL AS INTEGER) AS page
        FROM documents WHERE issuer IS NOT NULL OR issuer_id IS NOT NULL
        UNION ALL
        SELECT doc_id, source_path, code, issuer_id, role, position, name, org_id,
               CAST(NULL AS INTEGER) AS page
        FROM recipients
        UNION ALL
        SELECT o.doc_id, o.source_path, o.code, o.issuer_id, o.m.role AS role, o.position,
               o.m.name AS name, o.m.org_id AS org_id, o.m.page AS page
        FROM (SELECT doc_id, source_path, code, issuer_id, unnest(organisations) AS m,
                     CAST(generate_subscripts(organisations, 1) AS INTEGER) AS position
              FROM documents) AS o""",
}

# The SQL type of every column of every view (checked by the tests on the samples and on an
# empty dataset). Tables keep their Arrow schema (schemas/arrow.py): int32 is INTEGER,
# date32 DATE, timestamp[us, UTC] TIMESTAMP WITH TIME ZONE, lists are VARCHAR[] or STRUCT[].
VIEW_TYPES: dict[str, dict[str, str]] = {
    "citations": {
        "doc_id": "VARCHAR", "source_path": "VARCHAR", "citing_code": "VARCHAR",
        "position": "INTEGER", "cited_type": "VARCHAR", "cited_code": "VARCHAR",
        "cited_date": "DATE", "relation": "VARCHAR", "text": "VARCHAR", "resolved": "BOOLEAN",
    },
    "deadlines": {
        "doc_id": "VARCHAR", "source_path": "VARCHAR", "code": "VARCHAR", "issuer": "VARCHAR",
        "issuer_id": "VARCHAR", "issue_date": "DATE", "position": "INTEGER", "date": "DATE",
        "kind": "VARCHAR", "task": "VARCHAR", "assignee": "VARCHAR", "assignee_id": "VARCHAR",
        "text": "VARCHAR",
    },
    "recipients": {
        "doc_id": "VARCHAR", "source_path": "VARCHAR", "code": "VARCHAR",
        "issuer_id": "VARCHAR", "role": "VARCHAR", "position": "INTEGER", "name": "VARCHAR",
        "org_id": "VARCHAR",
    },
    "mentions": {
        "doc_id": "VARCHAR", "source_path": "VARCHAR", "code": "VARCHAR",
        "issuer_id": "VARCHAR", "role": "VARCHAR", "position": "INTEGER", "name": "VARCHAR",
        "org_id": "VARCHAR", "page": "INTEGER",
    },
}

# Arrow type → the pandas dtype a frame gets for it, with or without nulls in the data
NULLABLE_DTYPES = {
    pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(),
    pa.float32(): pd.Float32Dtype(), pa.float64(): pd.Float64Dtype(),
}


def _read(out: str | os.PathLike[str], table: str, as_of: AsOf, include_deleted: bool,
          sink: str) -> pa.Table:
    return read_live(open_sink(out, sink), table, as_of, include_deleted)


def _value_text(fields: pa.Table) -> pa.Table:
    """``fields`` with ``value_text``: the JSON value unquoted when it is a string
    (``"1204/SXD-QLN"`` → ``1204/SXD-QLN``), the JSON itself otherwise."""
    import json

    texts = []
    for v in fields.column("value").to_pylist():
        try:
            parsed = json.loads(v) if v is not None else None
        except ValueError:
            parsed = v
        texts.append(parsed if isinstance(parsed, str) or parsed is None else v)
    return fields.append_column("value_text", pa.array(texts, pa.string()))


def tables(out: str | os.PathLike[str], *, as_of: AsOf = None, include_deleted: bool = False,
           sink: str = DEFAULT_SINK) -> dict[str, pa.Table]:
    """Every table of the dataset as Arrow, as the last complete run (by ``as_of``) left
    it; ``links`` and ``checks`` are built from the documents read when the run did not
    store them (a dataset older than these tables, or ``include_deleted``)."""
    out_tables = {t: _read(out, t, as_of, include_deleted, sink) for t in ALL_TABLES}
    docs = out_tables["documents"]
    stored = set(open_sink(out, sink).pinned(as_of) or {})
    if include_deleted or "links" not in stored:
        out_tables["links"] = links_table(docs)
    if include_deleted or "checks" not in stored:
        out_tables["checks"] = checks_table(docs, out_tables["fields"])
    out_tables["fields"] = _value_text(out_tables["fields"])
    return out_tables


def connect(out: str | os.PathLike[str], *, as_of: AsOf = None, include_deleted: bool = False,
            sink: str = DEFAULT_SINK) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view per table and the flat views (see the module)."""
    con = duckdb.connect()
    for name, tbl in tables(out, as_of=as_of, include_deleted=include_deleted,
                            sink=sink).items():
        con.register(name, tbl)
    for name, sql in FLAT_VIEWS.items():
        con.execute(f"CREATE VIEW {name} AS {sql}")
    return con


def frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The result of ``sql`` as pandas with the same dtypes whatever the rows hold:
    integers ``Int32``/``Int64``, booleans ``boolean``, floats ``Float32``/``Float64``
    (nullable, even without a null), dates and times ``datetime64``, text and lists
    ``object``."""
    tbl = con.sql(sql).to_arrow_table()
    df = tbl.to_pandas(types_mapper=NULLABLE_DTYPES.get, date_as_object=False)
    return df


def describe(con: duckdb.DuckDBPyConnection, view: str) -> dict[str, str]:
    """Column → SQL type of a view or table."""
    return {row[0]: row[1] for row in con.sql(f"DESCRIBE {view}").fetchall()}


__all__ = ["DERIVED", "FLAT_VIEWS", "NULLABLE_DTYPES", "VIEW_TYPES", "connect", "describe",
           "frame", "tables"]
