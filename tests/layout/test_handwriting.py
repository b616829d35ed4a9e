"""Where the number and the day written in by hand are looked for, and what is kept of them."""

from __future__ import annotations

import io
from typing import Any

import pymupdf
import pytest

from pipeline.layout.handwriting import (
    agreed,
    cut,
    digits_of,
    is_handwritten,
    locate,
    read_blanks,
)
from pipeline.ocr import Mode, Word
from tests.conftest import ROOT
from tests.ocr.support import needs_tesseract


def w(x0: int, x1: int, text: str, top: int = 500, height: int = 50, conf: float = 95,
      line: str = "3.1.2") -> Word:
    return Word(x0, top, x1, top + height, conf, text, line)


# the header row of a scanned letter at 300 dpi, as Tesseract gives it (qn-574's shape):
# "Số:" then the ink it glued to the symbol, and "ngày" then the ink it glued to "tháng"
HEADER = [
    w(396, 458, "Số:"), w(478, 916, "§†4/UBND-KTTH", conf=4),
    w(1242, 1386, "Quảng"), w(1397, 1510, "Ngãi,"), w(1533, 1636, "ngày"),
    w(1645, 1840, "{tháng", conf=80), w(1857, 1906, "02"), w(1922, 2010, "năm"),
    w(2028, 2136, "2025"),
]
PAGE = (2480, 3508)


def test_the_blanks_are_between_so_and_the_slash_and_between_ngay_and_thang():
    spots = {s.blank: s for s in locate(HEADER, PAGE)}
    assert set(spots) == {"number", "day"}
    number, day = spots["number"].box, spots["day"].box
    assert 458 <= number[0] < 500 and 560 < number[2] < 620  # the slash: 4 capitals before x1
    assert 1636 <= day[0] < 1660 and 1700 < day[2] < 1720  # "tháng" cut from "{tháng"
    assert number[1] == day[1] == 500


@pytest.mark.parametrize("words", [
    [w(900, 960, "số"), w(980, 1300, "14/2023/NĐ-CP"), w(1320, 1430, "2025")],  # a reference
    [w(396, 458, "Số:", top=2000), w(478, 700, "12/QĐ-TTg", top=2000), w(900, 1010, "2025")],
    [w(396, 458, "Số:"), w(470, 700, "/UBND")],  # no year on the page: no digit size
])
def test_no_blank_outside_the_header_number_line(words):
    assert [s.blank for s in locate(words, PAGE) if s.blank == "number"] == []


def test_typed_digits_glued_to_the_symbol_are_measured_from_the_left():
    words = [w(451, 520, "Số:"), w(540, 884, "970/QĐ-TTg"), w(1900, 2012, "2025")]
    (spot,) = locate(words, PAGE)
    assert spot.box[2] == pytest.approx(540 + 3 * 28, abs=2)


@pytest.mark.parametrize("text, blank, digits", [
    ("574", "number", "574"),
    (": 86", "number", "86"),  # the colon of "Số:" caught
    ("6:46", "number", "46"),  # "ô:" read as "6:"
    ("574/", "number", "574"),
    ("544/U", "number", None),
    ("A6", "day", None),
    ("06", "day", "06"),
    ("123", "day", None),  # no day has three digits
    ("", "day", None),
])
def test_digits_of_a_read(text, blank, digits):
    assert digits_of(text, blank) == digits


@pytest.mark.parametrize("reads, blank, value", [
    (["574", "574", "574"], "number", "574"),
    (["574/", "544/", "544"], "number", None),  # the tall cut disagrees: nothing kept
    (["574/U", "544", "544"], "number", None),  # its digits contradict: nothing kept
    (["0F", "07", "07"], "number", "07"),  # one read no vote, two agree
    (["1", "", "1"], "number", "1"),
    (["1", "", ""], "number", None),  # one vote is not agreement
    (["6", "06", "06"], "day", "06"),  # a day compares as a number
    (["01", "1", "1"], "number", None),  # a number as written
    (["A6", "16", "16"], "day", "16"),
    (["0", "", ""], "day", None),
    (["y2", "y2", "y24"], "day", None),
])
def test_reads_are_kept_only_when_they_agree(reads, blank, value):
    assert agreed(reads, blank) == value


class Scripted:
    """An engine that answers each read with the next of ``answers``."""

    name = "scripted"

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.sizes: list[tuple[int, int]] = []

    def version(self) -> str:
        return "1"

    def read(self, image: Any, mode: Mode) -> list[Word]:
        self.sizes.append(image.size)
        text = self.answers.pop(0)
        return [Word(0, 0, image.size[0], image.size[1], 90.0, text, "1.1.1")] if text else []


def _page() -> Any:
    from PIL import Image

    return Image.new("RGB", PAGE, "white")


