"""Checking a CMS signer's signature against the digest of the signed bytes.

Every e-office letter carries several signatures (five on ``TB 11/TB-UBND`` of Quảng Ninh:
the chairman, the office, the publication centre and two numbering stamps), so the check
runs several times per document. pyHanko's ``validate_sig_integrity`` spends most of its
time matching the ``signingCertificateV2`` attribute by issuer name, which asn1crypto compares
after LDAP string preparation of every name component. Here the attribute is matched by the
certificate's hash (which is what it stores) and the signature value is checked by
``cryptography`` directly. Algorithms other than RSA (PKCS#1 v1.5 and PSS), ECDSA and Ed25519
are handed to pyHanko.

The checks, in order, each answering one question of the archivist:

1. ``messageDigest`` equals the digest of the signed byte range: the bytes were not changed;
2. ``contentType`` names the signed content's type;
3. the signing-certificate attribute, when present, names the certificate that signed;
4. the signature value verifies under that certificate's public key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Check:
    """``digest_ok``: the signed bytes match; ``signature_ok``: the signer's signature over
    them verifies; ``problem``: why not, when either is false."""

    digest_ok: bool
    signature_ok: bool
    problem: str | None = None


class Unsupported(Exception):
    """An algorithm this module does not check itself."""


@dataclass(slots=True)
class Signer:
    """The first signer of a CMS ``SignedData``, with the raw bytes the checks need taken
    before anything is read from it (see :func:`signed_attributes_der`)."""

    signed_data: Any
    info: Any  # asn1crypto SignerInfo
    cert: Any  # asn1crypto Certificate named by the signer's sid
    cert_der: bytes
    attrs_der: bytes | None  # None: no signed attributes
    attrs: dict[str, Any]  # signed attribute type → its values
    digest_algorithm: str


def read_signer(blob: bytes) -> Signer:
    """The signer of a DER ``ContentInfo`` holding ``SignedData``; raises on a blob that
    is not one."""
    # pyHanko names the attributes asn1crypto lacks (signingCertificateV2, the timestamp
    # token) on import; before the first parse, so that asn1crypto's name cache holds them
    import pyhanko.sign.general  # noqa: F401
    from asn1crypto import cms

    signed_data = cms.ContentInfo.load(blob, strict=False)["content"]
    infos = signed_data["signer_infos"]
    if len(infos) != 1:  # a PDF signature has exactly one signer (ISO 32000-2, 12.8.3.3)
        raise ValueError(f"the CMS blob holds {len(infos)} signers, not one")
    info = infos[0]
    attrs_der = signed_attributes_der(info)  # first: see its docstring
    cert = _signer_cert(signed_data, info)
    cert_der = cert.dump()
    attrs = {} if attrs_der is None else {
        attr["type"].native: attr["values"] for attr in info["signed_attrs"]
    }
    return Signer(signed_data, info, cert, cert_der, attrs_der, attrs,
                  info["digest_algorithm"]["algorithm"].native)


def _signer_cert(signed_data: Any, info: Any) -> Any:
    """The certificate named by the signer's ``sid``: matched on serial number and issuer
    bytes, or on key identifier; pyHanko's general lookup when neither matches."""
    sid = info["sid"]
    certs = [c.chosen for c in signed_data["certificates"] if c.name == "certificate"]
    if sid.name == "issuer_and_serial_number":
        serial = sid.chosen["serial_number"].native
        issuer = sid.chosen["issuer"].dump()
        for cert in certs:
            tbs = cert["tbs_certificate"]
            if tbs["serial_number"].native == serial and tbs["issuer"].dump() == issuer:
                return cert
    elif sid.name == "subject_key_identifier":
        for cert in certs:
            if cert.key_identifier == sid.chosen.native:
                return cert
    from pyhanko.sign.validation.generic_cms import extract_certs_for_validation

    return extract_certs_for_validation(signed_data).signer_cert


def signed_attributes_der(signer_info: Any) -> bytes | None:
    """The DER bytes of the signed attributes, as the signer hashed them. Take them before
    reading any attribute: asn1crypto marks a value changed once its algorithm parameters
    are read, and then re-encodes the whole set (a few ms when it holds revocation data)."""
    from asn1crypto.core import Void

    attrs = signer_info["signed_attrs"]
    if isinstance(attrs, Void):
        return None
    der = attrs.dump()
    return b"\x31" + der[1:]  # a SET OF, not its [0] IMPLICIT tag


