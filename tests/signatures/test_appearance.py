"""Widget text read from the appearance stream: the same as MuPDF running the widget, on
every signature widget of the real letters and the samples, and MuPDF's reading wherever
the appearance is of another form."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from pipeline.signatures.appearance import appearance_text, parse_to_unicode, parse_widths
from pipeline.signatures.embedded import mupdf_widget_lines, signature_widgets, widget_lines
from tests.conftest import SAMPLES, SHARED


def _pdfs() -> list[Path]:
    files = sorted((SAMPLES / "signed").glob("*.pdf"))
    for folder in ("corpus/text-pdf", "corpus/scans"):
        files += sorted((SHARED / folder).glob("*.pdf"))
    return files


def _widgets(path: Path):
    doc = pymupdf.open(path)
    for index, page in enumerate(doc):
        for widget in signature_widgets(page):
            if not widget.rect.is_empty:
                yield doc, page, index, widget


@pytest.mark.parametrize("path", _pdfs(), ids=lambda p: p.name)
def test_every_widget_reads_as_mupdf_reads_it(path):
    """Same lines, same text, boxes within half a point; and the stream itself is read
    (no widget of these files needs MuPDF to run it)."""
    seen = 0
    for _doc, page, index, widget in _widgets(path):
        drawn = appearance_text(widget.annot, page.transformation_matrix)
        assert drawn is not None, f"{widget.field_name} was not read from its stream"
        ours = widget_lines(page, widget.annot, index + 1)
        theirs = mupdf_widget_lines(page, widget.annot, index + 1)
        assert [ln.text for ln in ours] == [ln.text for ln in theirs], widget.field_name
        for a, b in zip(ours, theirs, strict=True):
            assert max(abs(x - y) for x, y in zip(a.bbox, b.bbox, strict=True)) <= 0.5, (
                widget.field_name, a, b)
            assert a.source == b.source == "signature_widget"
        seen += 1
    if path.parent.name == "text-pdf" or path.name in ("tb-vp-stamped.pdf",
                                                       "cv-sxd-modified.pdf"):
        assert seen, f"{path.name} has no visible signature widget"


def _letter_with_widget(appearance: bytes, font: bytes) -> bytes:
    """A one-page PDF whose only signature field draws ``appearance`` with ``font``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 1 >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Annots [4 0 R] "
        b"/Resources << >> >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Stamp) /Rect [50 100 250 140] "
        b"/P 3 0 R /F 4 /AP << /N 5 0 R >> /V 7 0 R >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 200 40] /Resources << /Font << /F1 6 0 R"
        b" >> >> /Length %d >>\nstream\n%s\nendstream" % (len(appearance), appearance),
        font,
        # signed (a field without a value is drawn by MuPDF afresh, not from its stream)
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
        b"/ByteRange [0 10 20 10] /Contents <00> >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _only_widget(data: bytes):
    doc = pymupdf.open(stream=data, filetype="pdf")
    page = doc[0]
    (widget,) = signature_widgets(page)
    return doc, page, widget


