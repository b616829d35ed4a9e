"""Classes of scans the rules broke on although OCR had read the words, each built as the OCR
words of a page (``tests/layout/support.py``): a stray legacy-looking character, a date cut
at the handwritten day, an incoming-mail stamp in the header, a year's name under a subject,
``Nơi nhận`` missing its first letter."""

from __future__ import annotations

import pytest

from pipeline.layout.lines import words_to_lines
from pipeline.normalize import normalize_line
from tests.layout.support import ocr_record, ocr_words

HEAD = [
    (60, [(90, "ỦY BAN NHÂN DÂN"), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
    (75, [(85, "TỈNH QUẢNG NGÃI"), (360, "Độc lập - Tự do - Hạnh phúc")]),
]
TITLE = [(128, [(265, "CHỈ THỊ")])]
BODY = [(230, [(90, "Trong thời gian qua, công tác phòng chống thiên tai đã đạt kết quả.")])]
FOOT = [
    (320, [(60, "Nơi nhận:"), (400, "CHỦ TỊCH")]),
    (335, [(60, "- Như trên;")]),
    (350, [(60, "- Lưu: VT.")]),
    (400, [(390, "Trần Hoàng Tuấn")]),
]


def letter(date_row: list, *, head: list = HEAD, title: list = TITLE, subject: list | None = None,
           foot: list = FOOT) -> list:
    subject = subject if subject is not None else [
        (145, [(196, "Về việc tăng cường công tác phòng chống thiên tai")])]
    number = [(95, [(110, "Số: 15/CT-UBND")] + date_row)]
    return head + number + title + subject + BODY + foot


# ---------------------------------------------------------------------------- legacy


def test_ocr_text_is_never_decoded_as_a_legacy_font():
    """One stray ``Ø`` read from a speck made the legacy detector decode the date line to
    ``Quảng Ngói, ngày ỉ thỏng 4 năm 2018``; OCR output is Unicode by construction."""
    rec = ocr_record(letter([(330, "Quảng Ngãi, ngày 05 tháng 4 năm 2018 Ø")]))
    assert (rec.place, rec.issue_year, rec.issue_month) == ("Quảng Ngãi", 2018, 4)
    # the flag holds even for a line a legacy font could have given
    tcvn3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam"
    assert normalize_line(tcvn3, ocr=True) == tcvn3
    assert normalize_line(tcvn3) == "Cộng hòa xã hội chủ nghĩa Việt Nam"


@pytest.mark.parametrize("line", [
    "- Ð/c Chủ tịch UBND tỉnh; ö",
    "Quảng Ngãi, ngày Ø tháng 4 năm 2018",
])
def test_a_line_holding_unicode_only_letters_is_not_legacy(line):
    """``ả``, ``ơ``, ``ư``, ``ă`` cannot come from a legacy font read as Latin-1."""
    assert normalize_line(line) == line


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize("date_row", [
    # the two halves on one Tesseract line, the blank wider than the line is high
    [(300, "Quảng Ngãi, ngày"), (420, "tháng 4 năm 2018")],
    # the handwritten day read as a piece of its own between them
    [(300, "Quảng Ngãi, ngày"), (385, "1ẵ"), (420, "tháng 4 năm 2018")],
])
def test_a_date_line_cut_at_the_handwritten_day_is_joined(date_row):
    rec = ocr_record(letter(date_row))
    assert (rec.place, rec.issue_year, rec.issue_month, rec.issue_date) == (
        "Quảng Ngãi", 2018, 4, None)
    assert rec.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


def test_a_date_line_cut_onto_two_rows_is_joined():
    """The day's ink pushes Tesseract to make two lines of one row, a few points apart."""
    rows = letter([])
    rows[2] = (95, [(110, "Số: 15/CT-UBND"), (300, "Quảng Ngãi, ngày")])
    rows.insert(3, (98, [(420, "tháng 4 năm 2018")]))
    lines = words_to_lines(ocr_words(rows), 1.0, 1)
    assert "Quảng Ngãi, ngày tháng 4 năm 2018" in [ln.text for ln in lines]
    rec = ocr_record(rows)
    assert (rec.place, rec.issue_year, rec.issue_month) == ("Quảng Ngãi", 2018, 4)


@pytest.mark.parametrize("date_line", [
    "Quảng Ngãi, ngày ẤX Ñ/ 1ẵ tháng 4 năm 2018",  # the day read as more junk than before
    "Quảng Ngãi, ngày 1ĩ thảng 4 năm 2018",  # and "tháng" with a wrong mark
])
def test_an_unreadable_day_keeps_the_month_and_year(date_line):
    rec = ocr_record(letter([(300, date_line)]))
    assert (rec.place, rec.issue_year, rec.issue_month, rec.issue_date) == (
        "Quảng Ngãi", 2018, 4, None)
    assert any("day of issue not readable" in w for w in rec.warnings)


# ---------------------------------------------------------------------------- stamps

STAMP_TOP = [
    (4, [(45, "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ")]),
    (17, [(98, "ĐẾN")]),
    (30, [(88, "Sö: 8207")]),
    (43, [(75, "Ngày: 10/6/2024")]),
]


@pytest.mark.parametrize("stamp", [
    STAMP_TOP,
    STAMP_TOP[:1] + STAMP_TOP[2:],  # "ĐẾN" lost under the ink: its Số and Ngày fields
    # the fields on one row right over the issuer: "Số:" made the stamp part of the header
    STAMP_TOP[:2] + [(40, [(60, "Số: 8207 Ngày: 10/6/2024")])],
])
def test_an_incoming_stamp_over_the_header_is_not_the_issuer(stamp):
    rec = ocr_record(stamp + letter([(330, "Quảng Ngãi, ngày 05 tháng 4 năm 2024")]))
    assert rec.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert rec.subject == "tăng cường công tác phòng chống thiên tai"
    assert rec.code == "15/CT-UBND"


def test_an_incoming_stamp_beside_the_subject_stays_out_of_it():
    subject = [
        (140, [(30, "VĂN PHÒNG UBND TỈNH")]),
        (150, [(45, "ĐẾN"), (196, "Về việc tăng cường công tác phòng chống")]),
        (162, [(40, "Số: 4521"), (230, "thiên tai năm 2024")]),
        (172, [(35, "Ngày: 12/3/2024")]),
    ]
    rec = ocr_record(letter([(330, "Quảng Ngãi, ngày 05 tháng 4 năm 2024")], subject=subject))
    assert rec.subject == "tăng cường công tác phòng chống thiên tai năm 2024"


# ---------------------------------------------------------------------------- subject, footer


def test_a_years_name_is_not_a_body_start():
    """``Nhâm Dần`` folds as ``Nhằm`` does: it stays in the subject; ``Nhằm`` (or ``Nham``,
    its marks lost) still opens the body."""
    subject = [(145, [(150, "Về việc tổ chức các hoạt động mừng Đảng, mừng Xuân")]),
               (160, [(230, "Nhâm Dần 2022")])]
    rec = ocr_record(letter([(330, "Quảng Ngãi, ngày 05 tháng 1 năm 2022")], subject=subject))
    assert rec.subject == "tổ chức các hoạt động mừng Đảng, mừng Xuân Nhâm Dần 2022"
    for opening in ("Nhằm thực hiện tốt công tác", "Nham thực hiện tốt công tác"):
        subject = [(145, [(150, "Về việc tổ chức các hoạt động mừng Đảng, mừng Xuân")]),
                   (160, [(150, opening)])]
        rec = ocr_record(letter([(330, "Quảng Ngãi, ngày 05 tháng 1 năm 2022")],
                                subject=subject))
        assert rec.subject == "tổ chức các hoạt động mừng Đảng, mừng Xuân"


def test_noi_nhan_missing_its_first_letter_still_opens_the_footer():
    """``ơi nhận:``: without the footer the signer of a block with no authority line (the
    head signing himself) was lost."""
    foot = [(320, [(60, "ơi nhận:"), (400, "CHỦ TỊCH")])] + FOOT[1:]
    rec = ocr_record(letter([(330, "Quảng Ngãi, ngày 05 tháng 4 năm 2024")], foot=foot))
    assert (rec.signer_title, rec.signer_name) == ("CHỦ TỊCH", "Trần Hoàng Tuấn")
    assert rec.distribution == ["Như trên", "Lưu: VT"]
