"""Tesseract kept loaded in the process: the same words as the program, page and crops, in
parallel threads; a deadline that holds; the program when the library cannot be loaded."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pymupdf
import pytest

from pipeline import ocr
from pipeline.ocr import OcrSettings, OcrUnavailable, Tesseract, TesseractLib, clean
from pipeline.ocr import libtesseract as lib
from tests.conftest import ROOT, shared_file
from tests.ocr.support import needs_tesseract

pytestmark = [needs_tesseract,
              pytest.mark.skipif(lib.unavailable() is not None,
                                 reason=f"libtesseract: {lib.unavailable()}")]


@pytest.fixture(scope="module")
def page():
    """The cleaned first page of a Prime Minister's decision scanned with its seal over
    ``Số: 985/QĐ-TTg``, as the pipeline gives it to the engine."""
    from PIL import Image

    pix = pymupdf.open(shared_file("corpus/scans/ttg-985-2024.pdf"))[0].get_pixmap(dpi=300)
    rendered = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    return clean(rendered, OcrSettings().steps)


def _rows(words):
    return [(w.box, w.text, w.line, w.conf) for w in words]


def test_the_tesseract_engine_is_the_library_kept_loaded():
    engine = ocr.get("tesseract")
    assert isinstance(engine, TesseractLib)
    # the same library as the program, so the same cache key: pages read by either stay read
    assert engine.version() == ocr.get("tesseract-cli").version()


def test_the_library_reads_the_words_the_program_reads(page):
    library, program = ocr.get("tesseract"), ocr.get("tesseract-cli")
    words = library.read(page, "page")
    assert len(words) > 200
    assert _rows(words) == _rows(program.read(page, "page"))
    number = next(w for w in words if w.text.startswith("Số"))
    h = number.y1 - number.y0
    header = page.crop((number.x0 - h, number.y0 - h, page.width // 2, number.y1 + h))
    signature = page.crop((page.width // 2, page.height * 2 // 3, page.width, page.height))
    for image, mode in ((header, "line"), (header.convert("L"), "line"),
                        (signature, "block"), (signature, "sparse")):
        assert _rows(library.read(image, mode)) == _rows(program.read(image, mode)), mode


def test_pages_read_in_parallel_threads_read_as_one_at_a_time(page):
    engine = ocr.get("tesseract")
    crops = [page.crop((0, y, page.width, y + 400)) for y in range(300, 2300, 400)]
    alone = [_rows(engine.read(c, "block")) for c in crops]
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(lambda c: _rows(engine.read(c, "block")), crops))
    assert together == alone
    # loaded once per thread reading at the same time at most (pages of other tests' documents
    # are read by as many threads as cores), and kept for the next document
    assert 1 <= len(lib._loaded("vie").free) <= max(2, os.cpu_count() or 1)


def test_a_reading_past_its_deadline_fails_and_the_engine_reads_on(page):
    with pytest.raises(TimeoutError):
        lib.read_tsv(page, "vie", 3, 300, timeout=0.01)
    line = page.crop((0, 0, page.width, 400))
    assert lib.read_tsv(line, "vie", 6, 300).count("\n") > 1


def test_a_missing_language_is_said():
    with pytest.raises(OcrUnavailable, match="no language data for xyz"):
        TesseractLib(OcrSettings(lang="xyz")).version()


def test_without_the_library_the_program_reads_and_the_reason_is_logged_once(
        monkeypatch, caplog):
    monkeypatch.setattr(lib, "_load_problem", lambda: "libtesseract cannot be loaded (test)")
    monkeypatch.setattr(lib, "_told", [])
    with caplog.at_level(logging.WARNING, logger=lib.__name__):
        engines = [ocr.get("tesseract") for _ in range(3)]
    assert all(isinstance(e, Tesseract) for e in engines)
    assert [r.getMessage() for r in caplog.records] == [
        "Tesseract runs as a program, one process per reading: "
        "libtesseract cannot be loaded (test)"]


def test_a_library_that_is_not_there_is_a_reason_not_a_crash():
    code = ("import os; os.environ['VANTHU_LIBTESSERACT'] = '/nonexistent/libtesseract.so';"
            "from pipeline.ocr import libtesseract as lib, get, Tesseract;"
            "print(lib.unavailable()); print(isinstance(get('tesseract'), Tesseract))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    reason, fallback = out.stdout.splitlines()
    assert reason.startswith("libtesseract cannot be loaded (/nonexistent/libtesseract.so")
    assert fallback == "True"
    assert "runs as a program" in out.stderr


def test_openmp_is_held_to_one_thread_in_the_process():
    code = ("import ctypes; from pipeline.ocr import libtesseract as lib; lib._library();"
            "print(ctypes.CDLL('libgomp.so.1').omp_get_thread_limit())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "1"
