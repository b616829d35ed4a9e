"""A signer's name is rated 0.9 or more only when two OCR readings gave it letter for letter.

The name check (a known family name, three parts) vouches for a name's form, not its letters:
``Trần Hông Hà`` passes it as well as ``Trần Hồng Hà``. Each case is the OCR words of a page
(``tests/layout/support.py``) whose name line is read again by a scripted engine, through
the same re-read, lines, zones, extractors and calibration as a real scan."""

from __future__ import annotations

import unicodedata
from typing import Any

from extractors.confidence import REVIEW
from pipeline.layout import reread_names, words_to_lines
from pipeline.layout.rereads import same_name
from tests.layout.support import ScriptedEngine, ocr_words, tsv

ROWS = [
    (60, [(90, "ỦY BAN NHÂN DÂN"), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
    (75, [(90, "TỈNH QUẢNG NGÃI"), (340, "Độc lập - Tự do - Hạnh phúc")]),
    (95, [(110, "Số: 12/QĐ-UBND"), (340, "Quảng Ngãi, ngày 06 tháng 01 năm 2025")]),
    (128, [(265, "QUYẾT ĐỊNH")]),
    (145, [(196, "Về việc phê duyệt kế hoạch")]),
    (230, [(90, "Căn cứ Luật Tổ chức chính quyền địa phương;")]),
    (400, [(90, "Nơi nhận:"), (360, "TM. ỦY BAN NHÂN DÂN")]),
    (415, [(90, "- Như trên;"), (360, "KT. CHỦ TỊCH")]),
    (430, [(360, "PHÓ CHỦ TỊCH")]),
]


def _line(name: str) -> str:
    """What the engine answers for the name line cut out: its words in crop pixels."""
    words, x = [], 8
    for word in name.split():
        words.append((x, 8, 5 * len(word), 12, word))
        x += 5 * len(word) + 4
    return tsv(*words)


def scan(page_reads: str, *line_reads: str) -> tuple[Any, ScriptedEngine]:
    """The record of a page whose OCR read the name as ``page_reads`` and whose name line,
    read again, gave ``line_reads`` in turn (the line cut out, then enlarged)."""
    answers = iter([_line(text) for text in line_reads])
    engine = ScriptedEngine(lambda: next(answers))
    return _reread(engine, page_reads), engine


def _reread(engine: ScriptedEngine, page_reads: str) -> Any:
    """The page's words with the name re-read by ``engine``, through lines, zones, the
    extractors and calibration."""
    from PIL import Image

    from extractors.base import Context
    from pipeline.document import Document, Page
    from pipeline.layout import zone
    from pipeline.runner import run_extractors
    from schemas.record import Record

    words = reread_names(engine, Image.new("1", (595, 842), 1),
                         ocr_words(ROWS + [(520, [(360, page_reads)])]), 300)
    doc = Document(path="x.pdf", format="pdf", pages=[Page(
        number=1, width=595, height=842, lines=words_to_lines(words, 1.0, 1), ocr=True)])
    rec = Record(doc_id="x", source_path="x.pdf", source_format="pdf")
    run_extractors(Context(doc=doc, zones=zone(doc), record=rec))
    return rec


def test_a_tone_mark_the_two_readings_differ_on_is_below_review():
    """held-out: the page reads ``Trần Hông Hà``, the line alone ``Trần Hồng Hà``, enlarged
    ``Trần Hổng Hà``: three readings, no two alike, so the name's letters are not known."""
    rec, engine = scan("Trần Hông Hà", "Trần Hồng Hà", "Trần Hổng Hà")
    assert rec.signer_name == "Trần Hồng Hà"
    assert rec.provenance["signer_name"].confidence < REVIEW
    assert [mode for mode, _ in engine.calls] == ["line", "line"]
    # the rest of the block is vouched for as before
    assert rec.provenance["signer_title"].confidence >= REVIEW


def test_a_name_the_page_and_the_line_read_alike_may_be_above_review():
    rec, engine = scan("Trần Hồng Hà", "Trần Hồng Hà")
    assert rec.signer_name == "Trần Hồng Hà"
    assert rec.provenance["signer_name"].confidence >= REVIEW
    assert len(engine.calls) == 1  # no third reading when two agree


def test_the_third_reading_sides_with_the_line():
    """qn-51: ``Hiên`` on the page, ``Hiền`` cut out and enlarged: two readings agree."""
    rec, engine = scan("Trần Phước Hiên", "Trần Phước Hiền", "Trần Phước Hiền")
    assert rec.signer_name == "Trần Phước Hiền"
    assert rec.provenance["signer_name"].confidence >= REVIEW
    # the enlarged crop is half as big again as the line's
    (_, line), (_, big) = engine.calls
    assert big == (round(line[0] * 1.5), round(line[1] * 1.5))


def test_the_third_reading_sides_with_the_page():
    """The line alone misread what the page read right: the page's letters are kept."""
    rec, _ = scan("Võ Hữu Đông", "Võ Hữu Đồng", "Võ Hữu Đông")
    assert rec.signer_name == "Võ Hữu Đông"
    assert rec.provenance["signer_name"].confidence >= REVIEW


def test_a_name_read_once_is_below_review():
    """No second reading (the re-read did not look like a name): the page's letters alone."""
    rec, _ = scan("Trần Hồng Hà", "~ —")
    assert rec.signer_name == "Trần Hồng Hà"
    assert rec.provenance["signer_name"].confidence < REVIEW


def test_a_family_name_put_right_from_the_list_is_not_what_was_read():
    """``Hỗ Đức Phớc`` read twice alike becomes ``Hồ Đức Phớc`` from the family names: no
    reading gave ``Hồ``, so the two readings do not vouch for it."""
    rec, _ = scan("Hỗ Đức Phớc", "Hỗ Đức Phớc")
    assert rec.signer_name == "Hồ Đức Phớc"
    assert rec.provenance["signer_name"].confidence < REVIEW


def test_same_name_compares_letters_and_marks_only():
    nfd = unicodedata.normalize("NFD", "Trần Hồng Hà")
    assert same_name("Trần  Hồng Hà ,", nfd)
    assert not same_name("Trần Hông Hà", "Trần Hồng Hà")
    assert not same_name("", "")


def _block(*rows: tuple[int, str]) -> str:
    """Tesseract TSV of a block read: one line per ``(top, text)``, in crop pixels."""
    out = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\t"
           "height\tconf\ttext"]
    for n, (top, text) in enumerate(rows, 1):
        x = 63
        for k, word in enumerate(text.split(), 1):
            out.append(f"5\t1\t1\t1\t{n}\t{k}\t{x}\t{top}\t{5 * len(word)}\t12\t90\t{word}")
            x += 5 * len(word) + 4
    return "\n".join(out) + "\n"


def test_a_name_only_the_column_read_as_a_block_gave_is_read_again_as_a_line():
    """ttg-970: the page reading lost the name under the seal (``~ ” —``); the column read
    as a block gives ``Trần Hồng Hà``, and the line cut out gives it again; when the line
    gives ``Trần Hông Hà`` (and enlarged ``Hổng``), no two agree."""
    block = _block((50, "TM. ỦY BAN NHÂN DÂN"), (65, "KT. CHỦ TỊCH"), (80, "PHÓ CHỦ TỊCH"),
                   (170, "Trần Hồng Hà"))
    for line_reads, rated in (("Trần Hồng Hà", True), ("Trần Hông Hà", False)):
        answers = iter([block, _line(line_reads), _line("Trần Hổng Hà")])
        engine = ScriptedEngine(lambda answers=answers: next(answers))
        rec = _reread(engine, "~ ” —")
        assert rec.signer_name == line_reads  # the line's reading, as when the page read it
        assert [mode for mode, _ in engine.calls][:2] == ["block", "line"]
        assert (rec.provenance["signer_name"].confidence >= REVIEW) is rated
