"""Writes the signed sample letters in ``samples/signed``.

E-office PDFs are signed several times, and the signing system draws part of the letter: the
number over the blank of ``Số:        /TB-VP``, the day over ``ngày       tháng 9``, and a
stamp with the signer and the time. These samples rebuild that on the generated letters with
self-signed certificates and a local test timestamp authority, so that every case of the
signatures step has a file:

- ``tb-vp-stamped.pdf``: four signatures in four revisions: the signer's (PAdES, invisible),
  the office's number stamp ``127`` and day stamp ``15`` (PAdES, visible, over the blanks),
  and the information centre's stamp (``adbe.pkcs7.detached``, visible, with an RFC 3161
  timestamp token from the local TSA);
- ``cv-sxd-modified.pdf``: signed, then a line of text added to page 1 in a later revision;
- ``qd-ubnd-tampered.pdf``: signed, then one byte inside the signed range changed in place;
- ``qd-ubnd-corrupt.pdf``: signed, then the signature blob overwritten with garbage.

pyHanko stamps the current time, so the files differ on every run: regenerate the golden
records after running this (``make regen-samples`` does both).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pymupdf
from asn1crypto import keys as a_keys
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "samples" / "generated"
OUT = ROOT / "samples" / "signed"


def _identity(common_name: str, organisation: str, email: str | None = None, tsa: bool = False):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    name = x509.Name(attrs)
    now = dt.datetime.now(dt.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    cert = builder.sign(key, hashes.SHA256())
    a_cert = a_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    a_key = a_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return a_cert, a_key


def _signer(cert, key) -> signers.SimpleSigner:
    return signers.SimpleSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs([cert])
    )


def _font_file(tmp: Path) -> str:
    path = tmp / "NotoSans-Regular.ttf"
    path.write_bytes(pymupdf.Font("notos").buffer)
    return str(path)


def _stamp(font: str, text: str, size: int) -> TextStampStyle:
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(font, font_size=size)),
        border_width=0,
        background=None,
        timestamp_format="%d.%m.%Y %H:%M:%S %z",
    )


def _sign(
    data: bytes,
    signer: signers.SimpleSigner,
    field: str,
    subfilter: SigSeedSubFilter,
    box: tuple[float, float, float, float] | None = None,
    page: int = 0,
    style: TextStampStyle | None = None,
    timestamper: DummyTimeStamper | None = None,
    name: str | None = None,
) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=subfilter, md_algorithm="sha256", name=name
    )
    spec = SigFieldSpec(field, on_page=page, box=box) if box else SigFieldSpec(field)
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=style, new_field_spec=spec
    )
    out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)))
    return out.getvalue()


def _pdf_box(page: pymupdf.Page, rect: pymupdf.Rect) -> tuple[float, float, float, float]:
    """A box in PDF user space (origin bottom left) from a PyMuPDF rectangle."""
    h = page.rect.height
    return (rect.x0, h - rect.y1, rect.x1, h - rect.y0)


def _blanks(data: bytes) -> tuple[tuple, tuple]:
    """Boxes over the blank number and the blank day of the generated thông báo."""
    doc = pymupdf.open(stream=data, filetype="pdf")
    page = doc[0]
    so = page.search_for("Số:")[0]
    slash = page.search_for("/TB-VP")[0]
    ngay = page.search_for("ngày")[0]
    thang = page.search_for("tháng")[0]
    number = pymupdf.Rect(so.x1 + 1, so.y0, slash.x0, so.y1)
    day = pymupdf.Rect(ngay.x1 + 1, ngay.y0, thang.x0 - 1, ngay.y1)
    return _pdf_box(page, number), _pdf_box(page, day)


def stamped_letter(font: str) -> bytes:
    data = (GENERATED / "tb-vp-blank.pdf").read_bytes()
    number_box, day_box = _blanks(data)
    office_name = "VĂN PHÒNG UBND THÀNH PHỐ HÀ NỘI"
    person = _signer(*_identity("Phạm Quốc Toản", office_name, "pqtoan@hanoi.gov.vn"))
    office = _signer(*_identity("Văn phòng UBND thành phố Hà Nội", "Thành phố Hà Nội"))
    centre = _signer(*_identity("TRUNG TÂM TIN HỌC - CÔNG BÁO", office_name, "ttcb@hanoi.gov.vn"))
    tsa = DummyTimeStamper(*_identity("Vanthu Test TSA", "Test", tsa=True))
    pades = SigSeedSubFilter.PADES
    data = _sign(data, person, "SignService-Signature", pades, name="Phạm Quốc Toản")
    data = _sign(data, office, "Signature1", pades, number_box, 0, _stamp(font, "127", 11))
    data = _sign(data, office, "Signature2", pades, day_box, 0, _stamp(font, "15", 11))
    centre_text = "TRUNG TÂM TIN HỌC - CÔNG BÁO\nttcb@hanoi.gov.vn\n%(ts)s"
    return _sign(
        data, centre, "Signature3", SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        (400, 790, 580, 835), 0, _stamp(font, centre_text, 7), timestamper=tsa,
    )


def modified_letter(font: str) -> bytes:
    data = (GENERATED / "cv-sxd-1204.pdf").read_bytes()
    signer = _signer(
        *_identity("Trần Thị Mai", "SỞ XÂY DỰNG TỈNH BÌNH ĐỊNH", "ttmai@binhdinh.gov.vn")
    )
    stamp = "Ký bởi: Trần Thị Mai\nCơ quan: Sở Xây dựng tỉnh Bình Định\nThời gian ký: %(ts)s"
    data = _sign(
        data, signer, "Signature1", SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        (380, 780, 580, 830), 0, _stamp(font, stamp, 7),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "signed.pdf"
        path.write_bytes(data)
        doc = pymupdf.open(path)
        doc[0].insert_text((70, 800), "Ban sao", fontsize=9)  # content added after signing
        doc.saveIncr()
        doc.close()
        return path.read_bytes()


def _signed_decision() -> bytes:
    data = (GENERATED / "qd-ubnd-256.pdf").read_bytes()
    signer = _signer(*_identity("Ủy ban nhân dân tỉnh Lâm Đồng", "Tỉnh Lâm Đồng"))
    return _sign(data, signer, "Signature1", SigSeedSubFilter.PADES)


def tampered_letter() -> bytes:
    data = bytearray(_signed_decision())
    at = data.find(b"/Producer")
    assert at > 0, "the generated letter has no /Producer entry to change"
    data[at + 12] ^= 0x01  # one character of the producer name, inside the signed range
    return bytes(data)


def corrupt_letter() -> bytes:
    data = bytearray(_signed_decision())
    start = data.rfind(b"/Contents <") + len(b"/Contents <")
    data[start + 40 : start + 240] = b"0" * 200  # ASN.1 of the CMS blob no longer parses
    return bytes(data)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        font = _font_file(Path(tmp))
        files = {
            "tb-vp-stamped.pdf": stamped_letter(font),
            "cv-sxd-modified.pdf": modified_letter(font),
            "qd-ubnd-tampered.pdf": tampered_letter(),
            "qd-ubnd-corrupt.pdf": corrupt_letter(),
        }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT.relative_to(ROOT) / name} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
