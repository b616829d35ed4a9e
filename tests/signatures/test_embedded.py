"""PDF signatures on letters signed here (samples/signed, made by scripts/make_signed_samples.py
with self-signed certificates and a local test TSA), and the stamp parser, row by row.

The whole records of these files are also golden samples (tests/test_golden.py); the tests
here say what each case is about, so that a golden diff can be judged.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re

import pytest

from extractors.signatures import describe_conflict, parse_stamp
from pipeline.api import ingest, read_dataset
from pipeline.cli import main
from pipeline.signatures.embedded import parse_pdf_date
from pipeline.runner import process_bytes, process_file
from tests.conftest import ROOT, SAMPLES

SIGNED = SAMPLES / "signed"
UTC = dt.timezone.utc
VN = dt.timezone(dt.timedelta(hours=7))


def by_field(rec):
    return {s.field: s for s in rec.signatures}


def test_stamped_letter_gets_number_and_day_from_the_widgets():
    rec = process_file(SIGNED / "tb-vp-stamped.pdf")
    assert rec.status.value == "ok"
    assert (rec.number, rec.symbol, rec.code) == ("127", "TB-VP", "127/TB-VP")
    assert rec.issue_date == dt.date(2025, 9, 15)
    for name in ("number", "code", "issue_date"):
        assert rec.provenance[name].source == "signature_widget"
    sigs = by_field(rec)
    assert list(sigs) == ["SignService-Signature", "Signature1", "Signature2", "Signature3"]
    assert sigs["Signature1"].fills == "number" and sigs["Signature1"].stamp_text == "127"
    assert sigs["Signature2"].fills == "day" and sigs["Signature2"].stamp_text == "15"
    # nothing the widgets draw reaches the text fields
    assert "TRUNG TÂM" not in (rec.subject or "") and "127" not in (rec.subject or "")


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


def test_letter_changed_after_signing_is_flagged():
    rec = process_file(SIGNED / "cv-sxd-modified.pdf")
    (sig,) = rec.signatures
    assert sig.signer == "Trần Thị Mai" and sig.intact is True
    assert (sig.coverage, sig.modified_after) == ("revision", "content")
    assert any("changed after signature" in w for w in rec.warnings)
    assert rec.status.value == "ok" and rec.code == "1204/SXD-QLN"
    # the stamp text gives what the certificate lacks; the certificate wins where both say
    assert sig.stamp_text.startswith("Ký bởi: Trần Thị Mai | Cơ quan: Sở Xây dựng tỉnh Bình Định")
    assert sig.organisation == "SỞ XÂY DỰNG TỈNH BÌNH ĐỊNH"


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


def test_signatures_table_and_show(tmp_path, capsys):
    report = ingest([SIGNED], tmp_path / "ds", workers=1)
    assert report.processed == 4
    sigs = read_dataset(tmp_path / "ds", "signatures")
    assert len(sigs) == 7
    assert {"doc_id", "signer", "signed_at", "source", "field", "organisation", "subfilter",
            "intact", "timestamp_at", "page", "coverage", "modified_after"} <= set(sigs.columns)
    docs = read_dataset(tmp_path / "ds")
    assert set(sigs["doc_id"]) == set(docs["doc_id"])
    stamped = sigs[sigs["source_path"].str.endswith("tb-vp-stamped.pdf")]
    assert sorted(stamped["field"]) == ["SignService-Signature", "Signature1", "Signature2",
                                        "Signature3"]
    assert stamped["intact"].tolist() == [True] * 4

    assert main(["show", str(SIGNED / "tb-vp-stamped.pdf")]) == 0
    out = capsys.readouterr().out
    assert "signatures (4):" in out
    assert "4. Signature3, page 1" in out and "timestamp token:" in out
    assert "stamps the number of the letter" in out
    assert main(["show", str(SIGNED / "qd-ubnd-corrupt.pdf")]) == 0
    assert "error: the CMS signature cannot be read" in capsys.readouterr().out
    assert main(["show", "--no-signatures", str(SIGNED / "tb-vp-stamped.pdf")]) == 0
    out = capsys.readouterr().out
    assert "signatures (" not in out and "code: /TB-VP" in out


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


# ------------------------------------------------------------------ stamp text, row by row

STAMPS = [
    (["Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "Cơ quan: Tỉnh Quảng Ngãi",
      "Thời gian ký: 07/01/2025 10:09:57"],
     ("Ủy ban nhân dân tỉnh Quảng Ngãi", "Tỉnh Quảng Ngãi", None,
      dt.datetime(2025, 1, 7, 10, 9, 57, tzinfo=VN))),
    (["Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "Email: thongtinchinhphu@chinhphu.vn",
      "Cơ quan: VĂN PHÒNG CHÍNH PHỦ", "Thời gian ký: 13.09.2024 16:49:11 +07:00"],
     ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "VĂN PHÒNG CHÍNH PHỦ", "thongtinchinhphu@chinhphu.vn",
      dt.datetime(2024, 9, 13, 16, 49, 11, tzinfo=VN))),
    # no cue words; the name and the e-mail wrap over lines
    (["TRUNG TÂM CÔNG", "BÁO VÀ TIN HỌC", "ttcbth@quangngai.gov.v", "n", "21.01.2025 09:27:35",
      "+07:00"],
     ("TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", None, "ttcbth@quangngai.gov.vn",
      dt.datetime(2025, 1, 21, 9, 27, 35, tzinfo=VN))),
    (["Trung tâm Công báo và Tin học", "ttcbth@quangngai.gov.vn", "21.03.2018 16:41:00 +07:00"],
     ("Trung tâm Công báo và Tin học", None, "ttcbth@quangngai.gov.vn",
      dt.datetime(2018, 3, 21, 16, 41, tzinfo=VN))),
    # a stamp in UTC
    (["TRUNG TÂM TIN HỌC - CÔNG BÁO", "ttcb@hanoi.gov.vn", "22.11.2026 06:15:22 +0000"],
     ("TRUNG TÂM TIN HỌC - CÔNG BÁO", None, "ttcb@hanoi.gov.vn",
      dt.datetime(2026, 11, 22, 6, 15, 22, tzinfo=UTC))),
    # a stamped number is not a signer
    (["   11"], (None, None, None, None)),
    ([], (None, None, None, None)),
]


@pytest.mark.parametrize("lines,expected", STAMPS, ids=range(len(STAMPS)))
def test_parse_stamp(lines, expected):
    s = parse_stamp(lines)
    assert (s.signer, s.organisation, s.email, s.time) == expected


M = dt.datetime(2025, 1, 9, 10, 21, 11, tzinfo=VN)


@pytest.mark.parametrize("cms,expected", [
    (None, None),
    (M, None),
    (M + dt.timedelta(seconds=90), None),  # within the tolerance
    (M.replace(tzinfo=UTC), "same wall-clock time in different zones (+7 h)"),
    (M.replace(tzinfo=UTC) + dt.timedelta(seconds=2), "same wall-clock time in different zones"),
    (M + dt.timedelta(minutes=42), "differ by 0:42:00"),
])
def test_describe_conflict(cms, expected):
    got = describe_conflict(M, cms, 120)
    assert (got is None) if expected is None else (expected in got)


@pytest.mark.parametrize("raw,expected", [
    ("D:20250109100916+07'00'", dt.datetime(2025, 1, 9, 10, 9, 16, tzinfo=VN)),
    ("D:20261122061522Z", dt.datetime(2026, 11, 22, 6, 15, 22, tzinfo=UTC)),
    ("D:20240913164911+07'00", dt.datetime(2024, 9, 13, 16, 49, 11, tzinfo=VN)),
    ("D:2025", dt.datetime(2025, 1, 1, tzinfo=UTC)),
    ("D:20251340", None),
    ("yesterday", None),
    (None, None),
])
def test_parse_pdf_date(raw, expected):
    assert parse_pdf_date(raw) == expected
