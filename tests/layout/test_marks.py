"""Urgency and secrecy stamps turned in the header, built here: a real letter's first page with
a boxed ``HỎA TỐC``, ``KHẨN``, ``THƯỢNG KHẨN`` or ``MẬT`` set 5-20 degrees off square, as the
scan factory's rubber stamps are drawn, read through the whole scan pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
import pytest

from pipeline.layout.rereads import read_marks, stamp_blobs, turn_of
from pipeline.ocr import OcrSettings, Word, clean, get
from pipeline.options import Options
from pipeline.runner import process_file
from tests.conftest import SAMPLES, shared_file
from tests.ocr.support import needs_tesseract
from tests.test_scan_factory import _factory

STAMP_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
needs_font = pytest.mark.skipif(not STAMP_FONT.exists(), reason="DejaVu Sans Bold is missing")
DECISION = SAMPLES / "generated" / "qd-ubnd-256.pdf"
# where clerks set the stamp, in PDF points: under the number line in the issuer's column,
# in the right column under the date, in the left margin
PLACES = {"left": (75, 112), "right": (420, 110), "margin": (12, 124)}


def _page(pdf: Path, dpi: int) -> Any:
    from PIL import Image

    pix = pymupdf.open(pdf)[0].get_pixmap(dpi=dpi)
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


def _stamped(pdf: Path, dpi: int, lines: list[tuple[str, float]] | None, place: str,
             angle: float, colour: tuple[int, int, int], bw: bool) -> Any:
    """``pdf``'s first page at ``dpi`` with a boxed stamp of ``lines`` (text, size in points)
    turned ``angle`` degrees at ``place``; thresholded to black and white with ``bw``."""
    page = _page(pdf, dpi)
    s = dpi / 72
    if lines:
        x, y = PLACES[place]
        page = _factory().draw_box_stamp(page, x * s, y * s,
                                         [(t, int(size * s)) for t, size in lines], colour,
                                         angle)
    if bw:
        page = page.convert("L").point(lambda v: 255 if v > 145 else 0)
    return page


def _record(tmp_path: Path, page: Any, dpi: int) -> Any:
    path = tmp_path / "stamped.png"
    page.save(path, dpi=(dpi, dpi))
    return process_file(path, options=Options(ocr_cache=str(tmp_path / "cache")))


BLACK = (25, 25, 25)
RED = (210, 30, 40)


@needs_tesseract
@needs_font
@pytest.mark.parametrize(("mark", "angle", "place", "bw"), [
    ("HỎA TỐC", -18, "left", True),
    ("KHẨN", -11, "right", False),
    ("THƯỢNG KHẨN", -6, "left", True),
    ("MẬT", 7, "left", False),
    ("KHẨN", 13, "margin", True),
    ("HỎA TỐC", 17, "right", True),
])
def test_a_black_stamp_turned_in_the_header_is_read(tmp_path, mark, angle, place, bw):
    page = _stamped(DECISION, 200, [(mark, 14)], place, angle, BLACK, bw)
    rec = _record(tmp_path, page, 200)
    kind = "secrecy" if mark == "MẬT" else "urgency"
    assert getattr(rec, kind) == mark
    assert rec.urgency is None or rec.secrecy is None  # one stamp, one mark
    assert rec.provenance[kind].source == "ocr"
    assert rec.code == "256/QĐ-UBND" and rec.signer_name == "Nguyễn Văn Bình"


@needs_tesseract
@needs_font
def test_a_red_stamp_turned_in_the_header_is_read(tmp_path):
    page = _stamped(DECISION, 200, [("HỎA TỐC", 14)], "left", 14, RED, False)
    rec = _record(tmp_path, page, 200)
    assert rec.urgency == "HỎA TỐC"


@needs_tesseract
@needs_font
def test_a_turned_stamp_on_a_text_pdf_of_the_corpus_is_read(tmp_path):
    letter = shared_file("corpus/text-pdf/qn-vht507-TB-UBND-2024.pdf")
    page = _stamped(letter, 200, [("KHẨN", 14)], "margin", -15, BLACK, True)
    assert _record(tmp_path, page, 200).urgency == "KHẨN"


class Counting:
    """Tesseract, counting the readings asked of it."""

    name = "counting"

    def __init__(self) -> None:
        self.engine = get("tesseract", OcrSettings())
        self.reads = 0

    def version(self) -> str:
        return str(self.engine.version())

    def read(self, image: Any, mode: Any) -> list[Word]:
        self.reads += 1
        return list(self.engine.read(image, mode))


def _marks(page: Any, dpi: int) -> tuple[list[Word], int]:
    """What :func:`read_marks` adds to ``page``'s reading, and the crop reads it cost."""
    engine = Counting()
    image = clean(page.convert("RGB") if page.mode != "RGB" else page, OcrSettings().steps)
    words = engine.read(image, "page")
    engine.reads = 0
    return read_marks(engine, page, words, image, dpi), engine.reads


