"""``vanthu ingest`` as cron sees it: exit codes 0, 1, 2 and 3, ``--quiet``, ``--log-json``."""

from __future__ import annotations

import json
import shutil

import filelock

from pipeline.cli import main
from tests.conftest import SAMPLES

GOOD = SAMPLES / "generated" / "cv-sxd-1204.txt"


def _folder(tmp_path, *, bad: bool = False):
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    shutil.copyfile(GOOD, src / "good.txt")
    if bad:
        (src / "empty.pdf").write_bytes(b"")
    return src


def test_exit_0_when_all_is_well_and_quiet_prints_nothing(tmp_path, capsys):
    src = _folder(tmp_path)
    assert main(["ingest", str(src), "--out", str(tmp_path / "ds"), "--quiet"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert main(["ingest", str(src), "--out", str(tmp_path / "ds")]) == 0
    assert "1 input files: 0 new, 0 changed, 0 moved, 1 unchanged" in capsys.readouterr().out


def test_exit_1_for_failed_documents_and_again_the_next_night(tmp_path, capsys):
    src = _folder(tmp_path, bad=True)
    out = str(tmp_path / "ds")
    assert main(["ingest", str(src), "--out", out, "--no-progress"]) == 1
    assert f"FAILED {src / 'empty.pdf'}: the file is empty" in capsys.readouterr().err
    assert main(["ingest", str(src), "--out", out, "--no-progress"]) == 1  # retried, not done
    assert "1 retried" in capsys.readouterr().out


def test_exit_2_when_the_run_cannot_start(tmp_path, capsys):
    src = _folder(tmp_path)
    out = tmp_path / "ds"
    # a misspelt folder among good ones: nothing is done
    assert main(["ingest", str(src), str(tmp_path / "nosuch"), "--out", str(out)]) == 2
    assert "nosuch: no such file or folder" in capsys.readouterr().err
    assert not out.exists()
    (tmp_path / "empty").mkdir()
    assert main(["ingest", str(tmp_path / "empty"), "--out", str(out)]) == 2
    assert main(["ingest", str(src), "--out", str(out), "--workers", "-1"]) == 2
    assert "--workers must be 1 or more" in capsys.readouterr().err
    assert main(["ingest", str(src)]) == 2  # argparse: --out is required


def test_exit_3_when_another_run_holds_the_lock(tmp_path, capsys):
    src = _folder(tmp_path)
    out = tmp_path / "ds"
    out.mkdir()
    (out / ".lock-holder").write_text(json.dumps(
        {"run_id": "20261202T010000Z-abc123", "pid": 4242, "host": "may-chu",
         "started": "2026-12-02T01:00:00"}), "utf-8")
    with filelock.FileLock(str(out / ".lock")):
        assert main(["ingest", str(src), "--out", str(out)]) == 3
        err = capsys.readouterr().err.strip().splitlines()
        assert err == ["vanthu: the dataset is locked by run 20261202T010000Z-abc123 "
                       "(pid 4242 on may-chu, since 2026-12-02T01:00:00)"]
    assert main(["ingest", str(src), "--out", str(out), "--quiet"]) == 0


def test_log_json_gives_one_line_per_document_and_one_per_run(tmp_path, capsys):
    src = _folder(tmp_path, bad=True)
    assert main(["ingest", str(src), "--out", str(tmp_path / "ds"), "--log-json",
                 "--quiet"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    docs = [x for x in lines if x["event"] == "document"]
    assert sorted((d["path"].rsplit("/", 1)[-1], d["status"]) for d in docs) == [
        ("empty.pdf", "failed"), ("good.txt", "ok")]
    (run,) = [x for x in lines if x["event"] == "run"]
    assert (run["exit_code"], run["seen"], run["new"], run["processed"]) == (1, 2, 2, 2)
    assert run["state"] == "complete"


# ---------------------------------------------------------------------------- reading back

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from importlib.metadata import version  # noqa: E402

import pymupdf  # noqa: E402
import pytest  # noqa: E402

PDF = SAMPLES / "generated" / "cv-sxd-1204.pdf"
BLANK = SAMPLES / "generated" / "tb-vp-blank.pdf"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """Three documents under a long folder name: a letter, a notice with no date, an empty
    file that fails."""
    src = tmp_path_factory.mktemp("in") / "luu-tru-so-xay-dung-2025-quy-1-cong-van-den"
    src.mkdir()
    shutil.copyfile(PDF, src / "cv-sxd-1204.pdf")
    shutil.copyfile(BLANK, src / "tb-vp-blank.pdf")
    (src / "empty.pdf").write_bytes(b"")
    out = tmp_path_factory.mktemp("ds") / "ds"
    assert main(["ingest", str(src), "--out", str(out), "--quiet", "--no-progress"]) == 1
    return out, src


def test_summary_fits_the_terminal_and_keeps_names_whole(dataset, capsys, monkeypatch):
    out, src = dataset
    for width in (60, 100):
        monkeypatch.setenv("COLUMNS", str(width))
        assert main(["summary", str(out)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert max(len(line) for line in lines) <= width
        head = next(i for i, line in enumerate(lines) if line.startswith("path "))
        # the shared folder, said once (folded when longer than the terminal)
        assert "".join(lines[:head]).replace(" ", "") == f"pathsunder{src}{os.sep}"
        rows = lines[head + 1:lines.index("")]
        # the names are whole: on their line, or folded over two, never cut
        assert "".join(line.split()[0] for line in rows) == \
            "cv-sxd-1204.pdfempty.pdftb-vp-blank.pdf"
        if width == 100:
            assert [line.split()[0] for line in rows] == [
                "cv-sxd-1204.pdf", "empty.pdf", "tb-vp-blank.pdf"]
        # a status, a code or a date shortened would say nothing: they stay whole
        text = "\n".join(rows)
        assert "1204/SXD-QLN" in text and "2025-03-15" in text and "failed" in text


def test_version_is_the_installed_one(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"vanthu {version('vanthu')}\n"


def test_a_closed_pipe_stops_the_output_quietly(dataset):
    out, _ = dataset
    read, write = os.pipe()
    os.close(read)  # like `| head` that has already left
    for command in (["summary", str(out)], ["show", str(out), "cv-sxd-1204.pdf"]):
        proc = subprocess.run([sys.executable, "-m", "pipeline.cli", *command],
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
        assert proc.stderr == ""
        assert proc.returncode == 141
    os.close(write)


def test_reading_a_missing_dataset_is_an_error(tmp_path, capsys):
    for command in (["summary"], ["list"], ["show", "x"] and ["show"]):
        args = [*command, str(tmp_path / "nosuch")] + (["cv.pdf"] if command == ["show"]
                                                       else [])
        assert main(args) == 2
        assert "nosuch is not a dataset" in capsys.readouterr().err


def test_list_by_status_empty_field_and_confidence(dataset, capsys, monkeypatch):
    out, _ = dataset
    monkeypatch.setenv("COLUMNS", "160")
    assert main(["list", str(out), "--status", "failed"]) == 0
    text = capsys.readouterr().out
    assert "empty.pdf" in text and "cv-sxd-1204" not in text and "1 of 3 documents" in text
    assert main(["list", str(out), "--empty", "issue_date", "--status", "ok"]) == 0
    text = capsys.readouterr().out
    assert "tb-vp-blank.pdf" in text and "cv-sxd-1204" not in text
    assert "issue_date empty" in text
    assert main(["list", str(out), "--below", "1.0"]) == 0
    text = capsys.readouterr().out
    # doc_type is read at 0.95 from the subject line of both letters
    assert "cv-sxd-1204.pdf" in text and "doc_type 0.95" in text
    assert main(["list", str(out), "--below", "0.5"]) == 0
    assert "0 of 3 documents" in capsys.readouterr().out
    assert main(["list", str(out), "--empty", "nosuch"]) == 2


def test_show_reads_the_stored_record(dataset, capsys):
    out, src = dataset
    assert main(["show", str(out), "cv-sxd-1204.pdf"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == str(src / "cv-sxd-1204.pdf")
    assert "  code: 1204/SXD-QLN\n      ↳ page 1 box (" in text
    assert "'Số: 1204/SXD-QLN'" in text
    assert main(["show", str(out), "empty.pdf"]) == 1  # a failed record says why
    assert "error: the file is empty" in capsys.readouterr().out
    assert main(["show", str(out), "nosuch.pdf"]) == 1
    assert "no document 'nosuch.pdf'" in capsys.readouterr().err
    assert main(["show", str(out), "cv-sxd-1204.pdf", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == "1204/SXD-QLN"
    assert {p["field"] for p in data["provenance"]} >= {"code", "signer_name"}


def test_crop_cuts_the_box_of_a_field_out_of_its_page(dataset, tmp_path, capsys):
    out, _ = dataset
    png = tmp_path / "code.png"
    assert main(["crop", str(out), "cv-sxd-1204.pdf", "code", "--out", str(png),
                 "--zoom", "2", "--margin", "4"]) == 0
    said = capsys.readouterr().out
    box = [float(v) for v in said.split("box (")[1].split(")")[0].split(", ")]
    pix = pymupdf.Pixmap(str(png))
    # the box plus the margin, two pixels a point
    assert abs(pix.width - (box[2] - box[0] + 8) * 2) <= 4
    assert abs(pix.height - (box[3] - box[1] + 8) * 2) <= 4
    # the text of "Số: 1204/SXD-QLN" is in it: dark pixels, not a blank strip
    samples = pix.samples
    dark = sum(1 for i in range(0, len(samples), pix.n) if samples[i] < 100)
    assert dark > 50
    assert main(["crop", str(out), "tb-vp-blank.pdf", "issue_date", "--out",
                 str(tmp_path / "x.png")]) == 1
    assert "has no value for issue_date" in capsys.readouterr().err
