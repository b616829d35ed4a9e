"""What whole-page OCR gets wrong on a letter, read again from the same cleaned image.

The page reading is right for the body, but the parts of a letter that carry its fields sit
under seals, signatures and handwriting. Knowing where they are (``Số:`` at the top left,
the signer's name under ``Nơi nhận``'s level on the right), each is cut out and read again
by the engine in the layout mode that suits it:

- the number line (``line``): a seal touching ``Số: 985/QĐ-TTg``, or a stamped number that
  reads differently twice;
- the signer's name (``line``): its tone marks (``Trần Phước Hiền``, not ``Hiên``);
- the signature column (``block``, then ``sparse``): a seal over the whole block;
- a red urgency or secrecy stamp in the header (``line``, then ``block``), read from the
  red ink alone on the page as rendered, since cleaning turns red ink to paper.

A re-read is a second chance: when it fails, the page's words stay as they were.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.document import Line
from pipeline.layout.lines import line_pieces, piece_text
from pipeline.layout.numberline import has_symbol, is_number_word, number_line_text
from pipeline.layout.phrases import is_phrase, name_text, snap_block_line
from pipeline.layout.zones import looks_like_name, mark_of
from pipeline.normalize import fold
from pipeline.ocr import Engine, Mode, OcrUnavailable, Word
from pipeline.ocr.clean import red_ink
from schemas.record import union_all

MAX_REREADS = 2  # name lines read again per page

_DIGITS = re.compile(r"\d+")

Box = tuple[int, int, int, int]


def read_crop(engine: Engine, image: Any, box: Box, mode: Mode, tag: str) -> list[Word] | None:
    """Words of one part of the cleaned page read again in ``mode``, in page pixels, their
    line ids prefixed with ``tag``; None when the box is empty or the engine fails on it (a
    re-read is a second chance, never a reason to lose the page)."""
    box = (max(0, box[0]), max(0, box[1]), min(image.size[0], box[2]),
           min(image.size[1], box[3]))
    if box[2] - box[0] < 8 or box[3] - box[1] < 8:
        return None
    try:
        words = engine.read(image.crop(box), mode)
    except OcrUnavailable:
        raise
    except Exception:  # noqa: BLE001 - any failure of the second reading keeps the first
        return None
    for w in words:
        w.x0 += box[0]
        w.x1 += box[0]
        w.y0 += box[1]
        w.y1 += box[1]
        w.line = f"{tag}.{w.line}"
    return words


def _replace(words: list[Word], old: list[Word], new: list[Word]) -> list[Word]:
    gone = {id(w) for w in old}
    return [w for w in words if id(w) not in gone] + new


def reread_number(engine: Engine, image: Any, words: list[Word]) -> list[Word]:
    """Read the header's number line again, cut to its own height and to the left column.

    - No symbol came out of it: the seal of a Prime Minister's decision touches
      ``Số: 985/QĐ-TTg`` from below, Tesseract's line spans the seal's arc and reads
      ``Số: TU``; cut out, the line reads right, and its words replace the page's.
    - A symbol and a number came out: the number is checked against the second reading. A
      number stamped in another type (``981`` read ``384`` on the page and ``3484`` cut out)
      reads differently twice; its digits become ``?``, so the number is left empty with a
      warning rather than guessed.
    """
    width, height_px = image.size
    column = 0.45 * width  # where the right column (the date) starts
    for line in line_pieces(words):
        flat = [w for piece in line for w in piece]
        so = next((w for w in flat if is_number_word(w.text)
                   and w.x0 < width / 2 and w.y0 < height_px / 3), None)
        if so is None:
            continue
        left = [w for w in flat if so.x0 <= w.x0 < column]
        text = number_line_text(" ".join(w.text for w in left))
        h = so.y1 - so.y0
        right = min((w.x0 for w in flat if w.x0 >= max(column, so.x1)), default=width // 2)
        boxes: list[Box] = [(so.x0 - h // 2, so.y0 - h // 3, right - h // 3, so.y1 + h // 3)]
        if "/" in text:
            page_digits = _DIGITS.search(text.split("/")[0])  # the number, not the symbol's
            if page_digits is None:
                return words
            again = read_crop(engine, image, boxes[0], "line", "number")
            if again is None:
                return words
            crop_digits = _DIGITS.search(number_line_text(piece_text(again)).split("/")[0])
            if crop_digits is None or crop_digits.group() != page_digits.group():
                word = next(w for w in left if page_digits.group() in w.text)
                word.text = word.text.replace(page_digits.group(), "?", 1)
            return words
        # no symbol: first up to the next piece Tesseract made, then up to the date
        so_piece = next(p for p in line if any(w is so for w in p))
        after = min((p[0].x0 for p in line if p[0].x0 > so_piece[-1].x1), default=right)
        if after < right:
            boxes.insert(0, (boxes[0][0], boxes[0][1], after - h // 3, boxes[0][3]))
        readings: list[tuple[list[Word], Box]] = []
        for box in boxes:
            again = read_crop(engine, image, box, "line", "number")
            if again is None:
                continue
            reading = number_line_text(piece_text(again))
            if has_symbol(reading):  # "985/QĐ-TTg": done
                readings.insert(0, (again, box))
                break
            if "/" in reading:  # "085/QEF": kept only if no crop gives better
                readings.append((again, box))
        if not readings:
            return words
        again, box = readings[0]
        inside = [w for w in words if box[0] <= w.x0 < box[2] and box[1] <= w.y0 < box[3]]
        return _replace(words, inside, again)
    return words


def reread_names(engine: Engine, image: Any, words: list[Word], dpi: int) -> list[Word]:
    """Read the signer's name again, as one line.

    On a whole page Tesseract drops a tone mark of a name under the signature and seal
    (``Trần Phước Hiên`` for ``Hiền``, ``Trần Hoàng Tuân`` for ``Tuấn``); read alone as a
    single text line the same pixels give the marks right. A page with ``Nơi nhận`` has its
    signature block; the name-like lines in its right half, below the top of ``Nơi nhận``,
    are cut out of the cleaned image (``dpi`` dots per inch) and read again, and their words
    replace the page's when the new reading still looks like a name."""
    if not words:
        return words
    width = image.size[0]
    pieces = [piece for line in line_pieces(words) for piece in line]
    noi_nhan = [ws for ws in pieces if fold(piece_text(ws)).startswith("NOI NHAN")]
    if not noi_nhan:
        return words
    top = min(w.y0 for w in noi_nhan[0]) - 30
    out = list(words)
    done = 0
    name_top = None
    for k, ws in enumerate(pieces):
        x0, y0, x1, y1 = (int(v) for v in union_all(w.box for w in ws))  # pixels
        if y0 < top or (x0 + x1) / 2 < width / 2:
            continue
        if not looks_like_name(name_text(piece_text(ws))) or done >= MAX_REREADS:
            continue
        done += 1
        name_top = y0 if name_top is None else min(name_top, y0)
        pad = max(8, (y1 - y0) // 2)
        box = (max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad),
               min(image.size[1], y1 + pad))
        again = read_crop(engine, image, box, "line", f"name{k}")
        if again and looks_like_name(name_text(piece_text(again))):
            out = _replace(out, ws, again)
    if done == 0:
        out = reread_block(engine, image, out, top, dpi)
    elif name_top is not None and not _has_title(pieces, width, top, name_top):
        out = reread_block(engine, image, out, top, dpi, above=name_top)
    return out


