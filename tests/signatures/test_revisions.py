"""Coverage of a signature and what later revisions changed, judged on the signed samples:
the stamped letter's later revisions only add signatures; the Sở Xây dựng letter's change a
page after it was signed."""

from __future__ import annotations

import re

import pymupdf

from pipeline.signatures.embedded import read_signature_fields
from pipeline.signatures.revisions import Revisions
from tests.conftest import SAMPLES

SIGNED = SAMPLES / "signed"


def _judged(name: str) -> list[tuple[str | None, str | None, str | None]]:
    data = (SIGNED / name).read_bytes()
    with pymupdf.open(stream=data) as doc:
        return [(f.field, f.coverage, f.modified_after)
                for f in read_signature_fields(doc, data) if f.signed]


def test_later_revisions_that_only_add_signatures():
    assert _judged("tb-vp-stamped.pdf") == [
        ("SignService-Signature", "revision", "annotations"),
        ("Signature1", "revision", "annotations"),
        ("Signature2", "revision", "annotations"),
        ("Signature3", "whole_file", "none"),
    ]


def test_a_page_changed_after_signing():
    assert _judged("cv-sxd-modified.pdf") == [("Signature1", "revision", "content")]


def test_what_cannot_be_judged():
    data = (SIGNED / "tb-vp-stamped.pdf").read_bytes()
    first_eof = re.search(rb"%%EOF\r?\n?", data).end()
    with pymupdf.open(stream=data) as doc:
        revisions = Revisions(doc, data)
        # a byte range that leaves more than /Contents out
        assert revisions.judge(first_eof, contiguous=False) == ("unclear", "unknown")
        # signed bytes that end away from any revision's end
        assert revisions.judge(first_eof - 200, contiguous=True) == ("unclear", "unknown")
        assert revisions.judge(len(data), contiguous=True) == ("whole_file", "none")
        assert revisions.judge(first_eof, contiguous=True)[0] == "revision"
