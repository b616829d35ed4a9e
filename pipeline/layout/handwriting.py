"""The number and the day written in by hand, located on the page and read by a second engine.

A letter is signed with blanks, ``Số:      /UBND-KTTH`` and ``Quảng Ngãi, ngày      tháng 02
năm 2025``, and the records office writes the number (``574``) and the day (``04``) in by
hand when it issues it. Tesseract reads that ink as junk (``Số: §†4/UBND-KTTH``,
``ngày⁄{§ tháng``); the digit recogniser (:mod:`pipeline.ocr.ppocr`) reads it, but it reads
anything it is given, and its confidence did not tell its wrong reads from its right ones.
So this module decides *where* it looks and *what* it keeps:

- where: the blank between ``Số:`` and the symbol's ``/`` in the header's left column, and
  the blank between ``ngày`` and ``tháng`` on the date line, measured from the typed words
  around them (the year ``2025`` on the date line gives the size of a printed digit, so a
  word Tesseract glued to the ink, ``ngày4†tháng``, can still be cut where it was typed);
- what: a value is kept only when it is digits alone (a number of 1 to 5, a day of 1 or 2)
  and two of three reads of the blank (cut at two heights, and binarised) give it, with no
  read giving other digits (when the first two give the same digits, the third is not
  made). Anything else is a rejected read, kept with what was seen so the extractor can
  say why the field is empty.

The crops come from the page as rendered, before cleaning: cleaning turns coloured ink to
paper, and the number is often written in blue. Only the two blanks are read, never the
page. The result is a list of :class:`~pipeline.ocr.engine.Word` in page pixels, whose
``line`` is ``hand.number`` or ``hand.day`` and whose text is the digits, or ``?`` followed
by the reads when they were rejected (``?574/|544/|574``).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from typing import Any, Literal

from pipeline.layout.numberline import number_line_text
from pipeline.normalize import fold
from pipeline.ocr import Engine, OcrUnavailable, Word

Blank = Literal["number", "day"]
VERSION = "2"  # in the page cache's key: a change of where or what is read reads pages again
TAG = "hand"
REJECTED = "?"

_SO = re.compile(r"^\W*S[OA06]")  # folded: "Số:", "Số:4@`", "Sá:"
_CAPITAL_S = re.compile(r"^\W*S")
_YEAR = re.compile(r"^(?:19|20)\d{2}\W?$")
_EDGE = ":：;.,/\\|'\"`_-~ "  # the anchors' ends a crop may catch: "：86", "574."
_DIGITS = {"number": re.compile(r"\d{1,5}"), "day": re.compile(r"\d{1,2}")}

# Widths of the typed words around the blanks, in printed digits (Times, 13-14 pt): "Số:" is
# about 2.3 digits wide, "ngày" 4.0, "tháng" 4.7, and a capital of a symbol 1.15.
SO_WIDTH, NGAY_WIDTH, THANG_WIDTH, CAPITAL_WIDTH = 2.3, 4.0, 4.7, 1.15
DIGIT_HEIGHT = 1.45  # a printed digit's height in digit widths


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one blank is: its kind and its box in page pixels (the typed line's band)."""

    blank: Blank
    box: tuple[int, int, int, int]
    digit: float  # the width of a printed digit, in pixels


def _lines(words: list[Word]) -> dict[str, list[Word]]:
    out: dict[str, list[Word]] = {}
    for w in words:
        out.setdefault(w.line, []).append(w)
    for ws in out.values():
        ws.sort(key=lambda w: w.x0)
    return out


def _digit_width(words: list[Word], height: int) -> float | None:
    """A printed digit's width on this page: from the year of the date line (``2025``)."""
    years = [(w.x1 - w.x0) / 4 for w in words
             if _YEAR.match(w.text) and w.y0 < height * 0.4 and w.conf >= 60]
    return statistics.median(years) if years else None


def locate(words: list[Word], size: tuple[int, int]) -> list[Spot]:
    """The blanks of the number and the day on a page whose words are ``words``."""
    width, height = size
    digit = _digit_width(words, height)
    if digit is None:
        return []
    spots: list[Spot] = []
    for ws in _lines(words).values():
        if ws[0].y0 > height * 0.4:
            continue
        on_line = _digit_width(ws, height) or digit  # the date line's own year
        number = _number_spot(ws, width, on_line)
        if number is not None and not any(s.blank == "number" for s in spots):
            spots.append(number)
        day = _day_spot(ws, width, on_line)
        if day is not None and not any(s.blank == "day" for s in spots):
            spots.append(day)
    return spots


