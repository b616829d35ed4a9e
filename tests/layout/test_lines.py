"""OCR words into a letter's lines: header columns read as one line, a stamp's frame."""

from __future__ import annotations

from pipeline.layout.lines import words_to_lines
from tests.layout.support import ocr_record, ocr_words


def test_a_scanned_decision_with_an_incoming_stamp_beside_its_subject():
    """ttg-981 as OCR reads it: the "ĐẾN" stamp of the government portal sits left of the
    subject, its frame read as "|", and the handwritten number leaves "Số: TU"."""
    rows = [
        (60, [(90, "THỦ TƯỚNG CHÍNH PHỦ"), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (75, [(360, "Độc lập - Tự do - Hạnh phúc")]),
        (95, [(110, "Số: TU"), (340, "Hà Nội, ngày 16 tháng 9 năm 2024")]),
        (128, [(265, "QUYẾT ĐỊNH")]),
        (145, [(20, "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ |"),
               (196, "Về việc phê chuẩn kết quả miễn nhiệm chức vụ Chủ tịch")]),
        (160, [(30, "wgty46.13-L2024---|"),
               (165, "Ủy ban nhân dân tỉnh Thái Nguyên nhiệm kỳ 2021 - 2026")]),
        (200, [(225, "THỦ TƯỚNG CHÍNH PHỦ")]),
        (230, [(90, "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;")]),
        (250, [(90, "QUYẾT ĐỊNH:")]),
        (270, [(90, "Điều 1. Phê chuẩn kết quả miễn nhiệm.")]),
        (320, [(60, "Nơi nhận:"), (400, "THỦ TƯỚNG")]),
        (335, [(60, "- Như Điều 1;")]),
        (350, [(60, "- Lưu: VT, V.I.")]),
        (400, [(390, "Phạm Minh Chính")]),
    ]
    lines = words_to_lines(ocr_words(rows), 1.0, 1)
    assert "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ" in [ln.text for ln in lines]  # cut at the "|"
    rec = ocr_record(rows)
    assert (rec.doc_type, rec.issuer, rec.place, rec.issue_year, rec.issue_month) == (
        "Quyết định", "THỦ TƯỚNG CHÍNH PHỦ", "Hà Nội", 2024, 9)
    assert rec.subject == ("phê chuẩn kết quả miễn nhiệm chức vụ Chủ tịch Ủy ban nhân dân tỉnh "
                           "Thái Nguyên nhiệm kỳ 2021 - 2026")
    assert (rec.signer_title, rec.signer_name) == ("THỦ TƯỚNG", "Phạm Minh Chính")


def test_header_columns_read_as_one_line_are_cut_at_the_motto():
    rows = [(50, [(88, "THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")])]
    lines = words_to_lines(ocr_words(rows), 1.0, 1)
    assert [ln.text for ln in lines] == [
        "THỦ TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ]
    assert lines[0].bbox[2] < lines[1].bbox[0]


def test_specks_are_dropped_and_boxes_scaled_to_points():
    from pipeline.ocr import Word

    words = [Word(300, 600, 420, 650, 93.0, "QUYẾT", "1.1.1"),
             Word(440, 600, 560, 650, 91.0, "ĐỊNH", "1.1.1"),
             Word(900, 1200, 930, 1230, 20.0, "£", "1.2.1"),
             Word(940, 1200, 960, 1230, 15.0, "=.", "1.2.1")]
    lines = words_to_lines(words, 72 / 300, 2)
    assert [(ln.text, ln.page, ln.source) for ln in lines] == [("QUYẾT ĐỊNH", 2, "ocr")]
    assert lines[0].bbox == (72.0, 144.0, 134.4, 156.0)
    assert lines[0].confidence == 0.92
