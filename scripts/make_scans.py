"""The scan factory: real letters whose fields are known, rendered as pages and degraded as
scanners, seals and clerks degrade them, with the labels the sources already have.

The 13 real scans are too few to develop on without fitting them. Here each labelled letter
(the 20 vbpl HTML pages, the two text PDFs, Nghị định 30/2020 as DOCX, the generated samples,
the seeds with a full header) is laid out on an A4 page in the decree's layout, with the
source's own body text, and then given what real scans have:

- a red seal, or a black one on a black-and-white scan, over the left of the signature block
  (``seal:red``, ``seal:black``), a blue signature over the name (``signature``);
- handwritten-looking digits in the number and day blanks (``hand:number``, ``hand:day``),
  drawn as jittered strokes, never from a font;
- an incoming-mail stamp (``ĐẾN``, ``Số``, ``Ngày``, with the portal's name) in the header
  area or beside the subject (``incoming:top``, ``incoming:side``);
- an urgency stamp (``urgency:red``; ``urgency:black`` rotated, on black-and-white pages);
- skew, blur, low resolution (100-300 dpi), JPEG, black-and-white thresholding, speckle;
- three typefaces: Noto Serif, DejaVu Serif, and DejaVu Sans Mono for older typed letters.

Everything is drawn from a seeded generator, so the same ``--seed`` gives the same pages.
Each item is written as an image-only PDF, a PNG or a JPEG into ``--out`` (default
``out/scan-factory/``, git-ignored) with ``labels.json`` in the schema of
``tests/labels/scans.json``: ``file`` is relative to the folder, ``source`` names the letter it
was made from, and ``degradations`` lists what was done to it.

    python scripts/make_scans.py                      # 2 variants of each letter, seed 11
    python scripts/make_scans.py --per-source 1 --seed 3 --out /tmp/scans
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from pipeline.document import Line  # noqa: E402
from pipeline.layout import zone  # noqa: E402
from pipeline.options import Options  # noqa: E402
from pipeline.readers import read_document  # noqa: E402

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
TYPEFACES = {  # name → (regular, bold): PyMuPDF's own Noto, Debian's DejaVu
    "noto-serif": ("notos", "notosbo"),
    "dejavu-serif": (str(FONT_DIR / "DejaVuSerif.ttf"), str(FONT_DIR / "DejaVuSerif-Bold.ttf")),
    "dejavu-mono": (str(FONT_DIR / "DejaVuSansMono.ttf"),
                    str(FONT_DIR / "DejaVuSansMono-Bold.ttf")),
}
STAMP_FONT = str(FONT_DIR / "DejaVuSans-Bold.ttf")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PORTALS = ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "VĂN PHÒNG UBND TỈNH", "SỞ NỘI VỤ")
LABEL_KEYS = ("doc_type", "doc_type_code", "number", "symbol", "code", "issuer", "issuer_parent",
              "place", "issue_date", "issue_year", "issue_month", "subject", "signer_name",
              "signer_title", "signing_authority", "recipients", "distribution", "urgency",
              "secrecy")
PAGE_W, PAGE_H = 595.0, 842.0


@dataclass
class Letter:
    """A letter to lay out: the label's fields and the source's body text."""

    source: str
    label: dict[str, Any]
    body: list[str]


@dataclass
class Layout:
    """Where things landed on the rendered page, in PDF points, for the degradations."""

    number_blank: tuple[float, float, float] | None = None  # x, baseline y, font size
    day_blank: tuple[float, float, float] | None = None
    title_y: float = 0.0
    subject_bottom: float = 0.0
    sig_top: float = 0.0
    sig_x: float = 0.0
    name_y: float = 0.0
    issuer_bottom: float = 0.0
    mark_y: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------- sources


def _body_of(path: Path) -> list[str]:
    """The body lines of a source, as the pipeline zones them (the letter's own sentences)."""
    doc = read_document(path, path.read_bytes(), Options(ocr=False, signatures=False))
    return [ln.text for ln in zone(doc).body if isinstance(ln, Line) and ln.text]


def _usable(label: dict[str, Any]) -> bool:
    return all(label.get(k) for k in ("doc_type", "issuer", "place", "issue_year",
                                      "signer_name", "signer_title"))


def load_letters(limit: int | None = None) -> list[Letter]:
    """Every labelled letter with a full header and signature block (the first ``limit``)."""
    letters: list[Letter] = []
    for name in ("html.json", "text_pdf.json", "decree_docx.json"):
        for label in json.loads((ROOT / "tests" / "labels" / name).read_text("utf-8")):
            path = SHARED / label["file"]
            if limit is not None and len(letters) >= limit:
                return letters
            if _usable(label) and path.exists():
                letters.append(Letter(label["file"], label, _body_of(path)))
    samples = sorted((ROOT / "samples" / "generated").glob("*.txt.expected.json"))
    samples += sorted((ROOT / "samples" / "seeds").glob("*.expected.json"))
    for expected in samples:
        record = json.loads(expected.read_text("utf-8"))
        source = expected.with_name(expected.name.removesuffix(".expected.json"))
        if limit is not None and len(letters) >= limit:
            break
        if _usable(record) and record.get("code"):
            letters.append(Letter(str(source.relative_to(ROOT)), record, _body_of(source)))
    return letters


# ---------------------------------------------------------------------------- the page


def paragraphs(lines: list[str]) -> list[str]:
    """Wrapped body lines back into paragraphs: one ends where a line ends a sentence or a
    clause (``.``, ``;``, ``:``)."""
    out: list[str] = []
    for line in lines:
        if out and not out[-1].endswith((".", ";", ":", "./.")):
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def _wrap(text: str, font: pymupdf.Font, size: float, width: float) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and font.text_length(trial, fontsize=size) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    return lines + ([cur] if cur else [])


def _date_line(label: dict[str, Any], blank_day: bool) -> tuple[str, str, str]:
    """(before the day, the day, after it): ``Hà Nội, ngày `` ``05`` `` tháng 3 năm 2020``."""
    day = month = None
    if label.get("issue_date"):
        _, m, d = label["issue_date"].split("-")
        day, month = d, str(int(m))
    month = month or (str(label["issue_month"]) if label.get("issue_month") else None)
    month_txt = (month.zfill(2) if month in ("1", "2") else month) if month else "     "
    head = f"{label['place']}, ngày "
    tail = f" tháng {month_txt} năm {label['issue_year']}"
    if blank_day or day is None:
        return head, "", tail
    return head, day, tail


def render(letter: Letter, typeface: str, hand: set[str]) -> tuple[bytes, Layout, dict[str, Any]]:
    """The letter as a one-page PDF, where its parts are, and the label of what it shows."""
    label = dict(letter.label)
    regular, bold = (pymupdf.Font(fontfile=f) if "/" in f else pymupdf.Font(f)
                     for f in TYPEFACES[typeface])
    doc = pymupdf.open()
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    lay = Layout()

    def put(text: str, y: float, size: float, font: pymupdf.Font, *, center: float | None = None,
            x: float | None = None, fit: float = 0.0) -> float:
        if fit:  # a header line keeps to its column, as a clerk shrinks it to fit
            size = min(size, size * fit / max(font.text_length(text, fontsize=size), 1.0))
        tw = pymupdf.TextWriter(page.rect)
        x0 = x if x is not None else (center or 0) - font.text_length(text, fontsize=size) / 2
        tw.append((x0, y), text, font=font, fontsize=size)
        tw.write_text(page)
        return x0

    left, right, mid = 62.0, 545.0, PAGE_W / 2
    col_l, col_r = 160.0, 400.0
    y = 60.0
    for line in _wrap(label.get("issuer_parent") or "", regular, 11.5, 200):
        put(line, y, 11.5, regular, center=col_l, fit=220)
        y += 14
    for line in _wrap(label["issuer"], bold, 11.5, 200):
        put(line, y, 11.5, bold, center=col_l, fit=220)
        y += 14
    lay.issuer_bottom = y
    y += 14
    code = label.get("code") or ""
    number = label.get("number")
    if number and "number" in hand:
        rest = code[len(number):]
        prefix = "Số:"
        x0 = put(f"{prefix}{' ' * 12}{rest}", y, 12, regular, center=col_l, fit=220)
        lay.number_blank = (x0 + regular.text_length(prefix + "  ", fontsize=12), y, 12)
    else:
        put(f"Số: {code}", y, 12, regular, center=col_l, fit=220)
    number_y = y
    vv = label["doc_type"] == "Công văn"
    subject_lines = _wrap(label["subject"], regular, 10.5, 210) if vv else []
    for k, line in enumerate(subject_lines):
        put(("V/v " if k == 0 else "") + line, number_y + 16 + 13 * k, 10.5, regular,
            center=col_l)
    put(MOTTO[0], 60, 11.5, bold, center=col_r, fit=265)
    put(MOTTO[1], 74, 12.5, bold, center=col_r, fit=265)
    head, day, tail = _date_line(label, "day" in hand)
    if "day" in hand and label.get("issue_date"):
        text = head + " " * 8 + tail
        size = min(12.0, 12.0 * 265 / regular.text_length(text, fontsize=12))
        x0 = put(text, number_y, size, regular, center=col_r)
        lay.day_blank = (x0 + regular.text_length(head, fontsize=size), number_y, size)
        lay.extra["day"] = label["issue_date"].split("-")[2]
    else:
        put(head + day + tail, number_y, 12, regular, center=col_r, fit=265)
    y = number_y + 16 + 13 * len(subject_lines)
    lay.mark_y = y + 6
    y += 34
    if not vv:
        lay.title_y = y
        put(label["doc_type"].upper(), y, 14, bold, center=mid)
        for line in _wrap(label["subject"], bold, 13, 400):
            y += 17
            put(line, y, 13, bold, center=mid)
        y += 6
    lay.subject_bottom = y
    y += 24
    recipients = label.get("recipients") or []
    if recipients:
        put("Kính gửi:", y, 13, regular, x=130)
        for r in recipients[:4]:
            put(("- " + r + ";") if len(recipients) > 1 else r, y, 13, regular, x=195)
            y += 17
        y += 6
    body_w = right - left
    budget = 560.0
    for para in paragraphs(letter.body):
        for k, line in enumerate(_wrap(para, regular, 12.5, body_w - 30)):
            if y > budget:
                break
            put(line, y, 12.5, regular, x=left + (30 if k == 0 else 0))
            y += 17
    y = max(y + 14, 600.0)
    distribution = label.get("distribution") or ["Như trên", "Lưu: VT"]
    label["distribution"] = distribution
    put("Nơi nhận:", y, 11.5, bold, x=left)
    for k, d in enumerate(distribution[:9]):
        end = "." if k == min(len(distribution), 9) - 1 else ";"
        put(f"- {d}{end}"[:52], y + 13 * (k + 1), 10.5, regular, x=left)
    label["distribution"] = distribution[:9]
    sig_x = 420.0
    lay.sig_top, lay.sig_x = y, sig_x
    block = [a.strip() for a in (label.get("signing_authority") or "").split(" / ") if a.strip()]
    for k, line in enumerate(block + [label["signer_title"]]):
        put(line, y + 15 * k, 12.5, bold, center=sig_x)
    lay.name_y = y + 15 * len(block) + 85
    put(label["signer_name"], lay.name_y, 12.5, bold, center=sig_x)
    data = doc.tobytes(garbage=3, deflate=True)
    return data, lay, label


# ---------------------------------------------------------------------------- ink


def _ink_layer(size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    layer = Image.new("RGB", size, "white")
    return layer, ImageDraw.Draw(layer)


def _apply(page: Image.Image, layer: Image.Image) -> Image.Image:
    """Ink over print: the darker of each channel wins, as a stamp's ink does on paper."""
    return ImageChops.multiply(page, layer)


_DIGITS = {  # strokes on a unit box, y downwards, as a hurried hand writes them
    "0": [[(0.5, 0.0), (0.15, 0.2), (0.1, 0.6), (0.35, 1.0), (0.75, 0.95), (0.9, 0.5),
           (0.8, 0.1), (0.5, 0.0)]],
    "1": [[(0.25, 0.25), (0.55, 0.0), (0.5, 1.0)]],
    "2": [[(0.1, 0.25), (0.35, 0.0), (0.75, 0.05), (0.85, 0.3), (0.1, 1.0), (0.95, 0.95)]],
    "3": [[(0.1, 0.1), (0.55, 0.0), (0.85, 0.2), (0.45, 0.48), (0.9, 0.7), (0.6, 1.0),
           (0.1, 0.9)]],
    "4": [[(0.6, 0.0), (0.05, 0.7), (0.95, 0.68)], [(0.7, 0.3), (0.65, 1.0)]],
    "5": [[(0.85, 0.0), (0.25, 0.02), (0.2, 0.45), (0.65, 0.4), (0.9, 0.68), (0.65, 0.98),
           (0.1, 0.9)]],
    "6": [[(0.8, 0.05), (0.4, 0.1), (0.12, 0.55), (0.25, 0.97), (0.7, 0.97), (0.85, 0.7),
           (0.5, 0.5), (0.15, 0.62)]],
    "7": [[(0.05, 0.02), (0.95, 0.0), (0.4, 1.0)]],
    "8": [[(0.5, 0.48), (0.15, 0.25), (0.5, 0.0), (0.85, 0.25), (0.5, 0.48), (0.12, 0.75),
           (0.5, 1.0), (0.88, 0.75), (0.5, 0.48)]],
    "9": [[(0.85, 0.3), (0.5, 0.5), (0.15, 0.3), (0.45, 0.0), (0.85, 0.2), (0.8, 0.6),
           (0.55, 1.0)]],
}


def draw_digits(draw: ImageDraw.ImageDraw, text: str, x: float, y: float, height: float,
                rnd: random.Random, colour: tuple[int, int, int]) -> None:
    """Handwritten-looking digits: each stroke's points jittered, the whole slanted, the pen a
    little thicker or thinner each time; ``x, y`` is the top left in pixels."""
    width = 0.62 * height
    slant = rnd.uniform(0.1, 0.3)
    pen = max(2, int(height / rnd.uniform(9, 13)))
    for ch in text:
        for stroke in _DIGITS.get(ch, []):
            pts = []
            for px, py in stroke:
                jx, jy = px + rnd.uniform(-0.06, 0.06), py + rnd.uniform(-0.05, 0.05)
                pts.append((x + (jx + slant * (1 - jy)) * width, y + jy * height))
            draw.line(pts, fill=colour, width=pen, joint="curve")
        x += width * rnd.uniform(1.05, 1.3)


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int,
          colour: tuple[int, int, int]) -> tuple[int, int]:
    font = ImageFont.truetype(STAMP_FONT, size)
    draw.text(xy, text, font=font, fill=colour)
    box = draw.textbbox(xy, text, font=font)
    return box[2] - box[0], box[3] - box[1]


def draw_seal(page: Image.Image, cx: float, cy: float, radius: float, ring: str,
              colour: tuple[int, int, int], rnd: random.Random) -> Image.Image:
    """A round seal: two rings, the issuer's name around, a star in the middle."""
    layer, draw = _ink_layer(page.size)
    w = max(2, int(radius / 22))
    for r in (radius, radius * 0.68):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour, width=w)
    star = [(cx + (radius * (0.3 if k % 2 == 0 else 0.12)) * math.sin(k * math.pi / 5),
             cy - (radius * (0.3 if k % 2 == 0 else 0.12)) * math.cos(k * math.pi / 5))
            for k in range(10)]
    draw.polygon(star, fill=colour)
    font = ImageFont.truetype(STAMP_FONT, max(8, int(radius * 0.17)))
    chars = list(ring.upper()[:34]) or ["*"]
    for k, ch in enumerate(chars):
        angle = -math.pi * 0.9 + 1.8 * math.pi * k / max(len(chars) - 1, 1)
        tile = Image.new("L", (int(radius * 0.3), int(radius * 0.3)), 0)
        ImageDraw.Draw(tile).text((tile.width / 4, 0), ch, font=font, fill=255)
        tile = tile.rotate(-math.degrees(angle), expand=True)
        px = cx + radius * 0.84 * math.sin(angle) - tile.width / 2
        py = cy - radius * 0.84 * math.cos(angle) - tile.height / 2
        layer.paste(Image.new("RGB", tile.size, colour), (int(px), int(py)), tile)
    if rnd.random() < 0.5:  # a seal is rarely inked evenly: a seeded speckle of paper
        noise = np.random.default_rng(rnd.randrange(2**32)).random(
            (page.size[1], page.size[0]))
        fade = Image.fromarray(((noise > 0.7) * 255).astype(np.uint8), "L")
        layer = ImageChops.lighter(layer, fade.convert("RGB"))
    return _apply(page, layer)


