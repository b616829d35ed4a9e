"""Tables of a letter as rows of cells, for the task tables of a plan (Kế hoạch).

A plan hands out its work in a table::

    | TT | Nội dung                  | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |
    | 1  | Rà soát hồ sơ lưu trữ số  | Sở Nội vụ      | Các sở, ngành   | Trước ngày 30/9/2025 |

The line readers flatten a table cell by cell (which keeps a header's two columns apart);
here the same tables are kept as rows. DOCX and HTML keep their tables; a text PDF does not,
so pdfplumber's table finder reads the pages that look like they hold a task table (a line
names two of its columns), and only those: it is about 40 times slower than PyMuPDF.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pipeline.document import Line, Table
from pipeline.normalize import fold, normalize_line
from pipeline.rules.gazetteer import task_rules

_SPACE = re.compile(r"\s+")


def clean_cell(text: str | None) -> str:
    return normalize_line(_SPACE.sub(" ", text or "").strip())


def _keep(rows: list[list[str]], page: int | None) -> Table | None:
    rows = [r for r in rows if any(c for c in r)]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None
    return Table(rows=rows, page=page)


def docx_tables(doc: Any) -> list[Table]:
    """Every table of a python-docx document with two rows and two columns or more (a
    merged cell is read once per row)."""
    out = []
    for table in doc.tables:
        rows = []
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                cells.append(clean_cell(cell.text))
            rows.append(cells)
        kept = _keep(rows, 1)
        if kept is not None:
            out.append(kept)
    return out


def html_tables(region: Any) -> list[Table]:
    """Every ``<table>`` under ``region`` with two rows and two columns or more; a table
    inside a table is read as its own table."""
    out = []
    for table in region.iter("table"):
        rows = []
        for tr in table.iter("tr"):
            if tr.getparent() is not None and _owner(tr) is not table:
                continue
            rows.append([clean_cell(td.text_content()) for td in tr if td.tag in ("td", "th")])
        kept = _keep(rows, 1)
        if kept is not None:
            out.append(kept)
    return out


def _owner(tr: Any) -> Any:
    el = tr.getparent()
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def looks_like_task_table(lines: list[Line]) -> bool:
    """A page whose text names two columns of a task table (``Đơn vị chủ trì``, ``Thời
    gian hoàn thành``): worth pdfplumber's time."""
    cols = task_rules().columns
    words = [fold(w).lower() for w in (*cols.lead, *cols.due, *cols.support)]
    text = fold(" ".join(ln.text for ln in lines)).lower()
    return sum(1 for w in set(words) if len(w) > 8 and w in text) >= 2


def pdf_tables(data: bytes, pages: list[int]) -> list[Table]:
    """pdfplumber's tables on the 1-based ``pages`` of a PDF."""
    if not pages:
        return []
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in pages:
            if number > len(pdf.pages):
                continue
            for raw in pdf.pages[number - 1].extract_tables():
                rows = [[clean_cell(c) for c in row] for row in raw]
                kept = _keep(rows, number)
                if kept is not None:
                    out.append(kept)
    return out
