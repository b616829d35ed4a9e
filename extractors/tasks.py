"""Tasks: the rows of a plan's task table, and the tasks sentences hand out with a deadline.

A Kế hoạch lists its work as ``Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn
thành`` (the column words are in ``pipeline/rules/tasks.yaml``); each row becomes a task with
its lead body (and its gazetteer id), the bodies that help, and when it is due as written
(``Quý III/2025``) and as a date when it names one (``Trước ngày 30/9/2025``). A sentence
such as ``Giao Sở Nội vụ hoàn thành việc rà soát … trước ngày 30/9/2025`` is a task too
(``source = sentence``), read by the deadlines extractor.
"""

from __future__ import annotations

import datetime as dt
import re

from extractors.base import Context, date_from_match, provenance
from extractors.organisations import first_id, letter_province
from pipeline.document import Table
from pipeline.normalize import fold
from pipeline.rules.gazetteer import task_rules
from pipeline.rules.loader import DatesFile, load
from schemas.record import DeadlineKind, Task

ROLES = ("task", "lead", "support", "due", "output")


def header_roles(row: list[str]) -> dict[int, str]:
    """Column index → role for a header row: ``["TT", "Nội dung", "Đơn vị chủ trì",
    "Thời gian hoàn thành"]`` → ``{1: "task", 2: "lead", 3: "due"}``. A cell takes the
    role of the longest column word it starts with."""
    cols = task_rules().columns
    words = sorted(((fold(w).lower(), role) for role in ROLES for w in getattr(cols, role)),
                   key=lambda p: len(p[0]), reverse=True)
    roles: dict[int, str] = {}
    for i, cell in enumerate(row):
        key = fold(cell).lower().strip(" :*")
        for word, role in words:
            if key == word or key.startswith(word + " ") or key.startswith(word + "("):
                if role not in roles.values():
                    roles[i] = role
                break
    return roles


def _date_in(text: str) -> dt.date | None:
    dates = load("dates", DatesFile)
    for pattern in (dates.numeric, dates.words):
        m = pattern.search(text)
        if m:
            return date_from_match(m)
    return None


def table_tasks(table: Table, province: str | None, owner: str | None) -> list[Task]:
    """The tasks of one table, or none when its header is not a task table's."""
    found = [(h, header_roles(row)) for h, row in enumerate(table.rows[:3])]
    found = [(h, roles) for h, roles in found
             if "task" in roles.values() and {"lead", "due"} & set(roles.values())]
    if not found:
        return []
    h, roles = found[0]
    out = []
    for r, row in enumerate(table.rows[h + 1:], start=h + 1):
        cells = {role: row[i] for i, role in roles.items() if i < len(row) and row[i]}
        task = cells.get("task")
        if not task or len(set(c for c in row if c)) == 1 and len(row) > 2:
            continue  # a section heading spread over the row, or a row without a task
        if re.fullmatch(r"[\d.()]+", fold(task)):
            continue  # the column numbers under the header: (1) (2) (3)
        lead = cells.get("lead")
        due = cells.get("due")
        out.append(Task(
            task=task, lead=lead,
            lead_id=first_id(lead, province=province, owner=owner) if lead else None,
            support=cells.get("support"), due=due, due_date=_date_in(due) if due else None,
            output=cells.get("output"), source="table", page=table.page, row=r,
        ))
    return out


class TasksExtractor:
    name = "tasks"
    needs_text = True
    fields = ("tasks",)

    def extract(self, ctx: Context) -> None:
        rec = ctx.record
        province = letter_province(rec)
        tasks: list[Task] = []
        for d in rec.deadlines:
            if d.kind == DeadlineKind.ACTION.value and d.assignee:
                tasks.append(Task(task=d.task or d.text, lead=d.assignee,
                                  lead_id=d.assignee_id, due=None, due_date=d.date,
                                  source="sentence"))
        for table in ctx.doc.tables:
            tasks.extend(table_tasks(table, province, rec.issuer_id))
        if tasks:
            src = rec.provenance.get("deadlines")
            if src is None:
                src = provenance([], self.name, text=" | ".join(ctx.doc.tables[0].rows[0]))
                src.page = ctx.doc.tables[0].page
            rec.set("tasks", tasks, src)


class PagesExtractor:
    """The body text of each page, for the ``pages`` table (full-text search)."""

    name = "pages"
    needs_text = True
    fields = ("pages",)

    def extract(self, ctx: Context) -> None:
        from schemas.record import PageText, Source

        pages = []
        for page in ctx.doc.pages:
            text = "\n".join(ln.text for ln in page.lines)
            if text.strip():
                source = Source.OCR.value if page.ocr else Source.TEXT_LAYER.value
                pages.append(PageText(page=page.number, text=text, source=source))
        ctx.record.pages = pages
