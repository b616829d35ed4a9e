"""The page cache: a page read once is never read again, and its words come back as read."""

from __future__ import annotations

import io

import pytest

from pipeline.ocr import Cache, OcrSettings, Word, page_key
from pipeline.ocr import tesseract as tess
from pipeline.options import Options
from pipeline.runner import process_bytes
from tests.conftest import SAMPLES
from tests.ocr.support import degraded_page, needs_tesseract


def test_words_come_back_from_the_cache_as_they_went_in(tmp_path):
    cache = Cache(tmp_path)
    words = [Word(100, 200, 160, 230, 95.0, "Số:", "2.1.1"),
             Word(170, 200, 330, 230, 91.0, "985/QĐ-TTg", "number.1.1.1")]
    key = page_key("abc", OcrSettings(), "tesseract|tesseract 5.3.0", "phrases")
    assert cache.get(key) is None
    cache.put(key, words)
    assert cache.get(key) == words
    assert Cache(None).get(key) is None


def test_a_full_cache_costs_time_and_leaves_no_half_written_file(tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    real = Path.write_text

    def half_then_full(self, data, *args, **kwargs):
        real(self, data[: len(data) // 2], *args, **kwargs)  # what fitted before the disk filled
        raise OSError(errno.ENOSPC, "No space left on device")

    cache = Cache(tmp_path)
    key = page_key("abc", OcrSettings(), "tesseract|tesseract 5.3.0", "phrases")
    monkeypatch.setattr(Path, "write_text", half_then_full)
    cache.put(key, [Word(100, 200, 160, 230, 95.0, "Số:", "2.1.1")])  # does not raise
    monkeypatch.undo()
    assert cache.get(key) is None
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_key_follows_what_decides_the_words():
    base = page_key("abc", OcrSettings(), "tesseract|5.3.0", "p1")
    assert base != page_key("abd", OcrSettings(), "tesseract|5.3.0", "p1")
    assert base != page_key("abc", OcrSettings(steps=("drop_ink",)), "tesseract|5.3.0", "p1")
    assert base != page_key("abc", OcrSettings(), "tesseract|5.4.0", "p1")
    assert base != page_key("abc", OcrSettings(), "tesseract|5.3.0", "p2")


@pytest.mark.parametrize("content", ["not json", '[[1, 2, 3]]', '{"a": 1}'])
def test_a_damaged_cache_file_is_a_miss(tmp_path, content):
    cache = Cache(tmp_path)
    key = page_key("abc", OcrSettings(), "tesseract|5.3.0")
    cache.put(key, [])
    next(tmp_path.rglob("*.json")).write_text(content, "utf-8")
    assert cache.get(key) is None


@needs_tesseract
def test_multipage_tiff_and_the_cache(tmp_path, monkeypatch):
    _, first = degraded_page(SAMPLES / "generated" / "qd-ubnd-256.pdf", 0.5)
    _, second = degraded_page(SAMPLES / "generated" / "cv-sxd-1204.pdf", -0.5)
    buf = io.BytesIO()
    # copies: a frame just saved as JPEG keeps its JPEG settings, which TIFF refuses
    first.copy().save(buf, format="TIFF", save_all=True, append_images=[second.copy()])
    options = Options(ocr_cache=str(tmp_path / "cache"))
    rec = process_bytes("two.tiff", buf.getvalue(), options)
    assert rec.page_count == 2 and rec.text_pages == 2
    assert rec.code == "256/QĐ-UBND"

    def no_tesseract(*args, **kwargs):
        raise AssertionError("a cached page was OCRed again")

    monkeypatch.setattr(tess, "run_tesseract", no_tesseract)
    again = process_bytes("two.tiff", buf.getvalue(), options)
    assert again.to_dict(with_provenance=True) | {"ingested_at": None} == \
        rec.to_dict(with_provenance=True) | {"ingested_at": None}
