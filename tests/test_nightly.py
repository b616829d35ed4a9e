"""The nightly run under the worst an unattended machine does to it: killed with SIGKILL (the
whole group, or only the parent) or stopped with SIGTERM at several moments, then run again,
gives the same tables as one clean run, row by row, leaves no worker and no litter; two runs
at once: one of them exits 3; a disk that fills up or a table folder that turns read-only
stops the run with one line, the last complete run still read, and the next run finishes."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pipeline import read_dataset
from pipeline.sinks import open_sink
from tests.conftest import ROOT, SAMPLES

N_FILES = 240


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """N_FILES letters made from the text samples, each with bytes of its own."""
    src = tmp_path_factory.mktemp("archive")
    texts = sorted((SAMPLES / "generated").glob("*.txt")) + sorted(
        (SAMPLES / "seeds").glob("*.txt"))
    for i in range(N_FILES):
        base = texts[i % len(texts)].read_text("utf-8")
        folder = src / f"{2020 + i % 5}" / f"thang-{i % 12 + 1:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"cv-{i:04d}.txt").write_text(base + f"\nBản sao số {i}.\n", "utf-8")
    return src


def _start(src, out, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(src), "--out", str(out),
         "--workers", "2", "--batch-size", "15", "--quiet", *extra],
        cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})})


def _tables(out) -> dict[str, list]:
    def rows(table: str, drop: tuple[str, ...] = ()) -> list:
        df = read_dataset(out, table).drop(columns=list(drop))
        return sorted(tuple(repr(v) for v in row)
                      for row in df.itertuples(index=False, name=None))

    return {
        "documents": rows("documents", ("ingested_at",)),
        "fields": rows("fields"),
        "signatures": rows("signatures"),
        "pages": rows("pages"),
        "tasks": rows("tasks"),
        "links": rows("links"),
        "checks": rows("checks"),
        "files": rows("files", ("first_seen", "last_seen", "run_id", "deleted_at")),
    }


@pytest.fixture(scope="module")
def clean(archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("clean") / "ds"
    start = time.monotonic()
    proc = _start(archive, out)
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    return _tables(out), time.monotonic() - start


def _commits(table) -> int:
    return len(list((table / "_delta_log").glob("*.json")))


def _wait_for_commits(table, n: int, proc: subprocess.Popen) -> None:
    """Until ``n`` more commits of ``table`` than now (the run is then mid-way)."""
    before = _commits(table) if table.exists() else 1  # creating the table is a commit
    deadline = time.monotonic() + 120
    while (not table.exists() or _commits(table) < before + n) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def _wait_for_holder(out, proc: subprocess.Popen) -> None:
    """Until the lock holder file names ``proc`` (it then holds the dataset's lock)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            if json.loads((out / ".lock-holder").read_text("utf-8"))["pid"] == proc.pid:
                return
        except (OSError, ValueError, KeyError):
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "the run never held it"
        time.sleep(0.01)


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def test_killed_at_several_moments_then_run_again_equals_one_clean_run(archive, clean,
                                                                        tmp_path):
    expected, _ = clean
    out = tmp_path / "ds"
    # each moment: the table whose next commits are waited for, how many, how the run ends
    kills = [("documents", 2, "group"), ("fields", 2, "parent"), ("files", 1, "term"),
             ("signatures", 3, "group")]
    for table, commits, how in kills:
        proc = _start(archive, out)
        _wait_for_commits(out / table, commits, proc)
        family = _descendants(proc.pid)
        if how == "group":
            os.killpg(proc.pid, signal.SIGKILL)
        elif how == "parent":
            os.kill(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        code = proc.wait(timeout=60)
        assert code in ((-signal.SIGKILL,) if how != "term" else (2, 0)), (how, code)
        _, alive = psutil.wait_procs(family, timeout=15)
        assert alive == [], f"left behind after a {how} kill: {alive}"
        if how == "term" and code == 2:  # stopped: what it made is committed, and said
            stopped = [r for r in open_sink(out).runs().to_pylist()
                       if r["state"] == "interrupted"][-1]
            files = open_sink(out).read_latest("files").to_pylist()
            mine = [f for f in files if f["run_id"] == stopped["run_id"]]
            assert stopped["processed"] > 0 and len(mine) == stopped["processed"]
            log = json.loads((out / "_runs" / f"{stopped['run_id']}.json").read_text("utf-8"))
            assert log["state"] == "interrupted"
    last = _start(archive, out)
    assert last.wait(timeout=300) == 0, last.stderr.read().decode()
    got = _tables(out)
    for name in expected:
        assert set(got[name]) ^ set(expected[name]) == set(), name
        assert len(got[name]) == len(expected[name]), name
    sink = open_sink(out)
    assert sink.sweep() == []  # nothing a killed run wrote is left lying around
    assert not list((out / "_runs").glob(".*"))
    # each run killed with -9 is said so in its log by the run after it, none left "running"
    states = [json.loads(f.read_text("utf-8"))["state"] for f in (out / "_runs").glob("*.json")]
    assert "running" not in states
    assert states.count("killed") == sum(how != "term" for _, _, how in kills)


def test_two_runs_at_once_one_exits_3(archive, tmp_path):
    out = tmp_path / "ds"
    first = _start(archive, out)
    _wait_for_holder(out, first)
    second = _start(archive, out)
    assert second.wait(timeout=60) == 3
    err = second.stderr.read().decode()
    assert err.startswith("vanthu: the dataset is locked by run ") and err.count("\n") == 1
    assert f"pid {first.pid}" in err
    assert first.wait(timeout=300) == 0
    assert _start(archive, out).wait(timeout=120) == 0  # the lock went with its run


# ---------------------------------------------------------------- a full disk, a read-only table


def _mount(*args: str) -> None:
    proc = subprocess.run(["mount", *args], capture_output=True, text=True)
    if proc.returncode:
        why = (proc.stderr.strip().splitlines() or ["refused"])[0]
        pytest.skip(f"mounting a file system is not permitted here ({why}): "
                    "the full-disk and read-only tests need root (CAP_SYS_ADMIN)")


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MiB tmpfs of its own, so the test can fill it without filling the machine's."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command: the full-disk tests need one")
    _mount("-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk))
    yield disk
    subprocess.run(["umount", "-R", "-l", str(disk)], check=False)


def _fill(disk, leave_mib: float):
    """A file taking all the space of ``disk`` but ``leave_mib``."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        have = os.fstat(fd).st_size
        more = shutil.disk_usage(disk).free - int(leave_mib * (1 << 20))
        if more > 0:
            os.posix_fallocate(fd, have, more)
    finally:
        os.close(fd)
    return filler


def _halves(archive, tmp_path):
    """The archive's first half in a folder of its own, and a function adding the rest."""
    src = tmp_path / "in"
    files = sorted(archive.rglob("*.txt"))

    def copy(part):
        for f in part:
            (src / f.relative_to(archive)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, src / f.relative_to(archive))

    copy(files[: len(files) // 2])
    return src, lambda: copy(files[len(files) // 2:])


def _assert_stopped_cleanly(proc: subprocess.Popen, out, before: dict, cause: str) -> str:
    """Exit 2 with one line naming ``cause``, the last complete run read as it was, no
    data file or log that no commit names, the lock free. Returns the line."""
    code = proc.wait(timeout=300)
    err = proc.stderr.read().decode()
    lines = [line for line in err.splitlines() if line.startswith("vanthu:")]
    assert code == 2, err
    assert len(lines) == 1 and cause in lines[0], err
    assert err.rstrip("\n").endswith(lines[0]), err  # the last word, not a crash's traceback
    assert _tables(out) == before
    assert open_sink(out).sweep() == []  # every data file is named by a commit
    assert not [p.name for p in out.rglob("*.tmp")]
    assert not list((out / "_runs").glob(".*"))
    fd = os.open(out / ".lock", os.O_RDONLY)  # read-only: the file system may be
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # not held: the run let go of it
    finally:
        os.close(fd)
    return lines[0]


# where the disk fills: the MiB left free (below the 8 MiB a commit keeps in reserve: at the
# first commit; above it: after some batches), and without the reserve, inside Delta Lake's
# own writer
FULL_DISK = [(4.0, None), (8.6, None), (0.2, "0"), (1.0, "0")]


def _first_half_then_the_rest(archive: Path, tmp_path: Path, out: Path) -> tuple[Path, dict]:
    """A first run over half the archive into ``out``, its tables as they stand, and the
    other half added to the input folder for the next run: (the folder, the tables)."""
    src, rest = _halves(archive, tmp_path)
    first = _start(src, out)
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()
    before = _tables(out)
    rest()
    return src, before


def _finishes_as_one_clean_run(src: Path, out: Path, clean_out: Path) -> None:
    """The next run over ``src`` ends well, and its tables equal, row by row, those of one
    clean run over the same folder."""
    last = _start(src, out)
    assert last.wait(timeout=300) == 0, last.stderr.read().decode()
    clean = _start(src, clean_out)
    assert clean.wait(timeout=300) == 0, clean.stderr.read().decode()
    got, expected = _tables(out), _tables(clean_out)
    for name in expected:
        assert got[name] == expected[name], name


def test_a_full_disk_leaves_the_last_run_and_the_next_run_finishes(archive, small_disk,
                                                                     tmp_path):
    out = small_disk / "ds"
    src, before = _first_half_then_the_rest(archive, tmp_path, out)
    done = []
    for leave, reserve in FULL_DISK:
        filler = _fill(small_disk, leave)
        proc = _start(src, out, env={"VANTHU_MIN_FREE_MB": reserve} if reserve else None)
        _assert_stopped_cleanly(proc, out, before, "no space left on device (ENOSPC)")
        logs = sorted((out / "_runs").glob("*.json"))
        done.append(json.loads(logs[-1].read_text("utf-8"))["processed"])
        filler.unlink()
    print("documents processed by each stopped run:", done)
    assert max(done) > 0  # some runs stopped mid-way, with batches committed
    _finishes_as_one_clean_run(src, out, tmp_path / "clean")


def test_a_read_only_table_leaves_the_last_run_and_the_next_run_finishes(archive, small_disk,
                                                                          tmp_path):
    """``documents/`` turned read-only (a read-only bind mount: as root, ``chmod 0555`` does
    not stop a write) after the other tables took a batch; then the whole dataset (the
    tmpfs remounted read-only), where not even the lock can be taken."""
    out = small_disk / "ds"
    src, before = _first_half_then_the_rest(archive, tmp_path, out)
    docs = str(out / "documents")
    _mount("--bind", docs, docs)
    _mount("-o", "remount,bind,ro", docs)
    proc = _start(src, out)
    _assert_stopped_cleanly(proc, out, before, "read-only file system (EROFS)")
    subprocess.run(["umount", docs], check=True)
    _mount("-o", "remount,ro", str(small_disk))
    proc = _start(src, out)
    _assert_stopped_cleanly(proc, out, before, "read-only file system (EROFS)")
    _mount("-o", "remount,rw", str(small_disk))
    _finishes_as_one_clean_run(src, out, tmp_path / "clean")


def test_the_storage_cause_is_found_in_the_chain_and_in_delta_lakes_words():
    import errno

    from pipeline.api import storage_failure

    assert storage_failure(OSError(errno.ENOSPC, "No space left on device", "/srv/ds")) == \
        "no space left on device (ENOSPC) at /srv/ds"
    try:
        try:
            raise RuntimeError("Generic LocalFileSystem error: Unable to copy data to file: "
                               "Read-only file system (os error 30)")
        except RuntimeError as exc:
            raise ValueError("the commit failed") from exc
    except ValueError as exc:
        assert storage_failure(exc) == "read-only file system (EROFS)"
    assert storage_failure(ValueError("os error: none here")) is None
    assert storage_failure(FileNotFoundError(errno.ENOENT, "gone", "/srv/x")) is None


def test_a_disk_without_the_reserve_stops_the_run_at_its_first_commit(archive, tmp_path):
    """Needs no mount, so it runs wherever the tests do: asking for more free space than
    any disk has stops the run before its first commit, as a full disk does."""
    out = tmp_path / "ds"
    src, before = _first_half_then_the_rest(archive, tmp_path, out)
    proc = _start(src, out, env={"VANTHU_MIN_FREE_MB": str(1 << 40)})
    line = _assert_stopped_cleanly(proc, out, before, "no space left on device (ENOSPC)")
    assert line.startswith(f"vanthu: {out}: the dataset cannot be written: ")


def test_vacuum_of_a_read_only_dataset_exits_2_with_one_line(archive, small_disk, tmp_path):
    """The dataset's file system remounted read-only: not even the lock can be taken, and
    ``vanthu vacuum`` says so in one line rather than a traceback."""
    src, _ = _halves(archive, tmp_path)
    out = small_disk / "ds"
    first = _start(src, out)
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()
    before = _tables(out)
    _mount("-o", "remount,ro", str(small_disk))
    try:
        proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "vacuum", str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        _mount("-o", "remount,rw", str(small_disk))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"vanthu vacuum: {out}: the dataset cannot be written: read-only file system (EROFS)"
        f" at {out / '.lock'}; not vacuumed; readers still see the last complete run"], \
        proc.stderr
    assert _tables(out) == before
