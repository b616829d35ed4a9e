"""Scanned pages into lines: render, clean, OCR, re-read, lines, cache.

Each page of a PDF without a usable text layer (``qn-51-QD-UBND-2025.pdf`` is one image per
page) and each frame of an image file becomes a :class:`PageJob`. A job is rendered (300 dpi,
signature widgets left out so their stamps are not read as body text), cleaned
(:mod:`pipeline.ocr.clean`), read by the run's engine (Tesseract with its Vietnamese data),
read again where the letter's layout says the page reading fails
(:mod:`pipeline.layout.rereads`), and grouped into :class:`~pipeline.document.Line` values
(``source = ocr``) by :mod:`pipeline.layout.lines`, so the layout zones and every extractor
run unchanged.

The number and the day that the records office writes in by hand (``Số:  574  /UBND-KTTH``)
are read by a second engine, the digit recogniser, from the page as rendered (cleaning
would turn blue ink to paper), on the two blanks only (:mod:`pipeline.layout.handwriting`);
what it read goes into ``Document.handwriting`` for the ``handwritten`` extractor.

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

from pipeline.document import Document, Handwritten, Line, Seal
from pipeline.layout import read_marks, reread_names, reread_number, words_to_lines
from pipeline.layout.handwriting import REJECTED, is_handwritten, read_blanks
from pipeline.layout.handwriting import VERSION as HANDWRITING_VERSION
from pipeline.layout.lines import scaled
from pipeline.layout.phrases import phrases_digest
from pipeline.layout.seals import VERSION as SEALS_VERSION
from pipeline.layout.seals import find_seals
from pipeline.layout.spelling import repairs_said
from pipeline.ocr import (
    Cache,
    Engine,
    OcrSettings,
    OcrUnavailable,
    Word,
    clean,
    default_cache_dir,
    get,
    page_key,
    progress,
)
from pipeline.ocr.clean import is_blank
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


@dataclass(slots=True)
class PageResult:
    """What OCR made of one page: its lines, the blanks filled in by hand, whether the words
    came from the cache."""

    lines: list[Line]
    handwriting: list[Handwritten]
    cached: bool


def ocr_pages(jobs: list[PageJob], engine: Engine, settings: OcrSettings,
              cache_dir: str | None, threads: int,
              digits: Engine | None = None) -> dict[int, PageResult]:
    """Lines of each page (and whether they came from the cache), pages run in parallel;
    raises :class:`OcrUnavailable` before any page when the engine cannot run. ``digits``
    reads the number and the day written in by hand (:mod:`pipeline.layout.handwriting`)
    from the page as rendered; its reads are cached with the page's words."""
    engine_id = f"{engine.name}|{engine.version()}"
    digits_id = (f"{digits.name}|{digits.version()}|{HANDWRITING_VERSION}"
                 if digits is not None else "-")
    cache = Cache(cache_dir)

    def one(job: PageJob) -> tuple[int, PageResult]:
        key = page_key(job.content_hash, settings, engine_id, phrases_digest(), digits_id)
        words = cache.get(key)
        hit = words is not None
        rendered = None
        if words is None:
            rendered = job.image()
            image = clean(rendered, settings.steps)
            words = [] if is_blank(image) else engine.read(image, "page")  # blank: no OCR
            words = reread_number(engine, image, words)
            words = reread_names(engine, image, words, settings.dpi)
            # a red "HỎA TỐC" before the ink goes, a turned stamp the page layout dropped;
            # urgency and secrecy marks are stamped on the first page (Nghị định 30/2020,
            # Phụ lục I), so later pages cost no reading of stamp-like ink
            if job.page_no == 1:
                words += read_marks(engine, rendered, words, image, settings.dpi)
            # the number and the date lines are on the first page (Nghị định 30/2020,
            # Phụ lục I): the blanks are looked for there and nowhere else
            if digits is not None and job.page_no == 1:
                words += read_blanks(digits, rendered, words, image.info.get("deskew", 0.0))
            cache.put(key, words)
        progress.page_done()
        hand = [w for w in words if is_handwritten(w)]
        typed = [w for w in words if not is_handwritten(w)]
        lines = words_to_lines(typed, job.scale, job.page_no)
        engine_name = digits_id.split("|")[0]
        return job.page_no, PageResult(
            lines, [handwritten(w, job.page_no, job.scale, engine_name) for w in hand], hit)

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
        digits = digit_engine(settings, document)
        results = ocr_pages(jobs, engine, settings, cache_dir, threads, digits)
    except OcrUnavailable as exc:
        document.warnings.append(f"OCR is not possible: {exc}")
        return
    except Exception as exc:
        document.errors.append(f"OCR failed: {exc}")
        return
    document.seal_finder = seal_finder(jobs, settings, cache_dir)
    pages = {p.number: p for p in document.pages}
    for page_no, result in sorted(results.items()):
        page, lines = pages[page_no], result.lines
        page.lines, page.has_text, page.ocr = lines, bool(lines), True
        document.handwriting.extend(result.handwriting)
        if lines:
            conf = sum(ln.confidence for ln in lines) / len(lines)
            document.warnings.append(f"page {page_no} read by OCR (mean confidence {conf:.2f})")
            if any(ln.read_as is not None for ln in lines):
                document.warnings.append(f"page {page_no}: {repairs_said(lines)}")
        else:
            document.warnings.append(f"page {page_no} is blank: OCR found nothing to read")


def seal_finder(jobs: list[PageJob], settings: OcrSettings,
                cache_dir: str | None) -> Callable[[int], list[Seal]]:
    """What finds the seals of one of ``jobs``' pages when asked (:meth:`Document.seals_on`),
    cached apart from the page's words. A search costs about a sixth of the page's OCR, and
    a seal matters only over the signature block: it is looked for on the page where the
    title, the authority or the name was read, not on every page of a long scan."""
    by_page = {job.page_no: job for job in jobs}
    cache = Cache(cache_dir)

    def find(page_no: int) -> list[Seal]:
        job = by_page.get(page_no)
        if job is None:  # a page with a text layer: nothing was scanned
            return []
        key = page_key(job.content_hash, settings, "seals", SEALS_VERSION)
        words = cache.get(key)
        if words is None:
            words = find_seals(job.image(), settings.dpi)
            cache.put(key, words)
        return [Seal(page_no, scaled(w.box, job.scale), w.text.split(":", 1)[1],
                     round(w.conf / 100, 3)) for w in words]

    return find


DIGIT_ENGINE = "ppocr"


def digit_engine(settings: OcrSettings, document: Document) -> Engine | None:
    """The recogniser of the digits written in by hand, loaded once per process; None (and a
    warning) when it is not installed: the number and the day are then left empty, as the
    page reading leaves them."""
    try:
        digits = get(DIGIT_ENGINE, settings)
        digits.version()
    except (OcrUnavailable, KeyError) as exc:
        document.warnings.append(f"handwritten numbers and days are not read: {exc}")
        return None
    return digits


def handwritten(word: Word, page_no: int, scale: float, engine: str) -> Handwritten:
    """A ``hand.number`` / ``hand.day`` word as the document's :class:`Handwritten`."""
    rejected = word.text.startswith(REJECTED)
    return Handwritten(
        blank=word.line.split(".", 1)[1],
        value=None if rejected else word.text,
        reads=word.text[len(REJECTED):] if rejected else word.text,
        page=page_no,
        bbox=scaled(word.box, scale),
        confidence=round(word.conf / 100, 3),
        engine=engine,
    )
