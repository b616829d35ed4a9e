"""Reading a CMS signer and checking its signature against the digest of the signed bytes.

Every e-office letter carries several signatures (five on ``TB 11/TB-UBND`` of Quảng Ninh:
the chairman, the office, the publication centre and two numbering stamps), so this runs
several times per document. The blob is walked with :mod:`pipeline.signatures.der`, decoding
only what the record and the checks need; the signature value is checked by
``cryptography``. pyHanko's ``validate_sig_integrity`` is used for algorithms other than
RSA (PKCS#1 v1.5 and PSS), ECDSA and Ed25519.

The checks, in order, each answering one question of the archivist:

1. ``messageDigest`` equals the digest of the signed byte range: the bytes were not changed;
2. ``contentType`` names the signed content's type;
3. the signing-certificate attribute, when present, names the certificate that signed (by
   its hash, which is what the attribute stores);
4. the signature value verifies under that certificate's public key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.signatures import der
from pipeline.signatures.der import OCTET_STRING, SEQUENCE, SET, DerError, Element

# object identifiers (RFC 5652, 5035, 3161, 8017, 5758, 8410)
SIGNED_DATA = "1.2.840.113549.1.7.2"
CONTENT_TYPES = {"data": "1.2.840.113549.1.7.1", "tst_info": "1.2.840.113549.1.9.16.1.4"}
_CONTENT_NAMES = {v: k for k, v in CONTENT_TYPES.items()}
CONTENT_TYPE = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
SIGNING_TIME = "1.2.840.113549.1.9.5"
SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12"
SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"
TIMESTAMP_TOKEN = "1.2.840.113549.1.9.16.2.14"
DIGESTS = {
    "1.2.840.113549.2.5": "md5", "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224", "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
    "2.16.840.1.101.3.4.2.5": "sha512_224", "2.16.840.1.101.3.4.2.6": "sha512_256",
    "2.16.840.1.101.3.4.2.7": "sha3_224", "2.16.840.1.101.3.4.2.8": "sha3_256",
    "2.16.840.1.101.3.4.2.9": "sha3_384", "2.16.840.1.101.3.4.2.10": "sha3_512",
}
RSASSA_PSS = "1.2.840.113549.1.1.10"
MGF1 = "1.2.840.113549.1.1.8"
# signature algorithm → (kind, hash; None: the signer's digest algorithm)
SIGNATURES: dict[str, tuple[str, str | None]] = {
    "1.2.840.113549.1.1.1": ("rsassa_pkcs1v15", None),
    "1.2.840.113549.1.1.5": ("rsassa_pkcs1v15", "sha1"),
    "1.2.840.113549.1.1.14": ("rsassa_pkcs1v15", "sha224"),
    "1.2.840.113549.1.1.11": ("rsassa_pkcs1v15", "sha256"),
    "1.2.840.113549.1.1.12": ("rsassa_pkcs1v15", "sha384"),
    "1.2.840.113549.1.1.13": ("rsassa_pkcs1v15", "sha512"),
    RSASSA_PSS: ("rsassa_pss", None),
    "1.2.840.10045.2.1": ("ecdsa", None),
    "1.2.840.10045.4.1": ("ecdsa", "sha1"),
    "1.2.840.10045.4.3.1": ("ecdsa", "sha224"),
    "1.2.840.10045.4.3.2": ("ecdsa", "sha256"),
    "1.2.840.10045.4.3.3": ("ecdsa", "sha384"),
    "1.2.840.10045.4.3.4": ("ecdsa", "sha512"),
    "1.3.101.112": ("ed25519", None),
}


@dataclass(frozen=True, slots=True)
class Check:
    """``digest_ok``: the signed bytes match; ``signature_ok``: the signer's signature over
    them verifies; ``problem``: why not, when either is false."""

    digest_ok: bool
    signature_ok: bool
    problem: str | None = None


class Unsupported(Exception):
    """An algorithm this module does not check itself."""


@dataclass(frozen=True, slots=True)
class Timestamp:
    """An RFC 3161 ``TSTInfo``: when, and the digest of what it stamps."""

    time: dt.datetime
    algorithm: str  # hashlib name, or the dotted identifier of an unknown one
    imprint: bytes


@dataclass(slots=True)
class Signer:
    """The one signer of a CMS ``SignedData``, with the raw bytes the checks need."""

    blob: bytes
    cert_der: bytes  # the certificate named by the signer's identifier
    attrs_der: bytes | None  # the signed attributes as signed (a DER SET); None: none
    attrs: dict[str, list[Element]]  # signed attribute identifier → its values
    unsigned_attrs: dict[str, list[Element]]
    digest_algorithm: str  # hashlib name
    signature_algorithm: str  # dotted identifier
    signature_parameters: Element | None
    signature: bytes
    content_type: str  # "data", "tst_info", or a dotted identifier
    content: bytes | None  # the encapsulated content; None when detached


def _algorithm(element: Element) -> tuple[str, Element | None]:
    """An ``AlgorithmIdentifier``: its identifier and its parameters (None when absent or
    NULL)."""
    parts = der.expect(element, SEQUENCE).children()
    params = parts[1] if len(parts) > 1 and parts[1].tag != der.NULL else None
    return der.oid(parts[0]), params


def _digest_name(element: Element) -> str:
    identifier, _ = _algorithm(element)
    return DIGESTS.get(identifier, identifier)


def _attributes(element: Element) -> dict[str, list[Element]]:
    out: dict[str, list[Element]] = {}
    for attr in element.children():
        kind, values = der.expect(attr, SEQUENCE).children()[:2]
        out.setdefault(der.oid(kind), []).extend(der.expect(values, SET).children())
    return out


def read_signer(blob: bytes) -> Signer:
    """The signer of a DER ``ContentInfo`` holding ``SignedData``; raises on a blob that
    is not one."""
    try:
        return _read_signer(blob)
    except IndexError:
        raise ValueError("not a CMS signature: a part of its structure is missing") from None
    except (DerError, ValueError) as exc:
        raise ValueError(f"not a CMS signature: {exc}") from None


def _signed_data(blob: bytes) -> tuple[list[Element], str, bytes | None]:
    """The parts of a ``ContentInfo`` holding ``SignedData`` (version, digestAlgorithms,
    encapContentInfo, [0] certificates, [1] crls, signerInfos), the encapsulated content's
    type and the content (None when detached)."""
    info = der.expect(der.read(blob), SEQUENCE).children()
    if der.oid(info[0]) != SIGNED_DATA:
        raise ValueError("the blob is not CMS SignedData")
    signed = der.expect(der.expect(info[1], 0xA0).children()[0], SEQUENCE).children()
    eci = der.expect(signed[2], SEQUENCE).children()
    content_type = der.oid(eci[0])
    content = der.octets(eci[1].children()[0]) if len(eci) > 1 else None
    return signed, _CONTENT_NAMES.get(content_type, content_type), content


def _read_signer(blob: bytes) -> Signer:
    signed, content_type, content = _signed_data(blob)
    certificates = [e for e in signed[3:-1] if e.tag == 0xA0]
    infos = der.expect(signed[-1], SET).children()
    if len(infos) != 1:  # a PDF signature has exactly one signer (ISO 32000-2, 12.8.3.3)
        raise ValueError(f"the CMS blob holds {len(infos)} signers, not one")
    parts = der.expect(infos[0], SEQUENCE).children()
    # version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1]
    sid, digest = parts[1], parts[2]
    rest = parts[3:]
    signed_attrs = rest.pop(0) if rest and rest[0].tag == 0xA0 else None
    sig_alg, value = rest[0], rest[1]
    unsigned = rest[2] if len(rest) > 2 and rest[2].tag == 0xA1 else None
    algorithm, params = _algorithm(sig_alg)
    return Signer(
        blob=blob,
        cert_der=_signer_cert(certificates[0].children() if certificates else [], sid, blob),
        attrs_der=None if signed_attrs is None else b"\x31" + signed_attrs.raw[1:],
        attrs={} if signed_attrs is None else _attributes(signed_attrs),
        unsigned_attrs={} if unsigned is None else _attributes(unsigned),
        digest_algorithm=_digest_name(digest),
        signature_algorithm=algorithm,
        signature_parameters=params,
        signature=der.octets(value),
        content_type=content_type,
        content=content,
    )


def _signer_cert(certs: list[Element], sid: Element, blob: bytes) -> bytes:
    """The certificate named by the signer's ``sid``: matched on issuer and serial number
    bytes, or on the subject key identifier."""
    candidates = [c for c in certs if c.tag == SEQUENCE]
    if sid.tag == SEQUENCE:  # issuerAndSerialNumber
        issuer, serial = sid.children()[:2]
        for cert in candidates:
            tbs = cert.children()[0].children()
            k = 1 if tbs[0].tag == 0xA0 else 0  # [0] version
            if tbs[k].raw == serial.raw and tbs[k + 2].raw == issuer.raw:
                return cert.raw
    elif sid.tag == 0x80:  # [0] subjectKeyIdentifier
        for cert in candidates:
            if _key_identifier(cert.raw) == sid.body:
                return cert.raw
    # names encoded otherwise in the identifier than in the certificate: pyHanko compares
    # them as names
    import pyhanko.sign.general  # noqa: F401 - names signingCertificateV2 for asn1crypto
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import extract_certs_for_validation

    signed_data = cms.ContentInfo.load(blob)["content"]
    return extract_certs_for_validation(signed_data).signer_cert.dump()


@lru_cache(maxsize=512)
def _key_identifier(cert_der: bytes) -> bytes | None:
    from cryptography import x509

    try:
        ext = x509.load_der_x509_certificate(cert_der).extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier)
    except (x509.ExtensionNotFound, ValueError):
        return None
    return ext.value.digest


def signing_time(signer: Signer) -> dt.datetime | None:
    """The ``signingTime`` attribute (absent in PAdES signatures)."""
    values = signer.attrs.get(SIGNING_TIME)
    return der.time(values[0]) if values else None


def tst_info(content: bytes) -> Timestamp:
    """The ``TSTInfo`` of a timestamp token's content."""
    parts = der.expect(der.read(content), SEQUENCE).children()
    # version, policy, messageImprint, serialNumber, genTime, …
    imprint = parts[2].children()
    return Timestamp(der.time(parts[4]), _digest_name(imprint[0]), der.octets(imprint[1]))


