"""OCR of page images with Tesseract, into the same lines the text readers produce.

Most archived letters are scans: ``qn-51-QD-UBND-2025.pdf`` is one 2464×3508 image per page
and no text. Each page without a usable text layer is rendered (300 dpi, signature widgets
left out so their stamps are not read as body text), cleaned, and read by the ``tesseract``
program with its Vietnamese data; words come back with boxes and confidences and are grouped
into :class:`~pipeline.document.Line` values (``source = ocr``), so the layout zones and every
extractor run unchanged.

Cleaning, each step switchable for measurement (``Options.ocr_steps``):

- ``drop_ink``: pixels of a strongly coloured ink become paper: the red seal over the
  signer's title and the blue signature over the name stop breaking those lines;
- ``denoise``: a 3×3 median filter removes scanner speckle;
- ``deskew``: the angle (within ±3°) whose rows are most sharply separated is undone;
- ``binarise``: Otsu's threshold, black text on white.

Tesseract runs as one process per page with ``OMP_THREAD_LIMIT=1`` (its OpenMP threads
fight on a small machine: 2 s a page alone, 15 s with threads); pages of one document run in
parallel threads, each waiting on its own process. Results are cached on disk by a hash of
the page's content (its content stream and images), the settings and the Tesseract version,
so a re-run never reads the same page twice.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.document import Line
from pipeline.normalize import fold, normalize_line, within_one_edit
from schemas.record import Source

CACHE_VERSION = "13"
ALL_STEPS = ("drop_ink", "denoise", "deskew", "binarise")


class OcrUnavailable(RuntimeError):
    """Tesseract or its language data is not installed."""


@lru_cache(maxsize=1)
def tesseract_path() -> str | None:
    """The ``tesseract`` program: ``$VANTHU_TESSERACT`` when set, else the one on PATH."""
    return shutil.which(os.environ.get("VANTHU_TESSERACT") or "tesseract")


@lru_cache(maxsize=8)
def tesseract_info(lang: str) -> str:
    """The Tesseract version line; raises :class:`OcrUnavailable` with the fix when the
    program or the language is missing."""
    exe = tesseract_path()
    if exe is None:
        raise OcrUnavailable(
            "tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-vie)"
        )
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False)
    langs = set(out.stdout.split()[1:]) | set(out.stderr.split()[1:])
    missing = [part for part in lang.split("+") if part not in langs]
    if missing:
        raise OcrUnavailable(
            f"tesseract has no language data for {', '.join(missing)} "
            "(Debian: apt-get install tesseract-ocr-vie)"
        )
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return (version.stdout or version.stderr).splitlines()[0].strip()


@dataclass(frozen=True, slots=True)
class OcrSettings:
    lang: str = "vie"
    dpi: int = 300
    steps: tuple[str, ...] = ALL_STEPS
    psm: int = 3

    def key(self) -> str:
        return f"{CACHE_VERSION}|{self.lang}|{self.dpi}|{','.join(self.steps)}|{self.psm}"


# ---------------------------------------------------------------------------- images


def clean(image: Any, steps: Sequence[str]) -> Any:
    """The page image (PIL, RGB or L) after the cleaning ``steps``, as greyscale (binary
    after ``binarise``). Every step runs in Pillow's C code: on a 300 dpi A4 page the four
    take about 0.1 s, against 1 s for Tesseract."""
    from PIL import Image, ImageFilter

    if "drop_ink" in steps and image.mode == "RGB":
        image = drop_ink(image)
    else:
        image = image.convert("L")
    if "denoise" in steps:
        image = image.filter(ImageFilter.MedianFilter(3))
    if "deskew" in steps:
        angle = skew_angle(image)
        if abs(angle) >= 0.2:
            image = image.rotate(angle, resample=Image.BILINEAR, fillcolor=255, expand=False)
    if "binarise" in steps:
        threshold = otsu_histogram(image.histogram())
        image = image.point([255 if v > threshold else 0 for v in range(256)]).convert("1")
    return image


def drop_ink(rgb: Any) -> Any:
    """Greyscale of an RGB page where saturated colour (the red seal, the blue signature)
    becomes paper: a pixel whose channels spread by more than max(60, 0.35 × its brightest
    channel) is coloured ink, not the black print."""
    from PIL import ImageChops

    r, g, b = rgb.split()
    hi = ImageChops.lighter(ImageChops.lighter(r, g), b)
    lo = ImageChops.darker(ImageChops.darker(r, g), b)
    spread = ImageChops.subtract(hi, lo)
    limit = hi.point([max(60, int(0.35 * v)) for v in range(256)])
    coloured = ImageChops.subtract(spread, limit).point([0] + [255] * 255)
    return ImageChops.lighter(rgb.convert("L"), coloured)


def otsu_histogram(hist: Sequence[int]) -> int:
    """Otsu's threshold from a 256-bin histogram: the level that best splits ink from paper
    (largest between-class variance)."""
    total = sum(hist)
    mean_all = sum(i * h for i, h in enumerate(hist))
    w0 = m0 = 0.0
    best, best_level = -1.0, 0
    for level, count in enumerate(hist[:256]):
        w0 += count
        m0 += level * count
        w1 = total - w0
        if w0 == 0 or w1 == 0:
            continue
        between = (mean_all * w0 / total - m0) ** 2 / (w0 * w1)
        if between > best:
            best, best_level = between, level
    return best_level


def skew_angle(image: Any, limit: float = 3.0, step: float = 0.2) -> float:
    """The rotation (degrees, counter-clockwise) that makes text rows horizontal: the angle
    whose row profile of dark pixels varies most, searched on a quarter-size image, first
    every 3 steps, then step by step around the best."""
    import numpy as np
    from PIL import Image

    small = image.convert("L").reduce(4)
    dark = small.point([255 if v < 128 else 0 for v in range(256)])
    scores: dict[int, float] = {}

    def score(k: int) -> float:
        if k not in scores:
            turned = dark.rotate(k * step, resample=Image.NEAREST, fillcolor=0)
            rows = np.asarray(turned, dtype=np.float64).sum(axis=1)
            scores[k] = float(np.var(np.diff(rows)))
        return scores[k]

    n = int(round(limit / step))
    coarse = max(range(-n, n + 1, 3), key=lambda k: (score(k), -abs(k)))
    fine = range(max(-n, coarse - 2), min(n, coarse + 2) + 1)
    best = max(fine, key=lambda k: (score(k), -abs(k)))
    return round(best * step, 2)


# ---------------------------------------------------------------------------- tesseract


MAX_REREADS = 2  # name lines read again per page


def name_text(text: str) -> str:
    """An OCR line without the specks around it: ``“Hỗ Đức Phớc +`` → ``Hỗ Đức Phớc``."""
    tokens = [t for t in text.split() if any(ch.isalpha() for ch in t)]
    return re.sub(r"^[^\w]+|[^\w.]+$", "", " ".join(tokens))


def _read_crop(image: Any, box: tuple[int, int, int, int], settings: OcrSettings, psm: int,
               tag: str) -> list[list] | None:
    """Words of one part of the cleaned page read again with ``--psm psm``, in page pixels,
    their line ids prefixed with ``tag``; None when the box is empty or Tesseract fails on
    it (a re-read is a second chance, never a reason to lose the page)."""
    box = (max(0, box[0]), max(0, box[1]), min(image.size[0], box[2]),
           min(image.size[1], box[3]))
    if box[2] - box[0] < 8 or box[3] - box[1] < 8:
        return None
    try:
        words = tsv_words(run_tesseract(
            tesseract_input(image.crop(box)),
            OcrSettings(settings.lang, settings.dpi, settings.steps, psm=psm),
        ))
    except OcrUnavailable:
        raise
    except Exception:  # noqa: BLE001 - any failure of the second reading keeps the first
        return None
    for w in words:
        w[0] += box[0]
        w[2] += box[0]
        w[1] += box[1]
        w[3] += box[1]
        w[6] = f"{tag}.{w[6]}"
    return words


def _replace(words: list[list], old: list[list], new: list[list]) -> list[list]:
    gone = {id(w) for w in old}
    return [w for w in words if id(w) not in gone] + new


_NUMBER_WORD = re.compile(r"^\W*S[O06](?:[:.;]|$)")  # "Số:", "Số:384", "_Số" (folded)
_SYMBOL = re.compile(r"/\s*[A-ZĐ][A-Za-zĐđ0-9]*\s?-\s?[A-Za-zĐđ0-9]")
_DIGITS = re.compile(r"\d+")


def reread_number(image: Any, words: list[list], settings: OcrSettings) -> list[list]:
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
    for line in _line_pieces(words):
        flat = [w for piece in line for w in piece]
        so = next((w for w in flat if _NUMBER_WORD.match(fold(w[5]))
                   and w[0] < width / 2 and w[1] < height_px / 3), None)
        if so is None:
            continue
        left = [w for w in flat if so[0] <= w[0] < column]
        text = " ".join(w[5] for w in left)
        h = so[3] - so[1]
        right = min((w[0] for w in flat if w[0] >= max(column, so[2])), default=width // 2)
        boxes = [(so[0] - h // 2, so[1] - h // 3, right - h // 3, so[3] + h // 3)]
        if "/" in text:
            page_digits = _DIGITS.search(text.split("/")[0])  # the number, not the symbol's
            if page_digits is None:
                return words
            again = _read_crop(image, boxes[0], settings, 7, "number")
            if again is None:
                return words
            crop_digits = _DIGITS.search(" ".join(w[5] for w in again).split("/")[0])
            if crop_digits is None or crop_digits.group() != page_digits.group():
                word = next(w for w in left if page_digits.group() in w[5])
                word[5] = word[5].replace(page_digits.group(), "?", 1)
            return words
        # no symbol: first up to the next piece Tesseract made, then up to the date
        so_piece = next(p for p in line if any(w is so for w in p))
        after = min((p[0][0] for p in line if p[0][0] > so_piece[-1][2]), default=right)
        if after < right:
            boxes.insert(0, (boxes[0][0], boxes[0][1], after - h // 3, boxes[0][3]))
        readings = []
        for box in boxes:
            again = _read_crop(image, box, settings, 7, "number")
            if again is None:
                continue
            reading = " ".join(w[5] for w in again)
            if _SYMBOL.search(reading):  # "985/QĐ-TTg": done
                readings.insert(0, (again, box))
                break
            if "/" in reading:  # "085/QEF": kept only if no crop gives better
                readings.append((again, box))
        if not readings:
            return words
        again, box = readings[0]
        inside = [w for w in words if box[0] <= w[0] < box[2] and box[1] <= w[1] < box[3]]
        return _replace(words, inside, again)
    return words


def reread_names(image: Any, words: list[list], settings: OcrSettings) -> list[list]:
    """Read the signer's name again, as one line.

    On a whole page Tesseract drops a tone mark of a name under the signature and seal
    (``Trần Phước Hiên`` for ``Hiền``, ``Trần Hoàng Tuân`` for ``Tuấn``); read alone as a
    single text line (``--psm 7``) the same pixels give the marks right. A page with
    ``Nơi nhận`` has its signature block; the name-like lines in its right half, below the
    top of ``Nơi nhận``, are cut out of the cleaned image and read again, and their words
    replace the page's when the new reading still looks like a name."""
    from pipeline.layout import looks_like_name

    if not words:
        return words
    width = image.size[0]
    pieces = [piece for line in _line_pieces(words) for piece in line]
    noi_nhan = [ws for ws in pieces if fold(" ".join(w[5] for w in ws)).startswith("NOI NHAN")]
    if not noi_nhan:
        return words
    top = min(w[1] for w in noi_nhan[0]) - 30
    out = list(words)
    done = 0
    name_top = None
    for k, ws in enumerate(pieces):
        x0, y0 = min(w[0] for w in ws), min(w[1] for w in ws)
        x1, y1 = max(w[2] for w in ws), max(w[3] for w in ws)
        if y0 < top or (x0 + x1) / 2 < width / 2:
            continue
        if not looks_like_name(name_text(" ".join(w[5] for w in ws))) or done >= MAX_REREADS:
            continue
        done += 1
        name_top = y0 if name_top is None else min(name_top, y0)
        pad = max(8, (y1 - y0) // 2)
        box = (max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad),
               min(image.size[1], y1 + pad))
        again = _read_crop(image, box, settings, 7, f"name{k}")
        if again and looks_like_name(name_text(" ".join(w[5] for w in again))):
            out = _replace(out, ws, again)
    if done == 0:
        out = _reread_block(image, out, top, settings)
    elif name_top is not None and not _has_title(pieces, width, top, name_top):
        out = _reread_block(image, out, top, settings, above=name_top)
    return out


