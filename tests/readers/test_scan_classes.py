"""Scanned pages whose trouble is in the pixels, built here: a blank page (never sent to the
engine) and a red urgency stamp in the header (read before cleaning turns red ink to paper)."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
import pytest

from pipeline.options import Options
from pipeline.runner import process_file
from tests.conftest import SAMPLES
from tests.ocr.support import needs_tesseract

STAMP_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


class CountingEngine:
    """An engine that answers nothing and counts the times it was asked."""

    name = "counting"

    def __init__(self) -> None:
        self.reads = 0

    def version(self) -> str:
        return "counting 1"

    def read(self, image, mode):
        self.reads += 1
        return []


def test_a_blank_page_is_not_read_by_ocr(tmp_path, monkeypatch):
    """A blank scan (grey paper, speckle) costs a render and a look, not an OCR reading."""
    import random

    from PIL import Image

    import pipeline.readers.scan as scan

    page = Image.new("L", (1240, 1754), 232)
    rnd = random.Random(5)
    px = page.load()
    for _ in range(3000):
        px[rnd.randrange(1240), rnd.randrange(1754)] = rnd.randrange(0, 120)
    path = tmp_path / "blank.png"
    page.save(path, dpi=(150, 150))
    engine = CountingEngine()
    monkeypatch.setattr(scan, "get", lambda name, settings: engine)
    rec = process_file(path, options=Options(ocr_cache=str(tmp_path / "cache")))
    assert engine.reads == 0
    assert rec.status.value == "failed"
    assert any("page 1 is blank" in w for w in rec.warnings)


def _stamped(colour: tuple[int, int, int], mark: str) -> bytes:
    """The generated decision at 200 dpi with a rubber stamp ``mark`` under its number line,
    where the decree puts the urgency mark."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    pix = pymupdf.open(SAMPLES / "generated" / "qd-ubnd-256.pdf")[0].get_pixmap(dpi=200)
    page = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    ink = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(ink)
    font = ImageFont.truetype(str(STAMP_FONT), 40)
    x, y = 210, 330
    box = draw.textbbox((x, y), mark, font=font)
    draw.rectangle((box[0] - 14, box[1] - 12, box[2] + 14, box[3] + 12), outline=colour, width=5)
    draw.text((x, y), mark, font=font, fill=colour)
    buf = io.BytesIO()
    ImageChops.multiply(page, ink).save(buf, format="PNG", dpi=(200, 200))
    return buf.getvalue()


@needs_tesseract
@pytest.mark.skipif(not STAMP_FONT.exists(), reason="DejaVu Sans Bold is not installed")
@pytest.mark.parametrize("mark", ["HỎA TỐC", "KHẨN"])
def test_a_red_urgency_stamp_is_read_before_the_red_ink_goes(tmp_path, mark):
    path = tmp_path / "stamped.png"
    path.write_bytes(_stamped((210, 30, 40), mark))
    rec = process_file(path, options=Options(ocr_cache=str(tmp_path / "cache")))
    assert rec.urgency == mark
    assert rec.code == "256/QĐ-UBND" and rec.signer_name == "Nguyễn Văn Bình"
    assert rec.provenance["urgency"].source == "ocr"
