"""The CMS check against pyHanko's, on every signature of the signed samples and the real
e-office letters, and the ways a signature can fail it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

from pipeline.signatures.cms import asn1_signer, check_signer, read_signer
from pipeline.signatures.embedded import _hex_blob
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
    # the samples' six readable signatures; the real letters' ten when ../shared is here
    assert len(sigs) - len(real) == 6 and (len(real) == 10 or not TEXT_PDFS.exists())
    for name, signer, digest in sigs:
        ours = check_signer(signer, "data", digest)
        digest_ok, sig_ok = validate_sig_integrity(*asn1_signer(signer), "data", digest)
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
    swapped = dataclasses.replace(signer, cert_der=other.cert_der)
    check = check_signer(swapped, "data", digest)
    assert check.digest_ok and not check.signature_ok
    assert "another certificate" in check.problem


def test_a_changed_signature_value_does_not_verify(one):
    signer, digest = one
    value = bytearray(signer.signature)
    value[10] ^= 0xFF
    check = check_signer(dataclasses.replace(signer, signature=bytes(value)), "data", digest)
    assert check.digest_ok and not check.signature_ok
    assert check.problem == "the signature value does not verify against the certificate"


def test_the_wrong_content_type_fails(one):
    signer, digest = one
    check = check_signer(signer, "tst_info", digest)
    assert check.digest_ok and not check.signature_ok
    assert "another content type" in check.problem


# ------------------------------------------------- the other algorithms, on blobs built here

def _blob(key, algorithm: str, content: bytes, *, signed_attrs: bool = True) -> bytes:
    """A detached CMS SignedData over ``content``, signed here with ``key`` under a
    self-signed certificate: ``algorithm`` is ``pkcs1``, ``pss``, ``ecdsa`` or ``ed25519``."""
    from asn1crypto import algos, cms, x509
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from cryptography.x509.oid import NameOID

    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "Văn thư thử")])
    now = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    builder = (cx509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(key.public_key()).serial_number(4242)
               .not_valid_before(now).not_valid_after(now + dt.timedelta(days=365)))
    cert_der = builder.sign(key, None if algorithm == "ed25519" else hashes.SHA256()).public_bytes(
        serialization.Encoding.DER)
    cert = x509.Certificate.load(cert_der)
    digest = hashlib.sha256(content).digest()
    attrs = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute({"type": "message_digest", "values": [digest]}),
    ])
    to_sign = attrs.dump() if signed_attrs else content
    if algorithm == "pkcs1":
        value = key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
        sig_alg = {"algorithm": "sha256_rsa"}
    elif algorithm == "pss":
        value = key.sign(to_sign, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
        sig_alg = {"algorithm": "rsassa_pss", "parameters": algos.RSASSAPSSParams({
            "hash_algorithm": {"algorithm": "sha256"},
            "mask_gen_algorithm": {"algorithm": "mgf1",
                                   "parameters": {"algorithm": "sha256"}},
            "salt_length": 32,
        })}
    elif algorithm == "ecdsa":
        value = key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
        sig_alg = {"algorithm": "sha256_ecdsa"}
    else:
        value = key.sign(to_sign)
        sig_alg = {"algorithm": "ed25519"}
    info = {
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": {
            "issuer": cert.issuer, "serial_number": cert.serial_number}}),
        "digest_algorithm": {"algorithm": "sha256"},
        "signature_algorithm": sig_alg,
        "signature": value,
    }
    if signed_attrs:
        info["signed_attrs"] = attrs
    signed = cms.SignedData({
        "version": "v1", "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "data"},
        "certificates": [cert], "signer_infos": [info],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def _keys():
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {"pkcs1": rsa_key, "pss": rsa_key, "ecdsa": ec.generate_private_key(ec.SECP256R1()),
            "ed25519": ed25519.Ed25519PrivateKey.generate()}


@pytest.mark.parametrize("algorithm", ["pkcs1", "pss", "ecdsa", "ed25519"])
def test_each_algorithm_verifies_and_catches_changes(algorithm):
    content = "Số: 12/QĐ-UBND".encode()
    blob = _blob(_keys()[algorithm], algorithm, content)
    signer = read_signer(blob)
    good = check_signer(signer, "data", hashlib.sha256(content).digest())
    assert (good.digest_ok, good.signature_ok, good.problem) == (True, True, None)
    changed = check_signer(signer, "data", hashlib.sha256(content + b"!").digest())
    assert not changed.digest_ok and "digest no longer matches" in changed.problem
    value = bytearray(signer.signature)
    value[5] ^= 0x01
    forged = check_signer(dataclasses.replace(signer, signature=bytes(value)), "data",
                          hashlib.sha256(content).digest())
    assert forged.digest_ok and not forged.signature_ok


def test_a_signature_without_signed_attributes_is_over_the_content():
    content = "Số: 12/QĐ-UBND".encode()
    signer = read_signer(_blob(_keys()["pkcs1"], "pkcs1", content, signed_attrs=False))
    assert signer.attrs_der is None
    assert check_signer(signer, "data", hashlib.sha256(content).digest()).signature_ok
    wrong = check_signer(signer, "data", hashlib.sha256(b"other").digest())
    assert not wrong.digest_ok and not wrong.signature_ok


# ---------------------------------------------- reading: the same values as asn1crypto's

def test_times_and_tokens_read_as_asn1crypto_reads_them():
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    from pipeline.signatures.cms import signature_timestamp, signing_time

    stamped = 0
    for name, signer, _ in all_signatures():
        info, cert = asn1_signer(signer)
        assert signer.cert_der == cert.dump(), name
        assert signer.digest_algorithm == info["digest_algorithm"]["algorithm"].native
        attrs = {a["type"].native: a["values"] for a in info["signed_attrs"]}
        expected = attrs["signing_time"][0].native if "signing_time" in attrs else None
        assert signing_time(signer) == expected, name
        tokens = [t["encap_content_info"]["content"].parsed
                  for t in extract_tst_data_iter(info, signed=False)]
        stamp = signature_timestamp(signer)
        if not tokens:
            assert stamp is None, name
            continue
        stamped += 1
        imprint = tokens[0]["message_imprint"]
        assert (stamp.time, stamp.algorithm, stamp.imprint) == (
            tokens[0]["gen_time"].native, imprint["hash_algorithm"]["algorithm"].native,
            imprint["hashed_message"].native), name
    assert stamped >= 1  # the PAdES sample carries a token from the local test TSA


def test_algorithms_not_checked_here_go_to_pyhanko(one, monkeypatch):
    """With no algorithm of its own, every check is pyHanko's, with the same verdicts, and
    a changed value is still caught."""
    from pipeline.signatures import cms as cmsverify

    sigs = all_signatures()
    ours = [check_signer(s, "data", d) for _, s, d in sigs]
    monkeypatch.setattr(cmsverify, "SIGNATURES", {})
    theirs = [check_signer(s, "data", d) for _, s, d in sigs]
    assert [(c.digest_ok, c.signature_ok) for c in theirs] == [
        (c.digest_ok, c.signature_ok) for c in ours]
    signer, digest = one
    assert check_signer(signer, "data", digest).signature_ok
    value = bytearray(signer.signature)
    value[10] ^= 0xFF
    forged = check_signer(dataclasses.replace(signer, signature=bytes(value)), "data", digest)
    assert forged.digest_ok and not forged.signature_ok


def _indefinite(blob: bytes) -> bytes:
    """The same ContentInfo with its outer SEQUENCE and [0] wrapper in BER's indefinite
    length form, as some signing tools write them."""
    from pipeline.signatures import der

    outer = der.read(blob)
    oid, wrapper = outer.children()
    inner = wrapper.children()[0]
    return (b"\x30\x80" + oid.raw + b"\xa0\x80" + inner.raw + b"\x00\x00" + b"\x00\x00")


def test_indefinite_lengths_are_read(one):
    signer, digest = one
    again = read_signer(_indefinite(signer.blob))

    def seen(s):
        return (s.cert_der, s.attrs_der, s.digest_algorithm, s.signature_algorithm, s.signature,
                s.content_type, s.content, {k: [e.raw for e in v] for k, v in s.attrs.items()})

    assert seen(again) == seen(signer)
    assert check_signer(again, "data", digest).signature_ok


def test_a_blob_that_is_not_cms_is_refused():
    with pytest.raises(ValueError, match="not a CMS signature"):
        read_signer(b"\x30\x03\x02\x01\x01")
