"""Signatures: who signed, when, and whether the file still matches what was signed.

Two kinds are read:

- PDF signatures (``source = signature_dict``), from :mod:`pipeline.signatures.embedded`. The
  certificate gives the signer (``TRUNG TÂM CÔNG BÁO VÀ TIN HỌC``) and the organisation;
  ``signed_at`` is the dictionary's ``/M``, the time the stamp shows
  (``09.01.2025 10:21:11 +07:00``). The widget's text becomes ``stamp_text``; its
  ``Ký bởi`` / ``Cơ quan`` / ``Thời gian ký`` / email fill what the certificate lacks, and a
  signature whose blob cannot be read at all still gets its signer and time from the stamp
  (``source = signature_widget``). When ``/M``, the CMS signing time and the stamp disagree
  the record says so in ``time_conflict``: in the publication centre's files ``/M`` is
  10:21:11 +07:00 and the CMS time 10:21:11 UTC, the same wall clock read in two zones.
- Signature lines in exported text (``source = text_layer``): a timestamp alone on a line,
  ``2021-05-06T13:40:32+0700``, with the signer's name on the next, or a written-out stamp.

A signature field that was never signed (an empty placeholder) is not a signature.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extractors.base import Context, provenance
from pipeline.document import Line, SignatureField
from pipeline.layout import looks_like_name
from pipeline.normalize import fold
from pipeline.rules import rules
from pipeline.signatures.times import VN_TZ, parse_offset
from schemas.record import Provenance, Signature, Source

ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[T ](?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?(?![\d:])"
)


def to_datetime(m: re.Match[str]) -> dt.datetime | None:
    """A date and time matched by ``ISO`` or the rules' ``stamp_time``
    (``09.01.2025 10:21:11 +07:00``); no zone means Vietnam time (+07:00), as every
    e-office stamp seen here writes its local time."""
    g = m.groupdict()
    try:
        return dt.datetime(
            int(g["y"]), int(g["mo"]), int(g["d"]), int(g["h"]), int(g["mi"]),
            int(g.get("s") or 0), tzinfo=parse_offset(g.get("tz"), VN_TZ),
        )
    except ValueError:
        return None


@dataclass(slots=True)
class Stamp:
    """What a stamp's text says."""

    text: str | None = None
    signer: str | None = None
    organisation: str | None = None
    email: str | None = None
    time: dt.datetime | None = None


def _merge_lines(lines: list[str]) -> list[str]:
    """Stamp lines with wrapped pieces put back: an e-mail broken as ``…gov.v`` + ``n``."""
    out: list[str] = []
    for text in lines:
        if out and "@" in out[-1] and " " not in out[-1] and re.fullmatch(r"[a-z.]{1,4}", text):
            out[-1] += text
        else:
            out.append(text)
    return out


def parse_stamp(lines: list[str]) -> Stamp:
    """``["Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "Cơ quan: Tỉnh Quảng Ngãi",
    "Thời gian ký: 07/01/2025 10:09:57"]`` → signer, organisation and time (+07:00)."""
    lines = _merge_lines([t.strip() for t in lines if t.strip()])
    if not lines:
        return Stamp()
    r = rules()
    stamp = Stamp(text=" | ".join(lines))
    joined = " ".join(lines)
    folded = fold(joined)  # same length as ``joined``: cues are found on it, values cut from joined
    parts: list[tuple[str | None, str]] = []
    last_kind, last_end = None, 0
    for m in r.stamp_cues.finditer(folded):
        parts.append((last_kind, joined[last_end:m.start()]))
        last_kind, last_end = r.stamp_cue_kind[m.group("cue")], m.end()
    parts.append((last_kind, joined[last_end:]))

    leftover = []
    for kind, value in parts:
        value = value.strip(" |;,")
        if not value:
            continue
        if kind == "time" or (kind is None and stamp.time is None):
            tm = r.stamp_time.search(value)
            if tm:
                stamp.time = to_datetime(tm)
                value = (value[: tm.start()] + value[tm.end():]).strip()
        if kind in (None, "email"):
            em = r.email.search(value)
            if em:
                stamp.email = em.group(0)
                value = (value[: em.start()] + value[em.end():]).strip()
        if kind == "signer":
            stamp.signer = value
        elif kind == "organisation":
            stamp.organisation = value
        elif kind is None and value:
            leftover.append(value)
    name = " ".join(leftover).strip()
    if stamp.signer is None and name and not r.stamped_number.fullmatch(name) \
            and any(c.isalpha() for c in name):
        stamp.signer = name
    return stamp


