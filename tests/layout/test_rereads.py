"""Parts of a letter read again where the whole-page reading fails: the number line, the
signer's name, the signature column. Unit tests use a scripted engine; the real scans need
Tesseract."""

from __future__ import annotations

import pytest

from pipeline.layout.rereads import read_crop, reread_names, reread_number
from pipeline.ocr import Word
from pipeline.runner import process_bytes, process_file
from tests.conftest import shared_file
from tests.layout.support import ScriptedEngine, tsv
from tests.ocr.support import needs_tesseract


def _page():
    from PIL import Image

    return Image.new("1", (1000, 1400), 1)


def test_number_reread_looks_only_at_the_header():
    """"Số lượng …" in the body is not a number line: no extra reading for it."""
    engine = ScriptedEngine()
    page = _page()
    body = [Word(100, 900, 140, 930, 95.0, "Số", "9.1.1"),
            Word(150, 900, 260, 930, 95.0, "lượng", "9.1.1")]
    assert reread_number(engine, page, body) == body and not engine.calls
    header = [Word(100, 200, 160, 230, 95.0, "Số:", "2.1.1"),
              Word(170, 200, 220, 230, 20.0, "TU", "2.1.1")]
    reread_number(engine, page, header)
    # the header's number line without a symbol is read again, as one line
    assert engine.calls and all(mode == "line" for mode, _ in engine.calls)


def test_a_number_read_differently_twice_is_left_empty():
    """ttg-981: the stamped "981" reads "384" on the page and "3484" cut out; neither is
    kept. A number read the same twice ("86") is kept."""
    page = _page()

    def line(number):
        return [Word(100, 200, 160, 230, 95.0, "Số:", "2.1.1"),
                Word(170, 200, 220, 230, 80.0, number, "2.1.1"),
                Word(230, 200, 330, 230, 80.0, "/QĐ-TTg", "2.1.1")]

    engine = ScriptedEngine(tsv(
        (10, 5, 50, 30, "Số:"), (70, 5, 60, 30, "3484"), (140, 5, 100, 30, "/QĐ-TTg")))
    words = reread_number(engine, page, line("384"))
    assert [w.text for w in words] == ["Số:", "?", "/QĐ-TTg"]
    rec = process_bytes("x.txt", "Số: ? /QĐ-TTg\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n".encode())
    assert rec.number is None and any("not readable" in w for w in rec.warnings)

    engine = ScriptedEngine(tsv(
        (10, 5, 50, 30, "Số:"), (70, 5, 40, 30, "86"), (120, 5, 100, 30, "/QĐ-UBND")))
    words = reread_number(engine, page, line("86"))
    assert [w.text for w in words] == ["Số:", "86", "/QĐ-TTg"]


def test_a_number_line_read_again_replaces_the_pages_words():
    """ttg-985: the page reads "Số: TU"; the cut-out line reads the symbol, and its words,
    in page pixels, take the place of the page's."""
    page = _page()
    engine = ScriptedEngine(tsv((10, 5, 50, 30, "Số:"), (70, 5, 160, 30, "985/QĐ-TTg")))
    words = [Word(100, 200, 160, 230, 95.0, "Số:", "2.1.1"),
             Word(170, 200, 220, 230, 20.0, "TU", "2.1.1"),
             Word(600, 200, 900, 230, 90.0, "Hà", "2.1.1")]
    out = reread_number(engine, page, words)
    assert [w.text for w in out] == ["Hà", "Số:", "985/QĐ-TTg"]
    again = out[1]
    assert again.line.startswith("number.") and (again.x0, again.y0) > (10, 5)


