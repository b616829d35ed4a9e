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
import unicodedata
from dataclasses import replace
from typing import Any

from pipeline.document import Line
from pipeline.layout.lines import AGREED, line_pieces, piece_text
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
    """Read the signer's name again, as one line, and keep whether two readings agree.

    On a whole page Tesseract drops a tone mark of a name under the signature and seal
    (``Trần Phước Hiên`` for ``Hiền``, ``Trần Hoàng Tuân`` for ``Tuấn``); read alone as a
    single text line the same pixels give the marks right. A page with ``Nơi nhận`` has its
    signature block; the name-like lines in its right half, below the top of ``Nơi nhận``,
    are cut out of the cleaned image (``dpi`` dots per inch) and read again, and their words
    replace the page's when the new reading still looks like a name.

    One reading of a name says nothing of its letters: a name is a name whatever its marks
    (``Võ Hữu Đồng`` and ``Võ Hữu Đông`` are both real), so no list can tell a misread tone.
    Two readings that give the same letters can: the page's and the line's are made on other
    pixels' context, and a tone misread by both alike is rarer than by one. So the words kept
    are tagged :data:`~pipeline.layout.lines.AGREED` when two readings gave the same name
    (:func:`same_name`); the line then says so (``Line.agreed``) and only such a name may be
    rated 0.9 or more (:mod:`extractors.confidence`). When the page and the line disagree
    (``Trần Hông Hà`` / ``Trần Hồng Hà``), the line is read a third time, enlarged and in
    grey (:func:`read_enlarged`): the reading it agrees with is kept, tagged; when it agrees
    with neither, the line's reading is kept, untagged, as before. A name that only the
    signature column read as a block gave (:func:`reread_block`) is read again as a line the
    same way."""
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
        out = _read_name_again(engine, image, out, ws, f"name{k}")
    if done == 0:
        out = reread_block(engine, image, out, top, dpi)
        # a name only the block gave (under a seal, ttg-970's "Hồ Đức Phớc") is read
        # once more, as a line, for a second reading of its letters
        block = [ws for line in line_pieces([w for w in out if w.line.startswith("block.")])
                 for ws in line if looks_like_name(name_text(piece_text(ws)))]
        for k, ws in enumerate(block[:MAX_REREADS]):
            out = _read_name_again(engine, image, out, ws, f"name.block{k}")
    elif name_top is not None and not _has_title(pieces, width, top, name_top):
        out = reread_block(engine, image, out, top, dpi, above=name_top)
    return out


