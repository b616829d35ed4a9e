"""The signature fields of a PDF: the widget's drawn text and the signature itself.

A signed letter from the Quảng Ngãi e-office carries five signatures. The text layer reads
``Số:          /TB-UBND``; the ``11`` a reader sees is drawn by the widget of ``Signature2``,
whose dictionary says ``/SubFilter /ETSI.CAdES.detached`` and ``/M D:20250109100916+07'00'``
and whose certificate names ``Ủy ban nhân dân tỉnh Quảng Ngãi``. This module reads, for each
signature field:

- the text of the widget's appearance stream alone, with boxes, so the number and day it
  stamps can be placed on the page (read from the stream's fonts' maps and widths, see
  :mod:`pipeline.signatures.appearance`; MuPDF runs any other widget into a text device);
- the signature dictionary (``/SubFilter``, ``/M``, ``/Name``, ``/Reason``, ``/ByteRange``)
  through MuPDF, which already holds the parsed file;
- the CMS blob, cut from the file at the gap of ``/ByteRange``: signer certificate,
  ``signingTime``, the RFC 3161 token's time, and integrity
  (the byte-range digest against the signed digest, and the signature over it, checked in
  :mod:`pipeline.signatures.cms`);
- coverage: whether anything was appended after the signature, and if so whether the later
  revisions changed the pages' content or only added signatures, fields and annotations
  (:mod:`pipeline.signatures.revisions`).

pyHanko's own PDF reader is not used for the file: it tokenises each ``/Contents`` hex string
in Python, about 10 ms per signature on these files, more than the rest of the pipeline.
Every step is guarded: a damaged signature keeps what was read and says why in ``errors``.
"""

from __future__ import annotations

import binascii
import hashlib
from dataclasses import dataclass
from functools import lru_cache

import pymupdf

from pipeline.document import Line, SignatureField
from pipeline.normalize import normalize_line
from pipeline.signatures._mupdf import MP, PdfAnnot, PdfObj
from pipeline.signatures.appearance import Drawn, appearance_text
from pipeline.signatures.cms import (
    Signer,
    check_signer,
    read_signer,
    signature_timestamp,
    signing_time,
    tst_info,
)
from pipeline.signatures.revisions import Revisions
from pipeline.signatures.times import parse_pdf_date
from schemas.record import BBox, Source, union_all

pymupdf.TOOLS.mupdf_display_errors(False)  # damaged files are reported in the record instead


class _N:
    """PDF name objects for the dictionary keys read here, made once."""

    V = MP.pdf_new_name("V")
    Type = MP.pdf_new_name("Type")
    SubFilter = MP.pdf_new_name("SubFilter")
    Name = MP.pdf_new_name("Name")
    Reason = MP.pdf_new_name("Reason")
    M = MP.pdf_new_name("M")
    ByteRange = MP.pdf_new_name("ByteRange")


def _text(obj: PdfObj, key: PdfObj) -> str | None:
    """A string or name entry of a dictionary, as text (PDF text strings decoded)."""
    value = MP.pdf_dict_get(obj, key)
    if MP.pdf_is_name(value):
        return "/" + MP.pdf_to_name(value)
    if MP.pdf_is_string(value):
        return MP.pdf_to_text_string(value) or None
    return None


def widget_lines(page: pymupdf.Page, annot: PdfAnnot, page_no: int,
                 to_page: pymupdf.Matrix | None = None) -> list[Line]:
    """Lines drawn by one widget's appearance stream, in page coordinates: read from the
    stream itself when it is of the common form (:mod:`pipeline.signatures.appearance`),
    otherwise by MuPDF running the widget. ``to_page``: the page's transformation matrix
    with its rotation, when the caller has it."""
    if to_page is None:
        to_page = page.transformation_matrix * page.rotation_matrix
    drawn = appearance_text(annot, to_page, page.rect)
    if drawn is None:
        return mupdf_widget_lines(page, annot, page_no)
    return _widget_lines(drawn, page_no)