def test_a_failed_reread_never_loses_the_page():
    """A second reading is a second chance: an empty crop is not read, and a crop that
    the engine (or Pillow) fails on leaves the page's words as they were."""
    page = _page()

    def never():
        pytest.fail("not to be run")

    assert read_crop(ScriptedEngine(never), page, (497, 180, 445, 240), "line",
                     "number") is None

    def broken():
        raise ValueError("cannot write empty image")

    words = [Word(455, 200, 460, 205, 10.0, "'", "2.1.1"),
             Word(497, 200, 540, 230, 95.0, "Số:", "2.1.1"),
             Word(550, 200, 600, 230, 20.0, "TU", "2.1.1")]
    copies = [Word(*w.as_list()) for w in words]
    assert reread_number(ScriptedEngine(broken), page, copies) == words


def test_a_name_line_is_read_again_on_its_own():
    """qn-51: the page reads "Trần Phước Hiên" under the signature; the line alone reads
    "Hiền", and that reading replaces the page's. The two disagree, so the line is read a
    third time, enlarged; it gives "Hiền" too, and the words say two readings agreed."""
    page = _page()
    engine = ScriptedEngine(tsv((8, 8, 60, 30, "Trần"), (75, 8, 80, 30, "Phước"),
                                (160, 8, 60, 30, "Hiền")))
    words = [Word(100, 1000, 220, 1030, 95.0, "Nơi", "5.1.1"),
             Word(230, 1000, 330, 1030, 95.0, "nhận:", "5.1.1"),
             Word(600, 1000, 700, 1030, 90.0, "PHÓ", "6.1.1"),
             Word(710, 1000, 800, 1030, 90.0, "CHỦ", "6.1.1"),
             Word(810, 1000, 900, 1030, 90.0, "TỊCH", "6.1.1"),
             Word(600, 1250, 660, 1280, 90.0, "Trần", "7.1.1"),
             Word(670, 1250, 750, 1280, 90.0, "Phước", "7.1.1"),
             Word(760, 1250, 820, 1280, 90.0, "Hiên", "7.1.1")]
    out = reread_names(engine, page, words, 300)
    assert [mode for mode, _ in engine.calls] == ["line", "line"]
    assert [w.text for w in out][-3:] == ["Trần", "Phước", "Hiền"]
    assert all(w.line.startswith("agreed.name") for w in out[-3:])
    assert "Hiên" not in [w.text for w in out]


def test_a_page_without_noi_nhan_is_not_read_again():
    engine = ScriptedEngine()
    words = [Word(600, 1250, 660, 1280, 90.0, "Trần", "7.1.1"),
             Word(670, 1250, 750, 1280, 90.0, "Phước", "7.1.1")]
    assert reread_names(engine, _page(), words, 300) == words and not engine.calls


@needs_tesseract
def test_a_name_under_a_seal_is_read_from_its_column():
    """qn-07: a black seal over the signature block made the page reading skip the column;
    the column beside "Nơi nhận" read again as a block gives the name."""
    rec = process_file(shared_file("corpus/scans/qn-07-CT-UBND-2018.pdf"))
    assert rec.signer_name == "Phạm Trường Thọ"
    assert rec.provenance["signer_name"].page == 4


@needs_tesseract
def test_a_title_across_the_seal_is_read_as_sparse_text():
    """ttg-981: "THỦ TƯỚNG" crosses the ring of the seal, whose lettering and star make
    Tesseract's page and block readings give specks; read as sparse text the column gives
    the title, which the phrase list spells."""
    rec = process_file(shared_file("corpus/scans/ttg-981-2024.pdf"))
    assert (rec.signer_title, rec.signing_authority) == ("THỦ TƯỚNG", None)
    assert rec.signer_name == "Phạm Minh Chính"
    assert rec.provenance["signer_title"].source == "ocr"


@needs_tesseract
def test_a_number_line_touched_by_the_seal_is_read_again():
    """ttg-985: the seal's arc touches "Số: 985/QĐ-TTg" and the page reading gives
    "Số: TU"; cut to its own height the line reads right."""
    rec = process_file(shared_file("corpus/scans/ttg-985-2024.pdf"))
    assert (rec.number, rec.symbol, rec.doc_type) == ("985", "QĐ-TTg", "Quyết định")
    assert rec.provenance["symbol"].source == "ocr"
