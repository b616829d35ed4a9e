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


# Sentences of the legal-database pages (corpus/html), in a letter of 15/9/2025: the clause's
# words decide, so a cut-off after the letter's date is still a cut-off and a duty before it
# is still a deadline.
CUTOFFS = [
    # vbpl-doc_000029: a passive of publishing, far from the cue
    ("Đối với quy trình giải quyết thủ tục hành chính được tái cấu trúc và công bố theo quy "
     "định tại Điều 7 Nghị quyết này trước ngày 01 tháng 01 năm 2026 thì thành phần hồ sơ thủ "
     "tục hành chính thay thế bằng dữ liệu được thực hiện kể từ ngày đó.", dt.date(2026, 1, 1)),
    # vbpl-doc_000019: "được thông qua và trước ngày …"
    ("Trường hợp luật, nghị quyết của Quốc hội, pháp lệnh, nghị quyết của Ủy ban Thường vụ Quốc "
     "hội được sửa đổi, bổ sung hoặc ban hành mới có hiệu lực thi hành sau ngày Nghị quyết này "
     "được thông qua và trước ngày 28 tháng 02 năm 2027 thì các quy định tương ứng được ban "
     "hành trong Nghị quyết này chấm dứt hiệu lực.", dt.date(2027, 2, 28)),
    # vbpl-doc_000028: "đã cấp trước ngày"
    ("Giấy chứng nhận quyền sử dụng đất đã cấp trước ngày 01 tháng 7 năm 2004 không thuộc "
     "trường hợp quy định tại khoản 6 Điều 141 của Luật Đất đai.", dt.date(2004, 7, 1)),
    # the span "từ ngày … trở về trước" has no deadline cue at all
    ("Các khoản nợ phát sinh từ ngày 31/12/2026 trở về trước được xử lý theo quy định tại "
     "Điều này.", dt.date(2026, 12, 31)),
]


@pytest.mark.parametrize("sentence, date", CUTOFFS)
def test_a_cut_off_said_by_the_clause_whatever_the_date(sentence, date):
    (d,) = deadlines([sentence])
    assert (d.date, d.kind, d.task, d.assignee) == (date, "cutoff", None, None)


ACTIONS = [
    # vbpl-doc_000029: a duty ("bảo đảm") governs "có hiệu lực"
    ("d) Ban hành theo thẩm quyền hoặc trình cơ quan, cá nhân có thẩm quyền ban hành văn bản "
     "quy phạm pháp luật theo Phụ lục III kèm theo Nghị quyết này để cắt giảm, đơn giản hóa thủ "
     "tục hành chính dựa trên dữ liệu, bảo đảm có hiệu lực trước ngày 01 tháng 3 năm 2027.",
     dt.date(2027, 3, 1)),
    # vbpl-doc_000006: "đã ban hành" early, "phải thực hiện" after it
    ("Tổ chức, cá nhân đã ban hành Biện pháp phòng ngừa, ứng phó sự cố hóa chất trước ngày "
     "Nghị định này có hiệu lực nhưng thuộc đối tượng quy định tại điểm b khoản 2 Điều 33 của "
     "Nghị định này phải thực hiện xây dựng Kế hoạch phòng ngừa, ứng phó sự cố hóa chất trình "
     "cơ quan có thẩm quyền thẩm định, phê duyệt trước ngày 31 tháng 12 năm 2026.",
     dt.date(2026, 12, 31)),
    # vbpl-doc_000029: "hoàn thành trước ngày", a passive of use earlier in the sentence
    ("Chia sẻ dữ liệu và công bố thông tin trong cơ sở dữ liệu được khai thác, sử dụng thay thế "
     "thành phần hồ sơ thủ tục hành chính, hoàn thành trước ngày 01 tháng 01 năm 2026.",
     dt.date(2026, 1, 1)),
    # a passive of sending is a deadline
    ("Báo cáo của các phòng được gửi về Sở Nội vụ trước ngày 15/12/2025.", dt.date(2025, 12, 15)),
    # qn-05-TB-UBND-2025 (text PDF): a duty, with its date before this letter's own
    ("Hoàn thành và báo cáo UBND tỉnh trước ngày 20/02/2025.", dt.date(2025, 2, 20)),
]