@needs_tesseract
@needs_font
def test_the_same_page_without_a_stamp_gives_no_mark_and_costs_no_reading():
    marks, reads = _marks(_stamped(DECISION, 200, None, "left", 0, BLACK, True), 200)
    assert marks == [] and reads == 0


@needs_tesseract
@needs_font
@pytest.mark.parametrize(("place", "angle"), [("left", -9), ("margin", 12)])
def test_a_turned_incoming_mail_stamp_gives_no_mark(place, angle):
    """``ĐẾN / Số: 1234 / Ngày: …`` in a box is a stamp's size and shape, and is read: its
    words are no known mark, so none is added, within the reads' bound."""
    lines = [("SỞ NỘI VỤ", 5.5), ("ĐẾN", 9), ("Số: 1234", 6.5), ("Ngày: 12/7/2024", 6.5)]
    marks, reads = _marks(_stamped(DECISION, 200, lines, place, angle, BLACK, True), 200)
    assert marks == []
    assert reads <= 4


@needs_tesseract
def test_a_real_scan_keeps_having_no_mark():
    """ttg-981: a Prime Minister's decision with its seal, a logo-free header and no mark."""
    page = _page(shared_file("corpus/scans/ttg-981-2024.pdf"), 300)
    marks, reads = _marks(page, 300)
    assert marks == []
    assert reads <= 4


def _frame(angle: float) -> Any:
    from PIL import Image, ImageDraw

    tile = Image.new("L", (300, 90), 255)
    ImageDraw.Draw(tile).rectangle((2, 2, 297, 87), outline=0, width=6)
    tile = tile.rotate(angle, expand=True, fillcolor=255)
    import numpy as np

    return np.asarray(tile) < 128


@pytest.mark.parametrize("angle", [-19.0, -7.5, 0.0, 4.0, 12.5])
def test_the_turn_of_a_frame_is_found_to_the_half_degree(angle):
    assert abs(turn_of(_frame(angle)) - angle) <= 0.5


def test_a_rule_or_a_read_word_is_no_stamp_blob():
    """A line under the issuer is too flat, and ink a sure page word covers is erased."""
    import numpy as np

    band = np.zeros((800, 1600), dtype=bool)
    band[200:206, 300:700] = True  # the rule under ỦY BAN NHÂN DÂN
    band[300:360, 300:700] = True  # a word the page read, 95 sure
    words = [Word(300, 300, 700, 360, 95.0, "QUYẾT", "1.1.1")]
    assert stamp_blobs(band, words, 200) == []
    band[500:580, 100:400] = True  # ink nobody read, a stamp's size
    assert [box for box, _ in stamp_blobs(band, words, 200)] == [(88, 488, 408, 592)]


@pytest.mark.parametrize("texts, kept", [
    (["KHẨN"], ["KHẨN"]),
    (["|THƯỢNG", "KHẨN|"], ["THƯỢNG", "KHẨN"]),
    (["Mát"], []),  # a word's letters, not a stamp's capitals
    (["khan"], []),
    (["Hỏa", "tốc"], []),
])
def test_a_mark_is_read_only_in_the_capitals_it_is_stamped_in(texts, kept):
    from pipeline.layout.rereads import _mark_words

    words = [Word(10 + 60 * k, 10, 60 + 60 * k, 40, 90.0, t, "mark.t0.1.1.1")
             for k, t in enumerate(texts)]
    assert [w.text for w in _mark_words(words)] == kept
