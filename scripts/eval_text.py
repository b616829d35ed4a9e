"""Body text of scanned pages against the text they were printed from: CER and WER.

The scan factory's letters (``scripts/make_scans.py``: the vbpl HTML pages, the text PDFs, the
generated samples) have known body text. Here each chosen letter's body is laid out alone on
an A4 page in one of five typefaces (three upright as the factory has them, two italic, where
Tesseract reads ``11`` as ``I1``), rendered at a scanner's resolution, blurred, thresholded or
JPEG-compressed from a seeded generator, and read by the pipeline as an image file
(``read_document``: cleaning, Tesseract, lines, the spelling repair). Each OCR line is put
against the printed line it sits on, and the text is compared twice in the same run: as OCR
read it (``Line.read_as`` where the repair changed it) and as the pipeline keeps it.

Reported: character and word error rates before and after the repair, the share of the
character errors that are marks only (the same letters once tone marks, hooks and hats are
folded away), and every word the repair changed, counted as right (it now equals the printed
word), wrong (the printed word was read right and the repair broke it) or neither.

``--clean`` counts the repair's false changes on text that is right by construction: every
line of the text PDFs' text layers and the HTML pages in ``../shared/corpus`` and of the
generated and seed samples. Every word changed there is a false repair (or a typo of the
source put right). ``--scans`` lists the repairs made on the real scans, whose text is not
known, each in its context, to be judged by eye.

    python scripts/eval_text.py                  # 10 pages, seed 5
    python scripts/eval_text.py --pages 4 --seed 1
    python scripts/eval_text.py --clean
    python scripts/eval_text.py --scans          # the repairs on the 13 real scans, to read
"""

from __future__ import annotations

import argparse
import difflib
import io
import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_scans import SHARED, TYPEFACES, _wrap, load_letters, paragraphs  # noqa: E402

from pipeline.document import Line  # noqa: E402
from pipeline.layout.spelling import repair_text  # noqa: E402
from pipeline.letters import fold  # noqa: E402
from pipeline.options import Options  # noqa: E402
from pipeline.readers import read_document  # noqa: E402

ITALIC = {
    "liberation-serif-italic": "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
    "noto-serif-italic": "notosit",
}
FACES = {**{k: v[0] for k, v in TYPEFACES.items()}, **ITALIC}
PAGE_W, PAGE_H = 595.0, 842.0
SIZE = 12.5


@dataclass
class Printed:
    """One page as printed: each line's baseline (points) and text."""

    name: str
    face: str
    lines: list[tuple[float, str]] = field(default_factory=list)


def render_body(body: list[str], face: str) -> tuple[pymupdf.Document, list[tuple[float, str]]]:
    """The body's paragraphs laid out on one A4 page; the lines that fit."""
    spec = FACES[face]
    font = pymupdf.Font(fontfile=spec) if "/" in spec else pymupdf.Font(spec)
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    tw = pymupdf.TextWriter(page.rect)
    left, width, y = 62.0, 483.0, 70.0
    printed: list[tuple[float, str]] = []
    for para in paragraphs(body):
        for k, line in enumerate(_wrap(para, font, SIZE, width - 30)):
            if y > PAGE_H - 60:
                break
            tw.append((left + (30 if k == 0 else 0), y), line, font=font, fontsize=SIZE)
            printed.append((y, line))
            y += 17
    tw.write_text(page)
    return doc, printed


def degrade(doc: pymupdf.Document, rnd: random.Random) -> tuple[bytes, str, str]:
    """The page as a scanner gives it: image bytes, extension, and what was done."""
    dpi = rnd.choice((150, 200, 200, 300))
    pix = doc[0].get_pixmap(dpi=dpi)
    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples).convert("L")
    done = [f"dpi:{dpi}"]
    if rnd.random() < 0.5:
        blur = round(rnd.uniform(0.4, 1.0), 2)
        img = img.filter(ImageFilter.GaussianBlur(blur * dpi / 72 / 2.8))
        done.append(f"blur:{blur}")
    buf = io.BytesIO()
    if rnd.random() < 0.35:
        cut = rnd.randrange(120, 170)
        img = img.point(lambda v: 255 if v > cut else 0)
        img.save(buf, format="PNG", dpi=(dpi, dpi))
        return buf.getvalue(), "png", " ".join([*done, "bw"])
    quality = rnd.randrange(35, 80)
    img.save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue(), "jpg", " ".join([*done, f"jpeg:{quality}"])