def _has_title(pieces: list[list[list]], width: int, top: int, name_top: int) -> bool:
    """Whether the signature column holds a known title or authority line above the name."""
    for ws in pieces:
        x0, y0 = min(w[0] for w in ws), min(w[1] for w in ws)
        x1 = max(w[2] for w in ws)
        if (x0 + x1) / 2 >= width / 2 and top - 200 <= y0 < name_top:
            text = " ".join(w[5] for w in ws)
            if is_phrase(snap_block_line(text)):
                return True
    return False


def _reread_block(image: Any, words: list[list], top: int, settings: OcrSettings,
                  above: int | None = None) -> list[list]:
    """The signature column read again as one block (``--psm 6``).

    A seal over the block can make Tesseract's page layout skip the column (qn-07:
    ``KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Phạm Trường Thọ`` under a black seal), or lose the
    title lines above a name it did read (``above``: the name's top). The block's words
    are kept when they hold a name, or (``above``) a title or authority line, and replace
    the page's words in that part of the column. When the block reading finds neither, the
    column is read once more as sparse text (``--psm 11``), which looks for words anywhere
    rather than for lines: ttg-981's ``THỦ TƯỚNG`` crosses the seal's ring and lettering,
    and only read that way comes out (``THỦ TƯỞNG``, spelled by the phrase list)."""
    from pipeline.layout import looks_like_name

    width, height = image.size
    if above is None:
        box = (width // 2, max(0, top - 20), width, min(height, top + settings.dpi * 7 // 2))
    else:
        box = (width // 2, max(0, top - settings.dpi // 3), width, above - 2)
        if box[3] - box[1] < settings.dpi // 6:
            return words
    for psm in (6, 11):
        again = _read_crop(image, box, settings, psm, "block")
        if again is None:
            return words
        texts = [" ".join(w[5] for w in p) for line in _line_pieces(again) for p in line]
        if above is None and any(looks_like_name(name_text(t)) for t in texts):
            break
        if above is not None and any(is_phrase(snap_block_line(t)) for t in texts):
            break
    else:
        return words
    inside = [w for w in words if w[0] >= box[0] and box[1] <= w[1] and w[3] <= box[3]]
    return _replace(words, inside, again)


def tesseract_input(image: Any) -> bytes:
    """The image as Tesseract reads it from stdin: uncompressed PBM (binary) or PGM; PNG
    compression would cost a tenth of Tesseract's own time."""
    buf = io.BytesIO()
    image.save(buf, format="PPM")
    return buf.getvalue()


def run_tesseract(image: bytes, settings: OcrSettings, timeout: float = 300) -> str:
    exe = tesseract_path()
    if exe is None:
        raise OcrUnavailable("tesseract is not installed")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(
        [exe, "stdin", "stdout", "-l", settings.lang, "--psm", str(settings.psm),
         "--dpi", str(settings.dpi), "tsv"],
        input=image, capture_output=True, env=env, timeout=timeout, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[:300])
    return proc.stdout.decode("utf-8", "replace")


def tsv_words(tsv: str) -> list[list]:
    """Tesseract's TSV as words: ``[left, top, right, bottom, conf, text, line_id]``, in
    image pixels; ``line_id`` is Tesseract's block/paragraph/line number."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(v) for v in cols[6:10])
        words.append([left, top, left + width, top + height, float(cols[10]), cols[11],
                      f"{cols[2]}.{cols[3]}.{cols[4]}"])
    return words


def words_to_lines(words: list[list], scale: float, page_no: int) -> list[Line]:
    """Words grouped into lines, boxes scaled to PDF points.

    Tesseract often reads a two-column header row as one line (``Số: 51/QĐ-UBND    Quảng
    Ngãi, ngày 21 tháng 01 năm 2025``); a line is cut where the gap between two words is
    wider than the line's height (words are a third of it apart), as the PDF reader cuts
    tab-separated columns, and at a box's side read as ``|`` (a stamp's frame beside the
    subject). Specks and stamp fragments (``£ =.``, low confidence and fewer
    than four letters) are dropped, and a line that is a known header or signature phrase
    except for its marks (``PHO CHU TỊCH``) takes the phrase's spelling
    (see ``pipeline/rules/ocr_phrases.yaml``).
    """
    lines = []
    for pieces in _line_pieces(words):
        for piece in [part for p in pieces for part in _split_at_motto(p)]:
            text = normalize_line(" ".join(w[5] for w in piece))
            if not text:
                continue
            conf = sum(max(w[4], 0.0) for w in piece) / len(piece) / 100
            if conf < 0.5 and sum(ch.isalpha() for ch in text) < 4:
                continue
            text = snap_phrase(text)
            lines.append(
                Line(
                    text=text,
                    page=page_no,
                    bbox=(
                        round(min(w[0] for w in piece) * scale, 1),
                        round(min(w[1] for w in piece) * scale, 1),
                        round(max(w[2] for w in piece) * scale, 1),
                        round(max(w[3] for w in piece) * scale, 1),
                    ),
                    source=Source.OCR.value,
                    confidence=round(conf, 3),
                )
            )
    lines.sort(key=lambda ln: (round(ln.bbox[1] / 4), ln.bbox[0]))  # type: ignore[index]
    return lines


_MOTTO = "CONG HOA XA HOI CHU NGHIA VIET NAM".split()


def _split_at_motto(piece: list[list]) -> list[list[list]]:
    """``THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``: the two header columns
    read as one line where they nearly touch; the motto starts the right one."""
    skeleton = [fold(w[5]).strip(".,:;") for w in piece]
    n = len(_MOTTO)
    for i in range(1, len(piece) - n + 1):
        if skeleton[i:i + n] == _MOTTO:
            return [piece[:i], piece[i:]]
    return [piece]


def _line_pieces(words: list[list]) -> list[list[list[list]]]:
    """Tesseract's lines, each cut into pieces where two words are further apart than the
    line is high or a box side (``|``) stands between them; the box sides dropped."""
    groups: dict[str, list[list]] = {}
    for w in words:
        groups.setdefault(w[6], []).append(w)
    out = []
    for group in groups.values():
        group.sort(key=lambda w: w[0])
        height = sorted(w[3] - w[1] for w in group)[len(group) // 2]
        pieces: list[list[list]] = [[group[0]]]
        for w in group[1:]:
            if w[0] - pieces[-1][-1][2] > 1.2 * max(height, 1) or _rule(pieces[-1][-1]):
                pieces.append([w])
            else:
                pieces[-1].append(w)
        pieces = [[w for w in piece if not _rule(w)] for piece in pieces]
        out.append([piece for piece in pieces if piece])
    return out


def _rule(word: list) -> bool:
    """A "word" that is the side of a box, read as ``|``: the frame of an incoming stamp
    (``CÔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ | ĐẾN``) or of a table, never part of a line."""
    return bool(word[5]) and all(ch in "|[]!" for ch in word[5]) and "|" in word[5]


def _phrases_path() -> Path:
    return Path(__file__).parent / "rules" / "ocr_phrases.yaml"


@lru_cache(maxsize=1)
def _phrases_digest() -> str:
    """The phrase list's digest, in the OCR cache key: which re-read words are kept depends
    on it, so editing it must not leave pages cached under the old list."""
    return hashlib.sha256(_phrases_path().read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _phrases() -> dict[str, str]:
    import yaml

    path = _phrases_path()
    data = yaml.safe_load(path.read_text("utf-8"))
    phrases = data.get("phrases") if isinstance(data, dict) else None
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
        raise ValueError(f"{path}: phrases must be a list of non-empty strings")
    return {_skeleton(p): p for p in phrases}


def _skeleton(text: str) -> str:
    return " ".join(fold(text).replace(".", ". ").split())


def snap_phrase(text: str) -> str:
    """``PHO CHU TỊCH`` → ``PHÓ CHỦ TỊCH``: an OCR line equal to a known phrase but for its
    tone marks and spacing (``THỦ TƯỚNG CHÍNHPHỦ``) takes the phrase's spelling; so does a
    line of nine letters or more one letter away from exactly one phrase (``PHÓ CHỦ TỊC``).
    A title line in capitals whose first letter or two are lost (``YÉT ĐỊNH``, the seal over
    ``QU``) takes the one phrase it ends. Any other line is kept as read."""
    phrases = _phrases()
    skeleton = _skeleton(text)
    exact = phrases.get(skeleton)
    if exact is not None:
        return exact
    compact = skeleton.replace(" ", "")
    letters = [ch for ch in text if ch.isalpha()]
    if len(compact) >= 6 and letters and all(ch.isupper() for ch in letters):
        cut = {phrase for key, phrase in phrases.items()
               if " " in key and key.endswith(skeleton) and 0 < len(key) - len(skeleton) <= 2}
        if len(cut) == 1:
            return cut.pop()
    if len(compact) < 9:
        return text
    near = {phrase for key, phrase in phrases.items()
            if within_one_edit(compact, key.replace(" ", ""))}
    return near.pop() if len(near) == 1 else text


def is_phrase(text: str) -> bool:
    """Whether ``text`` is one of the known phrases, marks and spacing aside."""
    return _skeleton(text) in _phrases()


@lru_cache(maxsize=4096)  # the layout and the signer both ask for the block's lines
def snap_block_line(text: str) -> str:
    """A signature-block line a seal has damaged, spelled as the phrase it must be.

    The block's words come from a closed list (``KT. THỦ TƯỚNG``, ``PHÓ CHỦ TỊCH``…), so a
    line in capitals is matched against the known phrases of eight letters or more,
    specks before it costing less than an edit: ``Z0 dc KT. THỦ TƯỚNG`` → ``KT. THỦ
    TƯỚNG``, ``_PHÔỒXXHỦ TƯỚNG`` → ``PHÓ THỦ TƯỚNG``. The nearest phrase is taken when it is
    at most a third of its length away and clearly nearer than the next one; otherwise the
    line is kept as read (``kg, THỦ TƯỚNG`` may be ``KT. THỦ TƯỚNG`` or specks before
    ``THỦ TƯỚNG``).
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or sum(ch.isupper() for ch in letters) < 0.6 * len(letters):
        return text
    skeleton = _skeleton(text)
    phrases = _phrases()
    if skeleton in phrases:
        return phrases[skeleton]
    scored = sorted((_junk_prefix_distance(skeleton, key), phrase)
                    for key, phrase in phrases.items() if len(key.replace(" ", "")) >= 8)
    if not scored:
        return text
    best, phrase = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else best + 99
    limit = len(_skeleton(phrase)) / 3
    return phrase if best <= limit and runner_up >= best + 0.9 else text


JUNK_COST = 0.6  # per character of specks before the phrase: less than an edit


def _junk_prefix_distance(text: str, phrase: str) -> float:
    """Edits to turn the end of ``text`` into ``phrase``, plus ``JUNK_COST`` for each
    character before it (specks, or a damaged word the phrase does not have)."""
    previous = [float(j) for j in range(len(phrase) + 1)]
    for i, ch in enumerate(text, 1):
        current = [JUNK_COST * i]
        for j, pc in enumerate(phrase, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ch != pc)))
        previous = current
    return previous[-1]


