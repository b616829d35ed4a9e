"""What the layout tests share: OCR words laid out as rows, the record they give, and an
engine that answers re-reads from a script."""

from __future__ import annotations

from typing import Any

from pipeline.ocr import Mode, Word
from pipeline.ocr.tesseract import tsv_words

Rows = list[tuple[int, list[tuple[int, str]]]]


def ocr_words(rows: Rows) -> list[Word]:
    """Words as Tesseract's TSV gives them (points, confidence 95), one Tesseract line per
    row whatever its columns: ``(top, [(left, phrase), …])``."""
    words = []
    for top, phrases in rows:
        for left, phrase in phrases:
            x = left
            for word in phrase.split():
                right = x + 5 * len(word)
                words.append(Word(x, top, right, top + 12, 95.0, word, f"1.1.{top}"))
                x = right + 4
    return words


def ocr_record(rows: Rows) -> Any:
    """The record of a one-page scan whose OCR words are ``rows`` (see ``ocr_words``): the
    same lines, zones and extractors as a real scan, without the image."""
    from extractors.base import Context
    from pipeline.document import Document, Page
    from pipeline.layout import words_to_lines, zone
    from pipeline.runner import run_extractors
    from schemas.record import Record

    lines = words_to_lines(ocr_words(rows), 1.0, 1)
    doc = Document(path="x.pdf", format="pdf",
                   pages=[Page(number=1, width=595, height=842, lines=lines, ocr=True)])
    rec = Record(doc_id="x", source_path="x.pdf", source_format="pdf")
    run_extractors(Context(doc=doc, zones=zone(doc), record=rec))
    return rec


DECISION_HEAD: Rows = [
    (60, [(90, "THỦ TƯỚNG CHÍNH PHỦ"), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
    (95, [(110, "Số: 985/QĐ-TTg"), (340, "Hà Nội, ngày 15 tháng 9 năm 2024")]),
    (128, [(265, "QUYẾT ĐỊNH")]),
    (145, [(196, "Về việc xuất cấp hóa chất khử khuẩn")]),
    (230, [(90, "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;")]),
]


def tsv(*words: tuple[int, int, int, int, str]) -> str:
    """Tesseract TSV with one line of ``(left, top, width, height, text)`` words."""
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\t"
            "height\tconf\ttext"]
    for k, (left, top, w, h, text) in enumerate(words, 1):
        rows.append(f"5\t1\t1\t1\t1\t{k}\t{left}\t{top}\t{w}\t{h}\t90\t{text}")
    return "\n".join(rows) + "\n"


class ScriptedEngine:
    """An engine whose every reading is the TSV ``answer`` gives (or what it raises), and
    which remembers the modes and crop sizes it was asked for."""

    name = "scripted"

    def __init__(self, answer: Any = "") -> None:
        self.answer = answer
        self.calls: list[tuple[Mode, tuple[int, int]]] = []

    def version(self) -> str:
        return "scripted 1"

    def read(self, image: Any, mode: Mode) -> list[Word]:
        self.calls.append((mode, image.size))
        text = self.answer() if callable(self.answer) else self.answer
        return tsv_words(text)