def check_signer(signer: Signer, content_type: str, digest: bytes) -> Check:
    """Check that ``signer`` signed content of ``content_type`` (``"data"``, ``"tst_info"``)
    whose digest is ``digest``."""
    try:
        return _check(signer, content_type, digest)
    except Unsupported:
        from pyhanko.sign.validation.generic_cms import validate_sig_integrity

        digest_ok, sig_ok = validate_sig_integrity(signer.info, signer.cert, content_type,
                                                   digest)
        return Check(bool(digest_ok), bool(sig_ok), None if digest_ok and sig_ok else (
            "the signed bytes were changed: their digest no longer matches" if not digest_ok
            else "the signature value does not verify against the certificate"
        ))


def _check(signer: Signer, content_type: str, digest: bytes) -> Check:
    if signer.attrs_der is None:  # no signed attributes: the signature is over the content
        ok = _verify_value(signer, digest, prehashed=True)
        return Check(ok, ok, None if ok else "the signature does not verify: the signed "
                     "bytes or the signature value were changed")

    values = signer.attrs
    message_digest = values.get("message_digest")
    digest_ok = bool(message_digest) and message_digest[0].native == digest
    changed = None if digest_ok else "the signed bytes were changed: their digest no longer matches"
    declared = values.get("content_type")
    if declared is None or declared[0].native != content_type:
        return Check(digest_ok, False, changed or "the signed attributes name another content type")
    if not _names_certificate(values, signer.cert_der):
        return Check(digest_ok, False,
                     changed or "the signing-certificate attribute names another certificate")
    ok = _verify_value(signer, signer.attrs_der, prehashed=False)
    return Check(digest_ok, ok, changed or (None if ok else _BAD_VALUE))


_BAD_VALUE = "the signature value does not verify against the certificate"


def _names_certificate(values: dict[str, Any], cert_der: bytes) -> bool:
    """ESS ``signingCertificate(V2)``: its first certificate ID must hash to ``cert``."""
    for key, default in (("signing_certificate_v2", "sha256"), ("signing_certificate", "sha1")):
        attr = values.get(key)
        if not attr:
            continue
        ids = attr[0]["certs"]
        if len(ids) == 0:
            return True
        cert_id = ids[0]
        algo = default
        if key == "signing_certificate_v2":
            algo = cert_id["hash_algorithm"]["algorithm"].native
        return hashlib.new(algo, cert_der).digest() == cert_id["cert_hash"].native
    return True


def _verify_value(signer: Signer, message: bytes, *, prehashed: bool) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

    md = signer.digest_algorithm
    algorithm = signer.info["signature_algorithm"]
    kind = algorithm.signature_algo
    key = _public_key(signer.cert_der)
    value = signer.info["signature"].native
    if kind == "rsassa_pss":
        params = algorithm["parameters"]
        hash_name = params["hash_algorithm"]["algorithm"].native
    else:
        try:
            hash_name = algorithm.hash_algo
        except ValueError:  # plain "rsa" / "ecdsa": the hash is the digest algorithm
            hash_name = md
    chosen = _hashes().get(hash_name)
    if chosen is None:
        raise Unsupported(hash_name)
    hash_ = chosen()
    if prehashed and hash_name != md:
        raise Unsupported(f"{hash_name} over a {md} digest")
    data_hash = utils.Prehashed(hash_) if prehashed else hash_
    try:
        if kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(value, message, padding.PKCS1v15(), data_hash)
        elif kind == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            mgf_hash = _hashes()[params["mask_gen_algorithm"]["parameters"]["algorithm"].native]
            pss = padding.PSS(mgf=padding.MGF1(mgf_hash()),
                              salt_length=params["salt_length"].native)
            key.verify(value, message, pss, data_hash)
        elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(value, message, ec.ECDSA(data_hash))
        elif kind == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey) and not prehashed:
            key.verify(value, message)
        else:
            raise Unsupported(kind)
    except InvalidSignature:
        return False
    return True


@lru_cache(maxsize=1)
def _hashes() -> dict[str, Any]:
    from cryptography.hazmat.primitives import hashes

    return {
        "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
        "sha384": hashes.SHA384, "sha512": hashes.SHA512,
        "sha3_256": hashes.SHA3_256, "sha3_384": hashes.SHA3_384, "sha3_512": hashes.SHA3_512,
    }


@lru_cache(maxsize=512)
def _public_key(cert_der: bytes) -> Any:
    """The certificate's public key (cached: one office's key signs many letters)."""
    from cryptography.x509 import load_der_x509_certificate

    return load_der_x509_certificate(cert_der).public_key()
