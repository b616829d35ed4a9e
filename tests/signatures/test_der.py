"""DER read by tag and length: times in every zone spelling CMS allows, identifiers, and
encodings cut short or malformed."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.signatures import der

UTC = dt.timezone.utc
VN = dt.timezone(dt.timedelta(hours=7))


def _generalized(text: bytes) -> bytes:
    return bytes([der.GENERALIZED_TIME, len(text)]) + text


@pytest.mark.parametrize("encoded,expected", [
    (b"\x17\x0d250109031016Z", dt.datetime(2025, 1, 9, 3, 10, 16, tzinfo=UTC)),
    (b"\x17\x0d991231235959Z", dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    (_generalized(b"20250109031016.125Z"), dt.datetime(2025, 1, 9, 3, 10, 16, 125000, tzinfo=UTC)),
    # the differential form: +hhmm and -hhmm
    (_generalized(b"20250109101016+0700"), dt.datetime(2025, 1, 9, 10, 10, 16, tzinfo=VN)),
    (_generalized(b"20250108221016-0500"),
     dt.datetime(2025, 1, 8, 22, 10, 16, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    (b"\x17\x11250109101016+0700", dt.datetime(2025, 1, 9, 10, 10, 16, tzinfo=VN)),
])
def test_der_times(encoded, expected):
    got = der.time(der.read(encoded))
    assert got == expected and got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("encoded", [
    _generalized(b"20250109031016"),  # no zone: a local time, not an instant
    _generalized(b"202501090310.5Z"),  # a fraction of a minute
    _generalized(b"2025010903Z"),  # hours only
    # zone spellings of PDF dates and stamps, which DER does not allow
    _generalized(b"20250109101016+07"),
    _generalized(b"20250109101016+07:00"),
    _generalized(b"20250109101016+07'00'"),
    _generalized(b"20250109101016+2500"),  # not a zone
])
def test_der_times_that_are_not_instants_raise(encoded):
    with pytest.raises(der.DerError):
        der.time(der.read(encoded))


def test_der_identifiers_and_damage():
    assert der.oid(der.read(bytes.fromhex("06092a864886f70d010702"))) == "1.2.840.113549.1.7.2"
    assert der.oid(der.read(bytes.fromhex("06032b6570"))) == "1.3.101.112"
    for damaged in (b"\x30\x05\x02\x01", b"\x30", b"\x30\x80\x02\x01\x01", b"\x1f\x01\x00"):
        with pytest.raises(der.DerError):
            der.read(damaged).children()
