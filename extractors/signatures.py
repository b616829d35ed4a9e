"""Digital-signature lines that appear in the text itself.

Exports of e-signed PDFs keep the signing system's timestamps as text::

    2021-05-06T13:40:32+0700
    Phan Tâm

Each timestamp becomes a signature (``source = text_layer``) at that time, with the name on
the next line as signer when there is one. Stamps written out as ``Ký bởi: …`` /
``Thời gian ký: 09.01.2025 10:21:11 +07:00`` are read the same way.
"""

from __future__ import annotations

import datetime as dt
import re

from extractors.base import Context, provenance
from pipeline.layout import looks_like_name
from schemas.record import Signature, Source

ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[T ](?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)
DMY = re.compile(
    r"(?P<d>\d{2})[./-](?P<mo>\d{2})[./-](?P<y>\d{4})\s+(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"\s*(?P<tz>[+-]\d{2}:?\d{2})?"
)
SIGNED_BY = re.compile(r"^\s*(?:Ký bởi|Người ký)\s*:\s*(?P<who>.+?)\s*$", re.IGNORECASE)
VN_TZ = dt.timezone(dt.timedelta(hours=7))


def to_datetime(m: re.Match[str]) -> dt.datetime | None:
    g = m.groupdict()
    tz = VN_TZ
    if g.get("tz"):
        raw = g["tz"]
        if raw == "Z":
            tz = dt.timezone.utc
        else:
            sign = -1 if raw[0] == "-" else 1
            digits = raw[1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return dt.datetime(
            int(g["y"]), int(g["mo"]), int(g["d"]), int(g["h"]), int(g["mi"]), int(g["s"]),
            tzinfo=tz,
        )
    except ValueError:
        return None


class TextSignaturesExtractor:
    name = "signatures"
    fields = ("signatures",)

    def extract(self, ctx: Context) -> None:
        lines = [ln for ln in ctx.doc.lines if ln.text]
        found: list[Signature] = []
        src = []
        signer_hint = None
        for i, ln in enumerate(lines):
            by = SIGNED_BY.match(ln.text)
            if by:
                signer_hint = by.group("who")
                continue
            m = ISO.fullmatch(ln.text.strip()) or (
                DMY.search(ln.text) if re.search(r"Thời gian ký", ln.text, re.I) else None
            )
            if not m:
                continue
            when = to_datetime(m)
            if when is None:
                continue
            signer = signer_hint
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if signer is None and nxt is not None and looks_like_name(nxt.text):
                signer = nxt.text.strip()
            found.append(
                Signature(signer=signer, signed_at=when, source=Source.TEXT_LAYER.value, page=ln.page)
            )
            src.append(ln)
            signer_hint = None
        if found:
            ctx.record.set("signatures", found, provenance(src, self.name))
