"""Plain text and Markdown exports (``.txt``, ``.md``).

Exports from Word, e-office systems and web pages keep the letter's lines but wrap them in
markup: ``## **KẾ HOẠCH**``, ``<b>STT</b>``. The markup is stripped and a line that was wholly
bold is flagged, as the subject of a typed document is set in bold. There are no pages and
no boxes; every line belongs to page ``None``.
"""

from __future__ import annotations

import codecs

from pipeline.document import Document, Line, Page
from pipeline.errors import EncodingError
from pipeline.normalize import normalize_line, strip_markup
from pipeline.options import DEFAULT, Options


def decode(path: str, data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            path,
            f"the text is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and ingest it again",
        ) from None


def lines_from_text(text: str) -> list[Line]:
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped, bold = strip_markup(raw)
        lines.append(Line(text=normalize_line(stripped), bold=bold))
    return lines


def read(path: str, data: bytes, options: Options = DEFAULT) -> Document:
    text = decode(path, data)
    fmt = "md" if path.lower().endswith((".md", ".markdown")) else "txt"
    return Document(path=path, format=fmt, pages=[Page(number=1, lines=lines_from_text(text))])
