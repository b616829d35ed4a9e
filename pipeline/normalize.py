"""Text normalisation: one spelling for the same Vietnamese text, whatever wrote it.

Official letters reach us from Word, e-office systems, scanners and web pages, and the same
words come out in different code points:

- decomposed Unicode (``Cộng`` as ``C o ̣ ̂ ng``) → NFC;
- two tone-mark conventions: ``HOÀ``/``HÒA``, ``Thuỷ``/``Thủy``, ``Uỷ ban``/``Ủy ban``. We
  keep the one Nghị định 30/2020 itself prints (``CỘNG HÒA``, ``Ủy ban``): the mark sits on
  the first vowel of an open ``oa``/``oe``/``uy`` (not after ``q``: ``quý`` stays);
- stray spaces that PDF text layers put inside a syllable (``Th ông báo`` → ``Thông báo``);
- legacy 8-bit font encodings, TCVN3/ABC (``ñy ban nh©n d©n``) and VNI
  (``Uûy ban nhaân daân``), decoded back to Unicode when the result reads as Vietnamese;
- web and markdown exports: ``**bold**``, ``## heading``, ``<b>…</b>`` are stripped (the
  readers keep the fact that a line was bold).

Everything here runs on every line of every document, so each step is gated by a cheap test
and does nothing to the common case.
"""

from __future__ import annotations

import re
import unicodedata

# The letter helpers live in pipeline.letters, which the rule loader needs too; they are
# offered here as well, where callers have always found them.
from pipeline.letters import LOWER, UPPER, VOWELS, fold, within_one_edit
from pipeline.rules import rules

__all__ = [
    "LOWER", "UPPER", "VOWELS", "decode_legacy", "detect_legacy", "fix_legacy",
    "fix_split_syllables", "fold", "is_syllable", "join_lines", "normalize_line",
    "normalize_tone_marks", "strip_markup", "within_one_edit",
]

# ---------------------------------------------------------------------------- syllables

_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?"
# Rhymes on the folded skeleton: open-only nuclei, nuclei that take a final consonant, and
# the finals "nh"/"ch" that follow only front vowels.
_OPEN = r"ai|ao|au|ay|eo|eu|ia|iu|oi|ua|ui|uu|ieu|yeu|oai|oay|oeo|uoi|uou|uya|uyu|uay"
_CLOSABLE = r"a|e|i|o|u|y|ie|ye|uo|oa|oe|uy|uye|oo|ue|uyu"
_SYLLABLE = re.compile(
    _ONSET
    + r"(?:(?:" + _OPEN + r")|(?:" + _CLOSABLE + r")(?:ng|[cmnpt])?|(?:a|e|i|y|oa|ue|uy)(?:nh|ch))",
    re.IGNORECASE,
)


def is_syllable(token: str) -> bool:
    """A rough test that ``token`` is one Vietnamese syllable (on its folded skeleton)."""
    return bool(token) and _SYLLABLE.fullmatch(fold(token)) is not None


# "Th ông", "ngh ị": a consonant-only fragment glued to the rest of its syllable.
_SPLIT_ONSET = re.compile(
    r"(?<![^\W\d_])((?:ngh|ng|gh|kh|nh|ph|th|tr|ch|[bcdđghklmnprstvx]))\s(["
    + VOWELS
    + r"][^\W\d_]*)",
    re.IGNORECASE,
)
# "thô ng", "cá c": a coda fragment split from its syllable.
_SPLIT_CODA = re.compile(
    r"([^\W\d_]*[" + VOWELS + r"])\s(ng|nh|ch|c|m|n|p|t)(?![^\W\d_])"
)


def _join_onset(m: re.Match[str]) -> str:
    joined = m.group(1) + m.group(2)
    return joined if is_syllable(joined) and not is_syllable(m.group(1)) else m.group(0)


def _join_coda(m: re.Match[str]) -> str:
    joined = m.group(1) + m.group(2)
    return joined if is_syllable(joined) else m.group(0)


def fix_split_syllables(text: str) -> str:
    text = _SPLIT_ONSET.sub(_join_onset, text)
    return _SPLIT_CODA.sub(_join_coda, text)


# ---------------------------------------------------------------------------- tone marks

_TONES = "\u0300\u0301\u0309\u0303\u0323"
_OLD_STYLE = re.compile(
    r"(?<![^\W\d_])([^\W\d_]*?)([oOuU])([^\W\d_])(?![^\W\d_])"
)


def _move_tone(m: re.Match[str]) -> str:
    onset, first, second = m.group(1), m.group(2), m.group(3)
    base = unicodedata.normalize("NFD", second)
    if len(base) != 2 or base[1] not in _TONES:
        return m.group(0)
    pair = (first.lower(), base[0].lower())
    if pair not in {("o", "a"), ("o", "e"), ("u", "y")}:
        return m.group(0)
    if onset[-1:].lower() == "q" or (pair == ("u", "y") and onset.lower() == "g"):
        return m.group(0)
    return onset + unicodedata.normalize("NFC", first + base[1]) + base[0]