def _widget_lines(drawn: list[Drawn], page_no: int) -> list[Line]:
    """``(text, box)`` pairs as the widget's lines: text normalised, boxes to 0.1 pt."""
    out = []
    for text, (x0, y0, x1, y1) in drawn:
        text = normalize_line(text)
        if text:
            box: BBox = (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1))
            out.append(Line(text=text, page=page_no, bbox=box,
                            source=Source.SIGNATURE_WIDGET.value))
    return out


def mupdf_widget_lines(page: pymupdf.Page, annot: PdfAnnot, page_no: int) -> list[Line]:
    """Lines drawn by one widget, MuPDF running its appearance into a text device."""
    rect = page.rect
    stext = MP.FzStextPage(MP.FzRect(rect.x0, rect.y0, rect.x1, rect.y1))
    dev = MP.fz_new_stext_device(stext, MP.FzStextOptions())
    try:
        MP.pdf_run_annot(annot, dev, MP.FzMatrix(), MP.FzCookie())
    finally:
        MP.fz_close_device(dev)
    tp = pymupdf.TextPage(stext)
    tp.parent = page
    # words as (x0, y0, x1, y1, text, block, line, word), grouped by block and line
    grouped: dict[tuple[int, int], list[tuple[float, float, float, float, str, int, int, int]]]
    grouped = {}
    for word in page.get_text("words", textpage=tp):
        grouped.setdefault((word[5], word[6]), []).append(word)
    return _widget_lines([(
        " ".join(w[4] for w in words),
        union_all(w[:4] for w in words),
    ) for words in grouped.values()], page_no)


class _Widget:
    """The little of a signature widget this module needs, read through MuPDF directly (the
    full ``pymupdf.Widget`` reads every form attribute and costs more than the text)."""

    __slots__ = ("annot", "field_name", "rect")

    def __init__(self, annot: PdfAnnot) -> None:
        obj = MP.pdf_annot_obj(annot)
        self.annot: PdfAnnot = annot
        self.field_name: str = MP.pdf_load_field_name2(obj)
        r = MP.pdf_bound_widget(annot)
        self.rect = pymupdf.Rect(r.x0, r.y0, r.x1, r.y1)


def signature_widgets(page: pymupdf.Page) -> list[_Widget]:
    """The signature widgets of a page, in the page's order."""
    pdf_page = MP.pdf_page_from_fz_page(page.this)
    out = []
    widget = MP.pdf_first_widget(pdf_page)
    while widget.m_internal:
        if MP.pdf_widget_type(widget) == MP.PDF_WIDGET_TYPE_SIGNATURE:
            out.append(_Widget(widget))
        widget = MP.pdf_next_widget(widget)
    return out


def _signature_value(widget: _Widget) -> PdfObj | None:
    """The signature dictionary (``/V``), looked up on the field or its parents."""
    value = MP.pdf_dict_get_inheritable(MP.pdf_annot_obj(widget.annot), _N.V)
    return value if MP.pdf_is_dict(value) else None


def read_signature_fields(doc: pymupdf.Document, data: bytes,
                          pages: list[pymupdf.Page] | None = None) -> list[SignatureField]:
    """Every signature field of the document, page by page, with its signature read.
    ``pages``: the document's pages when the caller has loaded them already.

    Three passes: each field's widget text, dictionary and CMS blob; then the byte-range
    digests, in file order so that one running hash serves every signature (each signed
    range is a prefix of the file plus its revision's short tail); then the verification.
    """
    fields: list[SignatureField] = []
    pending: list[_Pending] = []
    for index, page in enumerate(pages if pages is not None else doc):
        try:
            widgets = signature_widgets(page)
        except Exception:  # a damaged /Annots array loses this page's widgets, not the file
            continue
        to_page = page.transformation_matrix * page.rotation_matrix if widgets else None
        for widget in widgets:
            try:
                sig, todo = _read_field(data, page, index, widget, to_page)
            except Exception as exc:  # one damaged field must not lose the others
                sig, todo = SignatureField(
                    field=getattr(widget, "field_name", None), page=index + 1,
                    errors=[f"the signature field cannot be read ({_short(exc)})"],
                ), None
            fields.append(sig)
            if todo is not None:
                pending.append(todo)

    revisions = Revisions(doc, data)
    hasher = _RangeHasher(data)
    for todo in sorted(pending, key=lambda t: t.len1):
        if todo.md is None:
            continue
        try:
            todo.digest = hasher.digest(todo.md, todo.len1, todo.start2, todo.end)
        except Exception as exc:
            todo.sig.errors.append(f"the signed bytes cannot be hashed ({_short(exc)})")
    for todo in pending:
        todo.sig.coverage, todo.sig.modified_after = revisions.judge(
            todo.end, contiguous=todo.contiguous
        )
        _verify(todo, data)
    return fields


