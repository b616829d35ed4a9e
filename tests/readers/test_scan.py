"""Scanned pages through the reader: a real scan, a page rendered here and degraded
(rotation, blur, noise, JPEG), and a scan with OCR switched off. Skipped where Tesseract is
missing."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.document import Line
from pipeline.options import Options
from pipeline.readers.scan import usable_text
from pipeline.runner import process_file
from tests.conftest import SAMPLES, shared_file
from tests.ocr.support import degraded_page, needs_tesseract


@needs_tesseract
def test_real_scanned_page():
    rec = process_file(shared_file("corpus/scans/qn-51-QD-UBND-2025.pdf"))
    assert rec.status.value == "ok"
    assert (rec.doc_type, rec.symbol, rec.issuer) == (
        "Quyết định", "QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    )
    assert (rec.place, rec.issue_year, rec.issue_month) == ("Quảng Ngãi", 2025, 1)
    assert rec.subject == "phê duyệt Kế hoạch ứng phó sự cố tràn dầu huyện Nghĩa Hành"
    # the page reading drops the grave of "Hiền" under the signature; the name line read
    # again on its own gets it
    assert (rec.signing_authority, rec.signer_title, rec.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Phước Hiền"
    )
    # the number and the day are handwritten: the page reading cannot read them, the digit
    # recogniser does, on the two blanks
    assert any("not readable" in w for w in rec.warnings)
    assert (rec.number, rec.code, str(rec.issue_date)) == ("51", "51/QĐ-UBND", "2025-01-17")
    for field in ("number", "issue_date"):
        hand = rec.provenance[field]
        assert (hand.source, hand.engine, hand.page) == ("ocr_handwriting", "ppocr", 1)
    prov = rec.provenance["symbol"]
    assert prov.source == "ocr" and prov.page == 1 and 0 < prov.confidence < 1
    # the signatures are read from the file as for a text PDF
    assert [s.signer for s in rec.signatures] == [
        "Ủy ban nhân dân tỉnh Quảng Ngãi", "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC"
    ]
    # the stamps drawn by the signature widgets are not OCRed into the letter
    assert "ttcbth" not in " ".join(str(v) for v in rec.to_dict(with_provenance=False).values()
                                    if not isinstance(v, list))


@needs_tesseract
@pytest.mark.parametrize("angle", [0.0, 1.5, -2.0])
def test_degraded_rendered_page(tmp_path, angle):
    jpeg, _ = degraded_page(SAMPLES / "generated" / "qd-ubnd-256.pdf", angle)
    path = tmp_path / "qd-ubnd-256.jpg"
    path.write_bytes(jpeg)
    rec = process_file(path)
    assert rec.source_format == "image" and rec.page_count == 1
    assert (rec.doc_type, rec.code) == ("Quyết định", "256/QĐ-UBND")
    assert rec.issue_date == dt.date(2024, 7, 8)
    assert rec.issuer == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
    assert rec.signer_name == "Nguyễn Văn Bình"
    assert all(p.source == "ocr" for p in rec.provenance.values() if p.extractor != "signatures")


def test_scan_without_ocr_says_so():
    rec = process_file(shared_file("corpus/scans/qn-51-QD-UBND-2025.pdf"),
                       options=Options(ocr=False))
    assert rec.status.value == "failed"
    assert "no OCR" in rec.errors[0] and len(rec.signatures) == 2


@pytest.mark.parametrize("text,usable", [
    ("Quyết định về việc phê duyệt Kế hoạch ứng phó sự cố", True),
    ("Số: 51", False),  # too few letters to be a page's text
    ("\ue001\ue002\ue003 " * 10 + "Quyết định về việc phê duyệt", False),  # private-use glyphs
])
def test_a_text_layer_is_usable_with_enough_letters_and_few_broken_glyphs(text, usable):
    assert usable_text([Line(text=text)]) is usable


def test_the_blanks_and_the_marks_are_looked_for_on_the_first_page_only(tmp_path, monkeypatch):
    """The number and the date lines, and the urgency and secrecy marks, are on page 1: page
    2 costs the recogniser and the stamp reading nothing."""
    from PIL import Image

    from pipeline.ocr import OcrSettings
    from pipeline.readers import scan

    class Fake:
        name = "fake"

        def version(self) -> str:
            return "1"

        def read(self, image, mode):
            return []

    pages: list[int] = []

    def blanks(digits, rendered, words, angle):
        pages.append(rendered.info["page"])
        return []

    monkeypatch.setattr(scan, "read_blanks", blanks)
    for name in ("reread_number", "reread_names"):
        monkeypatch.setattr(scan, name, lambda engine, image, words, *rest: words)
    marked: list[int] = []

    def marks(engine, rendered, words, *rest):
        marked.append(rendered.info["page"])
        return []

    monkeypatch.setattr(scan, "read_marks", marks)

    def job(page_no: int) -> scan.PageJob:
        def image():
            img = Image.new("L", (200, 300), 255)
            img.info["page"] = page_no
            return img
        return scan.PageJob(page_no, f"page-{page_no}", image, 1.0)

    results = scan.ocr_pages([job(1), job(2)], Fake(), OcrSettings(), str(tmp_path), 1, Fake())
    assert sorted(results) == [1, 2]
    assert pages == [1]
    assert marked == [1]  # urgency and secrecy marks too: the first page only