def _read_name_again(engine: Engine, image: Any, words: list[Word], ws: list[Word],
                     tag: str) -> list[Word]:
    """``words`` with the name line ``ws`` read again as one line (a third time, enlarged,
    when the two disagree) and replaced by the reading kept, tagged when two agreed."""
    x0, y0, x1, y1 = (int(v) for v in union_all(w.box for w in ws))  # pixels
    pad = max(8, (y1 - y0) // 2)
    box = (max(0, x0 - pad), max(0, y0 - pad), min(image.size[0], x1 + pad),
           min(image.size[1], y1 + pad))
    again = read_crop(engine, image, box, "line", tag)
    if not again or not looks_like_name(name_text(piece_text(again))):
        return words
    if same_name(piece_text(ws), piece_text(again)):
        return _replace(words, ws, _agreed(again))
    third = read_enlarged(engine, image, box, tag)
    if third and same_name(piece_text(third), piece_text(again)):
        return _replace(words, ws, _agreed(again))
    if third and same_name(piece_text(third), piece_text(ws)):
        return _replace(words, ws, _agreed(ws))  # the line alone misread what the page had
    return _replace(words, ws, again)


def same_name(one: str, other: str) -> bool:
    """Whether two readings of a name line give the same name letter for letter, tone marks
    included: ``Trần Hồng Hà`` and ``Trần  Hồng Hà ,`` (specks, spaces, another Unicode form
    of the same marks) agree; ``Trần Hông Hà`` does not."""
    def key(text: str) -> str:
        return " ".join(name_text(unicodedata.normalize("NFC", text)).split())
    return bool(key(one)) and key(one) == key(other)


def _agreed(words: list[Word]) -> list[Word]:
    """Copies of a name line's words tagged as read alike twice (``agreed.name7.1.1.1``)."""
    return [replace(w, line=f"{AGREED}{w.line}") for w in words]


ENLARGE = 1.5  # the third reading's scale: other pixel rows under each stroke of a mark


def read_enlarged(engine: Engine, image: Any, box: Box, tag: str) -> list[Word] | None:
    """The words of ``box`` read as one line from the crop enlarged :data:`ENLARGE` times in
    grey, in page pixels (None as :func:`read_crop`). The cleaned page is black and white;
    enlarged with smoothing, its strokes get grey edges that the engine thresholds itself,
    so a tone mark one or two pixels from its letter (``ồ`` / ``ô``) is seen anew rather
    than through the same pixels. Costs one line crop, only when two readings disagree."""
    from PIL import Image

    box = (max(0, box[0]), max(0, box[1]), min(image.size[0], box[2]),
           min(image.size[1], box[3]))
    if box[2] - box[0] < 8 or box[3] - box[1] < 8:
        return None
    crop = image.crop(box).convert("L")
    big = crop.resize((round(crop.size[0] * ENLARGE), round(crop.size[1] * ENLARGE)),
                      Image.Resampling.BICUBIC)
    try:
        words = engine.read(big, "line")
    except OcrUnavailable:
        raise
    except Exception:  # noqa: BLE001 - a failed third reading leaves the two as they were
        return None
    for w in words:
        w.x0 = box[0] + round(w.x0 / ENLARGE)
        w.x1 = box[0] + round(w.x1 / ENLARGE)
        w.y0 = box[1] + round(w.y0 / ENLARGE)
        w.y1 = box[1] + round(w.y1 / ENLARGE)
        w.line = f"{tag}.{w.line}"
    return words


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
MAX_STAMPS = 2  # stamp-like blobs read per page, the largest first
STAMP_TURN = 25.0  # degrees a stamp is looked for turned, either way
READ_CONF = 60.0  # a page word read at least this sure is print, not a stamp's leftover
_STAMP_SIZE = ((0.3, 4.0), (0.16, 1.6))  # a blob's width and height in inches, min and max
MIN_ASPECT = 1.1  # width over height of a stamp's inside once upright: a word, not a ring
_EDGE = " .,:;'\"`‘’“”_-—–~¬|[](){}"  # what a frame's edge reads as around the mark


def read_marks(engine: Engine, rendered: Any, words: list[Word], image: Any = None,
               dpi: int = 300) -> list[Word]:
    """An urgency or secrecy stamp (``HỎA TỐC``, ``KHẨN``, ``MẬT``) in the header that the
    page reading did not give as a line of its own, as words of their own line
    (``mark.…``); [] when there is none, or when the page already holds a known mark.

    - Red: cleaning turns coloured ink to paper so that the red seal stops breaking the
      signer's lines, and the red mark stamped in the header goes with it. So the red ink of
      the top of the page as rendered is read alone, before cleaning.
    - Turned, black or red: a rubber stamp is rarely set square. Turned 5-20 degrees inside
      its frame, Tesseract's page layout takes it for a picture and drops it (a black boxed
      ``KHẨN`` under ``Số: 256/QĐ-UBND`` gives no word at all). The ink of the header band
      that no sure page word covers is grouped into blobs (:func:`stamp_blobs`); the largest
      of a stamp's size are each turned upright by their own angle (:func:`turn_of`), their
      frame cut off, and read as one line (:func:`read_turned`): the ``image`` cleaned at
      ``dpi`` for black ink, the red ink of the page as rendered for red.

    Only a line that is a known mark is kept (``pipeline/rules/marks.yaml``): an
    incoming-mail stamp (``ĐẾN / Số: 1234 / Ngày: …``), a logo or a handwritten number adds
    no words; a wrong ``HỎA TỐC`` is worse than none. Cost: nothing on a page whose header
    holds no leftover ink of a stamp's size, else one line read per blob of a word's shape
    (a second one when the first is empty or a letter or two from a mark), at most
    :data:`MAX_STAMPS` blobs, red ones first."""
    if any(w.line.startswith("mark.") for w in words) or _page_has_mark(words):
        return []
    blobs: list[tuple[Box, Any]] = []
    if getattr(rendered, "mode", "") == "RGB":
        width, height = rendered.size
        band = red_ink(rendered.crop((0, 0, width, int(height * MARK_BAND))))
        hist = band.histogram()
        if hist[0] >= MIN_RED_SHARE * band.size[0] * band.size[1]:
            found = _read_red(engine, band)
            if found:
                return found
            blobs = _blobs(band, [], dpi)
    if image is not None:
        width, height = image.size
        blobs += _blobs(image.crop((0, 0, width, int(height * MARK_BAND))), words, dpi)
    for k, (box, own) in enumerate(blobs[:MAX_STAMPS]):
        found = read_turned(engine, own, box, f"mark.t{k}")
        if found:
            return found
    return []


def _page_has_mark(words: list[Word]) -> bool:
    """Whether a piece of a line the page reading gave is already a known mark."""
    return any(mark_of(Line(text=piece_text(p))) for line in line_pieces(words) for p in line)


def _mark_words(words: list[Word]) -> list[Word]:
    """The words of the engine's lines that read as a known mark, frame edges aside
    (``|THƯỢNG KHẨN|``, ``KHẨN.``). A mark is stamped in capitals (Nghị định 30/2020, Phụ
    lục I): ``Mát`` or ``khan`` read off a logo or a word is no ``MẬT`` or ``KHẨN``, even
    though their letters without marks are the same."""
    groups: dict[str, list[Word]] = {}
    for w in words:
        groups.setdefault(w.line, []).append(w)
    kept: list[Word] = []
    for group in groups.values():
        group = [w for w in sorted(group, key=lambda w: w.x0) if w.text.strip(_EDGE)]
        text = " ".join(w.text.strip(_EDGE) for w in group)
        if group and text == text.upper() and mark_of(Line(text=text)):
            for w in group:
                w.text = w.text.strip(_EDGE)
            kept.extend(group)
    return kept


def _read_red(engine: Engine, band: Any) -> list[Word]:
    """The red ink of the band read as it lies: a square stamp is one line; several red
    things, a block."""
    found = band.point([255 - v for v in range(256)]).getbbox()
    if found is None:
        return []
    pad = 16
    box = (found[0] - pad, found[1] - pad, found[2] + pad, found[3] + pad)
    for mode in ("line", "block"):
        kept = _mark_words(read_crop(engine, band, box, mode, "mark") or [])
        if kept:
            return kept
    return []


def _blobs(band: Any, words: list[Word], dpi: int) -> list[tuple[Box, Any]]:
    """:func:`stamp_blobs` of a band image (ink dark)."""
    import numpy as np

    return stamp_blobs(np.asarray(band.convert("L")) < 128, words, dpi)


def stamp_blobs(ink: Any, words: list[Word], dpi: int) -> list[tuple[Box, Any]]:
    """Blobs of ``ink`` (a boolean array of the header band, True for ink) that no sure page
    word covers and that are the size of a stamp: their box in band pixels and their own ink
    in it, the largest first, at most :data:`MAX_STAMPS`.

    Each page word read at least :data:`READ_CONF` sure is erased with a small margin (the
    print the page reading did turn into lines); what is left is gathered on a grid of
    cells of 1/25 inch, each cell grown by one, so the letters of a stamp and its frame make
    one blob while a stray tone mark or speck stays too small. A rule under the issuer is
    too flat to pass the size check."""
    import numpy as np

    ink = ink.copy()
    rows, cols = ink.shape
    pad = max(1, dpi // 50)
    for w in words:
        if w.y0 < rows and w.conf >= READ_CONF:
            ink[max(0, w.y0 - pad):w.y1 + pad, max(0, w.x0 - pad):w.x1 + pad] = False
    k = max(1, round(dpi / 25))
    h, wd = rows // k, cols // k
    if h == 0 or wd == 0:
        return []
    cells = ink[:h * k, :wd * k].reshape(h, k, wd, k).any(axis=(1, 3))
    grown = cells.copy()
    grown[1:] |= cells[:-1]
    grown[:-1] |= cells[1:]
    wide = grown.copy()
    wide[:, 1:] |= grown[:, :-1]
    wide[:, :-1] |= grown[:, 1:]
    labels = _label(wide)
    found: list[tuple[int, Box, Any]] = []
    (min_w, max_w), (min_h, max_h) = _STAMP_SIZE
    for n in range(1, int(labels.max()) + 1):
        ys, xs = np.nonzero(labels == n)
        box = (int(xs.min()) * k, int(ys.min()) * k, (int(xs.max()) + 1) * k,
               (int(ys.max()) + 1) * k)
        bw, bh = (box[2] - box[0]) / dpi, (box[3] - box[1]) / dpi
        if not (min_w <= bw <= max_w and min_h <= bh <= max_h):
            continue
        mine = np.repeat(np.repeat(labels == n, k, axis=0), k, axis=1)
        own = ink[box[1]:box[3], box[0]:box[2]] & mine[box[1]:box[3], box[0]:box[2]]
        amount = int(own.sum())
        if amount >= 0.02 * own.size:
            found.append((amount, box, own))
    found.sort(key=lambda f: -f[0])
    return [(box, own) for _, box, own in found[:MAX_STAMPS]]


def _label(grid: Any) -> Any:
    """Connected parts (4-neighbours) of a small boolean grid, numbered from 1."""
    import numpy as np

    labels = np.zeros(grid.shape, dtype=np.int32)
    h, w = grid.shape
    n = 0
    for y, x in zip(*np.nonzero(grid), strict=True):
        if labels[y, x]:
            continue
        n += 1
        labels[y, x] = n
        stack = [(int(y), int(x))]
        while stack:
            cy, cx = stack.pop()
            for ny, nx in ((cy - 1, cx), (cy + 1, cx), (cy, cx - 1), (cy, cx + 1)):
                if 0 <= ny < h and 0 <= nx < w and grid[ny, nx] and not labels[ny, nx]:
                    labels[ny, nx] = n
                    stack.append((ny, nx))
    return labels


def turn_of(own: Any, limit: float = STAMP_TURN, step: float = 0.5) -> float:
    """The angle in degrees (counter-clockwise on the page, as PIL turns) by which a blob's
    ink lies turned: the one whose upright bounding box is smallest. A framed stamp's
    rectangle gives it to the half degree; a bare word, long and flat, nearly so."""
    import numpy as np

    ys, xs = np.nonzero(own)
    if len(xs) < 10:
        return 0.0
    every = len(xs) // 3000 + 1
    pts = np.stack([xs[::every] - xs.mean(), ys[::every] - ys.mean()]).astype(float)
    angles = np.radians(np.arange(-limit, limit + step / 2, step))
    cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]
    rx = cos * pts[0] - sin * pts[1]  # each row: the points turned by one angle
    ry = sin * pts[0] + cos * pts[1]
    area = (rx.max(axis=1) - rx.min(axis=1)) * (ry.max(axis=1) - ry.min(axis=1))
    return float(np.degrees(angles[int(np.argmin(area))]))


def upright(own: Any, angle: float) -> Any:
    """A blob's ink turned upright (``angle`` undone), black on white, its frame cut off and
    a margin of paper around, as a one-line crop wants it. A frame's edge is a row or column
    nearly all ink in the outer third; a bare word has none and is left whole."""
    import numpy as np
    from PIL import Image, ImageOps

    tile = Image.fromarray(np.where(own, 0, 255).astype(np.uint8), "L")
    tile = ImageOps.expand(tile, border=4, fill=255).rotate(
        -angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    dark = np.asarray(tile) < 128
    ys, xs = np.nonzero(dark)
    if len(xs) == 0:
        return tile
    y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    dark = dark[y0:y1, x0:x1]
    h, w = dark.shape
    top, bottom = _inside(dark.mean(axis=1))
    left, right = _inside(dark.mean(axis=0))
    if bottom - top < 8 or right - left < 8:
        return tile
    inner = tile.crop((x0 + left, y0 + top, x0 + right, y0 + bottom))
    return ImageOps.expand(inner, border=max(8, (bottom - top) // 3), fill=255)


def _inside(share: Any, edge: float = 0.7) -> tuple[int, int]:
    """Where the inside of a frame starts and ends along one axis, from each row's (or
    column's) share of ink: past the last nearly full line in the first third and before
    the first in the last third, and past the ink that still touches it (the frame's
    thickness)."""
    n = len(share)
    start, end = 0, n
    full = [i for i in range(n // 3) if share[i] >= edge]
    if full:
        start = full[-1] + 1
        while start < n // 2 and share[start] >= 0.3:
            start += 1
    full = [i for i in range(n - n // 3, n) if share[i] >= edge]
    if full:
        end = full[0]
        while end > n // 2 and share[end - 1] >= 0.3:
            end -= 1
    return start, end


def read_turned(engine: Engine, own: Any, box: Box, tag: str) -> list[Word]:
    """A stamp-like blob (its ink ``own`` at ``box`` of the band) read upright as one line;
    the words of a known mark, placed over the blob's box, or []. When the first reading is
    no mark, the upright crop is read once more enlarged twice in grey: other pixels under
    each stroke, for a frame's shadow or a tone mark that the first reading lost."""
    from PIL import Image, ImageFilter

    tile = upright(own, turn_of(own))
    if tile.width < MIN_ASPECT * tile.height:  # a logo, a seal: not a word's shape
        return []
    got = read_crop(engine, tile, (0, 0, tile.width, tile.height), "line", tag) or []
    kept = _mark_words(got)
    if not kept and (not got or _near_mark(" ".join(w.text for w in got))):
        big = tile.resize((tile.width * 2, tile.height * 2), Image.Resampling.BILINEAR)
        big = big.filter(ImageFilter.GaussianBlur(1))
        kept = _mark_words(read_crop(engine, big, (0, 0, big.width, big.height), "line",
                                     tag) or [])
    for w in kept:  # over the stamp on the page, for the lines and the header
        w.x0, w.y0, w.x1, w.y1 = box
    return kept


def _near_mark(text: str) -> bool:
    """Whether a reading is a letter or two from a known mark (``IỎA TỀ``, ``KHAN,``): worth
    a second reading; what is far from every mark (a logo's lettering) is not."""
    import difflib

    from pipeline.rules import rules

    folded = fold(text.strip(_EDGE))
    if len(folded) < 2:
        return False
    return any(difflib.SequenceMatcher(None, folded, fold(m)).ratio() >= 0.6
               for m in (*rules().urgency, *rules().secrecy))
