"""Normalisation: NFC, the decree's tone-mark placement, split syllables, legacy encodings."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.normalize import detect_legacy, normalize_line


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Uỷ ban nhân dân tỉnh Khánh Hoà", "Ủy ban nhân dân tỉnh Khánh Hòa"),
        ("Thuỷ lợi, quý, khoẻ", "Thủy lợi, quý, khỏe"),
        (unicodedata.normalize("NFD", "Độc lập - Tự do"), "Độc lập - Tự do"),
        ("Th ông báo kết luận", "Thông báo kết luận"),
        ("ñy ban nh©n d©n tØnh", "ủy ban nhân dân tỉnh"),  # TCVN3
        ("Uûy ban nhaân daân tænh Quaûng Ngaõi", "Ủy ban nhân dân tỉnh Quảng Ngãi"),  # VNI
        ("Señor Muñoz", "Señor Muñoz"),  # not Vietnamese legacy text: left alone
    ],
)
def test_normalize_line(raw, expected):
    assert normalize_line(raw) == expected


def test_legacy_detection_names_the_encoding():
    assert detect_legacy("Céng hßa x· héi chñ nghÜa ViÖt Nam") == "tcvn3"
    assert detect_legacy("Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam") == "vni"
    assert detect_legacy("Cộng hòa xã hội chủ nghĩa Việt Nam") is None