def signature_timestamp(signer: Signer) -> Timestamp | None:
    """The RFC 3161 token of the unsigned ``signatureTimeStampToken`` attribute: its time,
    and the digest of the signature value it stamps."""
    tokens = signer.unsigned_attrs.get(TIMESTAMP_TOKEN)
    if not tokens:
        return None
    _, content_type, content = _signed_data(tokens[0].raw)
    if content_type != "tst_info" or content is None:
        raise ValueError("the timestamp token holds no TSTInfo")
    return tst_info(content)


def check_signer(signer: Signer, content_type: str, digest: bytes) -> Check:
    """Check that ``signer`` signed content of ``content_type`` (``"data"``, ``"tst_info"``)
    whose digest is ``digest``."""
    try:
        return _check(signer, content_type, digest)
    except Unsupported:
        from pyhanko.sign.validation.generic_cms import validate_sig_integrity

        info, cert = asn1_signer(signer)
        digest_ok, sig_ok = validate_sig_integrity(info, cert, content_type, digest)
        return Check(bool(digest_ok), bool(sig_ok), None if digest_ok and sig_ok else (
            "the signed bytes were changed: their digest no longer matches" if not digest_ok
            else "the signature value does not verify against the certificate"
        ))


def asn1_signer(signer: Signer) -> tuple[Any, Any]:
    """asn1crypto's ``SignerInfo`` and certificate of ``signer`` (what pyHanko takes), with
    the signature value ``signer`` holds."""
    import pyhanko.sign.general  # noqa: F401 - names signingCertificateV2 for asn1crypto
    from asn1crypto import cms, x509

    info = cms.ContentInfo.load(signer.blob)["content"]["signer_infos"][0]
    if info["signature"].native != signer.signature:
        info = info.copy()
        info["signature"] = signer.signature
    return info, x509.Certificate.load(signer.cert_der)