# ---------------------------------------------------------------------------- pages


@dataclass(slots=True)
class PageJob:
    """One page to read: a way to get its image, and a hash of what it shows."""

    page_no: int
    content_hash: str
    image: Callable[[], Any]  # returns a PIL image at settings.dpi
    scale: float  # image pixels → PDF points


class Cache:
    """OCR results on disk, one JSON file per page key (two-level folders)."""

    def __init__(self, root: str | os.PathLike[str] | None):
        self.root = Path(root) if root else None

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[list] | None:
        if self.root is None:
            return None
        try:
            return json.loads(self._path(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, words: list[list]) -> None:
        if self.root is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(words, ensure_ascii=False), "utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache only costs time


PAGE_DONE: Any = None  # a multiprocessing counter shared with the parent, when ingest sets one


def _tick() -> None:
    counter = PAGE_DONE
    if counter is not None:
        with counter.get_lock():
            counter.value += 1


def ocr_pages(jobs: list[PageJob], settings: OcrSettings, cache_dir: str | None,
              threads: int) -> dict[int, tuple[list[Line], bool]]:
    """Lines of each page (and whether they came from the cache), pages run in parallel."""
    version = tesseract_info(settings.lang)
    cache = Cache(cache_dir)

    def one(job: PageJob) -> tuple[int, tuple[list[Line], bool]]:
        key = hashlib.sha256(
            f"{job.content_hash}|{settings.key()}|{version}|{_phrases_digest()}".encode()
        ).hexdigest()
        words = cache.get(key)
        hit = words is not None
        if words is None:
            image = clean(job.image(), settings.steps)
            words = tsv_words(run_tesseract(tesseract_input(image), settings))
            words = reread_number(image, words, settings)
            words = reread_names(image, words, settings)
            cache.put(key, words)
        _tick()
        return job.page_no, (words_to_lines(words, job.scale, job.page_no), hit)

    if threads <= 1 or len(jobs) <= 1:
        return dict(one(j) for j in jobs)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return dict(pool.map(one, jobs))


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "vanthu", "ocr")


