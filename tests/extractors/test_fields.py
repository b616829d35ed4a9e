"""Table-driven extractor tests: one row per variant seen in real letters."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from pipeline.runner import process_bytes
from tests.conftest import ROOT


def letter(header: list[str], body: list[str] | None = None,
           footer: list[str] | None = None) -> str:
    body = body or ["Nội dung văn bản./."]
    footer = footer or ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "", "GIÁM ĐỐC", "", "Lê Văn An"]
    return "\n".join(header + [""] + body + [""] + footer)


def rec_of(text: str, name: str = "x.txt"):
    return process_bytes(name, text.encode("utf-8"))


@pytest.mark.parametrize(
    "line, number, symbol, code",
    [
        ("Số: 1453/BTTTT-HTQT", "1453", "BTTTT-HTQT", "1453/BTTTT-HTQT"),
        ("Số: 06/2026/TT-BXD", "06", "TT-BXD", "06/2026/TT-BXD"),
        ("Số:     /KH-STTTT", None, "KH-STTTT", "/KH-STTTT"),
        ("Số: 66.15/2026/NQ-CP", "66.15", "NQ-CP", "66.15/2026/NQ-CP"),
        ("Số : 15 / QĐ - XPHC", "15", "QĐ-XPHC", "15/QĐ-XPHC"),
        ("S6: 23/BC-UBND", "23", "BC-UBND", "23/BC-UBND"),  # OCR reads Số as S6
        (unicodedata.normalize("NFD", "Số: 7/CT-UBND"), "7", "CT-UBND", "7/CT-UBND"),
        # the number line as OCR spells it, read by the one number-line grammar
        ("Sá: 23/BC-UBND", "23", "BC-UBND", "23/BC-UBND"),
        ("Sö: 23/BC-UBND", "23", "BC-UBND", "23/BC-UBND"),
        ("Số: 985⁄QĐ-TTg", "985", "QĐ-TTg", "985/QĐ-TTg"),  # U+2044, the fraction slash
        ("Số: 04/QĐ\u00d0-BCĐ138", "04", "QĐ-BCĐ138", "04/QĐ-BCĐ138"),  # Đ then Ð
        ("Số: 06⁄2026⁄TT-BXD", "06", "TT-BXD", "06/2026/TT-BXD"),
        ("Số: 12/L-CTN", "12", "L-CTN", "12/L-CTN"),  # a President's order: one letter, then -
        # a lone letter is no symbol (the decree's symbol abbreviates a type and a body):
        # OCR's "Số: 2/L" of a blurred "Số: 27/NĐ-CP" gives no number rather than 2
        ("Số: 2/L", None, None, None),
    ],
)
def test_number_line(line, number, symbol, code):
    rec = rec_of(letter(["SỞ NỘI VỤ", line, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]))
    assert (rec.number, rec.symbol, rec.code) == (number, symbol, code)


def test_a_number_line_that_lost_its_so_as_a_speck_still_gives_number_and_symbol(
        tmp_path, monkeypatch):
    """``Số:`` dropped by OCR as a speck leaves ``574/UBND-KTTH`` alone on the line."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    import make_samples

    letter = dict(make_samples.LETTERS[1], issuer=["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"],
                  number="574/UBND-KTTH", vv=[])
    path = tmp_path / "letter.pdf"
    make_samples.write_pdf(letter, path)
    rec = process_bytes(str(path), path.read_bytes())
    assert (rec.number, rec.symbol, rec.code) == ("574", "UBND-KTTH", "574/UBND-KTTH")


