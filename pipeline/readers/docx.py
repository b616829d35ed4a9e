"""Word documents (``.docx``).

The header of an official letter is usually a two-column table (issuing body left,
``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`` right), and so is the footer (``Nơi nhận`` left,
signature block right). The body is read in document order, paragraphs and tables alike,
and each table row cell by cell, left to right, so a cell's lines stay together.
"""

from __future__ import annotations

import io

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.document import Document, Line, Page
from pipeline.errors import CorruptFileError
from pipeline.normalize import normalize_line
from pipeline.options import DEFAULT, Options
from pipeline.readers.tables import docx_tables


def _paragraph_line(par: Paragraph) -> list[Line]:
    text = par.text
    runs = [r for r in par.runs if r.text.strip()]
    style_bold = bool(par.style is not None and par.style.font is not None and par.style.font.bold)
    bold = bool(runs) and all(r.bold or (r.bold is None and style_bold) for r in runs)
    # soft line breaks inside a paragraph are separate lines of the letter
    return [Line(text=normalize_line(part), bold=bold) for part in text.split("\n")]


def _walk(container, out: list[Line], parent) -> None:
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            out.extend(_paragraph_line(Paragraph(child, parent)))
        elif child.tag == qn("w:tbl"):
            table = Table(child, parent)
            for row in table.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    _walk(cell._tc, out, parent)
                    out.append(Line(text=""))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, out, parent)


def read(path: str, data: bytes, options: Options = DEFAULT) -> Document:
    try:
        doc = open_docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise CorruptFileError(path, f"the DOCX file cannot be opened ({exc})") from None
    lines: list[Line] = []
    _walk(doc.element.body, lines, doc._body)
    return Document(path=path, format="docx", pages=[Page(number=1, lines=lines)],
                    tables=docx_tables(doc))
