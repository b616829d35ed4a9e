"""Time zones of signing times, read one way wherever they are written.

A signed letter states when it was signed three times over, each in its own grammar: the
signature dictionary's ``/M D:20250109100916+07'00'`` (a PDF date), the CMS
``signingTime`` and the timestamp token's ``20250109031016Z`` (ASN.1 times, see
:mod:`pipeline.signatures.der`), and the widget's stamp ``09.01.2025 10:21:11 +07:00`` (read
in :mod:`extractors.signatures`). Each grammar finds where its zone is; this module turns the
zone into an offset, so that ``+07'00'``, ``+0700``, ``+07:00`` and ``+07`` all mean the same
hour east of UTC, and ``Z`` means UTC, for every reader alike.

What a missing zone means is the caller's choice, not this module's: a PDF date without one
is taken as UTC, a stamp without one as Vietnam time (:data:`VN_TZ`, which every e-office
system here writes), and an ASN.1 time without one is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

UTC = dt.timezone.utc
VN_TZ = dt.timezone(dt.timedelta(hours=7))
"""Vietnam time (ICT, UTC+7, no summer time): what an e-office stamp such as
``Thời gian ký: 07/01/2025 10:09:57`` means when it writes no zone."""

# a sign, two digits of hours, then optionally the minutes: ``+07``, ``+0700``, ``+07:00``,
# and the PDF spellings ``+07'00'``, ``+07'00`` and ``+07'``
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<h>\d{2})(?:[':]?(?P<m>\d{2}))?'?")


def parse_offset(text: str | None, default: dt.timezone | None = None) -> dt.timezone:
    """The zone written as ``text``: ``Z`` (or ``z``) is UTC, ``+07'00'``, ``+0700``,
    ``+07:00`` and ``+07`` are UTC+7, ``-05`` is UTC−5. An empty ``text`` gives ``default``.

    Raises ValueError for anything else, for an empty ``text`` without a default, and for an
    offset that is no zone (hours past 23, minutes past 59)."""
    if not text:
        if default is None:
            raise ValueError("no time zone")
        return default
    return _offset(text)


@lru_cache(maxsize=64)
def _offset(text: str) -> dt.timezone:
    """``parse_offset`` for a written zone; a letter's signatures repeat the same one."""
    if text in ("Z", "z"):
        return UTC
    m = _OFFSET.fullmatch(text)
    if m is None:
        raise ValueError(f"not a time zone: {text!r}")
    hours, minutes = int(m["h"]), int(m["m"] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"not a time zone: {text!r}")
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-offset if m["sign"] == "-" else offset)


_PDF_DATE = re.compile(
    r"D:(?P<y>\d{4})(?P<mo>\d{2})?(?P<d>\d{2})?(?P<h>\d{2})?(?P<mi>\d{2})?(?P<s>\d{2})?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?:'?\d{2})?'?)?"
)


def parse_pdf_date(value: str | None) -> dt.datetime | None:
    """A PDF date (ISO 32000, 7.9.4) as an aware datetime: the signature dictionary's
    ``/M D:20250109100916+07'00'`` is 2025-01-09 10:09:16+07:00. Every part after the year
    may be left out (``D:2025`` is 1 January 2025). The standard leaves the zone of a date
    written without one unknown; it is taken as UTC here. None when ``value`` is not a PDF
    date."""
    if not value:
        return None
    m = _PDF_DATE.match(value.strip())
    if not m:
        return None
    try:
        return dt.datetime(
            int(m["y"]), int(m["mo"] or 1), int(m["d"] or 1), int(m["h"] or 0),
            int(m["mi"] or 0), int(m["s"] or 0), tzinfo=parse_offset(m["tz"], UTC),
        )
    except ValueError:
        return None
