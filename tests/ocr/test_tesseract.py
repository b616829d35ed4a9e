"""The Tesseract engine: its TSV as words, its layout modes, and a clear failure when the
program is missing."""

from __future__ import annotations

from pipeline import ocr
from pipeline.ocr import MODES, OcrSettings, Word
from pipeline.ocr import tesseract as tess
from pipeline.options import Options
from pipeline.runner import process_file
from tests.conftest import shared_file
from tests.ocr.support import needs_tesseract

TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n"
    "4\t1\t2\t1\t1\t0\t100\t200\t230\t30\t-1\t\n"
    "5\t1\t2\t1\t1\t1\t100\t200\t60\t30\t96.5\tSố:\n"
    "5\t1\t2\t1\t1\t2\t170\t200\t160\t30\t91\t985/QĐ-TTg\n"
    "5\t1\t2\t1\t1\t3\t340\t200\t10\t30\t12\t \n"
)


def test_tsv_rows_of_words_become_words():
    assert tess.tsv_words(TSV) == [
        Word(100, 200, 160, 230, 96.5, "Số:", "2.1.1"),
        Word(170, 200, 330, 230, 91.0, "985/QĐ-TTg", "2.1.1"),
    ]


def test_each_layout_mode_is_a_page_segmentation_mode(monkeypatch):
    from PIL import Image

    seen = []
    monkeypatch.setattr(tess, "run_tesseract",
                        lambda image, lang, psm, dpi: seen.append((lang, psm, dpi)) or TSV)
    engine = ocr.get("tesseract-cli", OcrSettings(lang="vie", dpi=300))
    for mode in MODES:
        assert len(engine.read(Image.new("1", (40, 20), 1), mode)) == 2
    assert seen == [("vie", 3, 300), ("vie", 6, 300), ("vie", 7, 300), ("vie", 11, 300)]


@needs_tesseract
def test_the_engine_reads_a_line_it_is_given():
    from PIL import Image, ImageDraw

    img = Image.new("L", (400, 80), 255)
    ImageDraw.Draw(img).text((10, 20), "VIET NAM 2024", fill=0, font_size=36)
    words = ocr.get("tesseract-cli").read(img, "line")
    assert "2024" in [w.text for w in words]
    assert all(0 <= w.x0 < w.x1 <= 400 and 0 <= w.y0 < w.y1 <= 80 for w in words)


def test_missing_tesseract_is_a_clear_failure(monkeypatch):
    monkeypatch.setenv("VANTHU_TESSERACT", "/nonexistent/tesseract")
    tess.tesseract_path.cache_clear()
    tess.tesseract_info.cache_clear()
    try:
        rec = process_file(shared_file("corpus/scans/ttg-970-2024.pdf"),
                           options=Options(ocr_cache=None))
    finally:
        tess.tesseract_path.cache_clear()
        tess.tesseract_info.cache_clear()
    assert rec.status.value == "failed"
    assert "OCR is not possible" in rec.errors[0]


def test_an_unknown_engine_in_the_options_is_said_in_the_record():
    rec = process_file(shared_file("corpus/scans/ttg-970-2024.pdf"),
                       options=Options(ocr_engine="handwriting", ocr_cache=None))
    assert rec.status.value == "failed"
    assert any("unknown OCR engine 'handwriting'; known: ppocr, tesseract" in e for e in rec.errors)
