"""OCR words into the lines of a letter, as the text readers give them.

The engine's lines are not yet a letter's: Tesseract often reads a two-column header row as
one line (``Số: 51/QĐ-UBND    Quảng Ngãi, ngày 21 tháng 01 năm 2025``), puts the box of an
incoming-mail stamp (``CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ | ĐẾN``) on the subject's line, and
keeps specks of the seal as words. Here lines are cut into the pieces the letter has, specks
are dropped and damaged phrases spelled, so the zones and every extractor run unchanged.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.document import Line
from pipeline.layout.phrases import snap_phrase
from pipeline.layout.spelling import repair_text
from pipeline.normalize import fold, normalize_line
from pipeline.ocr import Word
from schemas.record import BBox, Source, union_all

_MOTTO = "CONG HOA XA HOI CHU NGHIA VIET NAM".split()
# the line ids of words two readings gave alike (pipeline.layout.rereads.reread_names)
AGREED = "agreed."


def words_to_lines(words: list[Word], scale: float, page_no: int) -> list[Line]:
    """Words grouped into lines, boxes scaled to PDF points.

    A line is cut where the gap between two words is wider than the line's height (words
    are a third of it apart), as the PDF reader cuts tab-separated columns, and at a box's
    side read as ``|`` (a stamp's frame beside the subject). Specks and stamp fragments
    (``£ =.``, low confidence and fewer than four letters) are dropped, and a line that is a
    known header or signature phrase except for its marks (``PHO CHU TỊCH``) takes the
    phrase's spelling (see ``pipeline/rules/ocr_phrases.yaml``). Marks OCR lost and digits
    it read as letters are repaired (:mod:`pipeline.layout.spelling`), OCR's own text kept in
    ``Line.read_as``.
    """
    lines = []
    for pieces in line_pieces(words):
        for piece in [part for p in pieces for part in split_at_motto(p)]:
            text = normalize_line(" ".join(w.text for w in piece), ocr=True)
            if not text:
                continue
            conf = sum(max(w.conf, 0.0) for w in piece) / len(piece) / 100
            if conf < 0.5 and sum(ch.isalpha() for ch in text) < 4:
                continue
            text = snap_phrase(text)
            # tô chức → tổ chức, số I1 → số 11; only words the engine doubted get marks
            repaired, changes = repair_text(text, [w.conf for w in piece])
            lines.append(
                Line(
                    text=repaired,
                    page=page_no,
                    bbox=scaled(union_all(w.box for w in piece), scale),
                    source=Source.OCR.value,
                    confidence=round(conf, 3),
                    read_as=text if changes else None,
                    agreed=all(w.line.startswith(AGREED) for w in piece),
                )
            )
    lines.sort(key=lambda ln: (round(ln.bbox[1] / 4), ln.bbox[0]))  # type: ignore[index]
    return join_split_dates(lines)


_DAY_END = re.compile(r"\bNGAY\W{0,2}\S{0,3}$")  # "… ngày", "… ngày 2ˆ" (a day OCR half-read)
_MONTH_START = re.compile(r"^\W{0,2}THANG\b")


def join_split_dates(lines: list[Line]) -> list[Line]:
    """A date line cut in two at the gap left for the handwritten day, joined again.

    ``Hà Nội, ngày`` and ``tháng 02 năm 2026`` stand on one row with the day's blank between
    them, wider than the line is high, so they come out as two pieces (or Tesseract makes two
    lines of them, the ink of the day pushing one up). They are one line of the letter: the
    left ends with ``ngày``, the right starts with ``tháng``, on the same row. What OCR read in
    between is the handwriting (``3``, ``1ấ``); it is left out of the text, blank as typed,
    for the day's own reader (a wrong day is worse than none), and its box joins the line's.
    """
    out = list(lines)
    for left in list(out):
        if left not in out or not _DAY_END.search(fold(left.text)) or left.bbox is None:
            continue
        height = max(left.bbox[3] - left.bbox[1], 6.0)
        row = [ln for ln in out if ln is not left and ln.page == left.page
               and ln.bbox is not None and ln.bbox[0] >= left.bbox[2] - 2
               and ln.bbox[0] - left.bbox[2] < 12 * height
               and abs((ln.bbox[1] + ln.bbox[3]) - (left.bbox[1] + left.bbox[3])) < height]
        right = next((ln for ln in sorted(row, key=lambda ln: ln.bbox[0])  # type: ignore[index]
                      if _MONTH_START.match(fold(ln.text))), None)
        if right is None:
            continue
        assert right.bbox is not None
        between = [ln for ln in row if ln.bbox is not None and ln.bbox[2] <= right.bbox[0] + 2
                   and sum(ch.isalpha() for ch in ln.text) <= 3]
        joined = replace(
            left,
            text=f"{left.text} {right.text}",
            bbox=union_all(ln.bbox for ln in [left, right, *between]
                           if ln.bbox is not None),
            confidence=min(left.confidence, right.confidence),
            read_as=(f"{left.read_as or left.text} {right.read_as or right.text}"
                     if left.read_as or right.read_as else None),
        )
        out[out.index(left)] = joined
        for ln in [right, *between]:
            out.remove(ln)
    return out


def scaled(box: BBox, factor: float) -> BBox:
    """A box of image pixels in PDF points (``factor`` = 72 / dpi), to a tenth of a point."""
    x0, y0, x1, y1 = (round(v * factor, 1) for v in box)
    return (x0, y0, x1, y1)


def split_at_motto(piece: list[Word]) -> list[list[Word]]:
    """``THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``: the two header columns
    read as one line where they nearly touch; the motto starts the right one."""
    skeleton = [fold(w.text).strip(".,:;") for w in piece]
    n = len(_MOTTO)
    for i in range(1, len(piece) - n + 1):
        if skeleton[i:i + n] == _MOTTO:
            return [piece[:i], piece[i:]]
    return [piece]


def line_pieces(words: list[Word]) -> list[list[list[Word]]]:
    """The engine's lines, each cut into pieces where two words are further apart than the
    line is high or a box side (``|``) stands between them; the box sides dropped."""
    groups: dict[str, list[Word]] = {}
    for w in words:
        groups.setdefault(w.line, []).append(w)
    out = []
    for group in groups.values():
        group.sort(key=lambda w: w.x0)
        height = sorted(w.y1 - w.y0 for w in group)[len(group) // 2]
        pieces: list[list[Word]] = [[group[0]]]
        for w in group[1:]:
            if w.x0 - pieces[-1][-1].x1 > 1.2 * max(height, 1) or is_box_side(pieces[-1][-1]):
                pieces.append([w])
            else:
                pieces[-1].append(w)
        pieces = [[w for w in piece if not is_box_side(w)] for piece in pieces]
        out.append([piece for piece in pieces if piece])
    return out


def is_box_side(word: Word) -> bool:
    """A "word" that is the side of a box, read as ``|``: the frame of an incoming stamp
    (``CÔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ | ĐẾN``) or of a table, never part of a line."""
    return bool(word.text) and all(ch in "|[]!" for ch in word.text) and "|" in word.text


def piece_text(piece: list[Word]) -> str:
    return " ".join(w.text for w in piece)
