"""Scanned pages into lines: render, clean, OCR, re-read, lines, cache.

Each page of a PDF without a usable text layer (``qn-51-QD-UBND-2025.pdf`` is one image per
page) and each frame of an image file becomes a :class:`PageJob`. A job is rendered (300 dpi,
signature widgets left out so their stamps are not read as body text), cleaned
(:mod:`pipeline.ocr.clean`), read by the run's engine (Tesseract with its Vietnamese data),
read again where the letter's layout says the page reading fails
(:mod:`pipeline.layout.rereads`), and grouped into :class:`~pipeline.document.Line` values
(``source = ocr``) by :mod:`pipeline.layout.lines`, so the layout zones and every extractor
run unchanged.

Pages of one document run in parallel threads, each waiting on its own engine process. The
words of a page are cached on disk by a hash of what the page shows, the settings, the
engine's version and the phrase list, so a re-run never reads the same page twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pipeline.document import Document, Line
from pipeline.layout import reread_names, reread_number, words_to_lines
from pipeline.layout.phrases import phrases_digest
from pipeline.ocr import (
    Cache,
    Engine,
    OcrSettings,
    OcrUnavailable,
    clean,
    default_cache_dir,
    get,
    page_key,
    progress,
)
from pipeline.options import Options


@dataclass(slots=True)
class PageJob:
    """One page to read: a way to get its image, and a hash of what it shows."""

    page_no: int
    content_hash: str
    image: Callable[[], Any]  # returns a PIL image at settings.dpi
    scale: float  # image pixels → PDF points


def usable_text(lines: list[Line]) -> bool:
    """Whether a page's text layer can be used as is: enough letters, few broken glyphs
    (an invisible OCR layer of ``?`` or private-use characters is not text)."""
    text = "".join(ln.text for ln in lines)
    letters = sum(ch.isalpha() for ch in text)
    broken = sum(ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" for ch in text)
    return letters >= 20 and broken <= 0.1 * max(len(text), 1)


def ocr_pages(jobs: list[PageJob], engine: Engine, settings: OcrSettings,
              cache_dir: str | None, threads: int) -> dict[int, tuple[list[Line], bool]]:
    """Lines of each page (and whether they came from the cache), pages run in parallel;
    raises :class:`OcrUnavailable` before any page when the engine cannot run."""
    engine_id = f"{engine.name}|{engine.version()}"
    cache = Cache(cache_dir)

    def one(job: PageJob) -> tuple[int, tuple[list[Line], bool]]:
        key = page_key(job.content_hash, settings, engine_id, phrases_digest())
        words = cache.get(key)
        hit = words is not None
        if words is None:
            image = clean(job.image(), settings.steps)
            words = engine.read(image, "page")
            words = reread_number(engine, image, words)
            words = reread_names(engine, image, words, settings.dpi)
            cache.put(key, words)
        progress.page_done()
        return job.page_no, (words_to_lines(words, job.scale, job.page_no), hit)

    if threads <= 1 or len(jobs) <= 1:
        return dict(one(j) for j in jobs)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return dict(pool.map(one, jobs))


def ocr_into(document: Document, jobs: list[PageJob], options: Options) -> None:
    """OCR ``jobs`` and put their lines into ``document``'s pages; a missing engine or a
    failed page is said in the document's warnings or errors, never raised."""
    if not jobs:
        return
    if not options.ocr:
        document.warnings.append(
            f"page(s) {', '.join(str(j.page_no) for j in jobs)} have no usable text and OCR "
            "is switched off"
        )
        return
    threads = options.ocr_threads or os.cpu_count() or 1
    cache_dir = options.ocr_cache or default_cache_dir()
    settings = options.ocr_settings
    try:
        engine = get(options.ocr_engine, settings)
        results = ocr_pages(jobs, engine, settings, cache_dir, threads)
    except OcrUnavailable as exc:
        document.warnings.append(f"OCR is not possible: {exc}")
        return
    except Exception as exc:
        document.errors.append(f"OCR failed: {exc}")
        return
    pages = {p.number: p for p in document.pages}
    for page_no, (lines, _cached) in sorted(results.items()):
        page = pages[page_no]
        page.lines, page.has_text, page.ocr = lines, bool(lines), True
        if lines:
            conf = sum(ln.confidence for ln in lines) / len(lines)
            document.warnings.append(f"page {page_no} read by OCR (mean confidence {conf:.2f})")