def test_only_the_two_blanks_are_read():
    engine = Scripted(["574", "574", "04", "4", "04"])
    found = read_blanks(engine, _page(), HEADER)
    assert [(x.line, x.text) for x in found] == [("hand.number", "574"), ("hand.day", "04")]
    assert all(is_handwritten(x) for x in found)
    assert all(wd < 400 and ht < 200 for wd, ht in engine.sizes)  # crops, never the page
    # two reads that agree settle a blank; "04" and "4" do not, so the day is read thrice
    assert len(engine.sizes) == 5 and engine.answers == []


def test_reads_that_differ_give_a_rejected_word_with_what_was_seen():
    engine = Scripted(["574/", "544/", "544/", "", "", ""])
    found = read_blanks(engine, _page(), HEADER)
    assert [(x.line, x.text) for x in found] == [("hand.number", "?574/|544/|544/")]


def test_a_crop_of_the_turned_page_is_cut_from_the_page_as_rendered():
    """Cleaning turns the page to undo its skew; the blank's box is on the turned page, the
    ink on the page as rendered."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (2000, 1000), 255)
    ImageDraw.Draw(page).rectangle((1800, 100, 1830, 130), fill=0)  # far from the centre
    angle = 2.0
    turned = page.rotate(angle, fillcolor=255)
    ys, xs = zip(*[(y, x) for y in range(0, 400) for x in range(1600, 2000)
                   if turned.getpixel((x, y)) < 128], strict=True)
    box = (min(xs) - 4, min(ys) - 4, max(xs) + 5, max(ys) + 5)

    def dark(image: Any) -> int:
        return sum(1 for v in image.tobytes() if v < 128)

    part = cut(page, box, angle)
    assert part.size == (box[2] - box[0], box[3] - box[1])
    assert dark(part) > 0.8 * 31 * 31
    assert dark(page.crop(box)) < 0.5 * dark(part)  # the same box on the rendered page misses


def _ppocr_ready() -> str | None:
    try:
        from pipeline.ocr.ppocr import model

        model()
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    return None


PPOCR = _ppocr_ready()
needs_ppocr = pytest.mark.skipif(PPOCR is not None, reason=f"no digit recogniser: {PPOCR}")


def _ink(text: str, size: int = 60) -> Any:
    """Digits as a pen might write them in: slanted, blue, on paper."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf", size)
    img = Image.new("RGB", (size * len(text) + 40, size + 50), "white")
    ImageDraw.Draw(img).text((20, 15), text, font=font, fill=(20, 40, 170))
    return img


@needs_ppocr
@pytest.mark.parametrize("digits", ["574", "04", "1453", "18"])
def test_the_recogniser_reads_digits_in_ink(digits):
    from pipeline.ocr.ppocr import PPOcrDigits

    (word,) = PPOcrDigits().read(_ink(digits), "line")
    assert word.text == digits


@needs_ppocr
def test_the_recogniser_reads_nothing_on_paper():
    from PIL import Image

    from pipeline.ocr.ppocr import PPOcrDigits

    assert PPOcrDigits().read(Image.new("RGB", (120, 80), "white"), "line") == []


def _scan_with_ink(number: str, day: str) -> bytes:
    """``tb-vp-blank.pdf``'s page 1 (``Số:      /TB-VP``, ``ngày      tháng 9 năm 2025``)
    rendered at 300 dpi with ``number`` and ``day`` written into the blanks in blue, slanted,
    the page turned by 0.8 degree as a scanner feeds it."""
    from PIL import Image, ImageDraw, ImageFont

    page = pymupdf.open(ROOT / "samples" / "generated" / "tb-vp-blank.pdf")[0]
    pix = page.get_pixmap(dpi=300)
    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    k = 300 / 72
    so = page.search_for("Số:")[0]
    ngay = page.search_for("ngày")[0]
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf", 62)
    draw = ImageDraw.Draw(img)
    draw.text(((so.x1 + 4) * k, (so.y0 - 4) * k), number, font=font, fill=(25, 45, 160))
    draw.text(((ngay.x1 + 3) * k, (ngay.y0 - 4) * k), day, font=font, fill=(25, 45, 160))
    img = img.rotate(0.8, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(300, 300))
    return buf.getvalue()


@needs_tesseract
@needs_ppocr
def test_a_scan_with_number_and_day_written_in_gets_both(tmp_path):
    from pipeline.options import Options
    from pipeline.readers import read_document
    from pipeline.runner import process_bytes

    options = Options(ocr_cache=str(tmp_path))
    scan = _scan_with_ink("27", "18")
    doc = read_document("tb.png", scan, options)
    assert [(h.blank, h.value, h.engine) for h in doc.handwriting] == [
        ("number", "27", "ppocr"), ("day", "18", "ppocr")]
    rec = process_bytes("tb.png", scan, options=options)
    assert (rec.number, rec.code) == ("27", "27/TB-VP")
    prov = rec.provenance["number"]
    assert (prov.source, prov.engine, prov.extractor) == ("ocr_handwriting", "ppocr",
                                                           "handwritten")
    assert prov.bbox is not None and prov.bbox[2] - prov.bbox[0] < 60  # the blank, in points
