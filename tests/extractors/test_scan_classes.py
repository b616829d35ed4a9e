"""Fields of scanned letters where a seal, an older typeface or a misread digit leaves the
words nearly right, each case built as the OCR words of a page (``tests/layout/support.py``):
a title under a black seal, a title that lost a letter, an issuer in capitals with a letter
read in lower case, a cited document's date misread."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.layout.support import ocr_record

HEAD = [
    (60, [(90, "ỦY BAN NHÂN DÂN"), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
    (75, [(85, "TỈNH QUẢNG NGÃI"), (360, "Độc lập - Tự do - Hạnh phúc")]),
    (95, [(110, "Số: 15/CT-UBND"), (330, "Quảng Ngãi, ngày 05 tháng 4 năm 2018")]),
    (128, [(265, "CHỈ THỊ")]),
    (145, [(196, "Về việc tăng cường công tác phòng chống thiên tai")]),
]
BODY = [(230, [(90, "Trong thời gian qua, công tác phòng chống thiên tai đã đạt kết quả.")])]


def block(*rows: tuple[int, str]) -> list:
    """The footer: Nơi nhận on the left, the signature block's ``rows`` on the right."""
    return [(320, [(60, "Nơi nhận:")]), (335, [(60, "- Như trên;")]), (350, [(60, "- Lưu: VT.")])
            ] + [(top, [(390, text)]) for top, text in rows]


# ---------------------------------------------------------------------------- black seals


def test_a_title_with_specks_where_the_seal_hid_pho_is_left_empty():
    """qn-07 as OCR reads it: ``KT.`` gone, ``PHÓ CHỦ TỊCH`` read ``QCHỦ TỊCH``. Which title
    it is cannot be read; ``CHỦ TỊCH`` would be the higher office."""
    rec = ocr_record(HEAD + BODY + block((320, "QCHỦ TỊCH"), (345, "[.iê 2 VÀ"),
                                         (400, "Phạm Trường Thọ")))
    assert rec.signer_title is None and rec.signing_authority is None
    assert rec.signer_name == "Phạm Trường Thọ"
    assert any("read under a seal" in w for w in rec.warnings)


def test_a_head_title_under_a_seal_without_authority_is_low_confidence():
    """``CHỦ TỊCH`` read cleanly, no authority line, seal specks in the block: the head may
    sign himself or a hidden ``KT.`` / ``PHÓ`` may be under the ink."""
    rec = ocr_record(HEAD + BODY + block((320, "CHỦ TỊCH"), (345, "[.iê 2 VÀ"),
                                         (400, "Phạm Trường Thọ")))
    assert rec.signer_title == "CHỦ TỊCH"
    assert rec.provenance["signer_title"].confidence <= 0.3
    assert any("cannot be ruled out" in w for w in rec.warnings)


def test_a_head_title_under_tm_with_the_kt_line_hidden_is_low_confidence():
    """``TM. CHÍNH PHỦ`` read, ``KT. THỦ TƯỚNG`` under the seal, ``PHÓ`` lost: ``THỦ TƯỚNG``
    is also what the Prime Minister signing for the Government prints."""
    rec = ocr_record(HEAD + BODY + block((320, "TM. CHÍNH PHỦ"), (335, "THỦ TƯỚNG"),
                                         (345, "¬ „ * ^"), (400, "Trần Hồng Hà")))
    assert rec.signer_title == "THỦ TƯỚNG"
    assert rec.provenance["signer_title"].confidence <= 0.3


def test_a_body_sentence_with_a_comma_and_a_year_is_not_the_date_line():
    """A scan whose date line OCR lost: ``Căn cứ Luật Khám bệnh, chữa bệnh số 15/2023/QH15``
    has a comma and a year, as ``Hà Nội, 13/9/2022`` does, and is no place and date."""
    head = HEAD[:2] + [(95, [(110, "Số: 15/CT-UBND")])] + HEAD[3:]
    body = [(230, [(90, "Căn cứ Luật Khám bệnh, chữa bệnh số 15/2023/QH15")])]
    rec = ocr_record(head + body + block((320, "CHỦ TỊCH"), (400, "Trần Văn A")))
    assert (rec.place, rec.issue_year) == (None, None)


@pytest.mark.parametrize("rows", [
    [(320, "CHỦ TỊCH"), (400, "Phạm Trường Thọ")],  # the head signing himself, clean
    [(320, "KT. CHỦ TỊCH"), (335, "PHÓ CHỦ TỊCH"), (345, "[.iê 2 VÀ"), (400, "Trần Văn A")],
])
def test_a_clean_or_complete_block_keeps_its_confidence(rows):
    rec = ocr_record(HEAD + BODY + block(*rows))
    assert rec.provenance["signer_title"].confidence > 0.3
    assert not any("seal" in w for w in rec.warnings)


# ---------------------------------------------------------------------------- titles, issuers


@pytest.mark.parametrize("title, doc_type", [
    ("NGHT ĐINH", "Nghị định"),  # a low-resolution JPEG lost the I's dot and a mark
    ("QUYẾT ĐỊNh", "Quyết định"),  # one letter read in lower case
    ("Q U Y Ế T  Đ Ị N H", "Quyết định"),  # letter-spaced, as older typed letters are
])
def test_a_damaged_title_is_still_the_title(title, doc_type):
    rows = HEAD[:3] + [(128, [(255, title)])] + HEAD[4:] + BODY + block(
        (320, "CHỦ TỊCH"), (400, "Phạm Trường Thọ"))
    rec = ocr_record(rows)
    assert rec.doc_type == doc_type
    assert rec.subject == "tăng cường công tác phòng chống thiên tai"


def test_a_title_one_letter_from_two_types_is_not_guessed():
    from pipeline.document import Line
    from pipeline.layout import type_of_title

    assert type_of_title(Line(text="THÔNG TIN", source="ocr")) is None
    assert type_of_title(Line(text="NGHT ĐINH", source="text_layer")) is None


@pytest.mark.parametrize("lines, issuer", [
    (["Bộ CÔNG THƯƠNG"], "BỘ CÔNG THƯƠNG"),
    (["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐÔNG"], "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"),
    (["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃT"], "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"),
])
def test_an_ocr_issuer_takes_its_capitals_and_its_provinces_spelling(lines, issuer):
    head = [(60, [(90, lines[0]), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")])]
    head.append((75, ([(85, lines[1])] if len(lines) > 1 else [])
                 + [(360, "Độc lập - Tự do - Hạnh phúc")]))
    rec = ocr_record(head + HEAD[2:] + BODY + block((320, "CHỦ TỊCH"), (400, "Trần Văn A")))
    assert rec.issuer == issuer


# ---------------------------------------------------------------------------- references


def test_a_cited_date_that_cannot_be_its_date_is_dropped_and_the_reference_kept():
    body = [(230, [(90, "Thực hiện Quyết định sô 15/2007/QĐ-UBND ngày 25/5/2009 của UBND")]),
            (245, [(90, "tỉnh và Kế hoạch số 12/KH-UBND ngày 05/9/2033 của UBND tỉnh;")]),
            (260, [(90, "Căn cứ Công văn số 1453/BTTTT-HTQT ngày 07/5/2017 của Bộ.")])]
    rec = ocr_record(HEAD + body + block((320, "CHỦ TỊCH"), (400, "Trần Văn A")))
    refs = {r.code: r.date for r in rec.references}
    assert refs == {"15/2007/QĐ-UBND": None, "12/KH-UBND": None,
                    "1453/BTTTT-HTQT": dt.date(2017, 5, 7)}
    assert sum("dropped" in w for w in rec.warnings) == 2
