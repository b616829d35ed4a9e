"""Zones of letters read by OCR: a place and a family name checked against their lists, a
deputy's signature block put back from its form."""

from __future__ import annotations

import pytest

from tests.layout.support import DECISION_HEAD, ocr_record


def test_ocr_place_and_family_name_are_checked_against_their_lists():
    """"Rà Nội" and "“Hỗ Đức Phớc +" as OCR reads them are Hà Nội and Hồ Đức Phớc; the same
    words in a text layer are kept as written (see test_extractors)."""
    rows = [row if row[0] != 95 else (95, [(110, "Số: 985/QĐ-TTg"),
                                           (340, "Rà Nội, ngày 15 tháng 9 năm 2024")])
            for row in DECISION_HEAD]
    rec = ocr_record(rows + [
        (320, [(60, "Nơi nhận:"), (400, "KT. THỦ TƯỚNG")]),
        (335, [(60, "- Như Điều 3;"), (400, "PHÓ THỦ TƯỚNG")]),
        (400, [(390, "“Hỗ Đức Phớc +")]),
    ])
    assert (rec.place, rec.signer_name) == ("Hà Nội", "Hồ Đức Phớc")
    assert rec.provenance["place"].text.startswith("Rà Nội")  # provenance keeps the reading


@pytest.mark.parametrize("block_rows", [
    # ttg-970: specks before "KT." (the line sits above "Nơi nhận"), the seal over "PHÓ"
    [(312, [(400, "Z0 dc KT. THỦ TƯỚNG")]),
     (320, [(60, "Nơi nhận:")]), (335, [(60, "- Như Điều 3;"), (400, "CC ưng ĐÓ THỦ TƯỚNG")]),
     (400, [(400, "Hồ Đức Phớc")])],
    # ttg-985: both prefixes lost, the head's title read twice
    [(320, [(60, "Nơi nhận:"), (400, "THỦ TƯỚNG")]),
     (335, [(60, "- Như Điều 3;"), (400, "Ú TƯỞNG")]),
     (400, [(400, "Hồ Đức Phớc")])],
])
def test_a_deputy_block_is_put_back_from_its_form(block_rows):
    rec = ocr_record(DECISION_HEAD + block_rows)
    assert (rec.signing_authority, rec.signer_title, rec.signer_name) == (
        "KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "Hồ Đức Phớc")


def test_a_head_signing_himself_is_left_as_read():
    rec = ocr_record(DECISION_HEAD + [(320, [(60, "Nơi nhận:"), (400, "THỦ TƯỚNG")]),
                                      (400, [(400, "Phạm Minh Chính")])])
    assert (rec.signing_authority, rec.signer_title, rec.signer_name) == (
        None, "THỦ TƯỚNG", "Phạm Minh Chính")
