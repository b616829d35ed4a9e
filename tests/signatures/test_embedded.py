"""PDF signatures on letters signed here (samples/signed, made by scripts/make_signed_samples.py
with self-signed certificates and a local test TSA): what each signature field reads as, and
how a damaged one is reported.

The whole records of these files are also golden samples (tests/test_golden.py); the tests
here say what each case is about, so that a golden diff can be judged.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re

import pytest

from pipeline.runner import process_bytes, process_file
from tests.conftest import ROOT, SAMPLES

SIGNED = SAMPLES / "signed"
UTC = dt.timezone.utc


def by_field(rec):
    return {s.field: s for s in rec.signatures}


def test_stamped_letter_signatures():
    sigs = by_field(process_file(SIGNED / "tb-vp-stamped.pdf"))
    person, number, day, centre = (sigs[k] for k in sigs)
    assert [s.signer for s in (person, number, day, centre)] == [
        "Phạm Quốc Toản", "Văn phòng UBND thành phố Hà Nội", "Văn phòng UBND thành phố Hà Nội",
        "TRUNG TÂM TIN HỌC - CÔNG BÁO",
    ]
    assert [s.subfilter for s in (person, number, day, centre)] == [
        "ETSI.CAdES.detached", "ETSI.CAdES.detached", "ETSI.CAdES.detached", "adbe.pkcs7.detached"
    ]
    assert all(s.intact is True and s.errors == [] for s in sigs.values())
    assert all(s.source == "signature_dict" for s in sigs.values())
    # each earlier signature covers its revision; the later revisions only add signatures
    assert [(s.coverage, s.modified_after) for s in (person, number, day)] == [
        ("revision", "annotations")
    ] * 3
    assert (centre.coverage, centre.modified_after) == ("whole_file", "none")
    # the invisible signature has no box; the visible ones have theirs
    assert person.bbox is None and centre.bbox is not None and centre.page == 1
    # PAdES has no CMS signing time; adbe.pkcs7 has one, equal to /M here
    assert person.cms_signed_at is None
    assert centre.cms_signed_at is not None
    assert abs((centre.cms_signed_at - centre.signed_at).total_seconds()) <= 1
    assert centre.time_conflict is None
    # the timestamp token of the local TSA: a time, right after signing
    assert centre.timestamp_at is not None and person.timestamp_at is None
    assert 0 <= (centre.timestamp_at - centre.signed_at).total_seconds() < 60
    assert centre.email == "ttcb@hanoi.gov.vn"
    assert centre.stamp_text.startswith("TRUNG TÂM TIN HỌC - CÔNG BÁO | ttcb@hanoi.gov.vn | ")
    # the personal signature's /Name agrees with its certificate
    assert person.organisation == "VĂN PHÒNG UBND THÀNH PHỐ HÀ NỘI"
    assert person.signed_at <= number.signed_at <= day.signed_at <= centre.signed_at


def test_tampered_bytes_make_the_signature_not_intact_but_keep_the_document():
    rec = process_file(SIGNED / "qd-ubnd-tampered.pdf")
    assert rec.status.value == "ok" and rec.code == "256/QĐ-UBND"
    (sig,) = rec.signatures
    assert sig.intact is False
    assert sig.signer == "Ủy ban nhân dân tỉnh Lâm Đồng" and sig.signed_at is not None
    assert sig.errors == ["the signed bytes were changed: their digest no longer matches"]
    assert any("could not be fully read or verified" in w for w in rec.warnings)


def test_corrupt_signature_blob_is_an_error_on_the_signature_only():
    rec = process_file(SIGNED / "qd-ubnd-corrupt.pdf")
    assert rec.status.value == "ok" and rec.code == "256/QĐ-UBND"
    assert rec.signer_name == "Nguyễn Văn Bình"  # the text is read as without a signature
    (sig,) = rec.signatures
    assert sig.signer is None and sig.intact is None
    assert sig.signed_at is not None  # /M is in the dictionary, outside the blob
    assert len(sig.errors) == 1 and sig.errors[0].startswith("the CMS signature cannot be read")


def test_a_byte_range_past_the_end_of_the_file_is_an_error_not_a_crash():
    data = (SIGNED / "qd-ubnd-tampered.pdf").read_bytes()
    m = re.search(rb"/ByteRange\s*\[\s*0 (\d+) (\d+) (\d+)\s*\]", data)
    last = m.group(3)
    longer = b"9" * len(last)  # same length: the file's offsets stay right
    broken = data[: m.start(3)] + longer + data[m.end(3):]
    rec = process_bytes("broken.pdf", broken)
    assert rec.status.value != "failed" and rec.code == "256/QĐ-UBND"
    (sig,) = rec.signatures
    assert sig.errors == ["/ByteRange reaches past the end of the file"]
    assert sig.intact is None and sig.signed_at is not None
    assert sig.signer == "Ủy ban nhân dân tỉnh Lâm Đồng"  # the blob itself is still read


@pytest.mark.skipif(importlib.util.find_spec("uharfbuzz") is None,
                    reason="pyhanko[opentype] is not installed")
def test_freshly_signed_letter(tmp_path, monkeypatch):
    """The fixture maker still works with this pyHanko, and what it signs now reads back."""
    import sys

    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    sys.modules.pop("make_signed_samples", None)
    import make_signed_samples as maker

    font = maker._font_file(tmp_path)
    before = dt.datetime.now(UTC).replace(microsecond=0)
    rec = process_bytes("fresh.pdf", maker.stamped_letter(font))
    assert rec.code == "127/TB-VP" and rec.issue_date == dt.date(2025, 9, 15)
    assert len(rec.signatures) == 4
    for sig in rec.signatures:
        assert sig.intact is True
        assert before - dt.timedelta(seconds=2) <= sig.signed_at <= dt.datetime.now(UTC)