def usable_text(lines: list[Line]) -> bool:
    """Whether a page's text layer can be used as is: enough letters, few broken glyphs
    (an invisible OCR layer of ``?`` or private-use characters is not text)."""
    text = "".join(ln.text for ln in lines)
    letters = sum(ch.isalpha() for ch in text)
    broken = sum(ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" for ch in text)
    return letters >= 20 and broken <= 0.1 * max(len(text), 1)


def ocr_into(document: Any, jobs: list[PageJob], options: Any) -> None:
    """OCR ``jobs`` and put their lines into ``document``'s pages; a missing Tesseract or a
    failed page is said in the document's warnings or errors, never raised."""
    if not jobs:
        return
    if not options.ocr:
        document.warnings.append(
            f"page(s) {', '.join(str(j.page_no) for j in jobs)} have no usable text and OCR "
            "is switched off"
        )
        return
    threads = options.ocr_threads or os.cpu_count() or 1
    cache_dir = options.ocr_cache or default_cache_dir()
    try:
        results = ocr_pages(jobs, options.ocr_settings, cache_dir, threads)
    except OcrUnavailable as exc:
        document.warnings.append(f"OCR is not possible: {exc}")
        return
    except Exception as exc:
        document.errors.append(f"OCR failed: {exc}")
        return
    pages = {p.number: p for p in document.pages}
    for page_no, (lines, _cached) in sorted(results.items()):
        page = pages[page_no]
        page.lines, page.has_text, page.ocr = lines, bool(lines), True
        if lines:
            conf = sum(ln.confidence for ln in lines) / len(lines)
            document.warnings.append(f"page {page_no} read by OCR (mean confidence {conf:.2f})")
