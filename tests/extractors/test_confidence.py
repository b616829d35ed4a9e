"""Confidence from evidence: a value read by OCR is rated by what vouches for it, so the
wrong values of a scan (a title whose ``KT.`` and ``PHÓ`` a seal hid, an issuer misspelled,
a name without its family name) no longer come with 0.9 or more."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.confidence import REVIEW, calibrate
from schemas.record import Provenance, Record
from tests.layout.support import ocr_record


def rows(authority: list[str], title: str, name: str, issuer: str = "ỦY BAN NHÂN DÂN",
         province: str = "TỈNH QUẢNG NGÃI"):
    block = [(400 + 15 * k, [(360, line)]) for k, line in enumerate(authority + [title])]
    return [
        (60, [(90, issuer), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (75, [(90, province), (340, "Độc lập - Tự do - Hạnh phúc")]),
        (95, [(110, "Số: 12/QĐ-UBND"), (340, "Quảng Ngãi, ngày 06 tháng 01 năm 2025")]),
        (128, [(265, "QUYẾT ĐỊNH")]),
        (145, [(196, "Về việc phê duyệt kế hoạch")]),
        (230, [(90, "Căn cứ Luật Tổ chức chính quyền địa phương;")]),
        (400, [(90, "Nơi nhận:")]),
        (415, [(90, "- Như trên;")]),
        *block,
        (520, [(360, name)]),
    ]


def test_a_deputy_under_a_fitting_authority_keeps_a_high_confidence():
    """The name, read once here, is not: see ``test_name_readings.py``."""
    rec = ocr_record(rows(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH",
                          "Trần Phước Hiền"))
    assert rec.signer_title == "PHÓ CHỦ TỊCH"
    for field in ("signer_title", "signing_authority", "issuer", "place",
                  "issue_date", "symbol"):
        assert rec.provenance[field].confidence >= REVIEW, field
    assert rec.provenance["signer_name"].confidence < REVIEW


def test_a_heads_title_a_seal_may_have_cut_is_below_review():
    """``THỦ TƯỚNG`` under ``TM. CHÍNH PHỦ``: right when the head signs, what is left when a
    seal hid ``KT. THỦ TƯỚNG`` and ``PHÓ``: nothing but the pixels vouches for it."""
    rec = ocr_record(rows(["TM. ỦY BAN NHÂN DÂN"], "CHỦ TỊCH", "Trần Phước Hiền"))
    assert (rec.signing_authority, rec.signer_title) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert rec.provenance["signer_title"].confidence < REVIEW
    assert rec.provenance["signing_authority"].confidence < REVIEW


def test_a_name_without_its_family_name_is_below_review():
    rec = ocr_record(rows(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "PHÓ CHỦ TỊCH",
                          "Phước Hiền"))
    assert rec.signer_name == "Phước Hiền"
    assert rec.provenance["signer_name"].confidence < REVIEW


def test_an_issuer_neither_known_nor_of_a_known_place_is_below_review():
    rec = ocr_record(rows(["KT. TRƯỞNG BAN"], "PHÓ TRƯỞNG BAN", "Trần Phước Hiền",
                          issuer="UBND TỈNH QUẢNG NGÃI", province="BAN CHÍ ĐẠO 138"))
    assert rec.issuer == "BAN CHÍ ĐẠO 138"  # "CHỈ" read without its hook
    assert rec.provenance["issuer"].confidence < REVIEW


def test_values_from_a_text_layer_keep_their_confidence_and_shared_provenance_is_copied():
    shared = Provenance(page=1, bbox=None, text="Số: 12/QĐ", source="ocr", confidence=0.96)
    layer = Provenance(page=1, bbox=None, text="ỦY BAN", source="text_layer", confidence=1.0)
    rec = Record(doc_id="x", source_path="x.pdf", source_format="pdf", number="12",
                 symbol="QĐ", code="12/QĐ", issuer="BAN CHÍ ĐẠO 138")
    rec.provenance.update(number=shared, symbol=shared, code=shared, issuer=layer)
    calibrate(rec)
    assert rec.provenance["number"].confidence == 0.96  # two readings agreed
    assert rec.provenance["symbol"].confidence < REVIEW  # "QĐ": no dash, no known shape
    assert shared.confidence == 0.96
    assert rec.provenance["issuer"].confidence == 1.0


def _calibrated(field: str, text: str, source: str = "ocr", **values) -> float:
    prov = Provenance(page=1, bbox=None, text=text, source=source, confidence=0.96)
    rec = Record(doc_id="x", source_path="x.pdf", source_format="pdf", **values)
    rec.provenance[field] = prov
    for other in values:
        rec.provenance.setdefault(other, prov)
    calibrate(rec)
    return rec.provenance[field].confidence


DAY = dict(issue_date=dt.date(2025, 1, 6), issue_year=2025, issue_month=1)
CASES = [
    # field, provenance text, values, source: with the evidence, then without it
    ("number", "Số: 574/UBND-KTTH", dict(number="574", symbol="UBND-KTTH"), "ocr", True),
    ("number", "574/UBND-KTTH", dict(number="574", symbol="UBND-KTTH"), "ocr", False),
    ("number", "574", dict(number="574"), "ocr_handwriting", True),
    ("code", "Số: 574/UBND-KTTH", dict(number="574", symbol="UBND-KTTH",
                                        code="574/UBND-KTTH", doc_type="Công văn"), "ocr", True),
    ("code", "574/UBND-KTTH", dict(number="574", symbol="UBND-KTTH", code="574/UBND-KTTH",
                                    doc_type="Công văn"), "ocr", False),
    ("issue_date", "Quảng Ngãi, ngày 06 tháng 01 năm 2025", DAY, "ocr", True),
    ("issue_date", "Quảng Ngãi, 06/01/2025", DAY, "ocr", False),
    ("issue_year", "Quảng Ngãi, ngày 06 tháng 01 năm 2025", DAY, "ocr", True),
    ("issue_year", "Quảng Ngãi, 06/01/2025", DAY, "ocr", False),
    ("doc_type", "QUYẾT ĐỊNH", dict(doc_type="Quyết định"), "ocr", True),
    ("doc_type", "NGHT ĐINH", dict(doc_type="Nghị định"), "ocr", False),
    ("doc_type", "Số: 12/NĐ-CP", dict(doc_type="Nghị định", symbol="NĐ-CP"), "ocr", True),
    ("doc_type", "Số: 12/QĐ-CP", dict(doc_type="Nghị định", symbol="QĐ-CP"), "ocr", False),
    ("issuer_parent", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
     dict(issuer_parent="ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"), "ocr", True),
    ("issuer_parent", "BAN CHÍ ĐẠO 138", dict(issuer_parent="BAN CHÍ ĐẠO 138"), "ocr", False),
    ("urgency", "HỎA TỐC", dict(urgency="HỎA TỐC"), "ocr", True),
    ("urgency", "HOA TOC", dict(urgency="HỎA TỐC"), "ocr", False),
    ("secrecy", "MẬT", dict(secrecy="MẬT"), "ocr", True),
    ("secrecy", "MẬT Số: 12/QĐ-UBND", dict(secrecy="MẬT"), "ocr", False),
]


@pytest.mark.parametrize("field,text,values,source,vouched", CASES)
def test_each_check_caps_a_value_without_its_evidence(field, text, values, source, vouched):
    conf = _calibrated(field, text, source, **values)
    assert (conf >= REVIEW) is vouched, (field, text, conf)
