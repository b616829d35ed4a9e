"""Local executors: the same records in this process and in supervised workers, returned as
they finish; a worker that dies, hangs or grows costs only its own file; workers die with
their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pymupdf
import pytest

from pipeline.executors import (
    EXECUTORS,
    DocumentTask,
    Limits,
    PoolExecutor,
    SerialExecutor,
    make_executor,
)
from pipeline.runner import Seen, doc_id_of
from tests.conftest import ROOT, SAMPLES

FILES = sorted(str(p) for p in (SAMPLES / "generated").glob("*.txt")) + sorted(
    str(p) for p in (SAMPLES / "seeds").glob("*.txt"))


def _comparable(rec):
    d = rec.to_dict()
    d.pop("ingested_at")
    return d


def test_unknown_executor_names_the_known_ones():
    with pytest.raises(KeyError, match="unknown executor 'nosuch'; known: local, serial, dask"):
        make_executor("nosuch")
    assert set(EXECUTORS) == {"local", "serial", "dask"}
    assert isinstance(make_executor("local", workers=1), PoolExecutor)
    assert isinstance(make_executor("serial"), SerialExecutor)


def test_serial_and_pool_give_the_same_records():
    task = DocumentTask()
    serial = list(SerialExecutor().run(task, FILES))
    pooled = list(PoolExecutor(2).run(task, FILES))
    assert sorted(r.source_path for r in pooled) == FILES
    by_path = {r.source_path: _comparable(r) for r in pooled}
    assert [by_path[r.source_path] for r in serial] == [_comparable(r) for r in serial]


def test_files_with_known_bytes_come_back_as_seen():
    good = FILES[0]
    with open(good, "rb") as fh:
        known = doc_id_of(fh.read())
    results = list(SerialExecutor().run(DocumentTask(reuse=frozenset({known})), FILES[:2]))
    assert results[0] == Seen(good, known, os.path.getsize(good))
    assert results[1].source_path == FILES[1]


class _Dying(DocumentTask):
    """A task that kills its worker process on files called ``name`` (a native crash)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        object.__setattr__(self, "name", name)

    def __call__(self, path: str):
        if os.path.basename(path) == self.name:
            os._exit(3)
        return super().__call__(path)


def test_a_worker_that_dies_costs_only_its_file():
    victim = os.path.basename(FILES[3])
    results = list(PoolExecutor(2).run(_Dying(victim), FILES))
    assert sorted(r.source_path for r in results) == FILES
    failed = [r for r in results if r.status.value == "failed"]
    assert [r.source_path for r in failed] == [FILES[3]]
    assert "crashed" in failed[0].errors[0] and failed[0].doc_id  # the bytes are named


def _scan_pdf(path, pages: int) -> None:
    """A PDF of ``pages`` image-only pages, each different (named after ``path`` and its
    number, so no OCR cache knows them): each is OCRed, which takes a second or more."""
    doc = pymupdf.open()
    for n in range(pages):
        text = pymupdf.open()
        page = text.new_page()
        for i in range(30):
            page.insert_text((72, 100 + i * 20), f"Dòng {i} trang {n} công văn {path.name} "
                             f"{time.time_ns()}", fontsize=11)
        pix = page.get_pixmap(dpi=150)
        doc.new_page().insert_image(pymupdf.Rect(0, 0, 595, 842), pixmap=pix)
    doc.save(path)


def test_a_document_over_the_time_limit_fails_and_the_others_finish_first(tmp_path):
    slow = tmp_path / "slow-scan.pdf"
    _scan_pdf(slow, 40)  # 40 pages of OCR: a minute or more
    paths = [str(slow)] + FILES
    # a worker's first letter loads the rules and models: seconds on a busy machine
    task = DocumentTask(limits=Limits(seconds=8, memory_mb=None, pages=None))
    start = time.monotonic()
    results = list(PoolExecutor(2).run(task, paths))
    assert time.monotonic() - start < 40
    assert results[0].source_path != str(slow)  # given first, it did not hold the rest back
    (late,) = [r for r in results if r.source_path == str(slow)]
    assert late.status.value == "failed"
    assert "longer than the limit of 8 s" in late.errors[0]
    assert all(r.status.value != "failed" for r in results if r is not late)


def test_a_document_over_the_page_limit_fails_before_any_page_is_read(tmp_path):
    many = tmp_path / "dots.pdf"
    doc = pymupdf.open()
    for _ in range(60):
        doc.new_page().draw_circle((300, 400), 0.5)
    doc.save(many)
    rec = next(SerialExecutor().run(DocumentTask(limits=Limits(pages=50)), [str(many)]))
    assert rec.status.value == "failed" and rec.errors == [
        "60 pages, more than the limit of 50 pages per document (--max-pages)"]


class _Greedy(DocumentTask):
    """A task that grows without end on files called ``name`` (an XML bomb's effect)."""

    def __init__(self, name: str) -> None:
        super().__init__(limits=Limits(seconds=60, memory_mb=300, pages=None))
        object.__setattr__(self, "name", name)

    def __call__(self, path: str):
        if os.path.basename(path) == self.name:
            hoard = []
            while True:
                hoard.append(bytearray(50 << 20))
                time.sleep(0.05)
        return super().__call__(path)


def test_a_document_over_the_memory_limit_fails_alone():
    """The greedy file grows without end: the run ending at all, with the memory limit (not
    the 60 s time limit) named as the cause, shows the worker was stopped at the limit."""
    victim = os.path.basename(FILES[0])
    results = list(PoolExecutor(2).run(_Greedy(victim), FILES))
    failed = [r for r in results if r.status.value == "failed"]
    assert [r.source_path for r in failed] == [FILES[0]]
    assert "more memory than the limit of 300 MiB" in failed[0].errors[0]
    assert len(results) == len(FILES)


def test_workers_die_with_their_parent(tmp_path):
    slow = tmp_path / "slow-scan.pdf"
    _scan_pdf(slow, 40)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pipeline.executors import DocumentTask, PoolExecutor
        if __name__ == "__main__":
            for r in PoolExecutor(2).run(DocumentTask(), [{str(slow)!r}, {str(slow)!r} + "x"]):
                print(r.source_path, flush=True)
    """)
    (tmp_path / "run.py").write_text(script, "utf-8")
    _scan_pdf(tmp_path / "slow-scan.pdfx", 40)
    parent = subprocess.Popen([sys.executable, str(tmp_path / "run.py")])
    deadline = time.monotonic() + 30
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 3:  # the fork server and 2 workers
        time.sleep(0.2)
        workers = [p for p in psutil.Process(parent.pid).children(recursive=True)
                   if "resource_tracker" not in " ".join(p.cmdline())]
    assert len(workers) >= 3
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []
