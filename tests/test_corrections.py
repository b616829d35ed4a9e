"""Corrections that last: stored once, laid over every read, kept through re-runs and
reprocessing, flagged when the value they corrected is extracted differently later."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from pipeline.api import connect, ingest, read_dataset
from pipeline.cli import main
from pipeline.corrections import CorrectionError, correct, corrections
from tests.conftest import SAMPLES

LETTER = SAMPLES / "generated" / "cv-sxd-1204.txt"
BLANK = SAMPLES / "generated" / "tb-vp-blank.txt"


@pytest.fixture
def dataset(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(LETTER, src / "cv-sxd-1204.txt")
    shutil.copyfile(BLANK, src / "tb-vp-blank.txt")
    out = tmp_path / "ds"
    ingest([src], out, workers=1, executor="serial")
    return out, src


def _doc(out, name):
    docs = read_dataset(out)
    return docs[docs["source_path"].str.endswith(name)].iloc[0]


def _field(out, name, field):
    f = read_dataset(out, "fields")
    return f[f["source_path"].str.endswith(name) & (f["field"] == field)].iloc[0]


def test_a_correction_is_read_back_with_manual_provenance(dataset):
    out, _ = dataset
    extracted = _field(out, "cv-sxd-1204.txt", "signer_name")
    assert extracted["value"] == json.dumps("Trần Thị Mai", ensure_ascii=False)
    row = correct(out, "cv-sxd-1204.txt", "signer_name", "Trần Thị Mai Anh", who="lan")
    assert row["old_value"] == extracted["value"] and row["who"] == "lan"
    assert _doc(out, "cv-sxd-1204.txt")["signer_name"] == "Trần Thị Mai Anh"
    got = _field(out, "cv-sxd-1204.txt", "signer_name")
    assert json.loads(got["value"]) == "Trần Thị Mai Anh"
    assert got["source"] == "manual" and got["confidence"] == 1.0
    assert got["extractor"].startswith("correction by lan at ")
    assert got["text"] == extracted["text"]  # where it was read stays to check against
    # the SQL face reads the same corrected tables
    assert connect(out).sql("SELECT signer_name FROM documents WHERE source_path LIKE "
                            "'%cv-sxd-1204.txt'").fetchall() == [("Trần Thị Mai Anh",)]
    # the other document is untouched
    assert _doc(out, "tb-vp-blank.txt")["signer_name"] == "Phạm Quốc Toản"


def test_an_empty_value_is_filled_with_its_type(dataset):
    out, _ = dataset
    assert pd_isna(_doc(out, "tb-vp-blank.txt")["issue_date"])
    correct(out, "tb-vp-blank.txt", "issue_date", "2025-04-01", who="lan")
    assert _doc(out, "tb-vp-blank.txt")["issue_date"] == dt.datetime(2025, 4, 1)
    got = _field(out, "tb-vp-blank.txt", "issue_date")
    assert got["source"] == "manual" and json.loads(got["value"]) == "2025-04-01"
    correct(out, "tb-vp-blank.txt", "recipients", "UBND tỉnh Hà Nam; Sở Tài chính", who="lan")
    assert list(_doc(out, "tb-vp-blank.txt")["recipients"]) == ["UBND tỉnh Hà Nam",
                                                               "Sở Tài chính"]


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_a_correction_survives_a_rerun_and_a_reprocessing(dataset):
    out, src = dataset
    correct(out, "cv-sxd-1204.txt", "code", "1204/SXD-QLĐT", who="lan")
    ingest([src], out, workers=1, executor="serial")  # nothing changed
    assert _doc(out, "cv-sxd-1204.txt")["code"] == "1204/SXD-QLĐT"
    report = ingest([src], out, workers=1, executor="serial", reprocess="all")
    assert report.processed == 2  # the rows were written again from the file
    assert _doc(out, "cv-sxd-1204.txt")["code"] == "1204/SXD-QLĐT"
    (made,) = corrections(out).to_dict("records")
    assert made["state"] == "applied"


def test_a_changed_extraction_flags_the_correction_for_review(dataset):
    out, src = dataset
    correct(out, "cv-sxd-1204.txt", "code", "1204/SXD-QLĐT", who="lan")
    path = src / "cv-sxd-1204.txt"
    path.write_text(path.read_text("utf-8").replace("1204/SXD-QLN", "1250/SXD-QLN"), "utf-8")
    report = ingest([src], out, workers=1, executor="serial")
    assert report.changed == 1
    assert _doc(out, "cv-sxd-1204.txt")["code"] == "1204/SXD-QLĐT"  # kept, not dropped
    (made,) = corrections(out).to_dict("records")
    assert made["state"] == "review"
    assert json.loads(made["extracted"]) == "1250/SXD-QLN"
    assert json.loads(made["old_value"]) == "1204/SXD-QLN"
    assert "REVIEW: extracted \"1250/SXD-QLN\" now" in _field(out, "cv-sxd-1204.txt",
                                                                "code")["extractor"]


def test_the_latest_correction_wins_and_reading_an_earlier_time_skips_it(dataset):
    out, _ = dataset
    before = dt.datetime.now(dt.timezone.utc)
    correct(out, "cv-sxd-1204.txt", "subject", "Về việc rà soát nhà ở", who="lan")
    correct(out, "cv-sxd-1204.txt", "subject", "V/v rà soát nhà ở xã hội", who="minh")
    assert _doc(out, "cv-sxd-1204.txt")["subject"] == "V/v rà soát nhà ở xã hội"
    assert list(corrections(out)["state"]) == ["replaced", "applied"]
    old = read_dataset(out, as_of=before)
    assert old[old["source_path"].str.endswith("cv-sxd-1204.txt")].iloc[0]["subject"] \
        != "V/v rà soát nhà ở xã hội"


def test_bad_corrections_say_why(dataset):
    out, _ = dataset
    with pytest.raises(CorrectionError, match="'status' cannot be corrected"):
        correct(out, "cv-sxd-1204.txt", "status", "ok")
    with pytest.raises(CorrectionError, match="issue_date takes a date32"):
        correct(out, "cv-sxd-1204.txt", "issue_date", "15/03/2025")
    with pytest.raises(CorrectionError, match="no document 'nosuch.txt'"):
        correct(out, "nosuch.txt", "code", "1/UBND")
    assert corrections(out).empty


def test_the_command_line_corrects_and_lists(dataset, capsys, monkeypatch):
    out, _ = dataset
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["correct", str(out), "cv-sxd-1204.txt", "place", "TP. Quy Nhơn",
                 "--who", "lan"]) == 0
    assert '"Bình Định" -> "TP. Quy Nhơn" (by lan)' in capsys.readouterr().out
    assert main(["correct", str(out), "cv-sxd-1204.txt", "status", "ok"]) == 1
    assert "cannot be corrected" in capsys.readouterr().err
    assert main(["corrections", str(out)]) == 0
    text = capsys.readouterr().out
    assert "cv-sxd-1204.txt" in text and "applied" in text
    assert "1 corrections, 0 to review" in text
    assert main(["corrections", str(out), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["field"], row["who"], row["state"]) == ("place", "lan", "applied")
