"""Real documents from ../shared against hand-made labels (tests/labels). Skipped when
../shared is absent."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pipeline.normalize import normalize_line
from pipeline.options import Options
from pipeline.readers import read_document
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
def test_text_pdf_fields(label):
    rec = process_file(shared_file(label["file"]))
    assert rec.status.value == "ok"
    expected = {f: _norm(label[f]) for f in HEADER_FIELDS + ("issue_date",)}
    got = {f: _norm(getattr(rec, f)) for f in expected}
    assert got == expected
    # the number and the day come from the widgets drawn over the blanks of the text
    for name in ("number", "code", "issue_date"):
        assert rec.provenance[name].source == "signature_widget"
        assert rec.provenance[name].extractor == "stamped"
    assert rec.provenance["symbol"].source == "text_layer"
    assert rec.distribution == [normalize_line(d) for d in label["distribution"]]
    assert [(d.date.isoformat(), d.text) for d in rec.deadlines] == [
        (d["date"], normalize_line(d["text"])) for d in label["deadlines"]
    ]
    assert [(r.doc_type, r.code, r.date.isoformat() if r.date else None)
            for r in rec.references] == [
        (r["doc_type"], r["code"], r["date"]) for r in label["references"]
    ]


@pytest.mark.parametrize("label", TEXT_PDF, ids=lambda lab: lab["file"].rsplit("/", 1)[-1])
def test_text_pdf_without_signatures_keeps_the_blanks(label):
    rec = process_file(shared_file(label["file"]), options=Options(signatures=False))
    assert (rec.number, rec.code) == (label["text_layer_number"], "/" + label["symbol"])
    assert rec.issue_date is None and rec.signatures == []
    assert (rec.issue_year, rec.issue_month) == (
        label["text_layer_issue_year"], label["text_layer_issue_month"]
    )


@pytest.mark.parametrize("label", TEXT_PDF, ids=lambda lab: lab["file"].rsplit("/", 1)[-1])
def test_text_pdf_signatures(label):
    rec = process_file(shared_file(label["file"]))
    got = sorted(
        (s.field, s.page, s.signer, s.signed_at.isoformat(), s.fills) for s in rec.signatures
    )
    expected = sorted(
        (s["field"], s["page"], s["signer"], s["signed_at"], s["fills"])
        for s in label["signatures"]
    )
    assert got == expected
    for sig in rec.signatures:
        assert sig.source == "signature_dict"
        assert sig.intact is True and sig.errors == []
        # every signature but the last covers its own revision; later ones only add signatures
        assert (sig.coverage, sig.modified_after) in (
            ("whole_file", "none"), ("revision", "annotations")
        )
    assert sum(s.coverage == "whole_file" for s in rec.signatures) == 1
    # the publication centre's CMS time is its /M wall clock written as UTC
    centre = next(s for s in rec.signatures if s.signer == "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC")
    assert centre.cms_signed_at.utcoffset().total_seconds() == 0
    assert "same wall-clock time" in centre.time_conflict
    assert centre.email == "ttcbth@quangngai.gov.vn"


def test_text_pdf_widget_text_stays_out_of_the_text_fields():
    label = TEXT_PDF[0]
    rec = process_file(shared_file(label["file"]))
    data = rec.to_dict(with_provenance=False)
    data.pop("signatures")
    blob = repr(data)
    assert "TRUNG TÂM CÔNG" not in blob and "ttcbth@quangngai.gov.vn" not in blob
    assert "TRUNG TÂM CÔNG" not in " ".join(ln.text for ln in read_document(
        label["file"], shared_file(label["file"]).read_bytes()).lines)


SCANS = load_labels("scans.json")


@pytest.mark.parametrize("label", SCANS, ids=lambda lab: lab["file"].rsplit("/", 1)[-1])
def test_scan_signatures(label):
    rec = process_file(shared_file(label["file"]))
    got = [(s.signer, s.signed_at) for s in rec.signatures]
    expected = [(s["signer"], dt.datetime.fromisoformat(s["signed_at"]))
                for s in label["signatures"]]
    assert got == expected
    def words(text):  # the label joins the stamp's sentences, the widget wraps them in lines
        return re.sub(r"\s*\|\s*", " ", text)

    for sig, lab in zip(rec.signatures, label["signatures"], strict=True):
        assert words(sig.stamp_text) == words(lab["stamp_text"])
        assert sig.intact is True and sig.source == "signature_dict"


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