def _read_field(data: bytes, page: pymupdf.Page, index: int, widget: _Widget,
                to_page: pymupdf.Matrix | None = None) -> tuple[SignatureField, _Pending | None]:
    """One widget: its drawn text, and its signature when the field was signed."""
    r = widget.rect
    sig = SignatureField(
        field=widget.field_name,
        page=index + 1,
        # an invisible signature has a zero-size widget: no box to show
        bbox=None if r.is_empty else (
            round(r.x0, 1), round(r.y0, 1), round(r.x1, 1), round(r.y1, 1)
        ),
    )
    try:  # an invisible signature draws nothing
        sig.lines = [] if r.is_empty else widget_lines(page, widget.annot, index + 1, to_page)
    except Exception as exc:
        sig.errors.append(f"the widget's text could not be read ({exc})")
    value = _signature_value(widget)
    if value is None:
        return sig, None
    sig.signed = True
    _read_dictionary(value, sig)
    return sig, _read_blob(value, data, sig)


def _read_dictionary(value: PdfObj, sig: SignatureField) -> None:
    sig.kind = _text(value, _N.Type) or "/Sig"
    sig.subfilter = (_text(value, _N.SubFilter) or "").lstrip("/") or None
    sig.name = _text(value, _N.Name)
    sig.reason = _text(value, _N.Reason)
    raw_m = _text(value, _N.M)
    sig.m_time = parse_pdf_date(raw_m)
    if raw_m and sig.m_time is None:
        sig.errors.append(f"/M is not a PDF date: {raw_m!r}")


def _byte_range(value: PdfObj) -> list[int] | None:
    array = MP.pdf_dict_get(value, _N.ByteRange)
    if not MP.pdf_is_array(array):
        return None
    items = [MP.pdf_array_get(array, i) for i in range(MP.pdf_array_len(array))]
    if not all(MP.pdf_is_int(item) for item in items):
        return None
    return [MP.pdf_to_int(item) for item in items]


@dataclass(slots=True)
class _Pending:
    """A signature whose CMS blob was parsed and whose bytes remain to be checked."""

    sig: SignatureField
    len1: int
    start2: int
    end: int
    contiguous: bool
    md: str | None = None  # None when the CMS blob could not be read
    signer: Signer | None = None
    digest: bytes | None = None


def _hex_blob(gap: bytes) -> bytes:
    """The bytes of ``<3082…0000>``; the zero padding the signer reserved is dropped first."""
    hexdigits = gap[1:-1].rstrip(b"0\r\n\t ")
    if len(hexdigits) % 2:
        hexdigits += b"0"
    try:
        return binascii.unhexlify(hexdigits)
    except binascii.Error:  # line breaks inside the string: fromhex skips whitespace
        return bytes.fromhex(hexdigits.decode("ascii"))


