"""Just enough ASN.1 to walk a CMS signature: tags, lengths, object identifiers, times.

A signed e-office letter carries five CMS blobs of 6 to 12 KB (certificate chains, a
timestamp token, revocation data), and the pipeline needs a dozen values out of each: the
signer's certificate, the signed attributes' bytes, the digest and signature algorithms,
the signature value, the signing time, the timestamp's time and imprint. A general ASN.1
library builds an object for every value it meets; walking the encoding by tag and length,
and decoding only the dozen, is several times faster.

BER's indefinite lengths (some signers still write them) are read too. Anything that is not
well formed raises :class:`DerError`.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from pipeline.signatures.times import parse_offset

SEQUENCE, SET, INTEGER, OCTET_STRING, OID, NULL = 0x30, 0x31, 0x02, 0x04, 0x06, 0x05
UTC_TIME, GENERALIZED_TIME = 0x17, 0x18


class DerError(ValueError):
    """The bytes are not the ASN.1 expected."""


class Element(NamedTuple):
    """One encoded value: its tag, and where its header, body and end are in ``buf``."""

    buf: bytes
    tag: int
    start: int
    body_start: int
    body_end: int
    end: int

    @property
    def raw(self) -> bytes:
        """The whole encoding, header included."""
        return self.buf[self.start:self.end]

    @property
    def body(self) -> bytes:
        return self.buf[self.body_start:self.body_end]

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    def children(self) -> list[Element]:
        if not self.constructed:
            raise DerError(f"tag {self.tag:#x} holds no values")
        out = []
        pos = self.body_start
        while pos < self.body_end:
            child = read(self.buf, pos)
            out.append(child)
            pos = child.end
        return out


def read(buf: bytes, pos: int = 0) -> Element:
    """The element that starts at ``pos``."""
    if pos + 2 > len(buf):
        raise DerError("the encoding ends early")
    tag = buf[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags are not used in CMS")
    first = buf[pos + 1]
    head = pos + 2
    if first < 0x80:
        length = first
    elif first == 0x80:  # BER indefinite length: values up to an end-of-contents mark
        if not tag & 0x20:
            raise DerError("an indefinite length on a primitive value")
        inner = head
        while True:
            if inner + 2 > len(buf):
                raise DerError("no end-of-contents mark")
            if buf[inner] == 0 and buf[inner + 1] == 0:
                return Element(buf, tag, pos, head, inner, inner + 2)
            inner = read(buf, inner).end
    else:
        count = first & 0x7F
        if count > 4 or head + count > len(buf):
            raise DerError("a length that does not fit")
        length = int.from_bytes(buf[head:head + count], "big")
        head += count
    end = head + length
    if end > len(buf):
        raise DerError("a value runs past the end of the encoding")
    return Element(buf, tag, pos, head, end, end)


def expect(element: Element, tag: int) -> Element:
    if element.tag != tag:
        raise DerError(f"expected tag {tag:#x}, found {element.tag:#x}")
    return element


def oid(element: Element) -> str:
    """``06 09 2a 86 48 86 f7 0d 01 07 02`` → ``1.2.840.113549.1.7.2``."""
    body = expect(element, OID).body
    if not body:
        raise DerError("an empty object identifier")
    parts: list[int] = []
    value = 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    first = min(parts[0] // 40, 2)
    return ".".join(map(str, (first, parts[0] - 40 * first, *parts[1:])))


def octets(element: Element) -> bytes:
    """An OCTET STRING's bytes (a BER constructed one is joined)."""
    if element.tag == OCTET_STRING:
        return element.body
    if element.tag == OCTET_STRING | 0x20:
        return b"".join(octets(child) for child in element.children())
    raise DerError(f"expected an octet string, found tag {element.tag:#x}")


def integer(element: Element) -> int:
    return int.from_bytes(expect(element, INTEGER).body, "big", signed=True)


def time(element: Element) -> dt.datetime:
    """A UTCTime or GeneralizedTime as an aware datetime: ``250109031016Z``,
    ``20250109031016.123Z``, ``20250109101016+0700``. A time without its zone (a local
    time, which CMS does not allow) raises."""
    text = element.body.decode("ascii")
    if element.tag == UTC_TIME:
        year = int(text[:2])
        text = str(1900 + year if year >= 50 else 2000 + year) + text[2:]
    elif element.tag != GENERALIZED_TIME:
        raise DerError(f"expected a time, found tag {element.tag:#x}")
    if text.endswith("Z"):
        text, written = text[:-1], "Z"
    elif len(text) > 5 and text[-5] in "+-":  # the differential form: +hhmm or -hhmm
        text, written = text[:-5], text[-5:]
    else:  # a local time of an unknown zone: not an instant
        raise DerError(f"a time without its zone: {element.body!r}")
    try:
        zone = parse_offset(written)
    except ValueError:
        raise DerError(f"not a time: {element.body!r}") from None
    fraction = 0
    if "." in text or "," in text:
        text, frac = text.replace(",", ".").split(".", 1)
        if len(text) != 14 or not frac.isdigit():  # only fractions of a second
            raise DerError(f"not a time: {element.body!r}")
        fraction = int((frac + "000000")[:6])
    if len(text) not in (12, 14) or not text.isdigit():
        raise DerError(f"not a time: {element.body!r}")
    return dt.datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]),
                       int(text[10:12]), int(text[12:14] or 0), fraction, tzinfo=zone)
