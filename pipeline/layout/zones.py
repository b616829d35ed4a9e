"""Zones of an official letter, from line positions where the format has them and from the
text's own anchors where it does not.

Nghị định 30/2020/NĐ-CP (Phụ lục I) fixes where each component sits::

    ỦY BAN NHÂN DÂN               CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM     header, two columns
    TỈNH QUẢNG NGÃI                   Độc lập - Tự do - Hạnh phúc
    Số: 542/TB-UBND                Quảng Ngãi, ngày 06 tháng 11 năm 2024  number | place, date
    (V/v … for a công văn, under the number)
                              THÔNG BÁO                                   type
                  Về việc tham dự Hội nghị đánh giá …                     subject (bold)
    Kính gửi: …                                                           recipients
    body …./.
    Nơi nhận:                                  TL. CHỦ TỊCH               distribution | signature
    - Như thành phần;                          KT. CHÁNH VĂN PHÒNG
    - Lưu: VT, …                               PHÓ CHÁNH VĂN PHÒNG
                                               Phùng Tô Long

Both reading orders occur: a text layer or an export may give the left column first (issuer,
number, V/v, then the motto and the date) or interleave the columns line by line (issuer, motto,
number, date). With boxes (PDF) lines are put in their column by position; without them
(DOCX, HTML, TXT) each line is recognised by what it says, so the order does not matter.
Text before the header (a web page's title and menus) is left out of the letter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from pipeline.document import Document, Line
from pipeline.layout.numberline import number_line_text
from pipeline.layout.phrases import snap_block_line
from pipeline.normalize import LOWER, UPPER, fold, within_one_edit
from pipeline.rules import rules
from schemas.record import Source

HEADER_SCAN = 60  # non-blank lines from the start in which the header is looked for


@dataclass
class Zones:
    lines: list[Line]  # the letter, from the header on (blank lines kept for text formats)
    preamble: list[Line] = field(default_factory=list)
    header_left: list[Line] = field(default_factory=list)
    header_right: list[Line] = field(default_factory=list)
    issuer: list[Line] = field(default_factory=list)
    number: Line | None = None
    date: Line | None = None
    marks: list[Line] = field(default_factory=list)
    title: Line | None = None
    subject: list[Line] = field(default_factory=list)
    recipients: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    signature: list[Line] = field(default_factory=list)
    distribution: list[Line] = field(default_factory=list)
    tail: list[Line] = field(default_factory=list)
    stamps: list[Line] = field(default_factory=list)  # incoming-mail stamps, not the letter
    has_geometry: bool = False


# ---------------------------------------------------------------------------- line tests


def _a(name: str) -> re.Pattern[str]:
    return rules().anchors[name]


def is_motto(line: Line) -> bool:
    f = fold(line.text)
    return bool(_a("motto_folded").match(f) or _a("independence_folded").match(f))


def is_rule(line: Line) -> bool:
    return bool(_a("rule_line").match(line.text))


def is_number_line(line: Line) -> bool:
    return bool(_a("number_line_folded").match(fold(line.text))) \
        and "/" in number_line_text(line.text)  # "Số: 12⁄QĐ-TTg": OCR's fraction slash


def is_date_line(line: Line) -> bool:
    """``Hà Nội, ngày 13 tháng 9 năm 2022``, or another wording (``Hà Nội, 13/9/2022``); never a
    body sentence that has a comma and a year (``Căn cứ Luật Khám bệnh, chữa bệnh số
    15/2023/QH15``), which a scan whose date line OCR lost would otherwise take for it."""
    if _a("date_line").match(line.text):
        return True
    return bool(_a("date_line_loose").match(line.text)) and not is_body_start(line.text)


def is_vv(line: Line) -> bool:
    return bool(_a("vv_line").match(line.text))


def is_kinh_gui(line: Line) -> bool:
    return bool(_a("kinh_gui_folded").match(fold(line.text)))


def is_noi_nhan(line: Line) -> bool:
    return bool(_a("noi_nhan_folded").match(fold(line.text)))


_SHAPES = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: â ă ơ ư
_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}


def _marks(ch: str) -> tuple[set[str], set[str]]:
    parts = set(unicodedata.normalize("NFD", ch)[1:])
    return parts & _SHAPES, parts & _TONE_MARKS


def marks_agree(read: str, word: str) -> bool:
    """Whether ``read`` can be ``word`` (same letters once folded): each letter's vowel shape
    and tone either agree or are missing from ``read``, as OCR drops marks but does not
    invent them. ``Nham`` and ``Nhàm`` can be ``Nhằm``; ``Nhâm`` (Nhâm Dần, a year's name)
    and ``Đề`` (for ``Để``) cannot."""
    for a, b in zip(read, word, strict=False):
        shape_a, tone_a = _marks(a)
        shape_b, tone_b = _marks(b)
        if (shape_a and shape_a != shape_b) or (tone_a and tone_a != tone_b):
            return False
    return True


def is_body_start(text: str) -> bool:
    """A line that opens the body (``Căn cứ …``, ``Nhằm …``, ``Để …``), its first words spelled
    as the body-start word is (``anchors.yaml``: ``body_start_words``) or with marks lost.

    ``Nhâm Dần 2022`` wrapped onto a subject's second line folds to ``NHAM DAN`` as ``Nhằm``
    does; it is part of the subject, not a body sentence."""
    folded = fold(text)
    if not _a("body_start_folded").match(folded):
        return False
    stripped = text.lstrip()
    head = fold(stripped)
    for word in rules().body_start_words:
        key = fold(word)
        if head.startswith(key) and (len(head) == len(key) or not head[len(key)].isalpha()):
            return marks_agree(stripped[:len(word)], word)
    return True


def incoming_stamps(lines: list[Line]) -> list[Line]:
    """Lines of an incoming-mail stamp on a scan (``CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ`` /
    ``ĐẾN`` / ``Số: 8207`` / ``Ngày: 10/6/2026``), wherever the receiving office put it: in the
    header, where its capitals would be the issuer and its ``Số:`` the end of it, or beside
    the subject.

    A stamp is found by its ``ĐẾN`` line, or by a ``Số:`` line of digits only stacked over a
    ``Ngày:`` line; it takes the field lines, specks and the one capital line (the portal's
    or office's name) within a few rows above and below, in the same column. OCR lines only:
    a text layer has no stamps."""
    ocr = [ln for ln in lines if ln.source == Source.OCR.value and ln.bbox is not None
           and ln.text]
    field_re = _a("incoming_field_folded")
    anchors = [ln for ln in ocr if _a("incoming_stamp_folded").match(fold(ln.text))]
    fields = [ln for ln in ocr if field_re.match(fold(ln.text))
              and any(ch.isdigit() for ch in ln.text)]
    for a in fields:
        for b in fields:
            if a is b or a in anchors or b in anchors:
                continue
            assert a.bbox is not None and b.bbox is not None
            h = a.bbox[3] - a.bbox[1]
            if (fold(a.text).lstrip(" `'\".,_-").startswith("S")
                    and fold(b.text).lstrip(" `'\".,_-").startswith("NGAY")
                    and 0 <= b.bbox[1] - a.bbox[1] <= 2.5 * max(h, 6.0)
                    and b.bbox[0] < a.bbox[2] and a.bbox[0] < b.bbox[2]):
                anchors.append(a)
    found: list[Line] = []
    for anchor in anchors:
        assert anchor.bbox is not None
        h = max(anchor.bbox[3] - anchor.bbox[1], 6.0)
        cx = (anchor.bbox[0] + anchor.bbox[2]) / 2
        reach = max(4 * (anchor.bbox[2] - anchor.bbox[0]), 70.0)
        near = sorted(
            (ln for ln in ocr if ln.bbox is not None and ln not in found
             and -3.5 * h <= ln.bbox[1] - anchor.bbox[1] <= 5 * h
             and abs((ln.bbox[0] + ln.bbox[2]) / 2 - cx) < reach
             and ln.bbox[2] - ln.bbox[0] < 2.2 * reach),
            key=lambda ln: ln.bbox[1])  # type: ignore[index]
        top = anchor.bbox[1]
        for ln in near:
            if (ln is anchor or field_re.match(fold(ln.text))
                    or sum(ch.isalpha() for ch in ln.text) <= 3):
                found.append(ln)
                top = min(top, ln.bbox[1])  # type: ignore[index]
        # the portal's or office's name: the capital line right over the stamp's top line
        over = [ln for ln in near if ln not in found and is_upper(ln)
                and 0 <= top - ln.bbox[3] < 1.5 * h]  # type: ignore[index]
        if over:
            found.append(max(over, key=lambda ln: ln.bbox[3]))  # type: ignore[index]
    return found


def is_authority(line: Line) -> bool:
    return bool(_a("authority_folded").match(fold(line.text))) and is_upper(line)


def is_upper(line: Line) -> bool:
    letters = [c for c in line.text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def ocr_upper(line: Line) -> bool:
    """An OCR line in capitals but for a letter or two OCR read in lower case (``Bộ CÔNG
    THƯƠNG``: ``ộ`` and ``Ộ`` differ by a few pixels at 150 dpi). Text layers keep their case."""
    if line.source != Source.OCR.value:
        return False
    letters = [c for c in line.text if c.isalpha()]
    return len(letters) >= 5 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def type_of_title(line: Line):
    """The document type a title line names (``THÔNG BÁO``), or None.

    Letter-spaced titles (``Q U Y Ế T  Đ Ị N H``, older typed letters) are read without their
    spaces. On a scan a title in an older typeface or a low-resolution JPEG loses a letter
    (``NGHT ĐINH``, ``QUYẾT ĐỊNh``): an OCR line in capitals one letter away from exactly one
    type name of seven letters or more is that type."""
    ocr = line.source == Source.OCR.value
    if not (is_upper(line) or ocr_upper(line)):
        return None
    key = re.sub(r"\s+", " ", fold(line.text)).strip(" .")
    found = rules().type_by_folded.get(key)
    if found is not None:
        return found
    compact = re.sub(r"[^A-Z]", "", key)
    by_compact = {k.replace(" ", ""): t for k, t in rules().type_by_folded.items()}
    if compact in by_compact:
        return by_compact[compact]
    if not ocr or len(compact) < 7:
        return None
    near = {t.name: t for k, t in by_compact.items()
            if len(k) >= 7 and within_one_edit(compact, k)}
    return next(iter(near.values())) if len(near) == 1 else None


def mark_of(line: Line) -> tuple[str, str] | None:
    """(``urgency``|``secrecy``, mark) when the line is a stand-alone mark such as ``HỎA TỐC``."""
    text = re.sub(r"[\s|\[\]()]+", " ", line.text).strip()
    if not text or len(text) > 20:
        return None
    folded = fold(text)
    r = rules()
    for kind, marks in (("urgency", r.urgency), ("secrecy", r.secrecy)):
        for mark in marks:
            if folded == fold(mark):
                return kind, mark
    return None


def _center_x(line: Line) -> float:
    assert line.bbox is not None
    return (line.bbox[0] + line.bbox[2]) / 2


# ---------------------------------------------------------------------------- zoning


def zone(doc: Document) -> Zones:
    all_lines = doc.lines
    stamps = incoming_stamps(all_lines) if doc.has_geometry else []
    if stamps:
        all_lines = [ln for ln in all_lines if ln not in stamps]
    geometry = doc.has_geometry
    widths = {p.number: (p.width or 0.0) for p in doc.pages}

    def mid(line: Line) -> float:
        return widths.get(line.page or 0, 0.0) / 2 if geometry else 0.0

    start = _letter_start(all_lines)
    z = Zones(lines=all_lines[start:], preamble=all_lines[:start], has_geometry=geometry,
              stamps=stamps)
    lines = z.lines
    nonblank = [i for i, ln in enumerate(lines) if ln.text]

    # -- header: everything up to the type title, "Kính gửi", or the first body line
    head_idx = nonblank[:HEADER_SCAN]
    title_i = next((i for i in head_idx if type_of_title(lines[i])), None)
    number_i = next((i for i in head_idx if is_number_line(lines[i])), None)
    date_i = next((i for i in head_idx if is_date_line(lines[i])), None)
    kg_i = next((i for i in head_idx if is_kinh_gui(lines[i])), None)
    if number_i is not None:
        z.number = lines[number_i]
    if date_i is not None:
        z.date = lines[date_i]
    anchors = [i for i in (number_i, date_i) if i is not None]
    header_end = min((i for i in (title_i, kg_i) if i is not None), default=None)
    if header_end is None:
        if anchors:
            header_end = max(anchors) + 1
            # keep a V/v block that follows the last anchor
            while header_end < len(lines) and (
                not lines[header_end].text or is_vv(lines[header_end])
                or _vv_continues(lines, header_end) or is_motto(lines[header_end])
                or is_rule(lines[header_end]) or mark_of(lines[header_end])
                or is_date_line(lines[header_end])
            ):
                header_end += 1
        else:
            header_end = 0
    header = [ln for ln in lines[:header_end] if ln.text]

    if geometry:
        for ln in header:
            (z.header_left if _center_x(ln) < mid(ln) else z.header_right).append(ln)
    else:
        z.header_left = header

    # issuer: upper-case lines of the header before the number line, not motto nor marks
    number_line = z.number
    for ln in z.header_left if geometry else header:
        if (ln is number_line or is_date_line(ln) or is_vv(ln)
                or _a("number_line_folded").match(fold(ln.text))):  # "Số: TU", no symbol read
            break
        if is_motto(ln) or is_rule(ln):
            continue
        mk = mark_of(ln)
        if mk:
            z.marks.append(ln)
            continue
        if (is_upper(ln) or ocr_upper(ln)) and not type_of_title(ln):
            z.issuer.append(ln)
    for ln in header:
        if ln not in z.marks and mark_of(ln):
            z.marks.append(ln)

    # -- subject: V/v block in the header, or the bold lines under the title
    vv_i = next((i for i in range(header_end) if lines[i].text and is_vv(lines[i])), None)
    cursor = header_end
    if vv_i is not None:
        z.subject = _vv_block(lines, vv_i, header_end, geometry, mid)
    if title_i is not None:
        z.title = lines[title_i]
        subj, cursor = _subject_after_title(lines, title_i + 1, geometry, z.title)
        if not z.subject:
            z.subject = subj

    # -- recipients
    kg_any = kg_i
    if kg_any is None:
        kg_any = next(
            (i for i in nonblank if i >= cursor and is_kinh_gui(lines[i])), None
        )
        if kg_any is not None and kg_any - cursor > 12:
            kg_any = None
    if kg_any is not None:
        z.recipients, cursor = _recipients(lines, kg_any, geometry)
        cursor = max(cursor, kg_any + 1)

    # -- footer: Nơi nhận (left) and the signature block (right)
    foot_i = _footer_start(lines, cursor)
    if foot_i is not None and geometry:
        foot_i = _signature_above(lines, foot_i, cursor, mid)
    body_end = foot_i if foot_i is not None else len(lines)
    z.body = [ln for ln in lines[cursor:body_end] if ln.text]
    if foot_i is not None:
        footer = [ln for ln in lines[foot_i:] if ln.text]
        _split_footer(z, footer, geometry, mid)
    return z


def _letter_start(lines: list[Line]) -> int:
    """Index of the first line of the letter: the issuer lines above the motto or number."""
    nonblank = [i for i, ln in enumerate(lines) if ln.text][:HEADER_SCAN * 3]
    anchor = None
    for i in nonblank:
        ln = lines[i]
        if _a("motto_folded").match(fold(ln.text)) or is_number_line(ln):
            anchor = i
            break
    if anchor is None:
        return 0
    start = anchor
    j = anchor - 1
    taken = 0
    while j >= 0 and taken < 8:
        ln = lines[j]
        if not ln.text or is_rule(ln):
            j -= 1
            continue
        # "Số: O4": a number line whose symbol OCR put on the next line
        if is_upper(ln) or ocr_upper(ln) or mark_of(ln) or is_motto(ln) or _a(
                "number_line_folded").match(fold(ln.text)):
            start = j
            taken += 1
            j -= 1
            continue
        break
    return start


def _vv_continues(lines: list[Line], i: int) -> bool:
    """In text order, a lower-case line right after the V/v line continues it."""
    prev = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].text), None)
    ln = lines[i]
    return bool(
        ln.text and prev is not None and (is_vv(prev) or prev.text[:1].islower())
        and not (is_motto(ln) or is_date_line(ln) or is_upper(ln) or is_kinh_gui(ln))
        and lines[i - 1].text
    )


def _vv_block(lines, vv_i, header_end, geometry, mid) -> list[Line]:
    first = lines[vv_i]
    block = [first]
    for k in range(vv_i + 1, max(header_end, vv_i + 1) + 6):
        if k >= len(lines):
            break
        ln = lines[k]
        if geometry:
            if not ln.text:
                continue
            if ln.page != first.page or _center_x(ln) >= mid(ln):
                continue
            last = block[-1]
            assert ln.bbox is not None and last.bbox is not None
            height = last.bbox[3] - last.bbox[1]
            if ln.bbox[1] < last.bbox[1] or ln.bbox[1] - last.bbox[3] > 0.8 * height:
                break
            if is_kinh_gui(ln) or is_motto(ln) or type_of_title(ln):
                break
            block.append(ln)
        else:
            if not ln.text:
                # one blank line between wrapped parts (web pages put each in a paragraph)
                nxt = lines[k + 1] if k + 1 < len(lines) else None
                if nxt is not None and nxt.text[:1].islower() and k + 1 < header_end + 1:
                    continue
                break
            if is_motto(ln) or is_date_line(ln) or is_kinh_gui(ln) or is_upper(ln):
                break
            block.append(ln)
    return block


def _off_centre(ln: Line, title: Line | None, above: Line | None = None) -> bool:
    """An OCR line beside the centre line of the title, not across it, and level with the
    line ``above`` or the title: the trích yếu is centred under the title, so this is a
    stamp beside it (``CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ | ĐẾN``). A body line runs across the
    centre; a line further down ends the subject as any other would."""
    if title is None or ln.source != Source.OCR.value or ln.bbox is None or title.bbox is None:
        return False
    centre = (title.bbox[0] + title.bbox[2]) / 2
    if ln.bbox[0] <= centre <= ln.bbox[2]:
        return False
    ref = (above or title).bbox
    if ref is None or ln.bbox[1] - ref[3] > 2 * max(ref[3] - ref[1], 8.0):
        return False
    return abs((ln.bbox[0] + ln.bbox[2]) / 2 - centre) > 0.25 * max(ln.bbox[2] - ln.bbox[0], 40)


def _subject_after_title(lines: list[Line], i: int, geometry: bool,
                         title: Line | None = None) -> tuple[list[Line], int]:
    """Lines of the trích yếu under a type title, and the index after them."""
    n = len(lines)
    while i < n and (not lines[i].text or _off_centre(lines[i], title)):
        i += 1
    if i >= n:
        return [], i
    first = lines[i]
    if is_rule(first) or is_body_start(first.text) or is_kinh_gui(first):
        return [], i
    subject = [first]
    bold_mode = first.bold
    j = i + 1
    while j < n and len(subject) < 6:
        ln = lines[j]
        if ln.text and _off_centre(ln, title, subject[-1]):
            j += 1
            continue
        if not ln.text:
            if geometry or bold_mode:
                j += 1
                continue
            break
        if (
            is_rule(ln) or is_kinh_gui(ln)
            # a body sentence starts with a capital; "ngày 12/12/2011, số 27…" goes on
            or (not bold_mode and is_body_start(ln.text) and ln.text[:1].isupper())
            # the authority line is in capitals; "Ủy ban nhân dân tỉnh … nhiệm kỳ" goes on
            or (_a("issuing_authority_folded").match(fold(ln.text)) and is_upper(ln))
        ):
            break
        if bold_mode and not ln.bold:
            break
        if is_upper(ln) and not is_upper(first):
            break  # the issuing authority line under the subject of a decision
        if geometry:
            prev = subject[-1]
            assert ln.bbox is not None and prev.bbox is not None
            height = prev.bbox[3] - prev.bbox[1]
            if ln.page != prev.page or ln.bbox[1] - prev.bbox[3] > 0.9 * height:
                break
        subject.append(ln)
        j += 1
    return subject, j


def _bullet(text: str) -> bool:
    return bool(re.match(r"^\s*[-–+•*]\s*\S", text))


def _recipients(lines: list[Line], kg: int, geometry: bool) -> tuple[list[Line], int]:
    head = lines[kg]
    out = [head]
    inline = re.sub(r"^\s*\S+\s+\S+\s*[:.]?\s*", "", head.text).strip()
    j = kg + 1
    n = len(lines)
    taken_single = bool(inline)
    while j < n:
        ln = lines[j]
        if not ln.text:
            j += 1
            if not geometry and len(out) > 1 and not any(
                k < n and _bullet(lines[k].text) for k in range(j, min(j + 2, n))
            ):
                break
            continue
        if _bullet(ln.text):
            out.append(ln)
            j += 1
            continue
        if geometry and len(out) >= 1:
            prev = out[-1]
            assert ln.bbox is not None and prev.bbox is not None
            height = prev.bbox[3] - prev.bbox[1]
            indented = ln.bbox[0] > (out[0].bbox[0] if out[0].bbox else 0) + 20
            close = ln.page == prev.page and 0 <= ln.bbox[1] - prev.bbox[3] < 0.6 * height
            if indented and close and not is_body_start(ln.text):
                out.append(ln)
                j += 1
                continue
        if not taken_single and len(out) == 1 and not is_body_start(ln.text):
            out.append(ln)
            taken_single = True
            j += 1
            continue
        break
    return out, j


def _footer_start(lines: list[Line], cursor: int) -> int | None:
    """Index where Nơi nhận / the signature block starts, or None."""
    n = len(lines)
    nn = [i for i in range(cursor, n) if lines[i].text and is_noi_nhan(lines[i])]
    auth = [i for i in range(cursor, n) if lines[i].text and is_authority(lines[i])]
    candidates = []
    if nn:
        candidates.append(nn[0])
    if auth:
        # the first authority line that follows the end of the body ("./.")
        ends = [i for i in range(cursor, n) if _a("body_end").search(lines[i].text)]
        after = [i for i in auth if not ends or i > ends[0]]
        if after:
            candidates.append(after[0])
        else:
            candidates.append(auth[-1])
    if not candidates:
        # a signer without Nơi nhận or authority: an upper-case title over a name at the end
        for i in range(n - 1, cursor, -1):
            if lines[i].text and is_upper(lines[i]) and not is_rule(lines[i]):
                nxt = next((lines[k] for k in range(i + 1, n) if lines[k].text), None)
                if nxt is not None and looks_like_name(nxt.text):
                    return i
        return None
    return min(candidates)


def _signature_above(lines: list[Line], foot_i: int, cursor: int, mid) -> int:
    """The signer's title can sit a line or two above "Nơi nhận:" (``CHỦ TỊCH`` over the
    seal on a scan): upper-case lines on the right just above the footer belong to it."""
    first = lines[foot_i]
    if first.bbox is None:
        return foot_i
    height = max(first.bbox[3] - first.bbox[1], 8.0)
    k = foot_i - 1
    while k >= cursor:
        ln = lines[k]
        if not ln.text:
            k -= 1
            continue
        if (ln.bbox is None or ln.page != first.page or not (is_upper(ln) or _ocr_authority(ln))
                or first.bbox[1] - ln.bbox[1] > 3 * height
                or ln.bbox[0] < mid(ln) * 0.6 or _center_x(ln) < mid(ln)):
            break
        foot_i = k
        k -= 1
    return foot_i


def _ocr_authority(line: Line) -> bool:
    """An OCR line that is an authority line under specks (``Z0 dc KT. THỦ TƯỚNG``)."""
    if line.source != Source.OCR.value:
        return False
    snapped = snap_block_line(line.text)
    return snapped != line.text and is_authority(replace(line, text=snapped))


def _split_footer(z: Zones, footer: list[Line], geometry: bool, mid) -> None:
    if geometry:
        for ln in footer:
            (z.distribution if _center_x(ln) < mid(ln) * 0.95 or (
                ln.bbox is not None and ln.bbox[0] < mid(ln) * 0.6
            ) else z.signature).append(ln)
        # the letter ends with the signer: what follows the name on the right is tail
        _trim_signature(z)
        return
    in_dist = False
    for ln in footer:
        if is_noi_nhan(ln):
            in_dist = True
            z.distribution.append(ln)
            continue
        if in_dist:
            if _bullet(ln.text) or (
                z.distribution and not is_upper(ln) and not is_authority(ln)
                and not looks_like_name(ln.text) and ln.text[:1].islower()
            ):
                z.distribution.append(ln)
                continue
            in_dist = False
        z.signature.append(ln)
    _trim_signature(z)


def _trim_signature(z: Zones) -> None:
    """Cut the signature zone after the signer's name; the rest is tail."""
    sig = z.signature
    seen_title = False
    for k, ln in enumerate(sig):
        if is_upper(ln):
            seen_title = True
            continue
        if seen_title and looks_like_name(ln.text):
            z.tail = sig[k + 1:] + z.tail
            del sig[k + 1:]
            return


_NAME_WORD = re.compile(rf"^[{UPPER}][{LOWER}]*$")


def strip_name_prefix(text: str) -> str:
    text = text.strip()
    for prefix in rules().name_prefixes:
        if text.startswith(prefix + " "):
            return text[len(prefix) + 1:].strip()
    return text


def looks_like_name(text: str) -> bool:
    """``Phùng Tô Long`` yes; ``PHÓ CHÁNH VĂN PHÒNG``, ``(Đã ký)``, ``Nơi nhận:`` no."""
    words = strip_name_prefix(text).split()
    if not 2 <= len(words) <= 6:
        return False
    return all(_NAME_WORD.match(w) for w in words) and not all(w.isupper() for w in words)
