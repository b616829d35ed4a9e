"""OCR body text repaired where Tesseract is known to go wrong (``pipeline.layout.spelling``):
a mark lost or read as another (``tô chức``, ``phát triên``, ``Căn cử``), a digit read as a
letter (``số I1/2023``). Each class is a row; so is each thing that must be left as read
(names, header lines, stop words, words the engine was sure of, correct text)."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from pipeline.document import Line
from pipeline.layout.lines import words_to_lines
from pipeline.layout.spelling import (
    lexicon,
    ocr_variant,
    repair_digits,
    repair_marks,
    repair_text,
    repairs_said,
)
from pipeline.normalize import normalize_line
from pipeline.ocr import Word

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"

needs_lexicon = pytest.mark.skipif(not lexicon().words, reason="underthesea's word list is absent")


@needs_lexicon
@pytest.mark.parametrize("read, printed", [
    # a tone lost on a known pair
    ("Công tác tô chức cán bộ", "Công tác tổ chức cán bộ"),
    ("phát triên kinh tế - xã hội", "phát triển kinh tế - xã hội"),
    ("thực hiên nhiệm vụ được giao", "thực hiện nhiệm vụ được giao"),
    ("Tô chức thực hiện", "Tổ chức thực hiện"),  # a sentence's first word keeps its capital
    # the hook of ư / ơ lost
    ("quyền sủ dụng đất", "quyền sử dụng đất"),
    ("xây dựng cơ sơ dữ liệu", "xây dựng cơ sở dữ liệu"),
    # the hat of â / ê / ô, the breve of ă, the bar of đ lost
    ("dự toán ngan sách", "dự toán ngân sách"),
    ("tiêu chuân kỹ thuật", "tiêu chuẩn kỹ thuật"),
    ("tang cường công tác", "tăng cường công tác"),
    ("bảo dam an toàn", "bảo đảm an toàn"),
    # a tone read as another
    ("Căn cử Luật Tổ chức Chính phủ", "Căn cứ Luật Tổ chức Chính phủ"),
    ("Nghị định sửa đối, bổ sung", "Nghị định sửa đổi, bổ sung"),
])
def test_a_mark_ocr_lost_or_misread_is_put_back(read, printed):
    assert repair_text(read)[0] == printed


@needs_lexicon
@pytest.mark.parametrize("text, why", [
    ("ông Tô Chức, Giám đốc Sở", "a name: capitalised inside a sentence"),
    ("TÔ CHỨC THỰC HIỆN", "a line in capitals (the header has its own phrase list)"),
    ("theo năm không quá 01%", "năm is a stop word: never repaired (not nằm không)"),
    ("các đoạn thẳng nối các điểm", "a stop word is no evidence (not nội các)"),
    ("ủy ban nhân dân tinh", "two ways to repair, or none sure: left as read"),
    ("giam giữ người", "a syllable that makes a word as read"),
    ("tô, chức", "punctuation between: no pair"),
    ("Điều 5. tô", "no neighbour to judge by"),
])
def test_what_the_lexicon_cannot_vouch_for_is_left_as_read(text, why):
    assert repair_text(text) == (text, []), why


@needs_lexicon
def test_a_word_the_engine_was_sure_of_keeps_its_marks():
    """``tô`` read with confidence 96 stays; with 60 it is repaired."""
    assert repair_marks("công tác tô chức", [96.0, 96.0, 96.0, 96.0]) == ("công tác tô chức", [])
    assert repair_marks("công tác tô chức", [96.0, 96.0, 60.0, 96.0])[0] == "công tác tổ chức"
    # confidences that do not line up with the words repair nothing
    assert repair_marks("công tác tô chức", [60.0, 60.0]) == ("công tác tô chức", [])


@pytest.mark.parametrize("read, printed", [
    ("Nghị định số I1/2023/NĐ-CP ngày I1 tháng 11", "Nghị định số 11/2023/NĐ-CP ngày 11 tháng 11"),
    ("ngày I1/5/2021", "ngày 11/5/2021"),
    ("số I1", "số 11"),
    ("lúc T1 giờ 10 phút", "lúc 11 giờ 10 phút"),
    ("ngày †1 tháng 01", "ngày 11 tháng 01"),
    ("Thông tư 01⁄2011/TT-BNV;", "Thông tư 01/2011/TT-BNV;"),
    ("Luật số 201/⁄2025/QH15", "Luật số 201/2025/QH15"),  # one slash read as two
    ("năm 2O23", "năm 2023"),
    ("(Điều l2)", "(Điều 12)"),
])
def test_a_digit_read_as_a_letter_inside_a_number(read, printed):
    assert repair_digits(read)[0] == printed


@pytest.mark.parametrize("text", [
    "Phụ lục I, II và III",  # numerals, no digit
    "tầng T1, khu L2",  # a code's letters: T and L only after a word announcing a number
    "102o 45’11,40”",  # a degree
    "Mẫu số 01-Il",  # a letter part after the number
    "QĐ-UBND I1A",  # a letter other than the confused ones in the token
    "Il y a",
    "xe tiêu thụ 20l/100km, bình 5l",  # litres
    "| 12 | Sở Nội vụ |",  # a table's rule
])
def test_letters_that_are_letters_stay(text):
    assert repair_digits(text) == (text, [])


@pytest.mark.parametrize("text", [
    "Số: †4/UBND-KTTH",
    "Số: I4/UBND-KTTH",
    "Sá: I1/QĐ-UBND",
    "Quảng Ngãi, ngày †4 tháng 02 năm 2025",
    "Hà Nội, ngày L1 tháng 01 năm 2011",
    "Quảng Ngãi, ngày      tháng I1 năm 2025",
])
def test_the_letters_own_number_and_date_lines_keep_what_ocr_read(text):
    """The blanks of these lines are written in by hand: ``†4`` is ink, and a digit made up
    there would be a number or a day given with confidence. The handwriting reader, with its
    checks, reads them (``pipeline.layout.handwriting``)."""
    assert repair_digits(text) == (text, [])


def test_a_number_the_engine_was_sure_of_is_kept_as_read():
    assert repair_digits("theo Kế hoạch số I1/KH-UBND", [96.0] * 5)[1] == []
    assert repair_digits("theo Kế hoạch số I1/KH-UBND", [96.0] * 4 + [40.0])[0] \
        == "theo Kế hoạch số 11/KH-UBND"


def test_ocr_variant_is_the_kind_of_slip_ocr_makes():
    assert ocr_variant("tô", "tổ") and ocr_variant("triên", "triển") and ocr_variant("dam", "đảm")
    assert ocr_variant("cử", "cứ")  # a tone read as another
    assert not ocr_variant("tờ", "tổ")  # a hook added, a hat lost: not one slip
    assert not ocr_variant("tô", "to")  # a hat OCR read is never taken away
    assert not ocr_variant("to", "tô a")


# ---------------------------------------------------------------------------- correct text


def _lines(paths: list[Path]) -> list[str]:
    from pipeline.options import Options
    from pipeline.readers import read_document

    out = []
    for path in paths:
        doc = read_document(path, path.read_bytes(), Options(ocr=False, signatures=False))
        out.extend(ln.text for ln in doc.lines if ln.text)
    return out


@needs_lexicon
def test_correct_text_of_the_samples_is_left_unchanged():
    """Every line of the generated and seed letters (text the project wrote, right by
    construction): not one word changed."""
    paths = sorted((ROOT / "samples" / "generated").glob("*.txt"))
    paths += sorted((ROOT / "samples" / "seeds").glob("*.txt"))
    lines = _lines(paths)
    assert len(lines) > 100
    assert [(t, repair_text(t)[1]) for t in lines if repair_text(t)[1]] == []


@needs_lexicon
@pytest.mark.corpus
def test_a_real_text_layer_is_left_unchanged():
    """The text layers of the two text PDFs of the corpus, as the repair would see them."""
    paths = sorted((SHARED / "corpus" / "text-pdf").glob("*.pdf"))
    if not paths:
        pytest.skip("../shared/corpus/text-pdf is absent")
    lines = _lines(paths)
    assert len(lines) > 50
    assert [(t, repair_text(t)[1]) for t in lines if repair_text(t)[1]] == []


_TONES = "\u0300\u0301\u0309\u0303\u0323"


def _retone(word: str, tone: str) -> str:
    """``word`` with its tone taken away (``tone`` empty) or replaced by ``tone``."""
    nfd = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(tone if c in _TONES else c for c in nfd))


@needs_lexicon
def test_degraded_sentences_are_repaired_or_left_never_made_wrong():
    """Sentences of the samples with one syllable's tone lost or read as another, as OCR
    does: each is repaired to the printed word or left as read, and nearly never turned into
    a third word (``cam ơn`` → ``cám ơn`` is the one slip: both spellings are words)."""
    paths = sorted((ROOT / "samples" / "generated").glob("*.txt"))
    paths += sorted((ROOT / "samples" / "seeds").glob("*.txt"))
    rnd = random.Random(3)
    restored = left = wrong = 0
    for path in paths:
        for raw in path.read_text("utf-8").splitlines():
            words = normalize_line(raw).split(" ")
            toned = [i for i, w in enumerate(words) if w.isalpha() and w.islower()
                     and any(c in _TONES for c in unicodedata.normalize("NFD", w))]
            if not toned:
                continue
            i = rnd.choice(toned)
            tone = rnd.choice(["", "", *_TONES])
            bad = _retone(words[i], tone)
            if bad == words[i]:
                continue
            got = repair_text(" ".join([*words[:i], bad, *words[i + 1:]]))[0].split(" ")
            assert got[:i] + got[i + 1:] == words[:i] + words[i + 1:]
            restored += got[i] == words[i]
            left += got[i] == bad
            wrong += got[i] not in (words[i], bad)
    assert restored + left + wrong > 100
    assert wrong <= 0.02 * (restored + left + wrong)
    assert restored >= 0.25 * (restored + left + wrong)


# ---------------------------------------------------------------------------- the lines


def _words(text: str, confs: list[float]) -> list[Word]:
    words, x = [], 10
    for word, conf in zip(text.split(), confs, strict=True):
        words.append(Word(x, 100, x + 10 * len(word), 130, conf, word, "1.1.1"))
        x += 10 * len(word) + 8
    return words


@needs_lexicon
def test_the_line_keeps_what_ocr_read_and_the_page_says_what_was_repaired():
    lines = words_to_lines(_words("Căn cử Nghị định số I1/2023/NĐ-CP về tô chức",
                                  [96, 58, 95, 96, 96, 70, 96, 55, 96]), 0.24, 1)
    assert [ln.text for ln in lines] == ["Căn cứ Nghị định số 11/2023/NĐ-CP về tổ chức"]
    assert lines[0].read_as == "Căn cử Nghị định số I1/2023/NĐ-CP về tô chức"
    said = repairs_said(lines)
    assert said.startswith("OCR text repaired (3): ")
    assert "cử → cứ" in said and "I1/2023/NĐ-CP → 11/2023/NĐ-CP" in said and "tô → tổ" in said
    sure = words_to_lines(_words("Căn cứ Nghị định", [96, 96, 96, 96]), 0.24, 1)
    assert sure[0].read_as is None and repairs_said([Line("x")]) == "OCR text repaired (0): "


# ---------------------------------------------------------------------------- rendered


def _render_italic_ocr(lines: list[str], dpi: int, blur: float, cut: int) -> list[Word]:
    """``lines`` set in Liberation Serif Italic, rendered at ``dpi``, blurred, thresholded to
    black and white as a cheap scanner does, read by the pipeline's Tesseract engine."""
    import pymupdf
    from PIL import Image, ImageFilter

    from pipeline.ocr import OcrSettings, get

    font = pymupdf.Font(fontfile="/usr/share/fonts/truetype/liberation/"
                                 "LiberationSerif-Italic.ttf")
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=60 + 20 * len(lines))
    tw = pymupdf.TextWriter(page.rect)
    for k, text in enumerate(lines):
        tw.append((40, 40 + 20 * k), text, font=font, fontsize=12.5)
    tw.write_text(page)
    pix = page.get_pixmap(dpi=dpi)
    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples).convert("L")
    img = img.filter(ImageFilter.GaussianBlur(blur * dpi / 72 / 2.8))
    img = img.point(lambda v: 255 if v > cut else 0)
    return get("tesseract", OcrSettings(dpi=dpi)).read(img, "block")


