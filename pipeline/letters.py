"""Vietnamese letters, and the two comparisons every later step makes on them.

Pure functions and constants with no dependency inside the package, so that the rule loader
(which folds its keys) and the normaliser (which reads its legacy tables through the loader)
can both import them without importing each other.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_COMBINING = re.compile(r"[\u0300-\u036f]")

_VOWELS_BASE = "aăâeêioôơuưy"
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Upper-case ASCII skeleton used for anchor matching: ``Cộng hoà`` → ``CONG HOA``."""
    stripped = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    return stripped.replace("đ", "d").replace("Đ", "D").upper()


def _vowel_class() -> str:
    chars = set()
    for base in _VOWELS_BASE + _VOWELS_BASE.upper():
        chars.add(base)
        for mark in _TONE_MARKS:
            chars.add(unicodedata.normalize("NFC", base + mark))
    return "".join(sorted(chars))


VOWELS = _vowel_class()
"""Every Vietnamese vowel letter, both cases, with and without a tone mark (``a``, ``ắ``, ``Ỵ``)."""

# Letter classes for patterns: "[À-Ỹ]" also spans lower-case letters (đ is U+0111), so the
# Vietnamese upper- and lower-case letters are listed one by one.
UPPER = "".join(sorted({c for c in VOWELS if c.isupper()} | set("BCDĐFGHJKLMNPQRSTVWXZ")))
LOWER = "".join(sorted({c for c in VOWELS if c.islower()} | set("bcdđfghjklmnpqrstvwxz")))


def within_one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by at most one inserted, deleted or changed letter
    (``RA NOI`` and ``HA NOI``: OCR read ``Rà Nội`` for ``Hà Nội``)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]
