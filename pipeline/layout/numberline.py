"""The number line, one grammar for every rule that reads it.

``Số: 574/UBND-KTTH`` comes out of OCR in many spellings: ``Sá:`` or ``Sö:`` for ``Số:``, a
``Số:`` lost as a speck, ``⁄`` (U+2044, the fraction slash Tesseract likes) for ``/``, and
``ĐÐ`` (U+0110 then U+00D0) for one ``Đ`` (``QĐÐ-BCĐ138``), which cuts the symbol. The
extractors of the number, of references and the re-read of the number line all read this
line, so the tolerance lives here and in ``anchors.yaml`` (``number``,
``number_line_folded``, ``number_word_folded``, ``number_line_lookalikes``) and nowhere else:

- :func:`number_line_text` puts the look-alikes back (``⁄`` → ``/``, ``ĐÐ`` → ``Đ``);
- :func:`is_number_word` is the word that opens the line (``Số:``, ``Sá:``, ``_Số``);
- :func:`match_number_line` reads a whole line into number, year and symbol.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.normalize import fold
from pipeline.rules import rules


@lru_cache(maxsize=1)
def _lookalikes() -> re.Pattern[str]:
    keys = sorted(rules().number_line_lookalikes, key=len, reverse=True)  # "ĐÐ" before "Ð"
    return re.compile("|".join(re.escape(k) for k in keys))


def number_line_text(text: str) -> str:
    """``text`` with OCR's look-alikes of the number line put back:
    ``Số: 12⁄QĐÐ-TTg`` → ``Số: 12/QĐ-TTg``."""
    table = rules().number_line_lookalikes
    return _lookalikes().sub(lambda m: table[m.group()], text)


def slashes_only(text: str) -> str:
    """``text`` with only the one-character look-alikes put back, so every offset stays:
    for patterns searched in running text (``Công văn số 1453⁄BTTTT-HTQT``)."""
    table = {ord(k): v for k, v in rules().number_line_lookalikes.items() if len(k) == 1}
    return text.translate(table)


def is_number_word(word: str) -> bool:
    """Whether an OCR word opens the number line: ``Số:``, ``Số:384``, ``Sá:``, ``_Sö``."""
    return bool(rules().anchors["number_word_folded"].match(fold(word)))


def match_number_line(text: str) -> re.Match[str] | None:
    """The number line read by ``anchors.yaml``'s ``number`` pattern after the look-alikes
    are put back: groups ``number``, ``junk`` (a handwritten number read as ``§†4``),
    ``year`` and ``symbol``."""
    return rules().anchors["number"].match(number_line_text(text))


def has_symbol(text: str) -> bool:
    """Whether a reading of the number line holds a symbol after its slash (``/QĐ-TTg``)."""
    return bool(rules().anchors["symbol_start"].search(number_line_text(text)))