def test_a_simple_font_is_left_to_mupdf():
    data = _letter_with_widget(b"BT /F1 12 Tf 10 14 Td (Ky boi: Van thu) Tj ET",
                               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    _doc, page, widget = _only_widget(data)
    assert appearance_text(widget.annot, page.transformation_matrix) is None
    (line,) = widget_lines(page, widget.annot, 1)
    assert line.text == "Ky boi: Van thu"
    assert line.bbox[0] == pytest.approx(60, abs=0.5)


def test_an_actual_text_equal_to_its_glyphs_is_read_here():
    doc = pymupdf.open(SAMPLES / "signed" / "tb-vp-stamped.pdf")
    page, widget, form = _stamp_form(doc)
    doc.update_stream(form, doc.xref_stream(form)
                      + b" BT /F1 10 Tf /Span << /ActualText (T) >> BDC [<0037>] TJ EMC ET")
    page = doc.reload_page(page)
    widget = next(w for w in signature_widgets(page) if w.field_name == "Signature3")
    drawn = appearance_text(widget.annot, page.transformation_matrix)
    assert drawn is not None and drawn[-1][0].endswith("T")


def test_rotated_text_is_left_to_mupdf():
    """The stamped sample's widget turned a quarter: MuPDF still reads it (its text device
    may group a turned line differently, so only the first line is compared)."""
    doc = pymupdf.open(SAMPLES / "signed" / "tb-vp-stamped.pdf")
    page, widget, ap = _stamp_form(doc)
    before = [ln.text for ln in widget_lines(page, widget.annot, 1)]
    doc.xref_set_key(ap, "Matrix", "[0 1 -1 0 0 0]")
    page = doc.reload_page(page)
    widget = next(w for w in signature_widgets(page) if w.field_name == "Signature3")
    assert appearance_text(widget.annot, page.transformation_matrix) is None
    assert [ln.text for ln in widget_lines(page, widget.annot, 1)][:1] == before[:1]


def _stamp_form(doc):
    """The sample stamp's widget and the xref of the form that holds its text."""
    page = doc[0]
    widget = next(w for w in signature_widgets(page) if w.field_name == "Signature3")
    ap = doc.xref_get_key(pymupdf.mupdf.pdf_to_num(pymupdf.mupdf.pdf_annot_obj(widget.annot)),
                          "AP/N")
    return page, widget, int(ap[1].split()[0])


@pytest.mark.parametrize("damage", [
    b" [ (unclosed Tj",  # a bracket never closed
    b" (a (nested) string) Tj",  # legal, but not read here
    b" BI /W 1 /H 1 /BPC 1 /CS /G ID \x00 EI",  # an inline image
    b" BT /F1 10 Tf /Span << /ActualText (XYZ) >> BDC [<0037>] TJ EMC ET",  # not its text
    b" /OC /oc1 BDC EMC",  # optional content, named in the resources
])
def test_a_stream_not_read_here_is_left_to_mupdf(damage):
    doc = pymupdf.open(SAMPLES / "signed" / "tb-vp-stamped.pdf")
    page, widget, form = _stamp_form(doc)
    assert appearance_text(widget.annot, page.transformation_matrix) is not None
    doc.update_stream(form, doc.xref_stream(form) + damage)
    page = doc.reload_page(page)
    widget = next(w for w in signature_widgets(page) if w.field_name == "Signature3")
    assert appearance_text(widget.annot, page.transformation_matrix) is None
    assert widget_lines(page, widget.annot, 1)[0].text == "TRUNG TÂM TIN HỌC - CÔNG BÁO"


@pytest.mark.parametrize("cmap,expected", [
    (b"beginbfchar <0003> <0020> <0014> <0031> endbfchar", {3: " ", 20: "1"}),
    (b"beginbfrange <0013> <0015> <0030> endbfrange", {19: "0", 20: "1", 21: "2"}),
    (b"beginbfrange <04E3> <04E4> [<1EDF> <1EA1>] endbfrange", {0x4E3: "ở", 0x4E4: "ạ"}),
    (b"beginbfchar <0001> <D835DC00> endbfchar", {1: "\U0001D400"}),  # a surrogate pair
])
def test_to_unicode_maps(cmap, expected):
    assert parse_to_unicode(b"begincmap " + cmap + b" endcmap") == expected


@pytest.mark.parametrize("text,expected", [
    ("[3[250]20[500 500]]", {3: 250.0, 20: 500.0, 21: 500.0}),
    ("[10 12 600 14[333.5]]", {10: 600.0, 11: 600.0, 12: 600.0, 14: 333.5}),
    ("[]", {}),
])
def test_width_arrays(text, expected):
    assert parse_widths(text) == expected


# ------------------------- variants of the sample stamp: whichever reads it, MuPDF's lines

G = b"<001400150014>"  # three digits in the stamp's font


def _nested(outer: bytes, inner: bytes, extra: str = ""):
    """The stamp's form drawing ``outer``, which draws a form ``/X1`` holding ``inner``."""
    def setup(doc):
        x = doc.get_new_xref()
        doc.update_object(x, "<< /Type /XObject /Subtype /Form /BBox [0 0 180 45] /Resources "
                             f"<< /Font << /F1 67 0 R >> >> {extra} >>")
        doc.update_stream(x, inner)
        doc.xref_set_key(68, "Resources",
                         f"<< /Font << /F1 67 0 R >> /XObject << /X1 {x} 0 R >> >>")
        doc.update_stream(68, outer)
    return setup


def _replace(stream: bytes):
    def setup(doc):
        doc.update_stream(68, stream)
    return setup


def _ligature(doc):
    """The stamp's font maps its digit ``1`` to the ligature ``ﬁ``, which MuPDF splits."""
    doc.update_stream(68, b"BT /F1 10 Tf 10 20 Td " + G + b" Tj ET")
    cmap = doc.xref_stream(73).replace(b"[<0030> <0031> <0032>]", b"[<0030> <FB01> <0032>]")
    assert cmap != doc.xref_stream(73)
    doc.update_stream(73, cmap)


def _ocg_off(doc):
    ocg = doc.add_ocg("hidden", on=False)
    doc.xref_set_key(68, "OC", f"{ocg} 0 R")


VARIANTS = {
    "plain": _replace(b"BT /F1 10 Tf 10 20 Td " + G + b" Tj ET"),
    "kerning in TJ": _replace(b"BT /F1 10 Tf 10 20 Td [<0014> 40 <0015>] TJ ET"),
    "a gap in TJ": _replace(b"BT /F1 10 Tf 10 20 Td [<0014> -250 <0015>] TJ ET"),
    "a move on the line": _replace(b"BT /F1 10 Tf 10 20 Td <0014> Tj 40 0 Td <0015> Tj ET"),
    "character spacing": _replace(b"BT /F1 10 Tf 3 Tc 10 20 Td " + G + b" Tj ET"),
    "a small drop": _replace(b"BT /F1 10 Tf 10 20 Td <0014> Tj 0 -3 Td <0015> Tj ET"),
    "rise": _replace(b"BT /F1 10 Tf 10 20 Td <0014> Tj 4 Ts <0015> Tj ET"),
    "two lines": _replace(b"BT /F1 10 Tf 12 TL 10 30 Td " + G + b" Tj T* " + G + b" Tj ET"),
    "scaled form": _nested(b"q 2 0 0 2 5 5 cm /X1 Do Q", b"BT /F1 6 Tf 0 5 Td " + G + b" Tj ET"),
    "spacing inherited": _nested(b"BT 3 Tc ET /X1 Do", b"BT /F1 10 Tf 10 20 Td " + G
                                 + b" Tj ET"),
    "font inherited": _nested(b"BT /F1 10 Tf ET /X1 Do", b"BT 10 20 Td " + G + b" Tj ET"),
    "optional content off": _ocg_off,
    "actual text unclosed": _replace(b"BT /F1 10 Tf 10 20 Td /Span << /ActualText (999) >> BDC "
                                     + G + b" Tj ET"),
    "outside the page": _replace(b"BT /F1 10 Tf 10 120 Td " + G + b" Tj ET"),
    "a ligature": _ligature,
    "negative size": _replace(b"BT /F1 -10 Tf 40 20 Td " + G + b" Tj ET"),
}


@pytest.mark.parametrize("name", VARIANTS)
def test_a_variant_of_the_stamp_reads_as_mupdf_reads_it(name):
    doc = pymupdf.open(SAMPLES / "signed" / "tb-vp-stamped.pdf")
    VARIANTS[name](doc)
    doc = pymupdf.open("pdf", doc.tobytes())
    page = doc[0]
    widget = next(w for w in signature_widgets(page) if w.field_name == "Signature3")
    ours = widget_lines(page, widget.annot, 1)
    theirs = mupdf_widget_lines(page, widget.annot, 1)
    assert [ln.text for ln in ours] == [ln.text for ln in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert max(abs(x - y) for x, y in zip(a.bbox, b.bbox, strict=True)) <= 0.5, (a, b)


def test_a_hidden_widget_is_left_to_mupdf():
    doc = pymupdf.open(SAMPLES / "signed" / "tb-vp-stamped.pdf")
    page = doc[0]
    widget = next(w for w in signature_widgets(page) if w.field_name == "Signature1")
    doc.xref_set_key(pymupdf.mupdf.pdf_to_num(pymupdf.mupdf.pdf_annot_obj(widget.annot)),
                     "F", "2")
    doc = pymupdf.open("pdf", doc.tobytes())
    page = doc[0]
    widget = next(w for w in signature_widgets(page) if w.field_name == "Signature1")
    assert appearance_text(widget.annot, page.transformation_matrix) is None
    assert [ln.text for ln in widget_lines(page, widget.annot, 1)] == [
        ln.text for ln in mupdf_widget_lines(page, widget.annot, 1)]


def test_a_rotated_page_still_gets_its_stamped_number_and_day():
    from pipeline.runner import process_bytes

    doc = pymupdf.open(SAMPLES / "signed" / "tb-vp-stamped.pdf")
    doc[0].set_rotation(90)
    rec = process_bytes("rotated.pdf", doc.tobytes())
    assert (rec.number, str(rec.issue_date)) == ("127", "2025-09-15")


def test_a_stream_read_twice_reads_the_same():
    """Reading a stream's bytes leaves them in place (a document edited in memory holds
    its new streams in buffers that extracting would empty)."""
    doc = pymupdf.open(SAMPLES / "signed" / "tb-vp-stamped.pdf")
    page, widget, form = _stamp_form(doc)
    doc.update_stream(form, b"BT /F1 10 Tf 10 20 Td " + G + b" Tj ET")
    page = doc.reload_page(page)
    widget = next(w for w in signature_widgets(page) if w.field_name == "Signature3")
    first = appearance_text(widget.annot, page.transformation_matrix)
    assert first and first == appearance_text(widget.annot, page.transformation_matrix)
    assert doc.xref_stream(form).startswith(b"BT /F1 10 Tf")


def test_nested_actual_text_is_an_error_on_the_signature_not_a_crash():
    """MuPDF's text device crashes the process on an /ActualText inside another; such a
    widget's text is not read at all, and the signature says why."""
    from pipeline.runner import process_bytes

    doc = pymupdf.open(SAMPLES / "signed" / "tb-vp-stamped.pdf")
    _page, _widget, form = _stamp_form(doc)
    doc.update_stream(form, b"BT /F1 10 Tf 10 20 Td /Span << /ActualText (9) >> BDC /Span "
                            b"<< /ActualText (8) >> BDC " + G + b" Tj EMC EMC ET")
    rec = process_bytes("nested.pdf", doc.tobytes())
    sig = next(s for s in rec.signatures if s.field == "Signature3")
    assert any("ActualText" in e for e in sig.errors)
    assert rec.number == "127"  # the other widgets are read as before
