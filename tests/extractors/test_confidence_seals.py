"""A seal over the signature block as evidence: found on the page as a ring (red on colour
scans, black on black-and-white ones), and a title, an authority or a name read under a
black seal is no longer rated 0.9 or more, since the seal may hide ``KT.`` or ``PHÓ``."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from extractors.confidence import REVIEW, SEALED, calibrate, seal_pages
from pipeline.document import Seal
from pipeline.layout.seals import find_seals, is_seal
from schemas.record import Provenance, Record
from tests.test_scan_factory import _factory


def _page(colour: tuple[int, int, int] | None, mode: str = "RGB") -> Image.Image:
    """An A4 page at 150 dpi with lines of print, and a seal of 36 mm across (the
    factory's) over the right-hand column when ``colour`` is given."""
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    for k in range(30):  # the body: text-like dashes in rows
        y = 200 + 32 * k
        for x in range(120, 1120, 46):
            draw.rectangle((x, y, x + 38, y + 14), fill=(20, 20, 20))
    for y in (1220, 1252, 1420):  # the signature block: authority, title, name
        for x in range(700, 1000, 46):
            draw.rectangle((x, y, x + 38, y + 14), fill=(20, 20, 20))
    if colour is not None:
        page = _factory().draw_seal(page, 850, 1300, 106, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
                                    colour, random.Random(3))
    if mode == "L":
        page = page.convert("L").point(lambda v: 255 if v > 140 else 0)
    return page


def test_a_black_seal_on_a_black_and_white_page_is_found_where_it_is():
    seals = find_seals(_page((25, 25, 25), "L"), 150)
    assert [s.text for s in seals] == ["seal:black"]
    seal = seals[0]
    assert is_seal(seal)
    assert abs((seal.x0 + seal.x1) / 2 - 850) < 15 and abs((seal.y0 + seal.y1) / 2 - 1300) < 15
    assert abs((seal.x1 - seal.x0) - 212) < 20  # the disc, 2 × 106 px


def test_a_red_seal_is_found_as_red_and_print_alone_is_no_seal():
    assert [s.text for s in find_seals(_page((205, 35, 45)), 150)] == ["seal:red"]
    assert find_seals(_page(None), 150) == []
    assert find_seals(_page(None, "L"), 150) == []


def _record(page: int = 1) -> tuple[Record, list[Seal]]:
    """``THỦ TƯỚNG`` under ``TM. CHÍNH PHỦ``, a deputy's ``KT.`` line hidden or not, and a
    black seal over the left of the block (PDF points)."""
    rec = Record(doc_id="x", source_path="x.pdf", source_format="pdf",
                 signing_authority="KT. THỦ TƯỚNG", signer_title="PHÓ THỦ TƯỚNG",
                 signer_name="Trần Hồng Hà")
    for field, y, text in (("signing_authority", 600, "KT. THỦ TƯỚNG"),
                           ("signer_title", 615, "PHÓ THỦ TƯỚNG"),
                           ("signer_name", 680, "Trần Hồng Hà")):
        rec.provenance[field] = Provenance(page=page, bbox=(370, y, 470, y + 12), text=text,
                                           source="ocr", confidence=0.96)
    return rec, [Seal(page=1, bbox=(310, 595, 414, 699), colour="black", confidence=0.9)]


def test_a_title_and_authority_under_a_black_seal_are_capped_and_said():
    rec, seals = _record()
    calibrate(rec, seals)
    for field in ("signing_authority", "signer_title", "signer_name"):
        assert rec.provenance[field].confidence == SEALED < REVIEW, field
        assert any(w.startswith(field) and "black seal" in w for w in rec.warnings)


def test_a_red_seal_or_a_seal_elsewhere_leaves_the_evidence_as_it_was():
    rec, seals = _record()
    calibrate(rec, [Seal(page=1, bbox=s.bbox, colour="red", confidence=0.9) for s in seals])
    assert rec.provenance["signer_title"].confidence >= REVIEW  # KT. fits PHÓ: vouched for
    assert not rec.warnings
    rec, seals = _record(page=2)
    calibrate(rec, seals)
    assert rec.provenance["signer_title"].confidence >= REVIEW
    far = Seal(page=1, bbox=(100, 100, 204, 204), colour="black", confidence=0.9)
    rec, _ = _record()
    calibrate(rec, [far])
    assert rec.provenance["signing_authority"].confidence >= REVIEW


def test_seals_are_looked_for_once_and_only_on_the_signature_blocks_page():
    from pipeline.document import Document

    asked: list[int] = []

    def finder(page: int) -> list[Seal]:
        asked.append(page)
        return [Seal(page=page, bbox=(310, 595, 414, 699), colour="black", confidence=0.9)]

    doc = Document(path="x.pdf", format="pdf", seal_finder=finder)
    rec, _ = _record(page=3)  # a long scan: the block is read on page 3
    rec.provenance["subject"] = Provenance(page=1, bbox=(0, 0, 1, 1), text="V/v",
                                           source="ocr", confidence=0.9)
    assert seal_pages(rec) == {3}
    calibrate(rec, doc.seals_on(seal_pages(rec)))
    assert asked == [3]
    assert rec.provenance["signer_title"].confidence == SEALED
    doc.seals_on([3, 1])
    assert asked == [3, 1]  # page 3 not searched again
    assert [s.page for s in doc.seals_on([1])] == [1]


def test_a_seal_search_that_fails_costs_the_evidence_not_the_record():
    from pipeline.document import Document

    def broken(page: int) -> list[Seal]:
        raise MemoryError("page too large")

    doc = Document(path="x.pdf", format="pdf", seal_finder=broken)
    assert doc.seals_on([2]) == []
    assert doc.warnings == ["page 2: seals could not be looked for: MemoryError('page too large')"]
