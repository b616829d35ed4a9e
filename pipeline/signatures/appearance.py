"""The text a signature widget draws, read from its appearance stream without its fonts.

On a Quảng Ngãi e-office letter the widget of ``Signature2`` draws ``11`` over the blank of
``Số:          /TB-UBND``: its appearance is a form holding ``/F1 13 Tf (…)Tj`` in a
``Type0`` font with ``Identity-H`` codes, a ``ToUnicode`` map and a ``/W`` width array. Those
three say everything a text extraction needs: which characters, how wide, and where. MuPDF,
asked to run the widget, also inflates and loads the embedded font program and maps its
whole code space, which is most of the time signatures add to a letter (0.3 to 0.7 ms per
widget, against a few hundredths here).

So the widgets of the common form (every widget seen on e-office letters and on the signed
samples) are read here: form XObjects nested with their matrices, text objects in
``Identity-H`` fonts with a ``ToUnicode`` map, axis-aligned. Anything else (a simple or
Type3 font, a missing map, rotated text, an inline image, optional content, an
``/ActualText`` that says other than its glyphs, a damaged stream) returns None and the
caller lets MuPDF run the widget, so nothing is lost, only the shortcut.

The lines come out as MuPDF's text device gives them: one per baseline, words split at space
characters, boxes over the words' glyphs with the font descriptor's ascent and descent
scaled to one font size, in page coordinates. Where MuPDF's grouping would need judging (a
gap it may read as a space, a baseline a little off), the widget is left to MuPDF too.
One difference is kept on purpose: a signature field not yet signed is read from its own
appearance, where MuPDF draws a ``SIGN`` placeholder of its own instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

import pymupdf

from pipeline.signatures._mupdf import MP, PdfAnnot, PdfObj


class _Unsupported(Exception):
    """Something this reader does not handle: MuPDF reads the widget instead."""


class _N:
    """PDF name objects for the keys read here, made once."""

    AP = MP.pdf_new_name("AP")
    N = MP.pdf_new_name("N")
    Resources = MP.pdf_new_name("Resources")
    XObject = MP.pdf_new_name("XObject")
    Font = MP.pdf_new_name("Font")
    Subtype = MP.pdf_new_name("Subtype")
    Form = MP.pdf_new_name("Form")
    Matrix = MP.pdf_new_name("Matrix")
    Encoding = MP.pdf_new_name("Encoding")
    ToUnicode = MP.pdf_new_name("ToUnicode")
    DescendantFonts = MP.pdf_new_name("DescendantFonts")
    W = MP.pdf_new_name("W")
    DW = MP.pdf_new_name("DW")
    FontDescriptor = MP.pdf_new_name("FontDescriptor")
    Ascent = MP.pdf_new_name("Ascent")
    Descent = MP.pdf_new_name("Descent")
    Type0 = MP.pdf_new_name("Type0")
    Identity_H = MP.pdf_new_name("Identity-H")
    OC = MP.pdf_new_name("OC")
    F = MP.pdf_new_name("F")
    ExtGState = MP.pdf_new_name("ExtGState")


# an operand of a content stream: a number, a name (without its slash), a string's bytes,
# or an array of operands
Operand: TypeAlias = "float | str | bytes | list[Operand]"

Box = tuple[float, float, float, float]
Drawn = tuple[str, Box]
"""A line a widget draws: its text, and its box in page coordinates (x0, y0, x1, y1)."""

_TOKEN = re.compile(  # every token is one group, whitespace and comments none
    rb"(?:\s|%[^\r\n]*)+"
    rb"|([+-]?(?:\d+\.?\d*|\.\d+))(?![^\s/\[\]()<>{}%])"  # number
    rb"|(/[^\s/\[\]()<>{}%]*)"  # name
    rb"|(\((?:[^\\()]|\\.)*\))"  # string without nested brackets
    rb"|(<[0-9A-Fa-f\s]*>)"  # hex string
    rb"|(\[|<<)|(\]|>>)"  # open and close
    rb"|([^\s/\[\]()<>{}%]+)"  # operator
    rb"|(.)",  # anything else, e.g. a string holding brackets: MuPDF reads it
    re.S,
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|[\r\n]+|.)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(m: re.Match[bytes]) -> bytes:
    esc = m.group(1)
    if esc[:1].isdigit():
        return bytes([int(esc, 8) & 0xFF])
    if esc[:1] in b"\r\n":  # a line continuation
        return b""
    return _ESCAPES.get(esc, esc)


def _operations(data: bytes) -> Iterator[tuple[bytes, list[Operand]]]:
    """(operator, operands) of a content stream, operands as Python values (names as str
    without their slash, strings as bytes, arrays as lists)."""
    stack: list[list[Operand]] = [[]]
    for number, name, string, hexstring, opening, closing, op, other in _TOKEN.findall(data):
        if op:
            if len(stack) != 1:
                raise _Unsupported("operator inside an array")
            if op == b"BI":
                raise _Unsupported("inline image")
            yield op, stack[0]
            stack = [[]]
        elif number:
            stack[-1].append(float(number))
        elif name:
            stack[-1].append(name[1:].decode("latin-1"))
        elif string:
            body = string[1:-1]
            stack[-1].append(_ESCAPE.sub(_unescape, body) if b"\\" in body else body)
        elif hexstring:
            digits = b"".join(hexstring[1:-1].split())
            stack[-1].append(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
        elif opening:
            stack.append([])
        elif closing:
            if len(stack) == 1:
                raise _Unsupported("unbalanced brackets")
            done = stack.pop()
            stack[-1].append(done)
        elif other:
            raise _Unsupported("unreadable content")


_BF = re.compile(rb"beginbf(char|range)(.*?)endbf\1", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f\s]+)>\s*<([0-9A-Fa-f\s]*)>")
_RANGE = re.compile(
    rb"<([0-9A-Fa-f\s]+)>\s*<([0-9A-Fa-f\s]+)>\s*(?:<([0-9A-Fa-f\s]*)>|\[([^\]]*)\])"
)
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(b"".join(hexdigits.split()).decode()).decode("utf-16-be")


def _code(hexdigits: bytes) -> int:
    return int(b"".join(hexdigits.split()), 16)


def parse_to_unicode(data: bytes) -> dict[int, str]:
    """Code → text of a ``ToUnicode`` CMap (``bfchar`` and ``bfrange`` sections)."""
    out: dict[int, str] = {}
    for kind, body in _BF.findall(data):
        if kind == b"char":
            for src, dst in _PAIR.findall(body):
                out[_code(src)] = _utf16(dst)
            continue
        for lo_hex, hi_hex, dst, array in _RANGE.findall(body):
            lo, hi = _code(lo_hex), _code(hi_hex)
            if array:
                for i, d in enumerate(_HEX.findall(array)[: hi - lo + 1]):
                    out[lo + i] = _utf16(d)
                continue
            first = _utf16(dst)
            for i in range(min(hi - lo, 0xFFFF) + 1):
                out[lo + i] = first[:-1] + chr(ord(first[-1]) + i) if first else ""
    return out


def _printed(obj: PdfObj) -> str:
    """A PDF object as PDF syntax (one MuPDF call, where reading an array item by item
    takes one per item)."""
    return MP.pdf_sprint_obj(None, 0, obj, 1, 1)[0]


_W_TOKEN = re.compile(r"\[|\]|[+-]?(?:\d+\.?\d*|\.\d+)")


def parse_widths(text: str) -> dict[int, float]:
    """CID → width of a ``/W`` array: ``[3 [250] 20 [500 500]]`` or ``[10 20 500]``."""
    out: dict[int, float] = {}
    tokens = _W_TOKEN.findall(text)
    if not tokens or tokens[0] != "[" or tokens[-1] != "]":
        raise _Unsupported("a /W that is not an array")
    tokens = tokens[1:-1]
    i, n = 0, len(tokens)
    while i < n:
        first = int(float(tokens[i]))
        if i + 1 < n and tokens[i + 1] == "[":
            j = i + 2
            while j < n and tokens[j] != "]":
                out[first + j - i - 2] = float(tokens[j])
                j += 1
            i = j + 1
        elif i + 2 < n:
            last, width = int(float(tokens[i + 1])), float(tokens[i + 2])
            for code in range(first, min(last, first + 0xFFFF) + 1):
                out[code] = width
            i += 3
        else:
            raise _Unsupported("a /W array cut short")
    return out


@dataclass(slots=True)
class _Font:
    unicode: dict[int, str]
    widths: dict[int, float]
    default_width: float
    ascent: float  # share of the font size above the baseline
    descent: float  # share below it (together at least 1, as MuPDF's text device makes it)


# what MuPDF's text device shows otherwise than the glyphs' own characters: ligatures it
# splits, control characters it replaces
_NOT_AS_IS = re.compile("[\x00-\x1f\x7f\ufb00-\ufb4f\ufffd]")


def _load_font(obj: PdfObj) -> _Font:
    if not MP.pdf_name_eq(MP.pdf_dict_get(obj, _N.Subtype), _N.Type0):
        raise _Unsupported("not a Type0 font")
    if not MP.pdf_name_eq(MP.pdf_dict_get(obj, _N.Encoding), _N.Identity_H):
        raise _Unsupported("not Identity-H")
    to_unicode = MP.pdf_dict_get(obj, _N.ToUnicode)
    if not MP.pdf_is_stream(to_unicode):
        raise _Unsupported("no ToUnicode map")
    unicode = {code: text for code, text in parse_to_unicode(
        MP.pdf_load_stream(to_unicode).fz_buffer_extract_copy()).items()
        if text and not _NOT_AS_IS.search(text)}  # the others are left to MuPDF
    cid = MP.pdf_array_get(MP.pdf_dict_get(obj, _N.DescendantFonts), 0)
    if not MP.pdf_is_dict(cid):
        raise _Unsupported("no descendant font")
    array = MP.pdf_dict_get(cid, _N.W)
    widths: dict[int, float] = {}
    if MP.pdf_is_array(array):
        printed = _printed(array)
        if "R" in printed:  # an indirect part, which printing does not resolve
            raise _Unsupported("a /W array with references")
        widths = parse_widths(printed)
    dw = MP.pdf_dict_get(cid, _N.DW)
    descriptor = MP.pdf_dict_get(cid, _N.FontDescriptor)
    ascent = MP.pdf_to_real(MP.pdf_dict_get(descriptor, _N.Ascent))
    descent = MP.pdf_to_real(MP.pdf_dict_get(descriptor, _N.Descent))
    if ascent <= 0 or descent >= 0:
        raise _Unsupported("no usable ascent and descent")
    span = min(ascent - descent, 1000.0)  # MuPDF stretches a shorter span to one size
    return _Font(unicode, widths, MP.pdf_to_real(dw) if MP.pdf_is_number(dw) else 1000.0,
                 ascent / span, -descent / span)


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector order: m × n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _translate(tx: float, ty: float, m: Matrix) -> Matrix:
    """A move by (tx, ty) then ``m``."""
    a, b, c, d, e, f = m
    return (a, b, c, d, tx * a + ty * c + e, tx * b + ty * d + f)


def _matrix(obj: PdfObj) -> Matrix:
    if not MP.pdf_is_array(obj):
        return _IDENTITY
    values = [float(v) for v in _W_TOKEN.findall(_printed(obj)) if v not in "[]"]
    if len(values) != 6:
        raise _Unsupported("a matrix of other than six numbers")
    a, b, c, d, e, f = values
    return (a, b, c, d, e, f)


def _number(operand: Operand) -> float:
    """An operand that must be a number (``_operations`` reads every number as a float)."""
    if isinstance(operand, float):
        return operand
    raise _Unsupported("a number expected")


def _name(operand: Operand) -> str:
    """An operand that must be a name (without its slash)."""
    if isinstance(operand, str):
        return operand
    raise _Unsupported("a name expected")


def _six(operands: list[Operand]) -> Matrix:
    """The six numbers of ``cm`` or ``Tm`` as a matrix."""
    a, b, c, d, e, f = map(_number, operands)
    return (a, b, c, d, e, f)


def _actual_text(properties: Operand) -> str | None:
    """The ``/ActualText`` of a marked-content property list, decoded (UTF-16 with its
    byte order mark, or PDFDocEncoding read as Latin-1)."""
    if not isinstance(properties, list):
        return None
    for key, value in zip(properties[::2], properties[1::2], strict=False):
        if key == "ActualText" and isinstance(value, bytes):
            if value.startswith(b"\xfe\xff"):
                return value[2:].decode("utf-16-be", errors="replace")
            return value.decode("latin-1")
    return None


@dataclass(slots=True)
class _TextState:
    """The text state a form inherits from where it is drawn (ISO 32000, 8.4 and 9.3)."""

    font: _Font | None = None
    size: float = 0.0
    tc: float = 0.0  # character spacing
    th: float = 1.0  # horizontal scaling
    leading: float = 0.0
    rise: float = 0.0

    def copy(self) -> _TextState:
        return _TextState(self.font, self.size, self.tc, self.th, self.leading, self.rise)


# a glyph: text, x0, x1, baseline (page coordinates, y down), size, ascent, descent, where
# the pen stands after it (x1 without an italic's slant)
Glyph = tuple[str, float, float, float, float, float, float, float]


class _Reader:
    """Reads one widget's appearance: forms within forms, their text, glyph by glyph."""

    def __init__(self, clip: Box) -> None:
        self.glyphs: list[Glyph] = []
        self.fonts: dict[int, _Font] = {}
        self.depth = 0
        self.clip = clip
        self.actual_open = 0  # /ActualText spans open, across forms

    def font(self, resources: PdfObj, name: str) -> _Font:
        obj = MP.pdf_dict_gets(MP.pdf_dict_get(resources, _N.Font), name)
        if not MP.pdf_is_dict(obj):
            raise _Unsupported("font not found")
        key = MP.pdf_to_num(obj)
        font = self.fonts.get(key) if key else None
        if font is None:
            font = _load_font(obj)
            if key:
                self.fonts[key] = font
        return font

    def form(self, form: PdfObj, ctm: Matrix, state: _TextState) -> None:
        self.depth += 1
        if self.depth > 12:
            raise _Unsupported("forms nested too deep")
        if MP.pdf_dict_get(form, _N.OC).m_internal:
            raise _Unsupported("optional content")
        ctm = _mul(_matrix(MP.pdf_dict_get(form, _N.Matrix)), ctm)
        resources = MP.pdf_dict_get(form, _N.Resources)
        # a copy: extracting a buffer's bytes empties it, and MuPDF may hold that buffer
        self.run(MP.pdf_load_stream(form).fz_buffer_extract_copy(), resources, ctm, state)
        self.depth -= 1

    def run(self, data: bytes, resources: PdfObj, ctm: Matrix, state: _TextState) -> None:
        saved: list[tuple[Matrix, _TextState]] = []
        st = state.copy()
        tm = tlm = _IDENTITY
        marked: list[tuple[str | None, int]] = []  # open marked-content sequences
        for op, args in _operations(data):
            if op == b"q":
                saved.append((ctm, st.copy()))
            elif op == b"Q":
                if saved:
                    ctm, st = saved.pop()
            elif op == b"cm" and len(args) == 6:
                ctm = _mul(_six(args), ctm)
            elif op == b"BT":
                tm = tlm = _IDENTITY
            elif op == b"Tf" and len(args) == 2:
                st.font, st.size = self.font(resources, _name(args[0])), _number(args[1])
            elif op == b"Tm" and len(args) == 6:
                tm = tlm = _six(args)
            elif op in (b"Td", b"TD") and len(args) == 2:
                tx, ty = _number(args[0]), _number(args[1])
                if op == b"TD":
                    st.leading = -ty
                tm = tlm = _translate(tx, ty, tlm)
            elif op == b"T*":
                tm = tlm = _translate(0.0, -st.leading, tlm)
            elif op == b"TL" and args:
                st.leading = _number(args[0])
            elif op == b"Tc" and args:
                st.tc = _number(args[0])
            elif op == b"Tz" and args:
                st.th = _number(args[0]) / 100
            elif op == b"Ts" and args:
                st.rise = _number(args[0])
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                # Tw (word spacing) applies to one-byte code 32 only, never to the
                # two-byte codes of Identity-H, so it is not tracked
                if op == b'"' and len(args) == 3:
                    st.tc = _number(args[1])
                if op in (b"'", b'"'):
                    tm = tlm = _translate(0.0, -st.leading, tlm)
                if st.font is None or st.size <= 0 or st.th <= 0:
                    raise _Unsupported("text without a font, or mirrored")
                last = args[-1:]
                items = last[0] if op == b"TJ" and last and isinstance(last[0], list) else last
                for item in items:
                    if isinstance(item, float):
                        tm = _translate(-item / 1000 * st.size * st.th, 0.0, tm)
                    elif isinstance(item, bytes):
                        tm = self.show(item, st, tm, ctm)
            elif op == b"Do" and args:
                xobject = MP.pdf_dict_gets(MP.pdf_dict_get(resources, _N.XObject),
                                           _name(args[0]))
                if MP.pdf_name_eq(MP.pdf_dict_get(xobject, _N.Subtype), _N.Form):
                    self.form(xobject, ctm, st)
            elif op == b"gs" and args:
                ext = MP.pdf_dict_gets(MP.pdf_dict_get(resources, _N.ExtGState),
                                       _name(args[0]))
                if MP.pdf_dict_get(ext, _N.Font).m_internal:
                    raise _Unsupported("a font set through the graphics state")
            elif op in (b"BDC", b"BMC"):
                if op == b"BDC" and args and isinstance(args[-1], str):
                    # properties named in the resources: optional content, or text MuPDF
                    # would look up there
                    raise _Unsupported("a named property list")
                actual = _actual_text(args[-1]) if op == b"BDC" and args else None
                if actual is not None:
                    if self.actual_open:
                        # MuPDF's text device fails on nested /ActualText (it crashes the
                        # process): the widget is not given to it either
                        raise UnsafeAppearance("an /ActualText inside another")
                    self.actual_open += 1
                marked.append((actual, len(self.glyphs)))
            elif op == b"EMC" and marked:
                actual, first = marked.pop()
                if actual is not None:
                    self.actual_open -= 1
                    if actual != "".join(g[0] for g in self.glyphs[first:]):
                        # MuPDF would give the marked text, not the glyphs' own
                        raise _Unsupported("an /ActualText unlike the text it marks")
        if marked:
            raise _Unsupported("marked content left open")

    def show(self, codes: bytes, st: _TextState, tm: Matrix, ctm: Matrix) -> Matrix:
        a, b, c, d, e, f = _mul(tm, ctm)
        if abs(b) > 1e-6 or a <= 0 or d >= 0:
            raise _Unsupported("rotated or mirrored text")
        font, size, th, tc = st.font, st.size, st.th, st.tc
        assert font is not None
        slant = c * font.ascent * size  # italic set by shearing: the top leans right
        x, y = e + st.rise * c, f + st.rise * d
        height = -size * d
        moved = 0.0  # in text space
        widths, unicode, dw = font.widths, font.unicode, font.default_width
        glyphs = self.glyphs
        left, top, right, bottom = self.clip
        for k in range(0, len(codes) - 1, 2):
            code = (codes[k] << 8) | codes[k + 1]
            width = widths.get(code, dw) / 1000
            text = unicode.get(code)
            if text is None:
                raise _Unsupported("a code without a plain Unicode value")
            x0 = x + moved * a
            pen = x0 + width * size * th * a
            if not (left - 1 <= x0 and pen <= right + 1 and top - 1 <= y <= bottom + 1):
                raise _Unsupported("text outside the page")  # MuPDF clips it
            glyphs.append((text, x0 + min(0.0, slant), pen + max(0.0, slant), y, height,
                           font.ascent, font.descent, pen))
            moved += (width * size + tc) * th
        return _translate(moved, 0.0, tm)