def distance(a: list[str] | str, b: list[str] | str) -> int:
    """Levenshtein distance of two strings or two word lists."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def match(printed: list[tuple[float, str]], lines: list[Line]) -> list[tuple[str, str, str]]:
    """(printed, OCR as read, OCR as kept) for each printed line: the OCR lines whose middle
    is nearest its x-height band, left to right; a printed line nothing matched is read as
    empty."""
    got: dict[int, list[Line]] = {k: [] for k in range(len(printed))}
    for ln in lines:
        if ln.bbox is None:
            continue
        middle = (ln.bbox[1] + ln.bbox[3]) / 2
        k = min(range(len(printed)), key=lambda i: abs(printed[i][0] - SIZE * 0.35 - middle))
        if abs(printed[k][0] - SIZE * 0.35 - middle) < SIZE:
            got[k].append(ln)
    out = []
    for k, (_, text) in enumerate(printed):
        row = sorted(got[k], key=lambda ln: ln.bbox[0] if ln.bbox else 0.0)
        out.append((text, " ".join(ln.read_as or ln.text for ln in row),
                    " ".join(ln.text for ln in row)))
    return out


@dataclass
class Tally:
    chars: int = 0
    words: int = 0
    cer: Counter = field(default_factory=Counter)  # before / after
    wer: Counter = field(default_factory=Counter)
    folded: Counter = field(default_factory=Counter)
    repairs: Counter = field(default_factory=Counter)  # right / wrong / neither
    examples: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)  # words read with a mark wrong

    def add(self, truth: str, before: str, after: str) -> None:
        self.chars += len(truth)
        self.words += len(truth.split())
        for name, text in (("before", before), ("after", after)):
            self.cer[name] += distance(truth, text)
            self.wer[name] += distance(truth.split(), text.split())
            self.folded[name] += distance(fold(truth), fold(text))
        t, b, a = truth.split(), before.split(), after.split()
        aligned = {}
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, t, b, autojunk=False).get_opcodes():
            if op in ("equal", "replace") and i2 - i1 == j2 - j1:
                aligned.update({j1 + n: t[i1 + n] for n in range(j2 - j1)})
        for j, old in enumerate(b):
            want = aligned.get(j)
            if want is not None and want != old and fold(want) == fold(old):
                got = a[j] if j < len(a) else old
                self.marks.append(f"{old} (printed {want}){' → ' + got if got != old else ''}")
        if before == after:
            return
        for j, (old, new) in enumerate(zip(b, a, strict=False)):
            if old == new:
                continue
            want = aligned.get(j)
            kind = "right" if new == want else "wrong" if old == want else "neither"
            self.repairs[kind] += 1
            self.examples.append(f"{kind:7} {old} → {new}" + (f" (printed {want})"
                                                              if kind != "right" else ""))


def evaluate(pages: int, seed: int, cache: Path, keep: Path | None) -> Tally:
    rnd = random.Random(seed)
    letters = [lt for lt in load_letters() if sum(len(b) for b in lt.body) > 1500]
    chosen = rnd.sample(letters, min(pages, len(letters)))
    tally = Tally()
    options = Options(signatures=False, ocr_cache=str(cache))
    faces = list(FACES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for k, letter in enumerate(chosen):
            face = faces[k % len(faces)]
            doc, printed = render_body(letter.body, face)
            data, ext, done = degrade(doc, rnd)
            path = folder / f"{k:02d}-{Path(letter.source).stem[:24]}.{ext}"
            path.write_bytes(data)
            read = read_document(path, data, options)
            page = Tally()
            for truth, before, after in match(printed, read.lines):
                page.add(truth, before, after)
                tally.add(truth, before, after)
            print(f"{path.name:40} {face:24} {done:28} CER {rate(page.cer['before'], page.chars)}"
                  f" → {rate(page.cer['after'], page.chars)}")
    return tally


def rate(errors: int, total: int) -> str:
    return f"{100 * errors / max(total, 1):5.2f}%"


def report(tally: Tally) -> None:
    print()
    print("| | before | after |")
    print("| --- | --- | --- |")
    print(f"| CER ({tally.chars} characters) | {rate(tally.cer['before'], tally.chars)} | "
          f"{rate(tally.cer['after'], tally.chars)} |")
    print(f"| WER ({tally.words} words) | {rate(tally.wer['before'], tally.words)} | "
          f"{rate(tally.wer['after'], tally.words)} |")
    for name in ("before", "after"):
        marks = tally.cer[name] - tally.folded[name]
        print(f"| {name}: character errors that are marks only | "
              f"{marks} of {tally.cer[name]} | |")
    print()
    print(f"words repaired: {sum(tally.repairs.values())} "
          f"(right {tally.repairs['right']}, wrong {tally.repairs['wrong']}, "
          f"neither {tally.repairs['neither']})")
    for line in tally.examples[:60]:
        print("  " + line)
    print(f"words read with marks wrong, as the printed word's letters: {len(tally.marks)}")
    for line in tally.marks[:200]:
        print("  " + line)


def clean_text_lines() -> list[tuple[str, str]]:
    """(file, line) for every line of text that is right by construction."""
    files = sorted((SHARED / "corpus" / "text-pdf").glob("*.pdf"))
    files += sorted((SHARED / "corpus" / "html").glob("*.html"))
    files += sorted((ROOT / "samples" / "generated").glob("*.txt"))
    files += sorted((ROOT / "samples" / "seeds").glob("*.txt"))
    out = []
    for path in files:
        doc = read_document(path, path.read_bytes(), Options(ocr=False, signatures=False))
        out.extend((path.name, ln.text) for ln in doc.lines if ln.text)
    return out


def false_repairs(limit: int = 40) -> None:
    lines = clean_text_lines()
    words = changed = 0
    examples = []
    for name, text in lines:
        words += len(text.split())
        fixed, changes = repair_text(text)
        changed += len(changes)
        examples.extend(f"{name}: {old} → {new}  | {text[:90]}" for old, new in changes)
    print(f"correct text: {len(lines)} lines, {words} words; words the repair changed: {changed}"
          f" ({100 * changed / max(words, 1):.3f}%)")
    for line in examples[:limit]:
        print("  " + line)


def scan_repairs() -> None:
    """Every repair the pipeline makes on the real scans, in its context, to be judged by eye
    (their text is not known)."""
    count = 0
    for path in sorted((SHARED / "corpus" / "scans").glob("*.pdf")):
        doc = read_document(path, path.read_bytes(), Options(signatures=False))
        for ln in doc.lines:
            if ln.read_as is None:
                continue
            read, kept = ln.read_as.split(), ln.text.split()
            for i, (old, new) in enumerate(zip(read, kept, strict=False)):
                if old != new:
                    count += 1
                    print(f"{path.name} p{ln.page}: {' '.join(read[max(0, i - 4):i])} "
                          f"[{old} → {new}] {' '.join(read[i + 1:i + 4])}")
    print(f"{count} words repaired")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=ROOT / "out" / "eval-text" / "cache",
                        help="the OCR page cache (a re-run reads no page twice)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the page images here")
    parser.add_argument("--clean", action="store_true",
                        help="count false repairs on correct text instead")
    parser.add_argument("--scans", action="store_true",
                        help="list every repair made on the real scans, to judge by eye")
    args = parser.parse_args()
    if args.clean:
        false_repairs()
        return
    if args.scans:
        scan_repairs()
        return
    report(evaluate(args.pages, args.seed, args.cache, args.keep))


if __name__ == "__main__":
    main()