def draw_signature(page: Image.Image, x: float, y: float, w: float, h: float,
                   rnd: random.Random) -> Image.Image:
    """A blue signature: a few looping strokes over the space above the name."""
    layer, draw = _ink_layer(page.size)
    pts = []
    for k in range(24):
        t = k / 23
        pts.append((x + t * w + rnd.uniform(-0.05, 0.05) * w,
                    y + h * (0.5 + 0.45 * math.sin(t * rnd.uniform(9, 14)))))
    draw.line(pts, fill=(30, 60, 170), width=max(2, int(h / 18)), joint="curve")
    return _apply(page, layer)


def draw_box_stamp(page: Image.Image, x: float, y: float, lines: list[tuple[str, int]],
                   colour: tuple[int, int, int], angle: float) -> Image.Image:
    """A rectangular rubber stamp (incoming mail, urgency), possibly turned."""
    pad = lines[0][1] // 2
    tile, draw = _ink_layer((10, 10))
    sizes = [ImageDraw.Draw(tile).textbbox((0, 0), t, font=ImageFont.truetype(STAMP_FONT, s))
             for t, s in lines]
    width = max(b[2] for b in sizes) + 2 * pad
    height = sum(b[3] + pad // 2 for b in sizes) + 2 * pad
    tile, draw = _ink_layer((width, height))
    draw.rectangle((1, 1, width - 2, height - 2), outline=colour, width=max(2, pad // 3))
    cy = pad
    for (text, size), box in zip(lines, sizes, strict=True):
        _text(draw, ((width - box[2]) / 2, cy), text, size, colour)
        cy += box[3] + pad // 2
    if angle:
        tile = tile.rotate(angle, expand=True, fillcolor="white")
    layer, _ = _ink_layer(page.size)
    layer.paste(tile, (int(x), int(y)))
    return _apply(page, layer)


# ---------------------------------------------------------------------------- one item


def _plan(rnd: random.Random, letter: Letter) -> dict[str, Any]:
    """Which degradations one item gets, drawn from ``rnd``."""
    bw = rnd.random() < 0.35
    return {
        "typeface": rnd.choice(list(TYPEFACES)),
        "dpi": rnd.choice((100, 150, 150, 200, 200, 300)),
        "bw": bw,
        "seal": rnd.random() < 0.7,
        "signature": rnd.random() < 0.6,
        "hand": {k for k in ("number", "day") if rnd.random() < 0.4},
        "incoming": rnd.choice((None, None, "top", "side")),
        "urgency": rnd.choice((None, None, None, "HỎA TỐC", "KHẨN")),
        "skew": round(rnd.uniform(-2.0, 2.0), 2) if rnd.random() < 0.6 else 0.0,
        "blur": round(rnd.uniform(0.4, 1.0), 2) if rnd.random() < 0.5 else 0.0,
        "format": rnd.choice(("pdf", "png", "jpg", "jpg")),
        "jpeg": rnd.randrange(35, 80),
    }


def make_item(letter: Letter, rnd: random.Random) -> tuple[bytes, str, dict[str, Any]]:
    """One degraded page of ``letter``: its bytes, extension, and its label."""
    plan = _plan(rnd, letter)
    pdf, lay, label = render(letter, plan["typeface"], plan["hand"])
    dpi = plan["dpi"]
    s = dpi / 72
    pix = pymupdf.open("pdf", pdf)[0].get_pixmap(dpi=dpi)
    page = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    done = [f"font:{plan['typeface']}", f"dpi:{dpi}"]
    ink = (25, 25, 25) if plan["bw"] else None
    if plan["hand"] & {"number", "day"}:
        layer, draw = _ink_layer(page.size)
        pen = ink or rnd.choice([(30, 50, 160), (20, 20, 20)])
        if "number" in plan["hand"] and lay.number_blank:
            x, base, size = lay.number_blank
            draw_digits(draw, label["number"], x * s, (base - size * 1.05) * s, size * 1.1 * s,
                        rnd, pen)
            done.append("hand:number")
        if "day" in plan["hand"] and lay.day_blank:
            x, base, size = lay.day_blank
            draw_digits(draw, lay.extra["day"], (x + 4) * s, (base - size * 1.05) * s,
                        size * 1.1 * s, rnd, pen)
            done.append("hand:day")
        page = _apply(page, layer)
    if plan["signature"]:
        page = draw_signature(page, (lay.sig_x - 60) * s, (lay.name_y - 60) * s, 120 * s,
                              40 * s, rnd)
        done.append("signature")
    if plan["seal"]:
        colour = ink or (205, 35, 45)
        block_h = 15 * (1 + len((label.get("signing_authority") or "").split(" / ")))
        page = draw_seal(page, (lay.sig_x - 55) * s, (lay.sig_top + block_h + 10) * s, 52 * s,
                         label["issuer"], colour, rnd)
        done.append("seal:black" if plan["bw"] else "seal:red")
    label["urgency"], label["secrecy"] = plan["urgency"], None  # only the marks drawn here
    if plan["urgency"]:
        angle = rnd.uniform(-12, 12) if plan["bw"] else 0.0
        page = draw_box_stamp(page, 75 * s, lay.mark_y * s, [(plan["urgency"], int(14 * s))],
                              ink or (210, 30, 40), angle)
        done.append("urgency:black" if plan["bw"] else "urgency:red")
    if plan["incoming"]:
        portal = rnd.choice(PORTALS)
        n = rnd.randrange(100, 9999)
        lines = [(portal, int(5.5 * s)), ("ĐẾN", int(9 * s)), (f"Số: {n}", int(6.5 * s)),
                 (f"Ngày: {rnd.randrange(1, 29)}/{rnd.randrange(1, 13)}/"
                  f"{label['issue_year']}", int(6.5 * s))]
        if plan["incoming"] == "top":  # in the margin over the header, as clerks put it
            x, y = 40 * s, 2 * s
        else:
            x, y = 40 * s, (lay.title_y or lay.subject_bottom) * s
        page = draw_box_stamp(page, x, y, lines, ink or (150, 40, 140), rnd.uniform(-4, 4))
        done.append(f"incoming:{plan['incoming']}")
    if plan["skew"]:
        page = page.rotate(plan["skew"], resample=Image.Resampling.BICUBIC, fillcolor="white")
        done.append(f"skew:{plan['skew']}")
    if plan["blur"]:
        page = page.filter(ImageFilter.GaussianBlur(plan["blur"] * s / 2.8))
        done.append(f"blur:{plan['blur']}")
    if plan["bw"]:
        page = page.convert("L").point(lambda v: 255 if v > rnd.randrange(120, 170) else 0)
        done.append("bw")
    fmt = plan["format"]
    buf = io.BytesIO()
    if fmt == "png" or (plan["bw"] and fmt == "pdf"):
        page.save(buf, format="PNG", dpi=(dpi, dpi))
    else:
        page.convert("RGB" if page.mode != "L" else "L").save(buf, format="JPEG",
                                                             quality=plan["jpeg"], dpi=(dpi, dpi))
        done.append(f"jpeg:{plan['jpeg']}")
    data = buf.getvalue()
    if fmt == "pdf":
        out = pymupdf.open()
        pg = out.new_page(width=PAGE_W, height=PAGE_H)
        pg.insert_image(pg.rect, stream=data)
        out.set_metadata({"producer": "vanthu scan factory",  # the same bytes every run
                          "creationDate": "D:20250101000000+07'00'",
                          "modDate": "D:20250101000000+07'00'"})
        data = out.tobytes(garbage=3, deflate=True, no_new_id=True)
    label["signatures"] = []
    label["degradations"] = done
    return data, fmt, label


def build(out: Path, seed: int, per_source: int, limit: int | None = None) -> list[dict]:
    """Write the items and ``labels.json`` into ``out``; returns the labels."""
    out.mkdir(parents=True, exist_ok=True)
    letters = load_letters(limit)
    labels = []
    for i, letter in enumerate(letters):
        for v in range(per_source):
            rnd = random.Random(f"{seed}:{letter.source}:{v}")
            data, fmt, label = make_item(letter, rnd)
            name = f"{i:02d}-{v}-{Path(letter.source).stem[:24]}.{fmt}"
            (out / name).write_bytes(data)
            item = {"file": name, "source": letter.source}
            item.update({k: label.get(k) for k in LABEL_KEYS})
            item["signatures"] = []
            item["degradations"] = label["degradations"]
            item["notes"] = "rendered by scripts/make_scans.py: " + ", ".join(
                label["degradations"])
            labels.append(item)
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "scan-factory")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--per-source", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N letters")
    args = parser.parse_args()
    labels = build(args.out, args.seed, args.per_source, args.limit)
    print(f"wrote {len(labels)} pages and labels.json to {args.out}")


if __name__ == "__main__":
    main()
