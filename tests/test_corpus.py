"""Real documents from ../shared against hand-made labels (tests/labels). Skipped when
../shared is absent."""

from __future__ import annotations

import re

import pytest

from pipeline.normalize import normalize_line
from pipeline.runner import process_file
from tests.conftest import load_labels, shared_file

HEADER_FIELDS = ("doc_type", "number", "symbol", "code", "issuer", "issuer_parent", "place",
                 "issue_year", "issue_month", "subject", "signer_name", "signer_title",
                 "signing_authority")


def _norm(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return normalize_line(value) if isinstance(value, str) else value


def _squash(text: str | None) -> str | None:
    """Case and spacing do not count when comparing a subject with a breadcrumb."""
    return None if text is None else re.sub(r"\s+", "", normalize_line(text)).casefold()


TEXT_PDF = load_labels("text_pdf.json")


@pytest.mark.parametrize("label", TEXT_PDF, ids=lambda lab: lab["file"].rsplit("/", 1)[-1])
def test_text_pdf_text_layer_fields(label):
    rec = process_file(shared_file(label["file"]))
    assert rec.status.value == "ok"
    expected = {f: _norm(label[f]) for f in HEADER_FIELDS if f not in ("number",)}
    # the number and the day are stamped by signature widgets: the text layer has blanks
    expected["code"] = "/" + label["symbol"]
    expected["number"] = label["text_layer_number"]
    expected["issue_date"] = label["text_layer_issue_date"]
    got = {f: _norm(getattr(rec, f)) for f in expected}
    assert got == expected
    assert rec.distribution == [normalize_line(d) for d in label["distribution"]]
    assert [(d.date.isoformat(), d.text) for d in rec.deadlines] == [
        (d["date"], normalize_line(d["text"])) for d in label["deadlines"]
    ]
    assert [(r.doc_type, r.code, r.date.isoformat() if r.date else None)
            for r in rec.references] == [
        (r["doc_type"], r["code"], r["date"]) for r in label["references"]
    ]


def test_text_pdf_widget_text_stays_out_of_the_record():
    label = TEXT_PDF[0]
    rec = process_file(shared_file(label["file"]))
    blob = repr(rec.to_dict())
    assert "TRUNG TÂM CÔNG" not in blob and "ttcbth@quangngai.gov.vn" not in blob


HTML = load_labels("html.json")


@pytest.mark.parametrize("label", HTML, ids=lambda lab: lab["file"].rsplit("/", 1)[-1])
def test_html_against_breadcrumb(label):
    rec = process_file(shared_file(label["file"]))
    crumb = normalize_line(label["breadcrumb"])
    # the breadcrumb reads "<Type> số <code> <subject>"
    assert crumb.startswith(f"{rec.doc_type} số ")
    assert rec.doc_type == label["doc_type"]
    assert (rec.number, rec.symbol, rec.code) == (label["number"], label["symbol"], label["code"])
    assert _squash(rec.subject) == _squash(label["subject"])


@pytest.mark.parametrize("label", HTML, ids=lambda lab: lab["file"].rsplit("/", 1)[-1])
def test_html_other_fields(label):
    rec = process_file(shared_file(label["file"]))
    fields = ("issuer", "place", "issue_date", "signer_name", "signer_title", "signing_authority")
    assert {f: _norm(getattr(rec, f)) for f in fields} == {f: _norm(label[f]) for f in fields}


def test_decree_30_docx():
    label = next(lab for lab in load_labels("decree_docx.json")
                 if lab["file"].endswith("30_2020_ND_CP.docx"))
    rec = process_file(shared_file(label["file"]))
    fields = HEADER_FIELDS + ("issue_date",)
    got = {f: _norm(getattr(rec, f)) for f in fields}
    expected = {f: _norm(label[f]) for f in fields}
    expected["subject"] = "Về công tác văn thư"  # "Về" is part of this subject, not "Về việc"
    assert got == expected
    assert rec.distribution == [normalize_line(d) for d in label["distribution"]]


@pytest.mark.parametrize("name", ["Phuluc1.docx", "Phuluc3.docx"])
def test_decree_appendices_are_read_without_error(name):
    rec = process_file(shared_file(f"reference/decree-30-2020/{name}"))
    assert rec.status.value in ("ok", "partial") and not rec.errors