def _has_title(pieces: list[list[Word]], width: int, top: int, name_top: int) -> bool:
    """Whether the signature column holds a known title or authority line above the name."""
    for ws in pieces:
        x0, y0, x1, _ = union_all(w.box for w in ws)
        if (x0 + x1) / 2 >= width / 2 and top - 200 <= y0 < name_top:
            if is_phrase(snap_block_line(piece_text(ws))):
                return True
    return False


def reread_block(engine: Engine, image: Any, words: list[Word], top: int, dpi: int,
                 above: int | None = None) -> list[Word]:
    """The signature column read again as one block.

    A seal over the block can make Tesseract's page layout skip the column (qn-07:
    ``KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Phạm Trường Thọ`` under a black seal), or lose the
    title lines above a name it did read (``above``: the name's top). The block's words
    are kept when they hold a name, or (``above``) a title or authority line, and replace
    the page's words in that part of the column. When the block reading finds neither, the
    column is read once more as sparse text, which looks for words anywhere rather than
    for lines: ttg-981's ``THỦ TƯỚNG`` crosses the seal's ring and lettering, and only read
    that way comes out (``THỦ TƯỞNG``, spelled by the phrase list)."""
    width, height = image.size
    if above is None:
        box = (width // 2, max(0, top - 20), width, min(height, top + dpi * 7 // 2))
    else:
        box = (width // 2, max(0, top - dpi // 3), width, above - 2)
        if box[3] - box[1] < dpi // 6:
            return words
    modes: tuple[Mode, ...] = ("block", "sparse")
    for mode in modes:
        again = read_crop(engine, image, box, mode, "block")
        if again is None:
            return words
        texts = [piece_text(p) for line in line_pieces(again) for p in line]
        if above is None and any(looks_like_name(name_text(t)) for t in texts):
            break
        if above is not None and any(is_phrase(snap_block_line(t)) for t in texts):
            break
    else:
        return words
    inside = [w for w in words if w.x0 >= box[0] and box[1] <= w.y0 and w.y1 <= box[3]]
    return _replace(words, inside, again)


MARK_BAND = 0.4  # the top of the page, where the decree puts urgency and secrecy marks
MIN_RED_SHARE = 0.0005  # red pixels in the band below which there is no stamp to read


def read_marks(engine: Engine, rendered: Any, words: list[Word]) -> list[Word]:
    """A red urgency or secrecy stamp (``HỎA TỐC``, ``KHẨN``, ``MẬT``) in the header of the
    page as rendered, as words of their own line (``mark.…``); [] when there is none.

    Cleaning turns coloured ink to paper so that the red seal stops breaking the signer's
    lines, and the red mark stamped in the header goes with it. So the red ink of the top of
    the page is read alone, before cleaning, and only a line that is a known mark is kept
    (``pipeline/rules/marks.yaml``): the red of an incoming-mail stamp or a logo adds no
    words. A black stamp is read by the page reading like any print; a black stamp turned
    by more than a few degrees is not read, and its mark is left empty."""
    if getattr(rendered, "mode", "") != "RGB" or any(w.line.startswith("mark.") for w in words):
        return []
    width, height = rendered.size
    band = red_ink(rendered.crop((0, 0, width, int(height * MARK_BAND))))
    hist = band.histogram()
    if hist[0] < MIN_RED_SHARE * band.size[0] * band.size[1]:
        return []
    found = band.point([255 - v for v in range(256)]).getbbox()
    if found is None:
        return []
    pad = 16
    box = (found[0] - pad, found[1] - pad, found[2] + pad, found[3] + pad)
    for mode in ("line", "block"):  # a stamp is one line; several red things, a block
        groups: dict[str, list[Word]] = {}
        for w in read_crop(engine, band, box, mode, "mark") or []:
            groups.setdefault(w.line, []).append(w)
        kept = []
        for group in groups.values():
            text = " ".join(w.text for w in sorted(group, key=lambda w: w.x0))
            if mark_of(Line(text=text)):
                kept.extend(group)
        if kept:
            return kept
    return []