@pytest.mark.parametrize("sentence, date", ACTIONS)
def test_a_duty_stays_a_deadline(sentence, date):
    (d,) = deadlines([sentence])
    assert (d.date, d.kind) == (date, "action") and d.task


@pytest.mark.parametrize(
    "sentence, assignee",
    [
        # a passive after "để" is what the duty aims at, not a cut-off
        ("Giao Sở Xây dựng trình hồ sơ để được phê duyệt trước ngày 31/10/2025.", "sxd@ha-noi"),
        ("Sở Tư pháp tham mưu văn bản để được thông qua trước ngày 15/12/2025.", "stp@ha-noi"),
        ("Giao Sở Nội vụ xây dựng quy chế để ban hành trước ngày 31/10/2025.", "snv@ha-noi"),
    ],
)
def test_a_passive_of_purpose_is_a_deadline(sentence, assignee):
    (d,) = deadlines([sentence])
    assert (d.kind, d.assignee_id) == ("action", assignee) and d.task


@pytest.mark.parametrize(
    "sentence",
    [
        # "trình" of a noun is no duty
        "Chương trình đã ban hành trước ngày 01/10/2025 được tiếp tục thực hiện.",
        "Quy trình được công bố trước ngày 01/10/2025 tiếp tục áp dụng.",
    ],
)
def test_a_noun_that_holds_a_duty_word_is_no_duty(sentence):
    (d,) = deadlines([sentence])
    assert d.kind == "cutoff"


def test_a_duty_until_a_day_is_not_an_expiry():
    (d,) = deadlines(["Các đơn vị nâng cao hiệu lực quản lý và hoàn thành đến hết ngày "
                      "31/12/2025."])
    assert (d.date, d.kind) == (dt.date(2025, 12, 31), "action") and d.task


@pytest.mark.parametrize(
    "sentence, kinds",
    [
        # vbpl-doc_000020 and vbpl-doc_000019: in force from one day to another
        ("Nghị quyết này có hiệu lực thi hành kể từ ngày 26 tháng 01 năm 2026 đến hết ngày 28 "
         "tháng 02 năm 2027.", [(dt.date(2026, 1, 26), "effective"),
                                (dt.date(2027, 2, 28), "expiry")]),
        ("Nghị quyết này có hiệu lực thi hành kể từ ngày 13 tháng 02 năm 2026 và được thực hiện "
         "đến hết ngày 28 tháng 02 năm 2027.", [(dt.date(2026, 2, 13), "effective"),
                                                (dt.date(2027, 2, 28), "expiry")]),
        # vbpl-doc_000028: a chapter that applies until a day
        ("Chương IV Nghị định này được thực hiện đến trước ngày 01 tháng 3 năm 2027.",
         [(dt.date(2027, 3, 1), "expiry")]),
        ("Mức hỗ trợ quy định tại khoản 2 Điều này được áp dụng đến hết ngày 31/12/2025.",
         [(dt.date(2025, 12, 31), "expiry")]),
        # vbpl-doc_000026's "hết hiệu lực kể từ ngày …", with a date: not an effective date
        ("Quyết định số 07/2018/QĐ-UBND hết hiệu lực thi hành kể từ ngày 01/10/2025.",
         [(dt.date(2025, 10, 1), "expiry")]),
        # a deadline to receive files that ends a day is an action, not an expiry
        ("Thời gian nhận hồ sơ đến hết ngày 30/9/2025.", [(dt.date(2025, 9, 30), "action")]),
    ],
)
def test_an_expiry_is_not_a_deadline(sentence, kinds):
    found = deadlines([sentence])
    assert [(d.date, d.kind) for d in found] == kinds
    assert all(d.task is None for d in found if d.kind != "action")


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
