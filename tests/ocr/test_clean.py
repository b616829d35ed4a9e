"""The image-cleaning steps: Otsu's threshold, the skew search, coloured ink turned to paper."""

from __future__ import annotations

import pymupdf
import pytest

from pipeline.ocr.clean import ALL_STEPS, clean, otsu_histogram, skew_angle
from tests.conftest import SAMPLES


def test_otsu_splits_ink_from_paper():
    import numpy as np

    arr = np.array([20] * 300 + [30] * 200 + [220] * 900 + [240] * 600, dtype=np.uint8)
    assert 30 <= otsu_histogram(np.bincount(arr, minlength=256).tolist()) < 220


@pytest.mark.parametrize("angle", [-2.0, 1.0, 2.4])
def test_skew_angle_undoes_a_rotation(angle):
    from PIL import Image

    pix = pymupdf.open(SAMPLES / "generated" / "cv-sxd-1204.pdf")[0].get_pixmap(
        dpi=150, colorspace=pymupdf.csGRAY
    )
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    turned = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    assert skew_angle(turned) == pytest.approx(-angle, abs=0.25)


def test_drop_ink_removes_red_and_blue_but_keeps_black():
    from PIL import Image

    img = Image.new("RGB", (30, 10), (255, 255, 255))
    for x in range(10):
        img.putpixel((x, 5), (20, 20, 20))  # black text
        img.putpixel((x + 10, 5), (200, 30, 40))  # red seal
        img.putpixel((x + 20, 5), (30, 40, 160))  # blue signature
    out = clean(img, ("drop_ink",))
    assert out.getpixel((5, 5)) < 60
    assert out.getpixel((15, 5)) == 255 and out.getpixel((25, 5)) == 255


def test_all_steps_end_in_a_binary_page():
    from PIL import Image

    img = Image.new("RGB", (60, 40), (250, 250, 250))
    assert clean(img, ALL_STEPS).mode == "1" and clean(img, ()).mode == "L"


def _page(dpi: int = 150):
    from PIL import Image

    pix = pymupdf.open(SAMPLES / "generated" / "qd-ubnd-256.pdf")[0].get_pixmap(dpi=dpi)
    return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)


def test_a_blank_scan_is_blank_and_one_line_of_print_is_not():
    """A blank back side as a scanner gives it: grey paper, speckle, a dark strip along one
    edge; the same page holding one typed line is not blank."""
    import random

    from PIL import Image, ImageDraw

    from pipeline.ocr.clean import is_blank

    page = Image.new("L", (1240, 1754), 235)
    rnd = random.Random(3)
    px = page.load()
    for _ in range(4000):
        px[rnd.randrange(1240), rnd.randrange(1754)] = rnd.randrange(0, 120)
    ImageDraw.Draw(page).rectangle((0, 0, 30, 1754), fill=40)
    assert is_blank(page) and is_blank(clean(page.convert("RGB"), ALL_STEPS))
    line = _page().crop((0, 0, 1240, 1754)).convert("L")
    strip = line.crop((100, 170, 1140, 200))  # a strip of the header's print
    page.paste(strip, (100, 800))
    assert not is_blank(page)
    assert not is_blank(_page())


def test_red_ink_keeps_the_red_stamp_alone():
    """What ``drop_ink`` turns to paper, kept apart for reading a red ``HỎA TỐC``."""
    from PIL import Image

    from pipeline.ocr.clean import red_ink

    img = Image.new("RGB", (30, 10), (255, 255, 255))
    for x in range(10):
        img.putpixel((x, 5), (20, 20, 20))
        img.putpixel((x + 10, 5), (200, 30, 40))
        img.putpixel((x + 20, 5), (30, 40, 160))
    out = red_ink(img)
    assert [out.getpixel((x, 5)) for x in (5, 15, 25)] == [255, 0, 255]
