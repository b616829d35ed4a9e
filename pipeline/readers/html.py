"""HTML pages (``.html``).

A saved web page holds the letter as one region of a much larger page: the national
legal-document database (vbpl) wraps it in menus, breadcrumbs and tabs, in 1 MB of markup.
The region is found from its own anchor, the national motto ``CỘNG HÒA XÃ HỘI CHỦ NGHĨA
VIỆT NAM``: walk up from that text until the element holds a letter's worth of text. A page
without the motto is read whole.

Block elements and ``<br>`` break lines; table cells are read left to right, each cell's lines
together, so the two-column header comes out issuer first; ``<b>``/``<strong>`` over a whole
line marks it bold. The tags, the motto's words and the region's size are in
``pipeline/rules/html.yaml``.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from pipeline.document import Document, Line, Page
from pipeline.errors import CorruptFileError
from pipeline.normalize import normalize_line
from pipeline.options import DEFAULT, Options
from pipeline.readers.tables import html_tables
from pipeline.readers.text import decode
from pipeline.rules import rules


def _is_bold(el: lxml.html.HtmlElement) -> bool:
    html = rules().html
    if el.tag in html.bold_tags:
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return any(s in style for s in html.bold_styles)


class _Linearizer:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._parts: list[tuple[str, bool]] = []

    def flush(self) -> None:
        text = "".join(p for p, _ in self._parts)
        if text.strip():
            visible = [b for p, b in self._parts if p.strip()]
            self.lines.append(Line(text=normalize_line(text), bold=all(visible)))
        elif self.lines and self.lines[-1].text:
            self.lines.append(Line(text=""))
        self._parts = []

    def walk(self, el: lxml.html.HtmlElement, bold: bool = False) -> None:
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.tail:
                self._parts.append((el.tail, bold))
            return
        tag = el.tag.lower()
        block = tag in rules().html.block_tags
        here_bold = bold or _is_bold(el)
        if block:
            self.flush()
        if el.text:
            self._parts.append((el.text, here_bold))
        for child in el:
            self.walk(child, here_bold)
            if child.tail:
                self._parts.append((child.tail, here_bold))
        if block:
            self.flush()


def _region(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    html = rules().html
    for node in root.xpath(html.motto_xpath):  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        el = node.getparent()
        while el is not None and el.getparent() is not None:
            if len(el.text_content()) >= html.region_min_chars:
                return el
            el = el.getparent()
    body = root.find("body")
    return body if body is not None else root


def read(path: str, data: bytes, options: Options = DEFAULT) -> Document:
    text = decode(path, data)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise CorruptFileError(path, f"the HTML cannot be parsed ({exc})") from None
    for el in root.xpath("//" + " | //".join(rules().html.drop_tags)):
        el.drop_tree()
    lin = _Linearizer()
    region = _region(root)
    lin.walk(region)
    lin.flush()
    return Document(path=path, format="html", pages=[Page(number=1, lines=lin.lines)],
                    tables=html_tables(region))