class UnsafeAppearance(Exception):
    """An appearance that neither this module nor MuPDF can read safely."""


_HIDDEN = 2 | 32  # annotation flags Hidden and NoView


def appearance_text(annot: PdfAnnot, to_page: pymupdf.Matrix,
                    clip: pymupdf.Rect | None = None) -> list[Drawn] | None:
    """Lines ``(text, box)`` a widget draws, boxes in page coordinates (``to_page``: the
    page's PDF-to-page matrix, rotation included; ``clip``: the page's rectangle); None
    when the appearance is not of the form read here. Raises :class:`UnsafeAppearance`
    for one that MuPDF must not be given either."""
    try:
        obj = MP.pdf_annot_obj(annot)
        if MP.pdf_dict_get_int(obj, _N.F) & _HIDDEN or MP.pdf_dict_get(obj, _N.OC).m_internal:
            return None  # drawn or not as MuPDF decides
        ap = MP.pdf_dict_get(MP.pdf_dict_get(obj, _N.AP), _N.N)
        if not MP.pdf_is_stream(ap):
            return None
        page = (to_page.a, to_page.b, to_page.c, to_page.d, to_page.e, to_page.f)
        if abs(page[1]) > 1e-6 or abs(page[2]) > 1e-6 or page[0] <= 0 or page[3] >= 0:
            return None  # a rotated page
        t = MP.pdf_annot_transform(annot)
        reader = _Reader((clip.x0, clip.y0, clip.x1, clip.y1) if clip is not None
                         else (-1e9, -1e9, 1e9, 1e9))
        reader.form(ap, _mul((t.a, t.b, t.c, t.d, t.e, t.f), page), _TextState())
        return _lines(reader.glyphs)
    except UnsafeAppearance:
        raise
    except Exception:  # noqa: BLE001 - unsupported or damaged: MuPDF reads the widget
        return None