def _check(signer: Signer, content_type: str, digest: bytes) -> Check:
    if signer.attrs_der is None:  # no signed attributes: the signature is over the content
        ok = _verify_value(signer, digest, prehashed=True)
        return Check(ok, ok, None if ok else "the signature does not verify: the signed "
                     "bytes or the signature value were changed")

    values = signer.attrs
    message_digest = values.get(MESSAGE_DIGEST)
    digest_ok = der.octets(message_digest[0]) == digest if message_digest else False
    changed = None if digest_ok else "the signed bytes were changed: their digest no longer matches"
    declared = values.get(CONTENT_TYPE)
    if declared is None or der.oid(declared[0]) != CONTENT_TYPES.get(content_type):
        return Check(digest_ok, False, changed or "the signed attributes name another content type")
    if not _names_certificate(values, signer.cert_der):
        return Check(digest_ok, False,
                     changed or "the signing-certificate attribute names another certificate")
    ok = _verify_value(signer, signer.attrs_der, prehashed=False)
    return Check(digest_ok, ok, changed or (None if ok else _BAD_VALUE))


_BAD_VALUE = "the signature value does not verify against the certificate"


def _names_certificate(values: dict[str, list[Element]], cert_der: bytes) -> bool:
    """ESS ``signingCertificate(V2)``: its first certificate ID must hash to ``cert``."""
    for key, default in ((SIGNING_CERTIFICATE_V2, "sha256"), (SIGNING_CERTIFICATE, "sha1")):
        attr = values.get(key)
        if not attr:
            continue
        ids = der.expect(attr[0], SEQUENCE).children()[0].children()
        if not ids:
            return True
        parts = ids[0].children()
        algo = default
        if parts[0].tag == SEQUENCE:  # ESSCertIDv2 with its hash algorithm named
            algo = _digest_name(parts.pop(0))
        return hashlib.new(algo, cert_der).digest() == der.expect(parts[0], OCTET_STRING).body
    return True


