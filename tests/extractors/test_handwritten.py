"""The number and the day written in by hand: what the handwritten extractor fills, and when
it leaves a field empty."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.base import Context
from pipeline.document import Document, Handwritten, Page, SignatureField
from pipeline.layout import words_to_lines, zone
from pipeline.runner import run_extractors
from schemas.record import Record
from tests.layout.support import ocr_words

NUMBER_ROW = 95


def head(number_line: str, date_line: str) -> list[tuple[int, list[tuple[int, str]]]]:
    return [
        (60, [(90, "ỦY BAN NHÂN DÂN"), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (75, [(90, "TỈNH QUẢNG NGÃI"), (340, "Độc lập - Tự do - Hạnh phúc")]),
        (NUMBER_ROW, [(110, number_line), (340, date_line)]),
        (128, [(265, "QUYẾT ĐỊNH")]),
        (145, [(196, "Về việc phê duyệt kế hoạch")]),
        (230, [(90, "Căn cứ Luật Tổ chức chính quyền địa phương;")]),
        (400, [(90, "Nơi nhận:"), (360, "CHỦ TỊCH")]),
        (420, [(90, "- Như trên;")]),
        (460, [(360, "Trần Văn Hải")]),
    ]


def hand(blank: str, value: str | None, x0: float, reads: str | None = None) -> Handwritten:
    return Handwritten(blank=blank, value=value, reads=reads or value or "", page=1,
                       bbox=(x0, NUMBER_ROW - 6, x0 + 20, NUMBER_ROW + 16), confidence=0.9,
                       engine="ppocr")


def record(number_line: str, date_line: str, reads: list[Handwritten],
           signed_at: dt.datetime | None = None) -> Record:
    lines = words_to_lines(ocr_words(head(number_line, date_line)), 1.0, 1)
    doc = Document(path="x.pdf", format="pdf",
                   pages=[Page(number=1, width=595, height=842, lines=lines, ocr=True)],
                   handwriting=reads)
    if signed_at is not None:
        doc.signature_fields.append(SignatureField(field="Signature1", signed=True,
                                                   m_time=signed_at))
    rec = Record(doc_id="x", source_path="x.pdf", source_format="pdf")
    run_extractors(Context(doc=doc, zones=zone(doc), record=rec))
    return rec


def test_a_number_and_a_day_written_in_fill_the_blanks():
    rec = record("Số: §†4/UBND-KTTH", "Quảng Ngãi, ngày {tháng 02 năm 2025",
                 [hand("number", "574", 125), hand("day", "04", 395)])
    assert (rec.number, rec.code, rec.issue_date) == ("574", "574/UBND-KTTH",
                                                      dt.date(2025, 2, 4))
    prov = rec.provenance["number"]
    assert (prov.source, prov.engine, prov.extractor, prov.page) == (
        "ocr_handwriting", "ppocr", "handwritten", 1)
    assert prov.bbox == (125, NUMBER_ROW - 6, 145, NUMBER_ROW + 16)
    assert rec.provenance["issue_date"].source == "ocr_handwriting"


def test_reads_that_disagree_leave_the_number_empty_and_say_so():
    rec = record("Số: §†4/UBND-KTTH", "Quảng Ngãi, ngày 04 tháng 02 năm 2025",
                 [hand("number", None, 125, reads="574/|544/|544/")])
    assert (rec.number, rec.code) == (None, "/UBND-KTTH")
    assert any("574/|544/|544/" in w for w in rec.warnings)


@pytest.mark.parametrize("day, month", [("31", "02"), ("30", "02"), ("44", "9")])
def test_a_day_the_month_lacks_is_not_a_date(day, month):
    rec = record("Số: 12/QĐ-UBND", f"Quảng Ngãi, ngày ⁄{{§ tháng {month} năm 2025",
                 [hand("day", day, 395)])
    assert rec.issue_date is None and rec.issue_month == int(month)
    assert any("not a day of" in w for w in rec.warnings)


def test_a_day_after_the_first_signature_is_not_kept():
    """A letter is numbered and dated when issued: not after it was signed."""
    signed = dt.datetime(2025, 2, 3, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    rec = record("Số: 12/QĐ-UBND", "Quảng Ngãi, ngày ⁄{§ tháng 02 năm 2025",
                 [hand("day", "04", 395)], signed_at=signed)
    assert rec.issue_date is None
    assert any("after the first signature" in w for w in rec.warnings)
    rec = record("Số: 12/QĐ-UBND", "Quảng Ngãi, ngày ⁄{§ tháng 02 năm 2025",
                 [hand("day", "03", 395)], signed_at=signed)
    assert rec.issue_date == dt.date(2025, 2, 3)


def test_a_printed_number_is_kept_when_the_reads_agree_and_dropped_when_they_differ():
    rec = record("Số: 86/QĐ-UBND", "Quảng Ngãi, ngày 16 tháng 01 năm 2025",
                 [hand("number", "86", 125)])
    assert (rec.number, rec.provenance["number"].source) == ("86", "ocr")
    rec = record("Số: 86/QĐ-UBND", "Quảng Ngãi, ngày 16 tháng 01 năm 2025",
                 [hand("number", "36", 125), hand("day", "18", 395)])
    assert (rec.number, rec.code, rec.issue_date) == (None, "/QĐ-UBND", None)
    assert "number" not in rec.provenance and "issue_date" not in rec.provenance


def test_a_read_off_the_number_line_is_not_used():
    far = Handwritten(blank="number", value="574", reads="574", page=1,
                      bbox=(125, 300, 145, 320), confidence=0.9, engine="ppocr")
    rec = record("Số: §†4/UBND-KTTH", "Quảng Ngãi, ngày 04 tháng 02 năm 2025", [far])
    assert rec.number is None


def test_a_number_stamped_by_a_signature_widget_keeps_precedence():
    from pipeline.document import Line

    lines = words_to_lines(ocr_words(head("Số: /TB-UBND", "Quảng Ngãi, ngày 04 tháng 02 năm 2025")),
                           1.0, 1)
    number_line = next(ln for ln in lines if ln.text.startswith("Số"))
    box = number_line.bbox
    assert box is not None
    stamp = Line("11", page=1, bbox=(box[0] + 20, box[1], box[0] + 30, box[3]),
                 source="signature_widget")
    doc = Document(path="x.pdf", format="pdf",
                   pages=[Page(number=1, width=595, height=842, lines=lines, ocr=True)],
                   signature_fields=[SignatureField(field="Signature2", page=1, lines=[stamp],
                                                    signed=True)],
                   handwriting=[hand("number", "574", box[0] + 20)])
    rec = Record(doc_id="x", source_path="x.pdf", source_format="pdf")
    run_extractors(Context(doc=doc, zones=zone(doc), record=rec))
    assert (rec.number, rec.code) == ("11", "11/TB-UBND")
    assert rec.provenance["number"].source == "signature_widget"


def test_a_number_agreed_on_without_a_symbol_is_dropped_and_says_so():
    rec = record("Số: §†4/", "Quảng Ngãi, ngày 04 tháng 02 năm 2025",  # a symbol lost
                 [hand("number", "574", 125)])
    assert (rec.number, rec.code) == (None, None)
    assert any("574" in w and "no symbol" in w for w in rec.warnings), rec.warnings


@pytest.mark.parametrize("number_line, date_line", [
    ("Số: †4/UBND-KTTH", "Quảng Ngãi, ngày †4 tháng 02 năm 2025"),
    ("Số: I4/UBND-KTTH", "Quảng Ngãi, ngày I4 tháng 02 năm 2025"),
])
def test_ink_that_looks_like_a_one_gives_no_number_and_no_day(number_line, date_line):
    """``†4`` and ``I4`` in the blanks are handwriting Tesseract could not read, not an
    italic ``14``: with no reading of the digit recogniser the number and the day stay empty
    and say so, and no repair of OCR text makes them up."""
    rec = record(number_line, date_line, [])
    assert (rec.number, rec.issue_date) == (None, None)
    assert rec.code is None or not rec.code[:1].isdigit()
    assert any("number" in w and "read" in w for w in rec.warnings), rec.warnings
