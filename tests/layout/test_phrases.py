"""Header and signature lines a seal damaged, spelled as the known phrase they must be."""

from __future__ import annotations

import pytest

from pipeline.layout.phrases import is_phrase, name_text, snap_block_line, snap_phrase


@pytest.mark.parametrize("line,expected", [
    ("PHO CHU TỊCH", "PHÓ CHỦ TỊCH"),
    ("TM. ỦY BAN NHÂN DẪN", "TM. ỦY BAN NHÂN DÂN"),
    ("KT.CHU TICH", "KT. CHỦ TỊCH"),
    ("THỦ TƯỚNG CHÍNHPHỦ", "THỦ TƯỚNG CHÍNH PHỦ"),  # a space lost
    ("PHÓ CHỦ TỊC", "PHÓ CHỦ TỊCH"),  # one letter from one phrase only
    ("TRUONG BAM", "TRƯỞNG BAN"),
    ("CHỦ TỊC", "CHỦ TỊC"),  # too short to trust one letter
    ("YÉT ĐỊNH", "QUYẾT ĐỊNH"),  # the first letters of a title lost under a seal
    ("HU TỊCH", "CHỦ TỊCH"),  # ends CHỦ TỊCH one letter short, PHÓ CHỦ TỊCH five
    ("ẾT ĐỊNH", "ẾT ĐỊNH"),  # too short
    ("CHU TICH X", "CHU TICH X"),  # two letters away: kept as read
    ("Trần Phước Hiên", "Trần Phước Hiên"),
])
def test_snap_phrase(line, expected):
    assert snap_phrase(line) == expected


@pytest.mark.parametrize("line,expected", [
    ("Z0 dc KT. THỦ TƯỚNG", "KT. THỦ TƯỚNG"),  # specks before the authority line
    ("_PHÔỒXXHỦ TƯỚNG", "PHÓ THỦ TƯỚNG"),  # the seal's ring across "PHÓ THỦ"
    ("=XT,. THỦ TƯỚNG", "KT. THỦ TƯỚNG"),
    ("kg, THỦ TƯỚNG", "kg, THỦ TƯỚNG"),  # "KT." or specks before "THỦ TƯỚNG": kept as read
    ("Phạm Minh Chính", "Phạm Minh Chính"),  # not in capitals: a name, not a title
    ("CHỦ TỊCH HĐND", "CHỦ TỊCH HĐND"),  # a title not in the list stays as it is
])
def test_snap_block_line(line, expected):
    assert snap_block_line(line) == expected


def test_is_phrase_ignores_marks_and_spacing():
    assert is_phrase("PHO CHU TICH") and is_phrase("KT.CHỦ TỊCH")
    assert not is_phrase("PHÓ CHỦ TỊC")


@pytest.mark.parametrize("line,expected", [
    ("“Hỗ Đức Phớc +", "Hỗ Đức Phớc"),
    ("Trần Phước Hiền .", "Trần Phước Hiền"),
    ("~ | Phạm Minh Chính", "Phạm Minh Chính"),
])
def test_name_text_drops_the_specks_around_a_name(line, expected):
    assert name_text(line) == expected