def _lines(glyphs: list[Glyph]) -> list[Drawn]:
    """Glyphs grouped into lines as MuPDF's text device groups them, for the simple case
    only: glyphs on one baseline that follow each other (kerning aside) make a line, and a
    line starts a good way below the last. A gap MuPDF would read as a space or a new
    column, or a baseline a little off, is not decided here (MuPDF reads the widget)."""
    lines: list[list[Glyph]] = []
    for g in glyphs:
        if lines:
            last = lines[-1][-1]
            size = max(g[4], last[4], 1e-3)
            drop = abs(g[3] - last[3])
            if drop <= 0.01 * size:
                gap = g[1] - last[7] if g[1] >= last[1] else g[1] - last[1] - 1e9
                if gap > 0.1 * size or gap < -0.5 * size:
                    raise _Unsupported("a gap MuPDF may read as a space or a break")
                lines[-1].append(g)
                continue
            if drop < 0.8 * size:
                raise _Unsupported("a baseline a little off the line's")
        lines.append([g])
    out: list[Drawn] = []
    for line in lines:
        words = " ".join("".join(g[0] for g in line).split())
        inked = [g for g in line if g[0].strip()]
        if not words or not inked:
            continue
        out.append((words, (
            min(g[1] for g in inked),
            min(g[3] - g[5] * g[4] for g in inked),
            max(g[2] for g in inked),
            max(g[3] + g[6] * g[4] for g in inked),
        )))
    return out
