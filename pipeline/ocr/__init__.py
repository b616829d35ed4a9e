"""OCR of page images: engines behind one protocol, image cleaning, the page cache.

Most archived letters are scans: ``qn-51-QD-UBND-2025.pdf`` is one 2464×3508 image per page
and no text. This package knows images and words, nothing of letters: an
:class:`~pipeline.ocr.engine.Engine` (Tesseract, kept loaded in the process by
:mod:`pipeline.ocr.libtesseract`, else run as a program by :mod:`pipeline.ocr.tesseract`, and a
recogniser for the digits written in by hand, :mod:`pipeline.ocr.ppocr`)
reads a cleaned image (:mod:`pipeline.ocr.clean`) into :class:`~pipeline.ocr.engine.Word`
values with boxes and confidences; :mod:`pipeline.ocr.cache` keeps them on disk and
:mod:`pipeline.ocr.progress` tells the progress bar. What a letter's layout asks of OCR
(reading ``Số: 985/QĐ-TTg`` again, the signer's name on its own line) is in
:mod:`pipeline.layout.rereads`; a scanned page is put together in
:mod:`pipeline.readers.scan`.
"""

from __future__ import annotations

from pipeline.ocr import progress
from pipeline.ocr.cache import Cache, default_cache_dir, page_key
from pipeline.ocr.clean import ALL_STEPS, clean, drop_ink, otsu_histogram, skew_angle
from pipeline.ocr.engine import (
    MODES,
    Engine,
    Mode,
    OcrSettings,
    OcrUnavailable,
    Word,
    get,
    known,
    register,
)
from pipeline.ocr.libtesseract import TesseractLib, tesseract_engine
from pipeline.ocr.ppocr import PPOcrDigits
from pipeline.ocr.tesseract import Tesseract

register(Tesseract.name, tesseract_engine)  # kept loaded in the process, else the program
register("tesseract-cli", Tesseract)  # the program, one process per reading
register(PPOcrDigits.name, PPOcrDigits)  # handwritten digits, on located crops only

__all__ = [
    "ALL_STEPS",
    "MODES",
    "Cache",
    "Engine",
    "Mode",
    "OcrSettings",
    "OcrUnavailable",
    "PPOcrDigits",
    "Tesseract",
    "TesseractLib",
    "Word",
    "clean",
    "default_cache_dir",
    "drop_ink",
    "get",
    "known",
    "otsu_histogram",
    "page_key",
    "progress",
    "register",
    "skew_angle",
]
