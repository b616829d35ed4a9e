"""Getting the data out: the dataset, with its corrections, as CSV, JSON Lines or Excel.

    vanthu export out/ds --format xlsx --out so-xay-dung-2025.xlsx

CSV and JSON Lines hold one table (``documents`` by default), Excel one sheet per table. In
CSV and Excel a list is one readable cell: ``UBND tỉnh Bình Định; Sở Tài chính`` for
``recipients``, ``Công văn 1204/SXD-QLN (2025-03-15), căn cứ`` for a reference (the values
of each entry joined by ``, ``, the entries by ``; ``); JSON Lines keeps lists and objects as
JSON. Dates are ``YYYY-MM-DD``, times ISO 8601 in UTC. Every read goes through
:func:`pipeline.api.read_table`, so the archivist's corrections are in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any

import pandas as pd
import pyarrow as pa
from openpyxl.utils import get_column_letter

from pipeline.api import read_table
from pipeline.corrections import corrections

FORMATS = ("csv", "jsonl", "xlsx")
# the sheets of an Excel export; ``pages`` (the full text) is left to CSV/JSON Lines: a page
# of text can pass Excel's 32,767 characters a cell
SHEETS = ("documents", "fields", "signatures", "tasks", "links", "checks", "corrections")
EXCEL_CELL = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what an .xlsx cell may not hold


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def readable(value: Any) -> Any:
    """A list or object as one readable cell; anything else as it is (dates as text)."""
    if isinstance(value, list):
        return "; ".join(str(readable(v)) for v in value if v not in (None, "", []))
    if isinstance(value, dict):
        return ", ".join(str(readable(v)) for v in value.values() if v not in (None, "", []))
    return _plain(value)


def frame(out: str | os.PathLike[str], table: str, *, flat: bool) -> pd.DataFrame:
    """A table of the dataset (corrections applied) as rows of plain cells: lists joined
    when ``flat``, kept otherwise."""
    if table == "corrections":  # each with its state: applied, review, replaced, gone
        made = corrections(out)
        rows, names = made.to_dict("records"), list(made.columns)
    else:
        tbl: pa.Table = read_table(out, table)
        rows, names = tbl.to_pylist(), tbl.column_names
    convert = readable if flat else _plain
    data = [{k: convert(v) for k, v in r.items()} for r in rows]
    df = pd.DataFrame(data, columns=names, dtype=object)  # 2025, not 2025.0, beside a gap
    if "source_path" in df.columns and len(df):
        df = df.sort_values("source_path", kind="stable").reset_index(drop=True)
    return df


def _excel_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        if len(value) > EXCEL_CELL:
            value = value[: EXCEL_CELL - 1] + "…"
    return value


def export(out: str | os.PathLike[str], fmt: str, path: str | os.PathLike[str], *,
           table: str = "documents") -> dict[str, int]:
    """Write the dataset at ``out`` to ``path`` as ``fmt``; returns the rows written per
    table."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt == "xlsx":
        counts = {}
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name in SHEETS:
                df = frame(out, name, flat=True)
                df = df.apply(lambda col: col.map(_excel_cell))
                df.to_excel(writer, sheet_name=name, index=False)
                sheet = writer.sheets[name]
                sheet.freeze_panes = "A2"  # the column names stay in view when scrolling
                for i, col in enumerate(df.columns, 1):
                    longest = max([len(str(col)), *(len(str(v)) for v in df[col].head(200))])
                    sheet.column_dimensions[get_column_letter(i)].width = min(60, longest + 2)
                counts[name] = len(df)
        return counts
    if fmt == "csv":
        df = frame(out, table, flat=True)
        df.to_csv(path, index=False, encoding="utf-8-sig")  # the BOM: Excel opens it as UTF-8
        return {table: len(df)}
    df = frame(out, table, flat=False)
    with open(path, "w", encoding="utf-8") as fh:
        for row in df.to_dict("records"):
            clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            fh.write(json.dumps(clean, ensure_ascii=False, default=str) + "\n")
    return {table: len(df)}
