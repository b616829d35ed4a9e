"""The extractor contract, and what extractors share: the context, provenance, a text view.

An extractor reads one family of fields from the zones of a letter and writes them into the
record with their provenance::

    class NumberExtractor:
        name = "number"
        fields = ("number", "symbol", "code")
        def extract(self, ctx: Context) -> None: ...

Extractors run in the order of :mod:`extractors.registry`; a later one may read what an
earlier one wrote (the type reads the symbol). An extractor that raises does not stop the
others: the runner records the error and marks the document ``partial``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.document import Document, Line
from pipeline.layout import Zones
from pipeline.normalize import UPPER, join_lines
from schemas.record import Provenance, Record, union


@dataclass
class Context:
    doc: Document
    zones: Zones
    record: Record
    fills: dict[str, str] = field(default_factory=dict)
    """Signature field → the blank of the letter its widget stamps (``"number"``, ``"day"``):
    ``Signature2`` drawing ``11`` over ``Số:          /TB-UBND`` fills the number. Written by
    the ``stamped`` extractor, read by ``signatures`` (each signature's ``fills``); ``stamped``
    comes first in the registry's order, so the map is complete when ``signatures`` runs."""
    cache: dict[str, object] = field(default_factory=dict)

    def body_view(self) -> TextView:
        view = self.cache.get("body_view")
        if view is None:
            view = TextView(self.zones.body)
            self.cache["body_view"] = view
        return view  # type: ignore[return-value]


class Extractor(Protocol):
    """Reads one family of fields. The attributes are read, never set, so a class may
    declare ``fields = ("subject",)`` and still be an extractor.

    ``needs_text``: whether the extractor reads the letter's text. On a page image that
    neither a text layer nor OCR gave text for, only extractors with ``needs_text = False``
    run (the PDF's signatures are still there)."""

    @property
    def name(self) -> str: ...

    @property
    def fields(self) -> tuple[str, ...]: ...

    @property
    def needs_text(self) -> bool: ...

    def extract(self, ctx: Context) -> None: ...


def provenance(lines: Iterable[Line | None], extractor: str, text: str | None = None,
               confidence: float | None = None) -> Provenance:
    """Provenance of a value read from ``lines``: first page, union box on that page. A zone
    that is missing (``None``, a letter without a number line) is skipped."""
    found = [ln for ln in lines if ln is not None]
    if not found:
        return Provenance(page=None, bbox=None, text=text or "", extractor=extractor)
    first = found[0]
    bbox = union(ln.bbox for ln in found if ln.page == first.page)
    conf = confidence if confidence is not None else min(ln.confidence for ln in found)
    return Provenance(
        page=first.page,
        bbox=bbox,
        text=text if text is not None else join_lines([ln.text for ln in found]),
        source=first.source,
        extractor=extractor,
        confidence=round(conf, 3),
    )


class TextView:
    """Lines joined into one running text, with the way back from a character to its line.

    Body sentences wrap across lines (and, in exports, across blank lines), so patterns such as
    ``trước ngày 4/6/2021`` are searched in the joined text and their provenance is the lines
    the match covers.
    """

    def __init__(self, lines: list[Line]) -> None:
        self.lines = [ln for ln in lines if ln.text]
        parts: list[str] = []
        self.starts: list[int] = []
        pos = 0
        for ln in self.lines:
            text = ln.text
            if parts:
                prev = parts[-1]
                hyphenated = prev.endswith("-") and prev[-2:-1].isalpha() and text[:1].islower()
                sep = "" if hyphenated else " "
                parts.append(sep)
                pos += len(sep)
            self.starts.append(pos)
            parts.append(text)
            pos += len(text)
        self.text = "".join(parts)

    def lines_for(self, start: int, end: int) -> list[Line]:
        if not self.lines:
            return []
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        j = max(bisect.bisect_right(self.starts, max(end - 1, start)) - 1, 0)
        return self.lines[i: j + 1]

    _SENTENCE_END = re.compile(
        r"(?<=[.;!?])(?<!\b[A-ZĐ]\.)\s+(?=[(\-–+•\d“\"" + UPPER + r"])"
        r"|(?<=:)\s+(?=[-–+•]\s)|(?<=\./\.)\s*"
    )

    def sentence_at(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence that holds [start, end)."""
        s = 0
        for m in self._SENTENCE_END.finditer(self.text, 0, start):
            s = m.end()
        after = self._SENTENCE_END.search(self.text, end)
        e = after.start() if after else len(self.text)
        return s, e


# ---------------------------------------------------------------------------- dates
# The date patterns are in pipeline/rules/dates.yaml; these turn their groups into a date.


def make_date(day: str | int | None, month: str | int | None,
              year: str | int | None) -> dt.date | None:
    """``make_date("31", "2", "2024")`` is None: a day the calendar lacks is no date."""
    if day is None or month is None or year is None:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def date_from_match(m: re.Match[str]) -> dt.date | None:
    """The date a match of ``dates.yaml``'s patterns holds: groups ``d``/``m``/``y`` for
    ``4/6/2021``, ``d2``/``m2``/``y2`` for ``05 tháng 6 năm 2020``."""
    g = m.groupdict()
    if g.get("d") is not None:
        return make_date(g["d"], g["m"], g["y"])
    return make_date(g.get("d2"), g.get("m2"), g.get("y2"))