def describe_conflict(m_time: dt.datetime | None, cms_time: dt.datetime | None,
                      tolerance: int) -> str | None:
    """A sentence when /M and the CMS signing time are further apart than ``tolerance``."""
    if m_time is None or cms_time is None:
        return None
    gap = (cms_time - m_time).total_seconds()
    if abs(gap) <= tolerance:
        return None
    hours = round(gap / 3600)
    if hours and abs(gap - hours * 3600) <= tolerance:
        return (
            f"/M {m_time.isoformat()} and the CMS signing time {cms_time.isoformat()} show the "
            f"same wall-clock time in different zones ({hours:+d} h)"
        )
    return (
        f"/M {m_time.isoformat()} and the CMS signing time {cms_time.isoformat()} differ by "
        f"{dt.timedelta(seconds=abs(round(gap)))}"
    )


def from_field(sig: SignatureField, fills: dict[str, str], tolerance: int) -> Signature:
    stamp = parse_stamp([ln.text for ln in sig.lines])
    from_dict = any(v is not None for v in (sig.common_name, sig.m_time, sig.cms_time))
    signed_at = sig.m_time or sig.cms_time or stamp.time or sig.timestamp_time
    conflict = describe_conflict(sig.m_time, sig.cms_time, tolerance)
    dict_time = sig.m_time or sig.cms_time
    if conflict is None and stamp.time and dict_time:
        gap = abs((stamp.time - dict_time).total_seconds())
        if gap > tolerance:
            conflict = (
                f"the stamp shows {stamp.time.isoformat()}, the signature {dict_time.isoformat()}"
            )
    return Signature(
        signer=sig.common_name or stamp.signer or sig.name,
        signed_at=signed_at,
        source=(Source.SIGNATURE_DICT if from_dict else Source.SIGNATURE_WIDGET).value,
        field=sig.field,
        organisation=sig.organisation or stamp.organisation,
        subfilter=sig.subfilter,
        intact=sig.intact,
        timestamp_at=sig.timestamp_time,
        page=sig.page,
        bbox=sig.bbox,
        email=sig.email or stamp.email,
        certificate_issuer=sig.certificate_issuer,
        cms_signed_at=sig.cms_time,
        time_conflict=conflict,
        coverage=sig.coverage,
        modified_after=sig.modified_after,
        stamp_text=stamp.text,
        fills=fills.get(sig.field or ""),
        reason=sig.reason,
        errors=list(sig.errors),
    )


def text_layer_signatures(lines: list[Line]) -> tuple[list[Signature], list[Line]]:
    """Signatures written out in the text: ISO timestamps with a name after, or stamps."""
    r = rules()
    found: list[Signature] = []
    src: list[Line] = []
    signer_hint = None
    for i, ln in enumerate(lines):
        folded = fold(ln.text)
        cue = r.stamp_cues.match(folded.lstrip())
        if cue and r.stamp_cue_kind[cue.group("cue")] == "signer":
            signer_hint = ln.text.lstrip()[cue.end():].strip() or None
            continue
        m = ISO.fullmatch(ln.text.strip())
        if m is None and cue and r.stamp_cue_kind[cue.group("cue")] == "time":
            m = r.stamp_time.search(ln.text)
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
    return found, src


class SignaturesExtractor:
    name = "signatures"
    fields: tuple[str, ...] = ("signatures",)
    needs_text = False  # a scan without a text layer still has its PDF signatures

    def extract(self, ctx: Context) -> None:
        tolerance = rules().time_tolerance
        signed = [f for f in ctx.doc.signature_fields if f.signed]
        found = [from_field(f, ctx.fills, tolerance) for f in signed]
        text_found, text_src = text_layer_signatures([ln for ln in ctx.doc.lines if ln.text])
        found.extend(text_found)
        if not found:
            return
        if signed:
            first = signed[0]
            prov = Provenance(
                page=first.page, bbox=first.bbox,
                text="; ".join(f"{s.field}: {s.signer}" for s in found if s.field),
                source=Source.SIGNATURE_DICT.value, extractor=self.name,
            )
        else:
            prov = provenance(text_src, self.name)
        ctx.record.set("signatures", found, prov)
        broken = [s.field for s in found if s.errors]
        if broken:
            ctx.record.warnings.append(
                f"signature(s) {', '.join(str(b) for b in broken)} could not be fully read or "
                "verified (see their errors)"
            )
        changed = [s.field for s in found if s.modified_after == "content"]
        if changed:
            ctx.record.warnings.append(
                f"the pages were changed after signature(s) {', '.join(map(str, changed))}"
            )