def _number_spot(ws: list[Word], width: int, digit: float) -> Spot | None:
    for k, so in enumerate(ws):
        m = _SO.match(fold(so.text))
        if m is None or so.x0 > width / 2 or not _CAPITAL_S.match(so.text):
            continue  # "số 14/2023/NĐ-CP" in the body is a reference, not the number line
        glued = len(fold(so.text).strip(":.;_ ")) > 2  # "Số:4@`": the ink is in the word
        typed_end = so.x0 + SO_WIDTH * digit  # Tesseract's box may take in the first digit
        start = typed_end if glued else min(so.x1, typed_end)
        for w in ws[k:]:
            text = number_line_text(w.text)
            at = text.find("/", m.end() if w is so else 0)
            if at < 0:
                continue
            end: float
            if at == 0:
                end = w.x0
            elif text[:at].isdigit():  # "970/QĐ-TTg": typed digits, measured from the left
                end = w.x0 + digit * at
            else:  # "§†4/UBND-KTTH": ink glued to the symbol, measured from the right
                end = w.x1 - CAPITAL_WIDTH * digit * (len(text) - at)
            return _spot("number", start, end, ws, digit)
        return None
    return None


def _day_spot(ws: list[Word], width: int, digit: float) -> Spot | None:
    for k, w in enumerate(ws):
        folded = fold(w.text)
        at = folded.find("NGAY")
        if at < 0 or w.x0 < width * 0.4:
            continue
        start = w.x0 + NGAY_WIDTH * digit if at == 0 else w.x1  # glued: "ngày4†tháng"
        for v in ws[k:]:
            found = fold(v.text).find("THANG", at + 4 if v is w else 0)
            if found < 0:
                continue
            end = v.x0 if found == 0 else v.x1 - THANG_WIDTH * digit
            return _spot("day", start, end, ws, digit)
        return None
    return None


def _spot(blank: Blank, start: float, end: float, ws: list[Word], digit: float) -> Spot | None:
    if end - start < digit:  # no room for a digit: nothing was written in
        return None
    typed = [w for w in ws if w.conf >= 60 and not any(c.isdigit() for c in w.text)
             and w.y1 - w.y0 >= digit] or ws  # words, not specks ("_" under the line)
    top = statistics.median(w.y0 for w in typed)
    bottom = statistics.median(w.y1 for w in typed)
    return Spot(blank, (int(start), int(top), int(end), int(bottom)), digit)


def crops(spot: Spot) -> list[tuple[tuple[int, int, int, int], bool]]:
    """Three cuts of a blank for three reads, each ``(box, binarise)``: tall (handwriting
    rises above the typed line, and runs on over the slash), close (a little inside the
    blank, so an anchor's stroke is not caught in every read), and the close cut binarised
    (a pale ballpoint line read as ink or paper, not as grey)."""
    x0, y0, x1, y1 = spot.box
    h = DIGIT_HEIGHT * spot.digit
    inset = 0.3 * spot.digit
    close = (int(x0 + inset), int(y0 - 0.4 * h), int(x1 - inset), int(y1 + 0.15 * h))
    return [
        ((int(x0 + 0.15 * spot.digit), int(y0 - 0.8 * h), int(x1 - 0.1 * spot.digit),
          int(y1 + 0.4 * h)), False),
        (close, False),
        (close, True),
    ]


def digits_of(text: str, blank: Blank) -> str | None:
    """The digits a read holds, or None when it holds anything else: ``：86`` → ``86``,
    ``574.`` → ``574``, ``A6`` → None. In the number's blank what comes before a colon is
    the end of ``Số:`` (``ô:46`` read as ``6:46`` → ``46``)."""
    if blank == "number":
        text = re.split(r"[:：]", text)[-1]
    core = text.strip(_EDGE)
    return core if _DIGITS[blank].fullmatch(core) else None


def agreed(reads: list[str], blank: Blank) -> str | None:
    """The value two reads or more give, when at most one read is no vote (empty, or not
    digits alone) and no read contradicts the value. Days compare as
    numbers (``6`` is ``06``), numbers as written (``01`` is not ``1``). A read that is not
    digits alone is no vote, but its digits must fit the value: ``A6`` fits 16 (the ``1``
    misread), ``574/U`` does not fit 544, and then nothing is kept."""
    values = [v for v in (digits_of(r, blank) for r in reads) if v is not None]
    keys = {(int(v) if blank == "day" else v) for v in values}
    if len(keys) != 1 or len(values) < 2 or len(values) < len(reads) - 1:
        return None  # two votes at least, and at most one read that is no vote
    value = max(values, key=len)
    for read in reads:
        seen = "".join(re.findall(r"\d", re.split(r"[:：]", read)[-1] if blank == "number"
                                 else read))
        if seen and not (_within(seen, value) or _within(value, seen)):
            return None
    return value


