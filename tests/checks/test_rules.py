"""Nghị định 30/2020 rules: each with a record that passes and one that fails, taken from
the samples and changed the way real letters get it wrong."""

from __future__ import annotations

import pytest

from pipeline.checks import RULES, check_document, check_rows
from pipeline.runner import process_file
from schemas.arrow import record_rows
from tests.conftest import ROOT, SAMPLES


def sample(name: str) -> tuple[dict, dict]:
    """The document row and field lines of a sample."""
    path = next(SAMPLES.rglob(name))
    rows = record_rows(process_file(path.relative_to(ROOT)))
    (doc,) = rows["documents"]
    lines: dict[str, str] = {}
    for f in rows["fields"]:
        lines[f["field"]] = f["text"]
        lines[f["field"] + "_source"] = f["source"]
    return doc, lines


def outcome(rule: str, doc: dict, lines: dict) -> tuple[str, str | None]:
    (row,) = [r for r in check_document(doc, lines) if r["rule"] == rule]
    return row["outcome"], row["detail"]


@pytest.fixture(scope="module")
def cv(request):
    old = ROOT
    import os

    cwd = os.getcwd()
    os.chdir(old)
    try:
        return sample("cv-sxd-1204.pdf")
    finally:
        os.chdir(cwd)


CASES = [
    # rule, change to the Công văn 1204/SXD-QLN that breaks it
    ("components", lambda d, ln: d.update(signer_name=None)),
    ("number_format", lambda d, ln: d.update(number="7", code="7/SXD-QLN")),
    ("number_format", lambda d, ln: d.update(symbol="SXD - QLN", code="1204/SXD - QLN")),
    ("date_format", lambda d, ln: ln.update(issue_year="Bình Định, ngày 5 tháng 2 năm 2025")),
    ("date_format", lambda d, ln: ln.update(issue_year="Bình Định, 15/3/2025")),
    ("date_format", lambda d, ln: ln.update(issue_year="Bình Định ngày 15 tháng 3 năm 2025")),
    ("authority_prefix", lambda d, ln: d.update(signing_authority=None)),
    ("authority_prefix", lambda d, ln: d.update(signer_title="GIÁM ĐỐC")),
    ("distribution_archive", lambda d, ln: d.update(distribution=["Như trên", "Lưu: HS"])),
    ("subject_vv", lambda d, ln: ln.update(subject="Về việc rà soát nhà ở xã hội")),
    ("kinh_gui", lambda d, ln: d.update(recipients=[])),
    ("nhu_tren", lambda d, ln: d.update(distribution=["UBND tỉnh (b/c)", "Lưu: VT, QLN"])),
    ("symbol_type", lambda d, ln: d.update(doc_type="Quyết định")),
    ("signer_name", lambda d, ln: d.update(signer_name="TS. Trần Thị Mai")),
]


@pytest.mark.parametrize("rule", [r.id for r in RULES])
def test_each_rule_passes_on_a_letter_that_keeps_it(rule, cv):
    doc, lines = cv
    assert outcome(rule, dict(doc), dict(lines)) == ("ok", None)


@pytest.mark.parametrize("rule, change", CASES, ids=[c[0] for c in CASES])
def test_each_rule_fails_on_a_letter_that_breaks_it(rule, change, cv):
    doc, lines = dict(cv[0]), dict(cv[1])
    change(doc, lines)
    got, detail = outcome(rule, doc, lines)
    assert got == "failed" and detail


def test_every_rule_has_a_failing_case_and_cites_the_decree():
    assert {r.id for r in RULES} == {rule for rule, _ in CASES}
    assert all("Phụ lục" in r.article or "Điều" in r.article for r in RULES)


def test_rules_that_do_not_apply_say_so(cv):
    doc, lines = dict(cv[0]), dict(cv[1])
    doc.update(doc_type="Quyết định", doc_type_code="QĐ", symbol="QĐ-UBND")
    for rule in ("subject_vv", "kinh_gui", "nhu_tren"):
        assert outcome(rule, doc, lines)[0] == "not_applicable"


def test_a_blank_day_stamped_later_is_not_a_date_format_failure(monkeypatch):
    monkeypatch.chdir(ROOT)
    doc, lines = sample("000_42e6ccbbfb6392cd.txt")  # "Hà Nội, ngày     tháng     năm 2021"
    assert outcome("date_format", doc, lines)[0] == "not_applicable"


def test_a_web_page_quoting_a_letter_is_not_checked(monkeypatch):
    monkeypatch.chdir(ROOT)
    doc, lines = sample("002_1022cb6baf385756.txt")
    rows = check_rows([doc], [])
    assert {r["outcome"] for r in rows} == {"not_applicable"}


def test_an_inferred_issuer_does_not_count_as_printed(monkeypatch):
    monkeypatch.chdir(ROOT)
    doc, lines = sample("003_8b36292388a6cced.txt")
    assert outcome("components", doc, lines) == ("failed", "missing: tên cơ quan ban hành (b)")