def normalize_tone_marks(text: str) -> str:
    """``hoà`` → ``hòa``, ``Thuỷ`` → ``Thủy``, ``UỶ BAN`` → ``ỦY BAN``; ``quý`` unchanged."""
    return _OLD_STYLE.sub(_move_tone, text)


# ---------------------------------------------------------------------------- legacy fonts


# Characters that never occur in Unicode Vietnamese but fill legacy-encoded text.
_LEGACY_HINT = re.compile("[¡¢£¤¥¦§¨©ª«¬\u00ad®¸µ¶·¹¾»¼½ÆÇÈËÐÌÎÏÑÕÖ×ØÜÞßäåæçëîïñöøûüþ]")


def decode_legacy(text: str, encoding: str) -> str:
    """``ñy ban nh©n d©n`` read as ``tcvn3`` → ``ủy ban nhân dân`` (``legacy_encodings.yaml``)."""
    table = rules().legacy[encoding]
    return table.pattern.sub(lambda m: table.mapping[m.group(0)], text)


def _syllable_share(text: str) -> float:
    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        return 0.0
    good = 0
    for w in words:
        nfc = unicodedata.normalize("NFC", w)
        if is_syllable(nfc) and all(ch.isascii() or ch in VOWELS or ch in "đĐ" for ch in nfc):
            good += 1
    return good / len(words)


# Vietnamese letters only Unicode has (ă, đ, ơ, ư, ĩ, ũ and the precomposed ả, ạ, ồ…): the
# legacy tables map single bytes (Latin-1), so a line holding one of these is Unicode already.
_UNICODE_ONLY = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169"
                           "\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")


def detect_legacy(text: str) -> str | None:
    """Name of the legacy encoding ``text`` is in (``tcvn3``/``vni``), or None for Unicode.

    ``Quảng Ngãi, ngày Ø tháng 4 năm 2018`` is Unicode with one stray character: its ``ả``,
    ``ã`` and ``ă`` cannot come from a legacy font read as Latin-1, so it is never decoded."""
    if not _LEGACY_HINT.search(text) or _UNICODE_ONLY.search(text):
        return None
    if len(re.findall(r"[^\W\d_]+", text)) < 2:
        return None
    base = _syllable_share(text)
    best, best_score = None, max(base + 0.15, 0.6)
    for name in ("tcvn3", "vni"):
        score = _syllable_share(decode_legacy(text, name))
        if score > best_score:
            best, best_score = name, score
    return best


def fix_legacy(text: str) -> str:
    encoding = detect_legacy(text)
    return decode_legacy(text, encoding) if encoding else text


# ---------------------------------------------------------------------------- markup

_MD_MARKUP = re.compile(r"^\s{0,3}#{1,6}\s+|\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_HTML_TAG = re.compile(r"</?(?:b|strong|i|em|u|span|sup|sub|font)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


def strip_markup(line: str) -> tuple[str, bool]:
    """Remove markdown/HTML emphasis; say whether the whole line was bold."""
    raw = line.strip()
    bold = bool(raw) and (
        (raw.lstrip("#").strip().startswith("**") and raw.endswith("**"))
        or (
            raw.lower().startswith(("<b>", "<strong>"))
            and raw.lower().endswith(("</b>", "</strong>"))
        )
    )
    if "*" in line or "#" in line or "_" in line:
        line = _MD_MARKUP.sub("", line)
    if "<" in line:
        line = _HTML_TAG.sub("", line)
    return line, bold


# ---------------------------------------------------------------------------- whole lines


def normalize_line(text: str, *, ocr: bool = False) -> str:
    """NFC, legacy decoding, tone-mark convention, split syllables and spaces, for one line.

    ``ocr``: the line was read by OCR, whose output is Unicode by construction, so it is never
    decoded as a legacy font. A stray ``Ø``, ``Ð`` or ``ö`` that OCR reads from a speck is
    enough for the detector on a short line, and decoding then turns a correct line into junk
    (``Quảng Ngãi, ngày Ø tháng 4 năm 2018`` into ``Quảng Ngói … thỏng``)."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if not ocr and _LEGACY_HINT.search(text):
            text = unicodedata.normalize("NFC", fix_legacy(text))
        text = normalize_tone_marks(text)
        text = fix_split_syllables(text)
    text = _SPACES.sub(" ", text)
    return text.strip()


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines into one paragraph: a line ending in a hyphen after a letter keeps
    the hyphen and joins without space (``băng-`` + ``rôn`` → ``băng-rôn``)."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and part[:1].islower():
            out += part
        else:
            out += " " + part
    return out