@pytest.mark.parametrize(
    "issuer_lines, number_line, below, number, symbol, code",
    [
        # a handwritten number pushed the symbol onto a line of its own
        (["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "Số: O4", ["/QĐ-UBND"],
         None, "QĐ-UBND", "/QĐ-UBND"),
        # "Số:" and the number lost, the symbol pasted onto the issuer's line
        (["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG /QĐ-UBND"], "", [], None, "QĐ-UBND", "/QĐ-UBND"),
        # a speck before "Số"; in a text layer the digits are what the file says (an OCR
        # number is checked by a second reading, see test_ocr)
        (["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "_ Số:384 /QĐ-UBND", [],
         "384", "QĐ-UBND", "384/QĐ-UBND"),
    ],
)
def test_number_line_as_ocr_leaves_it(tmp_path, monkeypatch, issuer_lines, number_line, below,
                                      number, symbol, code):
    """The header of a two-column PDF letter written the way OCR of a scan reads it."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    import make_samples

    letter = dict(make_samples.LETTERS[1], issuer=issuer_lines, number=number_line, vv=below)
    path = tmp_path / "letter.pdf"
    make_samples.write_pdf(letter, path)
    rec = process_bytes(str(path), path.read_bytes())
    assert (rec.number, rec.symbol, rec.code) == (number, symbol, code)
    assert (rec.issuer, rec.doc_type) == ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Quyết định")


@pytest.mark.parametrize(
    "line, place, date, year, month",
    [
        ("Hà Nội, ngày 13 tháng 9 năm 2022", "Hà Nội", dt.date(2022, 9, 13), 2022, 9),
        ("Quảng Ngãi, ngày       tháng 11 năm 2024", "Quảng Ngãi", None, 2024, 11),
        ("Hà Nội, ngày     tháng     năm 2021", "Hà Nội", None, 2021, None),
        ("Phú Yên, ngày  .... tháng 5 năm 2021", "Phú Yên", None, 2021, 5),
        ("Thành phố Hồ Chí Minh, ngày 01 tháng 02 năm 2020", "Thành phố Hồ Chí Minh",
         dt.date(2020, 2, 1), 2020, 2),
        ("Hà Nội, ngày 31 tháng 02 năm 2020", "Hà Nội", None, 2020, 2),  # impossible day
        ("Hà Nội, 13/9/2022", "Hà Nội", dt.date(2022, 9, 13), 2022, 9),  # regex fallback
        ("Hà Nội, 13⁄9⁄2022", "Hà Nội", dt.date(2022, 9, 13), 2022, 9),  # U+2044 slashes
        ("Hà Nội, 13 tháng 9, 2022", "Hà Nội", dt.date(2022, 9, 13), 2022, 9),  # dateparser
        ("Huế, ngày 5 tháng Ba năm 2021", "Huế", dt.date(2021, 3, 5), 2021, 3),  # dateparser
        # OCR of a handwritten day and month: the day is junk, the month "0Ì" is 01
        ("Quảng Ngãi, ngày⁄{§ tháng 0Ì năm 2025", "Quảng Ngãi", None, 2025, 1),
        ("Hà Nội, ngày 3 tháng l2 năm 2024", "Hà Nội", dt.date(2024, 12, 3), 2024, 12),
    ],
)
def test_date_line(line, place, date, year, month):
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP", line]))
    got = (rec.place, rec.issue_date, rec.issue_year, rec.issue_month)
    assert got == (place, date, year, month)


@pytest.mark.parametrize(
    "block, authority, title, name",
    [
        (["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "", "Phan Tâm"],
         "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Phan Tâm"),
        (["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "(Đã ký)", "Phùng Tô Long"],
         "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Phùng Tô Long"),
        (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Trần Hoàng Tuấn"],
         "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Hoàng Tuấn"),
        (["GIÁM ĐỐC", "", "Trần Thanh Hưng"], None, "GIÁM ĐỐC", "Trần Thanh Hưng"),
        (["BỘ TRƯỞNG", "", "Thượng tướng Lương Tam Quang"], None, "BỘ TRƯỞNG", "Lương Tam Quang"),
    ],
)
def test_signature_block(block, authority, title, name):
    footer = ["Nơi nhận:", "- Lưu: VT.", ""] + block
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP"], footer=footer))
    assert (rec.signing_authority, rec.signer_title, rec.signer_name) == (authority, title, name)


@pytest.mark.parametrize(
    "lines, issuer, parent",
    [
        (["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"], "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", None),
        (["UBND TỈNH QUẢNG NGÃI", "VĂN PHÒNG"], "VĂN PHÒNG", "UBND TỈNH QUẢNG NGÃI"),
        (["BỘ THÔNG TIN VÀ", "TRUYỀN THÔNG"], "BỘ THÔNG TIN VÀ TRUYỀN THÔNG", None),
        (["BỘ TÀI CHÍNH", "TỔNG CỤC THUẾ"], "TỔNG CỤC THUẾ", "BỘ TÀI CHÍNH"),
        (["UBND TỈNH PHÚ YÊN", "SỞ THÔNG TIN VÀ", "TRUYỀN THÔNG"], "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
         "UBND TỈNH PHÚ YÊN"),
    ],
)
def test_issuer_and_parent(lines, issuer, parent):
    rec = rec_of(letter(lines + ["Số: 1/SNV-VP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]))
    assert (rec.issuer, rec.issuer_parent) == (issuer, parent)


@pytest.mark.parametrize(
    "header, doc_type, code",
    [
        (["Số: 1/SNV-VP", "V/v cử cán bộ"], "Công văn", "CV"),
        (["Số: 1/QĐ-UBND", "", "QUYẾT ĐỊNH", "Về việc thành lập tổ"], "Quyết định", "QĐ"),
        (["Số: 1/TTr-UBND"], "Tờ trình", "TTr"),
        (["Số: 12/2020/NĐ-CP"], "Nghị định", "NĐ"),
        (["Số: 5/UBND-KTTH"], "Công văn", "CV"),
        (["Số: 2/KH-UBND", "", "KẾ HOẠCH", "Triển khai"], "Kế hoạch", "KH"),
    ],
)
def test_doc_type(header, doc_type, code):
    rec = rec_of(letter(["SỞ NỘI VỤ"] + header))
    assert (rec.doc_type, rec.doc_type_code) == (doc_type, code)


@pytest.mark.parametrize(
    "mark_line, urgency, secrecy",
    [("HỎA TỐC", "HỎA TỐC", None), ("THƯỢNG KHẨN", "THƯỢNG KHẨN", None), ("MẬT", None, "MẬT"),
     ("HOẢ TỐC", "HỎA TỐC", None)],
)
def test_marks(mark_line, urgency, secrecy):
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP", mark_line, motto]))
    assert (rec.urgency, rec.secrecy) == (urgency, secrecy)


@pytest.mark.parametrize(
    "sentence, date",
    [
        ("Báo cáo gửi về Sở trước ngày 4/6/2021 để tổng hợp.", dt.date(2021, 6, 4)),
        ("Gửi báo cáo trước ngày 05 tháng 6 năm 2020.", dt.date(2020, 6, 5)),
        ("Hoàn thành chậm nhất ngày 20/02/2025.", dt.date(2025, 2, 20)),
        ("Gửi về trước 17 giờ ngày 10/10/2022.", dt.date(2022, 10, 10)),
        ("Báo cáo trước ngày 15 tháng 11 hằng năm.", None),
    ],
)
def test_deadlines(sentence, date):
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP"], body=[sentence]))
    assert [d.date for d in rec.deadlines] == ([date] if date else [])
    if date:
        assert rec.deadlines[0].text == sentence


@pytest.mark.parametrize(
    "sentence, refs",
    [
        ("Thực hiện Công văn số 1453/BTTTT-HTQT ngày 07/5/2021 của Bộ.",
         [("Công văn", "1453/BTTTT-HTQT", dt.date(2021, 5, 7))]),
        ("Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;", [("Luật", "63/2025/QH15", None)]),
        ("Theo Văn bản số 4247/BTTTT-THH và Quyết định 505/QĐ-TTg ngày 22 tháng 4 năm 2022.",
         [("Công văn", "4247/BTTTT-THH", None),
          ("Quyết định", "505/QĐ-TTg", dt.date(2022, 4, 22))]),
        # OCR's fraction slash (U+2044) and its doubled Đ, in the code and the date
        ("Thực hiện Công văn số 1453⁄BTTTT-HTQT ngày 07⁄5⁄2021 của Bộ.",
         [("Công văn", "1453/BTTTT-HTQT", dt.date(2021, 5, 7))]),
        ("Căn cứ Quyết định số 505/QĐ\u00d0-TTg ngày 22/4/2022;",
         [("Quyết định", "505/QĐ-TTg", dt.date(2022, 4, 22))]),
    ],
)
def test_references(sentence, refs):
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP"], body=[sentence]))
    assert [(r.doc_type, r.code, r.date) for r in rec.references] == refs


def test_ocr_style_motto_without_marks_still_anchors_the_header():
    rec = rec_of(letter(["Web page title", "UY BAN NHAN DAN", "TINH QUANG NGAI",
                         "CONG HOA XA HOI CHU NGHIA VIET NAM", "Số: 2/UBND-VP"]))
    assert rec.issuer == "UY BAN NHAN DAN TINH QUANG NGAI"


def test_contacts_from_honorific_and_merge():
    body = ["Mọi chi tiết xin liên hệ Anh Đào Ngọc Tuyển, Di động: 0912802454, "
            "Email: dntuyen@mic.gov.vn.", "Báo cáo gửi email: dntuyen@mic.gov.vn."]
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP"], body=body))
    assert [(c.name, c.phone, c.email) for c in rec.contacts] == [
        ("Đào Ngọc Tuyển", "0912802454", "dntuyen@mic.gov.vn")
    ]


def test_contact_name_from_ner_when_no_form_of_address():
    body = ["Đầu mối liên hệ: Nguyễn Văn Hùng, điện thoại 0912345678."]
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP"], body=body))
    assert [(c.name, c.phone) for c in rec.contacts] == [("Nguyễn Văn Hùng", "0912345678")]


def test_closed_lists_leave_text_layer_values_alone():
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP", "Rà Nội, ngày 13 tháng 9 năm 2022"],
                        footer=["Nơi nhận:", "- Lưu: VT.", "", "GIÁM ĐỐC", "", "Hỗ Văn An"]))
    assert (rec.place, rec.signer_name) == ("Rà Nội", "Hỗ Văn An")


@pytest.mark.parametrize("kind, value, near, expected", [
    ("places", "Quảng Ngãi", False, "Quảng Ngãi"),
    ("places", "Quang Ngai", False, "Quảng Ngãi"),  # tone marks lost
    ("places", "Rà Nội", True, "Hà Nội"),  # one letter off
    ("places", "Rà Nội", False, None),
    ("places", "Nghĩa Hành", True, None),  # a district: not on the list, left alone
    ("surnames", "Hỗ", False, "Hồ"),
    ("surnames", "Lả", False, None),  # La or Lã: not one entry
])
def test_closest_entry_of_a_closed_list(kind, value, near, expected):
    from pipeline.rules import rules

    assert rules().closest(kind, value, near=near) == expected


def test_a_text_layer_subject_keeps_its_closing_quote():
    rec = rec_of(letter(["SỞ NỘI VỤ", "Số: 1/SNV-VP", "V/v hưởng ứng 'Ngày Chủ nhật xanh'",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]))
    assert rec.subject == "hưởng ứng 'Ngày Chủ nhật xanh'"
