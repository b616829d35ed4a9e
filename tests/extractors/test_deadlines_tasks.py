"""Deadline kinds, tasks and assignees on sentences of real letters, and task tables read
from DOCX, HTML and text PDFs."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from extractors.tasks import header_roles
from pipeline.runner import process_bytes
from tests.extractors.test_fields import letter, rec_of

HANOI = ["UBND THÀNH PHỐ HÀ NỘI", "VĂN PHÒNG", "Số: 127/TB-VP",
         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Hà Nội, ngày 15 tháng 9 năm 2025",
         "THÔNG BÁO", "Kết luận của Phó Chủ tịch UBND Thành phố"]


def deadlines(body: list[str]):
    return rec_of(letter(HANOI, body)).deadlines


def test_an_action_deadline_with_its_task_and_assignee():
    (d,) = deadlines(["Giao Sở Nội vụ hoàn thành việc rà soát và báo cáo UBND Thành phố "
                      "trước ngày 30/9/2025."])
    assert (d.date, d.kind, d.assignee, d.assignee_id) == (
        dt.date(2025, 9, 30), "action", "Sở Nội vụ", "snv@ha-noi")
    assert d.task == "Giao Sở Nội vụ hoàn thành việc rà soát và báo cáo UBND Thành phố"


@pytest.mark.parametrize(
    "sentence",
    [
        # a date before the letter's own cannot be a deadline
        "Các giấy phép đã cấp trước ngày 01/7/2014 tiếp tục có giá trị đến hết thời hạn.",
        # a past-tense word before the cue
        "Hồ sơ được cấp trước ngày 30/9/2025 thì không phải làm lại.",
        "Dự án đã phát sinh trước ngày 01/10/2025 được tiếp tục thực hiện.",
    ],
)
def test_a_legal_cut_off_is_not_a_deadline(sentence):
    (d,) = deadlines([sentence])
    assert d.kind == "cutoff" and d.assignee is None and d.task is None


@pytest.mark.parametrize(
    "sentence, date",
    [
        ("Quyết định này có hiệu lực từ ngày 01/10/2025.", dt.date(2025, 10, 1)),
        ("Thông báo này có hiệu lực thi hành kể từ ngày 20 tháng 9 năm 2025.",
         dt.date(2025, 9, 20)),
    ],
)
def test_an_effective_date(sentence, date):
    (d,) = deadlines([sentence])
    assert (d.date, d.kind) == (date, "effective")


def test_a_body_that_receives_the_report_is_not_its_assignee():
    (d,) = deadlines(["Báo cáo gửi về Sở Xây dựng trước ngày 30/9/2025 để tổng hợp."])
    assert d.kind == "action" and d.assignee is None


def test_a_deadline_with_an_assignee_is_a_task():
    rec = rec_of(letter(HANOI, ["Đề nghị Sở Tài chính chủ trì, tổng hợp kinh phí trước ngày "
                                "25/9/2025."]))
    (task,) = rec.tasks
    assert (task.lead_id, task.due_date, task.source) == (
        "stc@ha-noi", dt.date(2025, 9, 25), "sentence")


# ---------------------------------------------------------------------------- task tables

ROWS = [
    ["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"],
    ["1", "Rà soát hồ sơ lưu trữ điện tử", "Sở Nội vụ", "Các sở, ngành", "Trước ngày 30/9/2025"],
    ["2", "Bố trí kinh phí số hóa tài liệu", "Sở Tài chính", "Sở Nội vụ", "Quý IV/2025"],
]


def _expect(rec) -> None:
    tasks = [t for t in rec.tasks if t.source == "table"]
    assert [(t.task, t.lead, t.lead_id, t.support, t.due, t.due_date) for t in tasks] == [
        ("Rà soát hồ sơ lưu trữ điện tử", "Sở Nội vụ", "snv@ha-noi", "Các sở, ngành",
         "Trước ngày 30/9/2025", dt.date(2025, 9, 30)),
        ("Bố trí kinh phí số hóa tài liệu", "Sở Tài chính", "stc@ha-noi", "Sở Nội vụ",
         "Quý IV/2025", None),
    ]
    assert [t.row for t in tasks] == [1, 2]


def test_header_roles():
    assert header_roles(ROWS[0]) == {1: "task", 2: "lead", 3: "support", 4: "due"}
    assert header_roles(["Họ và tên", "Chức vụ"]) == {}


def test_a_task_table_in_a_docx():
    import docx

    doc = docx.Document()
    for line in HANOI:
        doc.add_paragraph(line)
    doc.add_paragraph("Ủy ban nhân dân Thành phố giao nhiệm vụ như sau:")
    table = doc.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for line in ["Nơi nhận:", "- Sở Nội vụ;", "- Lưu: VT, NC.", "GIÁM ĐỐC", "Lê Văn An"]:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    _expect(process_bytes("plan.docx", buf.getvalue()))


def test_a_task_table_in_html():
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in ROWS)
    html = ("<html><body><div>" + "".join(f"<p>{ln}</p>" for ln in HANOI)
            + "<p>Ủy ban nhân dân Thành phố giao nhiệm vụ như sau:</p>"
            + f"<table>{cells}</table><p>Nơi nhận:</p><p>- Lưu: VT, NC.</p>"
            + "<p>GIÁM ĐỐC</p><p>Lê Văn An</p></div></body></html>")
    _expect(process_bytes("plan.html", html.encode("utf-8")))


def _pdf_with_table() -> bytes:
    import pymupdf

    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile=font)
    y = 60
    for line in HANOI:
        page.insert_text((60, y), line, fontname="dv", fontsize=10)
        y += 16
    widths = [30, 170, 90, 90, 110]
    top, height = y + 10, 40
    for r, row in enumerate(ROWS):
        x = 40
        for c, text in enumerate(row):
            rect = pymupdf.Rect(x, top + r * height, x + widths[c], top + (r + 1) * height)
            page.draw_rect(rect, color=(0, 0, 0), width=0.8)
            page.insert_textbox(rect + (2, 2, -2, -2), text, fontname="dv", fontsize=8)
            x += widths[c]
    y = top + len(ROWS) * height + 30
    for line in ["Nơi nhận:", "- Lưu: VT, NC.", "GIÁM ĐỐC", "Lê Văn An"]:
        page.insert_text((60, y), line, fontname="dv", fontsize=10)
        y += 16
    return doc.tobytes()


def test_a_task_table_in_a_text_pdf_is_read_by_pdfplumber():
    _expect(process_bytes("plan.pdf", _pdf_with_table()))


def test_a_table_that_is_not_a_task_table_gives_no_task():
    html = ("<html><body>" + "".join(f"<p>{ln}</p>" for ln in HANOI)
            + "<table><tr><td>Họ và tên</td><td>Chức vụ</td></tr>"
            + "<tr><td>Lê Văn An</td><td>Giám đốc</td></tr></table></body></html>")
    rec = process_bytes("x.html", html.encode("utf-8"))
    assert [t for t in rec.tasks if t.source == "table"] == []
