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
