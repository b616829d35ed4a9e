"""What the OCR tests share: whether Tesseract can run here, and a page degraded as a
scanner might give it."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from pipeline.ocr import OcrUnavailable
from pipeline.ocr.tesseract import tesseract_info


def _tesseract_ready() -> str | None:
    try:
        tesseract_info("vie")
    except OcrUnavailable as exc:
        return str(exc)
    return None


MISSING = _tesseract_ready()
needs_tesseract = pytest.mark.skipif(MISSING is not None, reason=f"OCR unavailable: {MISSING}")


def degraded_page(pdf: Path, angle: float = 1.5, seed: int = 7) -> tuple[bytes, Any]:
    """Page 1 of a generated letter as a scanner might give it: 300 dpi, turned by
    ``angle`` degrees, blurred, speckled, saved as a JPEG of quality 60."""
    from PIL import Image, ImageFilter

    pix = pymupdf.open(pdf)[0].get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255, expand=False)
    img = img.filter(ImageFilter.GaussianBlur(1.0))
    rnd = random.Random(seed)
    px = img.load()
    for _ in range(img.width * img.height // 200):  # 0.5% salt-and-pepper speckle
        px[rnd.randrange(img.width), rnd.randrange(img.height)] = rnd.choice((0, 255))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=60, dpi=(300, 300))
    return buf.getvalue(), img
