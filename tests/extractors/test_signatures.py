"""The signatures and stamped extractors on the signed samples, and the stamp parser, row by
row: what a widget's text says, when its times disagree, and which blank of the letter each
widget fills."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.signatures import ISO, describe_conflict, parse_stamp, to_datetime
from pipeline.api import ingest, read_dataset
from pipeline.cli import main
from pipeline.rules import rules
from pipeline.runner import process_file
from tests.conftest import SAMPLES

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


# a stamp's time in each zone spelling; the stamp grammar (rules' stamp_time) and ISO lines
# take +hh:mm, +hhmm, +hh and Z, and a time without a zone is Vietnam time
STAMP_TIMES = [
    ("09.01.2025 10:21:11 +07:00", dt.datetime(2025, 1, 9, 10, 21, 11, tzinfo=VN)),
    ("09.01.2025 10:21:11 +0700", dt.datetime(2025, 1, 9, 10, 21, 11, tzinfo=VN)),
    ("09.01.2025 03:21:11 Z", dt.datetime(2025, 1, 9, 3, 21, 11, tzinfo=UTC)),
    ("08.01.2025 22:21:11 -05:00",
     dt.datetime(2025, 1, 8, 22, 21, 11, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    ("09.01.2025 10:21:11", dt.datetime(2025, 1, 9, 10, 21, 11, tzinfo=VN)),
    ("09/01/2025 10:21", dt.datetime(2025, 1, 9, 10, 21, tzinfo=VN)),
    ("31.02.2025 10:21:11 +07:00", None),  # no such day
    ("08.01.2025 22:21:11 -05",
     dt.datetime(2025, 1, 8, 22, 21, 11, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
]


@pytest.mark.parametrize("text,expected", STAMP_TIMES, ids=range(len(STAMP_TIMES)))
def test_stamp_times(text, expected):
    got = to_datetime(rules().stamp_time.search(text))
    assert got == expected
    assert got is None or got.utcoffset() == expected.utcoffset()


ISO_TIMES = [
    ("2021-05-06T13:40:32+0700", dt.datetime(2021, 5, 6, 13, 40, 32, tzinfo=VN)),
    ("2021-05-06T13:40:32+07:00", dt.datetime(2021, 5, 6, 13, 40, 32, tzinfo=VN)),
    ("2021-05-06T06:40:32Z", dt.datetime(2021, 5, 6, 6, 40, 32, tzinfo=UTC)),
    ("2021-05-06 01:40:32-0500",
     dt.datetime(2021, 5, 6, 1, 40, 32, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    ("2021-05-06T13:40:32", dt.datetime(2021, 5, 6, 13, 40, 32, tzinfo=VN)),
    ("2021-05-06T01:40:32-05",
     dt.datetime(2021, 5, 6, 1, 40, 32, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
]


@pytest.mark.parametrize("text,expected", ISO_TIMES, ids=range(len(ISO_TIMES)))
def test_iso_times(text, expected):
    got = to_datetime(ISO.fullmatch(text))
    assert got == expected and got.utcoffset() == expected.utcoffset()


def test_a_stamp_zone_that_is_no_zone_gives_no_time():
    assert to_datetime(rules().stamp_time.search("09.01.2025 10:21:11 +25:00")) is None
