"""The Parquet sink: append-only parts, committed atomically, and what is already in it.

Layout of a dataset directory::

    DATASET/documents/part-<run>-<n>.parquet   one row per input file
    DATASET/fields/part-<run>-<n>.parquet      one row per extracted field, with provenance
    DATASET/signatures/part-<run>-<n>.parquet  one row per signature
    DATASET/_runs/<run>.json                   what each run did, and what failed

A part is written under ``DATASET/.tmp`` and moved into place with one ``rename``; a run that
dies leaves whole parts or none (readers skip names starting with ``.`` and ``_``). The
``documents`` part of a batch is moved last, so a document row means its field and signature
rows are there too. The key of a row is (``doc_id``, ``source_path``): a re-run skips keys it
already holds, so the nightly job only processes what is new and never writes a row twice.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from schemas.arrow import TABLES, record_rows
from schemas.record import Record

TABLE_ORDER = ("fields", "signatures", "documents")


class ParquetWriter:
    """Records of one run, written as one part per table every ``batch_size`` records."""

    def __init__(self, out: str | os.PathLike[str], run_id: str, batch_size: int = 500) -> None:
        self.out = Path(out)
        self.run_id = run_id
        self.batch_size = batch_size
        self._pending: list[Record] = []
        self._parts = 0
        self.written = 0
        for table in TABLES:
            (self.out / table).mkdir(parents=True, exist_ok=True)
        (self.out / ".tmp").mkdir(parents=True, exist_ok=True)

    def add(self, record: Record) -> None:
        self._pending.append(record)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        for rec in self._pending:
            for table, table_rows in record_rows(rec).items():
                rows[table].extend(table_rows)
        name = f"part-{self.run_id}-{self._parts:05d}.parquet"
        staged = []
        for table in TABLE_ORDER:
            if not rows[table] and table != "documents":
                continue
            tmp = self.out / ".tmp" / f"{table}-{uuid.uuid4().hex}.parquet"
            pq.write_table(pa.Table.from_pylist(rows[table], schema=TABLES[table]), tmp)
            staged.append((tmp, self.out / table / name))
        for tmp, final in staged:
            os.replace(tmp, final)
        self.written += len(self._pending)
        self._parts += 1
        self._pending = []

    def close(self) -> None:
        self.flush()
        try:
            (self.out / ".tmp").rmdir()
        except OSError:
            pass


class ParquetSink:
    """A dataset folder of Parquet parts (see the module's docstring for the layout)."""

    kind = "parquet"

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.root = Path(out)

    def writer(self, run_id: str) -> ParquetWriter:
        return ParquetWriter(self.root, run_id)

    def parts(self, table: str) -> list[Path]:
        return sorted((self.root / table).glob("*.parquet"))

    def known_keys(self) -> dict[tuple[str, str], str]:
        """(doc_id, source_path) → status of every row already in the dataset."""
        keys: dict[tuple[str, str], str] = {}
        for part in self.parts("documents"):
            table = pq.read_table(part, columns=["doc_id", "source_path", "status"])
            for doc_id, path, status in zip(
                table.column("doc_id").to_pylist(),
                table.column("source_path").to_pylist(),
                table.column("status").to_pylist(),
                strict=True,
            ):
                keys[(doc_id, path)] = status
        return keys

    def read_table(self, table: str) -> pa.Table:
        schema = TABLES[table]
        parts = self.parts(table)
        if not parts:
            return schema.empty_table()
        return pa.concat_tables(pq.read_table(p, schema=schema) for p in parts)

    def write_run_log(self, run_id: str, report: Mapping[str, Any]) -> Path:
        folder = self.root / "_runs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{run_id}.json"
        tmp = folder / f".{run_id}.json.tmp"
        tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), "utf-8")
        os.replace(tmp, path)
        return path