def _pss(params: Element | None) -> tuple[str, str, int]:
    """RSASSA-PSS parameters: hash, mask generation hash, salt length (RFC 8017's
    defaults: SHA-1, MGF1 with SHA-1, 20)."""
    hash_name, mgf_hash, salt = "sha1", "sha1", 20
    for part in params.children() if params is not None else []:
        inner = part.children()[0]
        if part.tag == 0xA0:
            hash_name = _digest_name(inner)
        elif part.tag == 0xA1:
            mgf, mgf_params = _algorithm(inner)
            if mgf != MGF1 or mgf_params is None:
                raise Unsupported(f"mask generation {mgf}")
            mgf_hash = _digest_name(mgf_params)
        elif part.tag == 0xA2:
            salt = der.integer(inner)
    return hash_name, mgf_hash, salt


def _verify_value(signer: Signer, message: bytes, *, prehashed: bool) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

    md = signer.digest_algorithm
    kind, hash_name = SIGNATURES.get(signer.signature_algorithm, (None, None))
    if kind is None:
        raise Unsupported(signer.signature_algorithm)
    if kind == "rsassa_pss":
        hash_name, mgf_hash, salt = _pss(signer.signature_parameters)
    hash_name = hash_name or md
    chosen = _hashes().get(hash_name)
    if chosen is None:
        raise Unsupported(hash_name)
    if prehashed and hash_name != md:
        raise Unsupported(f"{hash_name} over a {md} digest")
    hash_ = chosen()
    data_hash = utils.Prehashed(hash_) if prehashed else hash_
    key = _public_key(signer.cert_der)
    value = signer.signature
    try:
        if kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(value, message, padding.PKCS1v15(), data_hash)
        elif kind == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            if mgf_hash not in _hashes():
                raise Unsupported(mgf_hash)
            pss = padding.PSS(mgf=padding.MGF1(_hashes()[mgf_hash]()), salt_length=salt)
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
        "sha512_224": hashes.SHA512_224, "sha512_256": hashes.SHA512_256,
        "sha3_224": hashes.SHA3_224, "sha3_256": hashes.SHA3_256, "sha3_384": hashes.SHA3_384,
        "sha3_512": hashes.SHA3_512,
    }


@lru_cache(maxsize=512)
def _public_key(cert_der: bytes) -> Any:
    """The certificate's public key (cached: one office's key signs many letters)."""
    from cryptography.x509 import load_der_x509_certificate

    return load_der_x509_certificate(cert_der).public_key()