def _settled(reads: list[str], blank: Blank) -> bool:
    """Whether two reads already decide the blank: both give nothing (nothing was written),
    or both give the same digits, written the same way."""
    if len(reads) < 2:
        return False
    if not any(r.strip() for r in reads):
        return True
    first, second = (digits_of(r, blank) for r in reads[:2])
    return first is not None and first == second


def _within(short: str, long: str) -> bool:
    """Whether ``short``'s characters appear in ``long`` in order (``6`` in ``16``)."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def _binarised(image: Any) -> Any:
    """The crop in black and white, cut at the mean of its darkest and lightest grey."""
    grey = image.convert("L")
    low, high = grey.getextrema()
    cut = (low + high) // 2
    return grey.point(lambda v: 0 if v < cut else 255).convert("RGB")


def cut(page: Any, box: tuple[int, int, int, int], angle: float) -> Any:
    """The part of the rendered ``page`` that ``box`` covers on the cleaned page, which
    cleaning turned by ``angle`` degrees about its centre (``Image.rotate``): the box's
    centre is taken back to the rendered page, a part a little larger is cut there, turned
    the same way, and cut to the box's size."""
    if abs(angle) < 0.01:
        return page.crop(box)
    width, height = page.size
    cx, cy = width / 2, height / 2
    theta = math.radians(angle)
    bx, by = (box[0] + box[2]) / 2 - cx, (box[1] + box[3]) / 2 - cy
    # Image.rotate(angle) shows at (x, y) what the source had at this point
    sx = math.cos(theta) * bx - math.sin(theta) * by + cx
    sy = math.sin(theta) * bx + math.cos(theta) * by + cy
    w, h = box[2] - box[0], box[3] - box[1]
    margin = int((w + h) * abs(math.sin(theta))) + 2
    part = page.crop((int(sx - w / 2) - margin, int(sy - h / 2) - margin,
                      int(sx - w / 2) + w + margin, int(sy - h / 2) + h + margin))
    fill = (255, 255, 255) if part.mode == "RGB" else 255
    part = part.rotate(angle, resample=3, fillcolor=fill)  # 3: bicubic
    return part.crop((margin, margin, margin + w, margin + h))


def read_blanks(engine: Engine, page: Any, words: list[Word], angle: float = 0.0) -> list[Word]:
    """The number and the day written in the blanks of ``page`` (the rendered image, before
    cleaning, which turned it by ``angle`` degrees), as words tagged ``hand.number`` /
    ``hand.day``. A blank whose reads are not digits or do not agree gives a word whose text
    starts with ``?``; a page without the blanks gives nothing. An engine that cannot run
    raises :class:`OcrUnavailable`."""
    out = []
    size = page.size
    for spot in locate(words, size):
        reads: list[str] = []
        confs: list[float] = []
        for box, binarise in crops(spot):
            if _settled(reads, spot.blank):
                break  # the third read is for when the first two leave the blank open
            box = (max(0, box[0]), max(0, box[1]), min(size[0], box[2]), min(size[1], box[3]))
            if box[2] - box[0] < 4 or box[3] - box[1] < 4:
                continue
            crop = cut(page, box, angle)
            try:
                found = engine.read(_binarised(crop) if binarise else crop, "line")
            except OcrUnavailable:
                raise
            except Exception:  # noqa: BLE001 - a failed read leaves the blank empty
                found = []
            reads.append(" ".join(w.text for w in found))
            confs.append(min((w.conf for w in found), default=0.0))
        if not any(r.strip() for r in reads):
            continue  # nothing written (a blank left for a stamp, or a typed value)
        value = agreed(reads, spot.blank)
        text = value if value is not None else REJECTED + "|".join(reads)
        x0, y0, x1, y1 = crops(spot)[0][0]
        out.append(Word(max(0, x0), max(0, y0), x1, y1, min(confs, default=0.0), text,
                        f"{TAG}.{spot.blank}"))
    return out


def is_handwritten(word: Word) -> bool:
    return word.line.startswith(f"{TAG}.")
