"""Links: citations resolved to documents of the dataset, OCR-tolerant, with the date
deciding between documents that share a number."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.links import code_key, resolve
from pipeline.runner import process_file
from tests.conftest import ROOT, SAMPLES


def doc(doc_id, code, doc_type="Công văn", date=None, year=None, refs=(), subject=None):
    return {"doc_id": doc_id, "source_path": f"/{doc_id}", "status": "ok", "code": code,
            "doc_type": doc_type, "issue_date": date, "subject": subject,
            "issue_year": year or (date.year if date else None),
            "issue_month": date.month if date else None, "references": list(refs)}


def ref(code, doc_type="Công văn", date=None, relation="implements", text=None):
    return {"code": code, "doc_type": doc_type, "date": date, "relation": relation,
            "text": text or f"Thực hiện {doc_type} số {code}"}


@pytest.mark.parametrize("a, b", [("1453/BTTTT-HTQT", "1453/BTTTT–HTQT"),
                                  ("1453/BTTTT-HTQT", "1453⁄BTTTT-HTQT"),
                                  ("505/QĐ-TTg", "505/QD-TTg"),
                                  ("05/2020/NĐ-CP", "5/2020/ND-CP")])
def test_ocr_variants_are_one_code(a, b):
    assert code_key(a) == code_key(b)


def test_a_citation_is_linked_with_its_relation():
    target = doc("a", "512/UBND-KT", date=dt.date(2025, 3, 2))
    citing = doc("b", "1204/SXD-QLN", refs=[ref("512/UBND-KT", date=dt.date(2025, 3, 2))])
    (link,) = resolve([target, citing])
    assert (link["from_doc_id"], link["to_doc_id"], link["relation"], link["match"]) == (
        "b", "a", "implements", "code")


def test_the_date_decides_between_documents_sharing_number_type_and_year():
    one = doc("a", "12/UBND-KT", date=dt.date(2025, 3, 2))
    other = doc("c", "12/UBND-KT", date=dt.date(2025, 8, 9))
    citing = doc("b", "1/SXD", refs=[ref("12/UBND-KT", date=dt.date(2025, 8, 9))])
    assert [link["to_doc_id"] for link in resolve([one, other, citing])] == ["c"]
    undated = doc("d", "2/SXD", refs=[ref("12/UBND-KT")])
    assert resolve([one, other, undated]) == []  # two letters fit: none is chosen


def test_a_cited_date_that_differs_is_another_document():
    target = doc("a", "512/UBND-KT", date=dt.date(2024, 3, 2))
    citing = doc("b", "1/SXD", refs=[ref("512/UBND-KT", date=dt.date(2025, 3, 2))])
    assert resolve([target, citing]) == []


def test_a_type_that_differs_is_another_document():
    target = doc("a", "15/QĐ-UBND", doc_type="Quyết định")
    citing = doc("b", "1/SXD", refs=[ref("15/QĐ-UBND", doc_type="Công văn")])
    assert resolve([target, citing]) == []


def test_one_letter_in_several_files_is_linked_in_each():
    pdf = doc("a", "512/UBND-KT", date=dt.date(2025, 3, 2))
    docx = doc("a2", "512/UBND-KT", date=dt.date(2025, 3, 2))
    citing = doc("b", "1/SXD", refs=[ref("512/UBND-KT")])
    assert sorted(link["to_doc_id"] for link in resolve([pdf, docx, citing])) == ["a", "a2"]


def test_the_seed_plan_is_linked_to_the_letter_it_implements(monkeypatch):
    """Seed 003 (a Kế hoạch of Phú Yên) implements Công văn 1453/BTTTT-HTQT; seed 000 is that
    letter as exported before its number was stamped (``Số: /BTTTT-HTQT``)."""
    monkeypatch.chdir(ROOT)
    recs = [process_file(p.relative_to(ROOT)).to_dict(with_provenance=False)
            for p in sorted((SAMPLES / "seeds").glob("*.txt"))]
    (link,) = resolve(recs)
    assert link["from_path"].endswith("003_8b36292388a6cced.txt")
    assert link["to_path"].endswith("000_42e6ccbbfb6392cd.txt")
    assert (link["cited_code"], link["relation"], link["match"]) == (
        "1453/BTTTT-HTQT", "implements", "symbol_subject")
    assert link["text"].startswith("Thực hiện Công văn số 1453/BTTTT-HTQT ngày 07/5/2021")


def test_a_blank_numbered_letter_is_not_linked_without_its_subject():
    blank = doc("a", "/BTTTT-HTQT", year=2021, subject="tổ chức hoạt động nhân Ngày Viễn thông")
    citing = doc("b", "1/KH", refs=[ref("1453/BTTTT-HTQT", date=dt.date(2021, 5, 7),
                                        text="Thực hiện Công văn số 1453/BTTTT-HTQT về việc "
                                             "tuyển sinh năm học mới")])
    assert resolve([blank, citing]) == []


@pytest.mark.corpus
def test_the_legal_database_pages_link_nothing_that_is_not_there():
    """None of the 20 pages cites another of them (checked by code): no link is invented."""
    from tests.conftest import shared_file

    folder = shared_file("corpus/html")
    recs = [process_file(p).to_dict(with_provenance=False)
            for p in sorted(folder.glob("*.html"))]
    assert sum(len(r["references"]) for r in recs) > 150
    assert resolve(recs) == []