ITALIC = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf")


@needs_lexicon
@pytest.mark.skipif(not ITALIC.exists(), reason="Liberation Serif Italic is not installed")
def test_italic_eleven_read_as_i1_is_read_as_eleven():
    """``ngày 11 tháng 11`` in italics on a blurred black-and-white scan: Tesseract reads the
    first ``1`` as ``I`` or ``L``; the line has ``11`` again."""
    from tests.ocr.support import MISSING

    if MISSING is not None:
        pytest.skip(f"OCR unavailable: {MISSING}")
    printed = ["Căn cứ Nghị định số 11/2023/NĐ-CP ngày 11 tháng 11 năm 2023 của Chính phủ;",
               "Báo cáo trước ngày 11 tháng 01 năm 2011; 1.111 tỷ đồng; lúc 11 giờ 10 phút."]
    words = _render_italic_ocr(printed, 200, 1.0, 150)
    read = " ".join(w.text for w in words)
    if not any(t in read.split() for t in ("I1", "L1", "l1", "†1", "T1")):
        pytest.skip(f"this Tesseract reads the italic 11 right here: {read!r}")
    lines = words_to_lines(words, 72 / 200, 1)
    numbers = [t.strip(",;.") for ln in lines for t in ln.text.split()
               if any(ch.isdigit() for ch in t)]
    assert numbers == [t.strip(",;.") for p in printed for t in p.split()
                       if any(ch.isdigit() for ch in t)]
    assert any(ln.read_as for ln in lines)


@needs_lexicon
def test_a_date_line_joined_again_keeps_what_ocr_read_of_both_halves():
    """``Hà Nội, ngày`` and ``tháng I1 năm 2024`` either side of the handwritten day are one
    line again; what OCR read of the repaired half is kept with the other half."""
    row = [(300, 340, 96, "Hà"), (350, 400, 96, "Nội,"), (410, 470, 96, "ngày"),
           (700, 760, 96, "tháng"), (770, 800, 60, "I1"), (810, 850, 96, "năm"),
           (860, 930, 96, "2024")]
    words = [Word(x0, 100, x1, 130, conf, text, "1.1.1") for x0, x1, conf, text in row]
    lines = words_to_lines(words, 0.24, 1)
    assert [ln.text for ln in lines] == ["Hà Nội, ngày tháng 11 năm 2024"]
    assert lines[0].read_as == "Hà Nội, ngày tháng I1 năm 2024"
