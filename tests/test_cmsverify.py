"""The CMS check against pyHanko's, on every signature of the signed samples and the real
e-office letters, and the ways a signature can fail it."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

from pipeline.readers.cmsverify import check_signer, read_signer
from pipeline.readers.pdfsig import _hex_blob
from tests.conftest import ROOT, SAMPLES

TEXT_PDFS = ROOT.parent / "shared" / "corpus" / "text-pdf"
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def signatures(path: Path):
    """(name, signer, digest of the signed range) for each readable signature of a file."""
    data = path.read_bytes()
    out = []
    for k, m in enumerate(_BYTE_RANGE.finditer(data)):
        len1, start2, len2 = map(int, m.groups())
        try:
            signer = read_signer(_hex_blob(data[len1:start2].strip()))
        except Exception:  # the corrupt sample: its blob is not CMS
            continue
        h = hashlib.new(signer.digest_algorithm)
        h.update(data[:len1])
        h.update(data[start2:start2 + len2])
        out.append((f"{path.name}#{k}", signer, h.digest()))
    return out


def all_signatures():
    files = sorted((SAMPLES / "signed").glob("*.pdf")) + sorted(TEXT_PDFS.glob("*.pdf"))
    return [s for f in files for s in signatures(f)]


def test_the_check_agrees_with_pyhanko_on_every_signature():
    sigs = all_signatures()
    real = [s for s in sigs if s[0].startswith("qn-")]
    assert len(sigs) >= 7 and (real or not TEXT_PDFS.exists())
    for name, signer, digest in sigs:
        ours = check_signer(signer, "data", digest)
        digest_ok, sig_ok = validate_sig_integrity(signer.info, signer.cert, "data", digest)
        assert (ours.digest_ok, ours.signature_ok) == (digest_ok, sig_ok), name
    # the tampered sample is the one whose digest fails; the others all verify
    failing = [name for name, s, d in sigs if not check_signer(s, "data", d).digest_ok]
    assert failing == ["qd-ubnd-tampered.pdf#0"]


@pytest.fixture()
def one():
    name, signer, digest = next(s for s in all_signatures() if s[0].startswith("tb-vp"))
    return signer, digest


def test_changed_bytes_fail_on_the_digest(one):
    signer, digest = one
    check = check_signer(signer, "data", bytes(len(digest)))
    # the signer's signature over its attributes still holds; the bytes do not match them
    assert (check.digest_ok, check.signature_ok) == (False, True)
    assert "digest no longer matches" in check.problem


def test_another_certificate_fails_the_signing_certificate_attribute(one):
    signer, digest = one
    other = next(s for n, s, _ in all_signatures() if s.cert_der != signer.cert_der)
    swapped = dataclasses.replace(signer, cert=other.cert, cert_der=other.cert_der)
    check = check_signer(swapped, "data", digest)
    assert check.digest_ok and not check.signature_ok
    assert "another certificate" in check.problem


def test_a_changed_signature_value_does_not_verify(one):
    signer, digest = one
    value = bytearray(signer.info["signature"].native)
    value[10] ^= 0xFF
    info = signer.info.copy()
    info["signature"] = bytes(value)
    check = check_signer(dataclasses.replace(signer, info=info), "data", digest)
    assert check.digest_ok and not check.signature_ok
    assert check.problem == "the signature value does not verify against the certificate"


def test_the_wrong_content_type_fails(one):
    signer, digest = one
    check = check_signer(signer, "tst_info", digest)
    assert check.digest_ok and not check.signature_ok
    assert "another content type" in check.problem
