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
import datetime as dt
import hashlib
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


# ---------------------------------------------------------------------------- the split


HELD_OUT_SHARE = 3  # one source in three is held out


def part_of(source: str) -> str:
    """``tuning`` or ``held-out``, by a hash of the source's name alone: the same letter is on
    the same side whatever the seed, the variant or its degradations, and adding a letter
    never moves another (``corpus/html/vbpl-doc_000004.html`` is where its hash puts it)."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "held-out" if int.from_bytes(digest[:4], "big") % HELD_OUT_SHARE == 0 else "tuning"


# ---------------------------------------------------------------------------- composed letters

# Letters that no corpus file holds, composed from the parts every letter has, so the
# factory can render letters that nothing was tuned on. Each row: the parent body (or none),
# the issuer with ``{P}`` for the province, the issuer's code in a symbol, the head's title,
# the body a ``TM.`` line names (none: the head signs in his own name or ``KT.`` him).
BODIES = (
    (None, "ỦY BAN NHÂN DÂN TỈNH {P}", "UBND", "CHỦ TỊCH", "ỦY BAN NHÂN DÂN"),
    (None, "HỘI ĐỒNG NHÂN DÂN TỈNH {P}", "HĐND", "CHỦ TỊCH", "THƯỜNG TRỰC HĐND"),
    ("UBND TỈNH {P}", "SỞ TÀI CHÍNH", "STC", "GIÁM ĐỐC", None),
    ("UBND TỈNH {P}", "SỞ Y TẾ", "SYT", "GIÁM ĐỐC", None),
    ("UBND TỈNH {P}", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "SNNMT", "GIÁM ĐỐC", None),
    ("UBND TỈNH {P}", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT", "GIÁM ĐỐC", None),
    ("UBND TỈNH {P}", "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "BQL", "TRƯỞNG BAN", None),
    (None, "BỘ TÀI CHÍNH", "BTC", "BỘ TRƯỞNG", None),
    (None, "BỘ NỘI VỤ", "BNV", "BỘ TRƯỞNG", None),
)
PROVINCES = ("Quảng Trị", "Hà Tĩnh", "Đồng Tháp", "Sơn La", "Bắc Ninh", "Khánh Hòa",
             "Tây Ninh", "Gia Lai", "Vĩnh Long", "Lào Cai", "Thái Nguyên", "Cà Mau")
KINDS = (  # type, its code, whether its symbol starts with it
    ("Quyết định", "QĐ"), ("Công văn", "CV"), ("Thông báo", "TB"), ("Kế hoạch", "KH"),
    ("Báo cáo", "BC"), ("Tờ trình", "TTr"))
SUBJECTS = (
    "triển khai thực hiện chương trình chuyển đổi số năm {Y}",
    "kiện toàn Ban Chỉ đạo phòng, chống thiên tai và tìm kiếm cứu nạn",
    "tăng cường công tác phòng cháy, chữa cháy trong mùa khô",
    "kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội quý III năm {Y}",
    "tổ chức kỳ thi tuyển dụng viên chức năm {Y}",
    "phê duyệt danh mục dự án đầu tư công trung hạn",
    "đẩy nhanh tiến độ giải ngân vốn đầu tư công năm {Y}",
    "ban hành Quy chế làm việc của cơ quan",
    "rà soát, sắp xếp đơn vị hành chính cấp xã",
    "bảo đảm an toàn thực phẩm trong dịp Tết Nguyên đán",
)
SENTENCES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác "
    "văn thư;",
    "Thực hiện chỉ đạo của cấp trên, để bảo đảm tiến độ và chất lượng công việc, đề nghị các "
    "cơ quan, đơn vị khẩn trương triển khai các nội dung sau đây.",
    "Các cơ quan, đơn vị chủ động rà soát, tổng hợp khó khăn, vướng mắc và đề xuất giải pháp "
    "tháo gỡ, gửi về cơ quan thường trực trước ngày 25 hằng tháng để tổng hợp, báo cáo.",
    "Giao Văn phòng theo dõi, đôn đốc việc thực hiện; định kỳ báo cáo kết quả theo quy định.",
    "Trong quá trình thực hiện, nếu có vướng mắc, các đơn vị phản ánh kịp thời để được hướng "
    "dẫn, giải quyết./.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các "
    "nguồn hợp pháp khác;",
    "Thủ trưởng các cơ quan, đơn vị và các cá nhân có liên quan chịu trách nhiệm thi hành "
    "văn bản này./.",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Lâm")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Công",
          "Thị Thu", "Văn Hoàng")
GIVEN = ("Hùng", "Dũng", "Lan", "Hương", "Tuấn", "Thắng", "Phúc", "Long", "Hải", "Nam",
         "Bình", "Quang", "Sơn", "Trung", "Khánh", "Nhân", "Thủy", "Đông", "Tâm", "Hậu")
RECIPIENTS = ("Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố",
              "Các đơn vị trực thuộc", "Văn phòng Chính phủ")


def compose(seed: int, k: int) -> Letter:
    """The ``k``-th composed letter of ``seed``: its source is ``composed/<seed>/<k>``, which
    no corpus file is, so it falls on either side of :func:`part_of` like any other."""
    source = f"composed/{seed}/{k:03d}"
    rnd = random.Random(source)
    parent, issuer, org, head, tm = rnd.choice(BODIES)
    province = rnd.choice(PROVINCES)
    ministry = issuer.startswith("BỘ ")
    place = "Hà Nội" if ministry else province
    doc_type, type_code = rnd.choice(KINDS)
    year = rnd.randrange(2019, 2026)
    date = dt.date(year, rnd.randrange(1, 13), rnd.randrange(1, 29))
    number = str(rnd.choice((rnd.randrange(1, 100), rnd.randrange(100, 3000))))
    if doc_type == "Công văn":
        symbol = f"{org}-{rnd.choice(('VP', 'KT', 'NC', 'TH', 'KGVX'))}"
    else:
        symbol = f"{type_code}-{org}"
    sign = rnd.choice(("deputy", "deputy", "head", "tm-deputy", "tm-head"))
    authority: list[str] = []
    if sign.startswith("tm") and tm:
        authority.append(f"TM. {tm}")
    if sign.endswith("deputy"):
        authority.append(f"KT. {head}")
        title = "THỨ TRƯỞNG" if head == "BỘ TRƯỞNG" else f"PHÓ {head}"
    else:
        title = head
    parts = [rnd.choice(FAMILY), rnd.choice(MIDDLE), rnd.choice(GIVEN)]
    if rnd.random() < 0.1:
        parts.pop(1)  # ``Lê Hùng``: two parts
    name = " ".join(parts)
    subject = rnd.choice(SUBJECTS).replace("{Y}", str(year))
    label = {
        "doc_type": doc_type, "doc_type_code": type_code, "number": number, "symbol": symbol,
        "code": f"{number}/{symbol}",
        "issuer": issuer.replace("{P}", province.upper()),
        "issuer_parent": parent.replace("{P}", province.upper()) if parent else None,
        "place": place, "issue_date": date.isoformat(), "issue_year": year,
        "issue_month": date.month, "subject": subject, "signer_name": name,
        "signer_title": title, "signing_authority": " / ".join(authority) or None,
        "recipients": rnd.sample(RECIPIENTS, 2) if doc_type == "Công văn" else [],
        "distribution": ["Như trên", "Lưu: VT"],
    }
    body = [rnd.choice(SENTENCES[:2])] + rnd.sample(SENTENCES[2:], 4)
    return Letter(source, label, body)


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


def make_item(letter: Letter, rnd: random.Random,
              vary_seal: bool = False) -> tuple[bytes, str, dict[str, Any]]:
    """One degraded page of ``letter``: its bytes, extension, and its label. With
    ``vary_seal`` the seal's size and place are drawn too (up over the authority lines, or
    down over the name), as clerks stamp them; without it the seal sits where the pages made
    before the split had it, so those pages stay the same bytes."""
    plan = _plan(rnd, letter)
    shift = (0.0, 0.0, 52.0)
    if vary_seal:
        shift = (rnd.uniform(-40, 15), rnd.uniform(-35, 30), rnd.uniform(44, 60))
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
        page = draw_seal(page, (lay.sig_x - 55 + shift[0]) * s,
                         (lay.sig_top + block_h + 10 + shift[1]) * s, shift[2] * s,
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


def build(out: Path, seed: int, per_source: int, limit: int | None = None,
          composed: int = 0, composed_seed: int = 1) -> list[dict]:
    """Write the items and ``labels.json`` into ``out``; returns the labels. Each item says
    its ``part`` (:func:`part_of` its source). ``composed`` more letters
    (:func:`compose`, from ``composed_seed``) are rendered once each, their seals drawn
    at other sizes and places."""
    out.mkdir(parents=True, exist_ok=True)
    letters = load_letters(limit)
    labels = []

    def one(letter: Letter, v: int, name: str, vary_seal: bool) -> None:
        rnd = random.Random(f"{seed}:{letter.source}:{v}")
        data, fmt, label = make_item(letter, rnd, vary_seal)
        (out / f"{name}.{fmt}").write_bytes(data)
        item = {"file": f"{name}.{fmt}", "source": letter.source,
                "part": part_of(letter.source)}
        item.update({k: label.get(k) for k in LABEL_KEYS})
        item["signatures"] = []
        item["degradations"] = label["degradations"]
        item["notes"] = "rendered by scripts/make_scans.py: " + ", ".join(
            label["degradations"])
        labels.append(item)

    for i, letter in enumerate(letters):
        for v in range(per_source):
            one(letter, v, f"{i:02d}-{v}-{Path(letter.source).stem[:24]}", False)
    for k in range(composed):
        one(compose(composed_seed, k), 0, f"c{composed_seed}-{k:03d}", True)
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "scan-factory")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--per-source", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N letters")
    parser.add_argument("--composed", type=int, default=48,
                        help="letters composed from parts, beside the corpus letters")
    parser.add_argument("--composed-seed", type=int, default=1)
    args = parser.parse_args()
    labels = build(args.out, args.seed, args.per_source, args.limit, args.composed,
                   args.composed_seed)
    print(f"wrote {len(labels)} pages and labels.json to {args.out}")


if __name__ == "__main__":
    main()
