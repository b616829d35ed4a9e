"""One reading of time zones for every signing time: the offset parser row by row, in each
spelling the files use, and the PDF dates of signature dictionaries (``/M``)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.signatures.times import UTC, VN_TZ, parse_offset, parse_pdf_date

MINUS_5 = dt.timezone(dt.timedelta(hours=-5))


@pytest.mark.parametrize("text,expected", [
    ("+07'00'", VN_TZ),  # a PDF date's /M
    ("+07'00", VN_TZ),  # the same, its closing quote left out
    ("+07'", VN_TZ),  # hours alone, PDF style
    ("+0700", VN_TZ),  # ASN.1 GeneralizedTime, ISO 8601 basic
    ("+07:00", VN_TZ),  # a stamp, ISO 8601 extended
    ("+07", VN_TZ),
    ("Z", UTC),
    ("z", UTC),
    ("-05", MINUS_5),
    ("-05:00", MINUS_5),
    ("-0530", dt.timezone(-dt.timedelta(hours=5, minutes=30))),
    ("+0000", UTC),
])
def test_offsets(text, expected):
    assert parse_offset(text) == expected


@pytest.mark.parametrize("default", [UTC, VN_TZ])
def test_no_offset_is_the_callers_default(default):
    assert parse_offset(None, default) is default
    assert parse_offset("", default) is default


@pytest.mark.parametrize("text", [None, "", "+7", "+07:0", "07:00", "+07:00'00", "UTC", "+2400",
                                  "+0760", " +07:00"])
def test_what_is_no_offset_raises(text):
    with pytest.raises(ValueError):
        parse_offset(text)


@pytest.mark.parametrize("raw,expected", [
    ("D:20250109100916+07'00'", dt.datetime(2025, 1, 9, 10, 9, 16, tzinfo=VN_TZ)),
    ("D:20261122061522Z", dt.datetime(2026, 11, 22, 6, 15, 22, tzinfo=UTC)),
    ("D:20240913164911+07'00", dt.datetime(2024, 9, 13, 16, 49, 11, tzinfo=VN_TZ)),
    ("D:20250109100916+0700", dt.datetime(2025, 1, 9, 10, 9, 16, tzinfo=VN_TZ)),
    ("D:20250109100916+07'", dt.datetime(2025, 1, 9, 10, 9, 16, tzinfo=VN_TZ)),
    ("D:20250109100916+07", dt.datetime(2025, 1, 9, 10, 9, 16, tzinfo=VN_TZ)),
    ("D:20250108220916-05'00'", dt.datetime(2025, 1, 8, 22, 9, 16, tzinfo=MINUS_5)),
    ("D:20250108220916-05", dt.datetime(2025, 1, 8, 22, 9, 16, tzinfo=MINUS_5)),
    ("D:20250109030916", dt.datetime(2025, 1, 9, 3, 9, 16, tzinfo=UTC)),  # no zone: UTC
    ("D:2025", dt.datetime(2025, 1, 1, tzinfo=UTC)),
    ("D:20251340", None),
    ("D:20250109100916+25'00'", None),  # not a zone
    ("yesterday", None),
    (None, None),
])
def test_parse_pdf_date(raw, expected):
    got = parse_pdf_date(raw)
    assert got == expected
    assert got is None or got.utcoffset() == expected.utcoffset()