def _read_blob(value: PdfObj, data: bytes, sig: SignatureField) -> _Pending | None:
    br = _byte_range(value)
    if br is None or len(br) != 4 or br[0] != 0 or br[1] < 0 or br[2] < br[1] or br[3] < 0:
        sig.errors.append(f"/ByteRange is missing or malformed: {br}")
        return None
    _, len1, start2, len2 = br
    end = start2 + len2
    raw_gap = data[len1:start2]
    gap = raw_gap.strip()
    if not (gap.startswith(b"<") and gap.endswith(b">")):
        sig.errors.append("/ByteRange does not frame the signature's /Contents")
        return None
    try:
        blob = _hex_blob(gap)
    except ValueError:
        sig.errors.append("/Contents is not a hex string")
        return None

    complete = end <= len(data)
    if not complete:
        sig.errors.append("/ByteRange reaches past the end of the file")
    todo = _Pending(sig, len1, start2, end, raw_gap == gap) if complete else None

    try:
        signer = read_signer(blob)
    except Exception as exc:
        sig.errors.append(f"the CMS signature cannot be read ({_short(exc)})")
        return todo

    try:
        (sig.common_name, sig.organisation, sig.email,
         sig.certificate_issuer) = _cert_names(signer.cert_der)
    except Exception as exc:
        sig.errors.append(f"the signer certificate cannot be read ({_short(exc)})")
    try:
        sig.cms_time = signing_time(signer)
    except Exception as exc:
        sig.errors.append(f"the CMS signing time cannot be read ({_short(exc)})")
    try:
        stamp = signature_timestamp(signer)
        if stamp is not None:
            sig.timestamp_time = stamp.time
            if hashlib.new(stamp.algorithm, signer.signature).digest() != stamp.imprint:
                sig.errors.append("the timestamp token does not match the signature it stamps")
    except Exception as exc:
        sig.errors.append(f"the timestamp token cannot be read ({_short(exc)})")

    if todo is not None:
        todo.md, todo.signer = signer.digest_algorithm, signer
    return todo


@lru_cache(maxsize=512)
def _cert_names(der: bytes) -> tuple[str | None, str | None, str | None, str | None]:
    """Common name, organisation, e-mail and issuer of a certificate (cached: one office's
    certificate signs many letters)."""
    from asn1crypto import x509

    cert = x509.Certificate.load(der)
    subject = cert.subject.native
    email = subject.get("email_address")
    issuer = cert.issuer.native
    return (
        subject.get("common_name"),
        subject.get("organization_name"),
        email[0] if isinstance(email, list) else email,
        issuer.get("common_name") or issuer.get("organization_name"),
    )


def _verify(todo: _Pending, data: bytes) -> None:
    sig = todo.sig
    signer, md = todo.signer, todo.md
    if todo.digest is None or signer is None or md is None:  # the blob could not be read
        return
    try:
        if signer.content_type == "tst_info" and signer.content is not None:
            # a document timestamp: the token is the signature
            stamp = tst_info(signer.content)
            sig.timestamp_time = stamp.time
            ranged = todo.digest if stamp.algorithm == md else _RangeHasher(data).digest(
                stamp.algorithm, todo.len1, todo.start2, todo.end
            )
            check = check_signer(signer, "tst_info", hashlib.new(md, signer.content).digest())
            sig.intact = check.digest_ok and check.signature_ok and ranged == stamp.imprint
            if check.problem:
                sig.errors.append(check.problem)
            elif not sig.intact:
                sig.errors.append("the signed bytes were changed: the timestamp's imprint "
                                  "no longer matches")
            return
        check = check_signer(signer, "data", todo.digest)
        sig.intact = check.digest_ok and check.signature_ok
        if check.problem:
            sig.errors.append(check.problem)
    except Exception as exc:
        sig.intact = False
        sig.errors.append(f"the signature cannot be verified ({_short(exc)})")


class _RangeHasher:
    """Digests of ``data[:len1] + data[start2:end]`` for signatures taken in ``len1`` order:
    the shared prefix is hashed once per algorithm and copied at each signature."""

    def __init__(self, data: bytes) -> None:
        self.view = memoryview(data)
        self.running: dict[str, tuple[hashlib._Hash, int]] = {}

    def digest(self, md: str, len1: int, start2: int, end: int) -> bytes:
        h, pos = self.running.get(md) or (hashlib.new(md), 0)
        if len1 < pos:  # out of order: hash this one on its own
            h, pos = hashlib.new(md), 0
        h.update(self.view[pos:len1])
        self.running[md] = (h, len1)
        mine = h.copy()
        mine.update(self.view[start2:end])
        return mine.digest()


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
