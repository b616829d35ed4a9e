"""OCR body text repaired where the reading is known to go wrong: lost marks, digits as letters.

Tesseract's Vietnamese model reads body text well but for two kinds of error, and both reach
the extractors (a subject, a task, a deadline's wording, a cited number):

- a mark lost or misread on a syllable: the tone lost or read as another (``tổ chức`` read
  ``tô chức``, ``phát triển`` read ``phát triên``, ``căn cứ`` read ``căn cử``, ``sửa đổi``
  read ``sửa đối``), the hook of ``ơ``/``ư``, the hat of ``â``/``ê``/``ô``, the breve of
  ``ă`` or the bar of ``đ`` lost (:func:`ocr_variant`). The letters read are often a real
  syllable (``tô``, ``đối``), so no spelling check sees it; the pair it stands in does:
  ``tô chức`` is no word and ``tổ chức`` is one. :func:`repair_marks` changes a syllable
  only where the engine doubted it (confidence under ``DOUBT``), it makes no word with
  either neighbour as read, and exactly one variant makes a word with a neighbour that is
  free (not a stop word, not already in a word on its other side). A syllable as read that
  is a real one is repaired only into the commonest words (``Viet11K``): ``cắt giam`` stays,
  ``cắt giảm`` being in the long list only, where repairing real syllables changed 0.3 % of
  the words of correct text. Words come from the word lists underthesea ships
  (:func:`lexicon`). The commonest words (``có``, ``của``, ``năm``), a capitalised word
  inside a line (a name: ``Võ Văn Thưởng``), a line in capitals (the header has its own
  phrase list) and anything with a digit are left as read: a wrong repair is worse than
  none;
- a digit read as a letter in italics or a thin face: ``I1/2023``, ``ngày I1 tháng``,
  ``L1``, ``†1``, a fraction slash in ``01⁄2011``. :func:`repair_digits` changes a letter only
  inside a token that is otherwise digits and separators (and for the letters that are also
  real codes, ``T1``, ``L1``, only after a word that announces a number: ``ngày``, ``số``).

:func:`repair_text` does both and says what it changed; the line keeps OCR's own text in
``Line.read_as`` and the page's warning lists the changes, so an archivist sees every one.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.document import Line
from pipeline.layout.zones import is_date_line, is_number_line
from pipeline.letters import fold
from pipeline.normalize import normalize_tone_marks

LEXICON_FILE = "Viet74K.txt"  # underthesea/corpus/data: 74 000 words and phrases, Apache-2.0
COMMON_FILE = "Viet11K.txt"  # its 11 000 commonest: a real syllable is repaired into these only
DOUBT = 90.0  # an OCR word's confidence under which its marks may be repaired
STOPWORD_FILES = ("stopwords.txt", "stopwords_dev.txt")  # underthesea/datasets/stopwords

_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323",  # the five tones
          "\u0302", "\u0306", "\u031b"}  # hat (â ê ô), breve (ă), hook (ơ ư)
_STROKE = "\u0336"  # stands for the bar of đ in a letter's marks


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Syllables (lower case) and words of two or three syllables (lower case, joined by a
    space), both in the tone-mark style of :func:`pipeline.normalize.normalize_tone_marks`;
    ``marked`` maps a folded syllable (``TO``) to the syllables spelled on it (``tô``,
    ``tổ``, ``tờ``…)."""

    syllables: frozenset[str]
    words: frozenset[str]
    common: frozenset[str]
    marked: dict[str, tuple[str, ...]]
    stop: frozenset[str]


def lexicon_path() -> Path | None:
    """The word list inside the installed underthesea package, found without importing it
    (the import loads its models' code: half a second and memory for a text file)."""
    try:
        spec = importlib.util.find_spec("underthesea")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "corpus" / "data" / LEXICON_FILE
    return path if path.exists() else None


def _read_words(path: Path) -> tuple[set[str], set[str]]:
    """A word list's syllables and its words of two or three syllables (lower case)."""
    syllables: set[str] = set()
    words: set[str] = set()
    for entry in path.read_text("utf-8").splitlines():
        entry = normalize_tone_marks(unicodedata.normalize("NFC", entry.strip()))
        if not entry or "-" in entry:
            continue
        parts = entry.lower().split()
        syllables.update(p for p in parts if p.isalpha())
        # proper names (``Hà Nội``) are not words of a sentence: capitalised entries are left out
        if 2 <= len(parts) <= 3 and entry[0].islower() and all(p.isalpha() for p in parts):
            words.add(" ".join(parts))
    return syllables, words


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, read once per process; empty (no mark is repaired) without underthesea."""
    path = lexicon_path()
    if path is None:
        return Lexicon(frozenset(), frozenset(), frozenset(), {}, frozenset())
    syllables, words = _read_words(path)
    common = _read_words(path.with_name(COMMON_FILE))[1] if path.with_name(
        COMMON_FILE).exists() else set()
    marked: dict[str, list[str]] = {}
    for syl in syllables:
        marked.setdefault(fold(syl), []).append(syl)
    return Lexicon(frozenset(syllables), frozenset(words), frozenset(common & words),
                   {k: tuple(sorted(v)) for k, v in marked.items()},
                   frozenset(_stop_words(path.parent)))


def _stop_words(data: Path) -> set[str]:
    """underthesea's stop words of one syllable (``có``, ``của``, ``trong``, ``cho``,
    ``năm``…): the commonest words, read right far more often than a rare word lost a mark
    into them (``của`` is not ``cửa``, ``có`` not ``cố``), so never repaired."""
    found: set[str] = set()
    for name in STOPWORD_FILES:
        path = data.parent.parent / "datasets" / "stopwords" / name
        if path.exists():
            found |= {w.strip().lower() for w in path.read_text("utf-8").splitlines()
                      if w.strip().isalpha()}
    return found


def _letter(ch: str) -> tuple[str, frozenset[str]]:
    """A letter's base and marks: ``ổ`` → (``o``, {hat, hook-above}); ``đ`` → (``d``, {bar})."""
    if ch in "đĐ":
        return "d", frozenset({_STROKE})
    nfd = unicodedata.normalize("NFD", ch.lower())
    return nfd[0], frozenset(c for c in nfd[1:] if c in _MARKS)


_TONES = frozenset({"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"})


def ocr_variant(read: str, word: str) -> bool:
    """Whether OCR may have read ``word`` as ``read``: the same letters, a hat, hook, breve or
    bar lost but none added, and the tone lost, added or read as another (Tesseract's
    commonest slip on body text: ``đổi`` read ``đối``, ``căn cứ`` read ``căn cử``, ``điều``
    read ``điêu``, ``tổ`` read ``tô``); not ``tờ`` for ``tổ`` (a hook added)."""
    if len(read) != len(word) or read == word:
        return False
    for a, b in zip(read, word, strict=True):
        (base_a, marks_a), (base_b, marks_b) = _letter(a), _letter(b)
        if base_a != base_b or not (marks_a - _TONES) <= (marks_b - _TONES):
            return False
    return True


def _candidates(read: str) -> list[str]:
    """The lexicon's syllables that OCR may have read as ``read`` (lower case)."""
    return [s for s in lexicon().marked.get(fold(read), ()) if ocr_variant(read, s)]


_EDGE = re.compile(r"^([\W_]*)(.*?)([\W_]*)$")


@dataclass(slots=True)
class _Token:
    raw: str
    lead: str
    core: str
    tail: str

    @property
    def word(self) -> str | None:
        """The lower-case syllable, or None for a token that is no plain word."""
        core = self.core
        return core.lower() if core.isalpha() and len(core) <= 7 else None


def _tokens(text: str) -> list[_Token]:
    out = []
    for raw in text.split(" "):
        m = _EDGE.match(raw)
        assert m is not None
        out.append(_Token(raw, m.group(1), m.group(2), m.group(3)))
    return out


def _neighbours(tokens: list[_Token], i: int) -> tuple[str | None, str | None]:
    """The syllables either side of token ``i`` that belong to the same phrase (no
    punctuation between them)."""
    left = right = None
    if i > 0 and not tokens[i - 1].tail and not tokens[i].lead:
        left = tokens[i - 1].word
    if i + 1 < len(tokens) and not tokens[i].tail and not tokens[i + 1].lead:
        right = tokens[i + 1].word
    return left, right


def _makes_word(words: frozenset[str], left: str | None, s: str, right: str | None) -> bool:
    phrases = []
    if left:
        phrases.append(f"{left} {s}")
    if right:
        phrases.append(f"{s} {right}")
    if left and right:
        phrases.append(f"{left} {s} {right}")
    return any(p in words for p in phrases)


def _may_repair(tokens: list[_Token], i: int) -> bool:
    """Lower-case words anywhere; a capitalised one only where a sentence starts (the line's
    first word, or after ``.``/``:``/``;``), never a name inside a sentence."""
    core = tokens[i].core
    if core.islower():
        return True
    if not core[:1].isupper() or not core[1:].islower():
        return False
    starts = i == 0 or tokens[i - 1].tail.endswith((".", ":", ";", "!", "?"))
    following = tokens[i + 1].core if i + 1 < len(tokens) else ""
    return starts and not following[:1].isupper()


def repair_marks(text: str, confidences: list[float] | None = None
                 ) -> tuple[str, list[tuple[str, str]]]:
    """``tô chức`` → ``tổ chức``: syllables given back the marks OCR lost, where the lexicon
    says which (see the module's docstring); the text and the (read, repaired) pairs.

    ``confidences``, the engine's for each word of ``text`` (0-100), keep a word it was sure
    of as read: Tesseract gives 95 or more to nearly every word it reads right and 45-75 to
    ``đối,`` for ``đổi,``, so only words under ``DOUBT`` are repaired. Words that do not
    line up with the text's (a syllable the normaliser joined) repair nothing."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or all(ch.isupper() for ch in letters):
        return text, []
    lex = lexicon()
    if not lex.words:
        return text, []
    tokens = _tokens(text)
    if confidences is not None and len(confidences) != len(tokens):
        return text, []
    changes: list[tuple[str, str]] = []
    for i, tok in enumerate(tokens):
        s = tok.word
        if s is None or s in lex.stop or not _may_repair(tokens, i):
            continue
        if confidences is not None and confidences[i] >= DOUBT:
            continue
        left, right = _neighbours(tokens, i)
        if (left is None and right is None) or _makes_word(lex.words, left, s, right):
            continue
        # a neighbour that already makes a word on its other side is taken: ``trong trường
        # hợp`` is not ``trọng trường`` + ``hợp``, ``chuyên gia có`` not ``gia cố``
        if left is not None and _makes_word(lex.words, _neighbours(tokens, i - 1)[0], left, None):
            left = None
        if right is not None and _makes_word(lex.words, None, right,
                                             _neighbours(tokens, i + 1)[1]):
            right = None
        # a stop word is no evidence: ``nối các`` is not ``nội các``, ``thu từ`` not ``thư từ``
        left = None if left in lex.stop else left
        right = None if right in lex.stop else right
        # a syllable as read that is a real one (``tô``, ``do``) takes a mark back only into
        # a common word (``tổ chức``), one that is none (``triên``) into any word
        vocabulary = lex.common if s in lex.syllables else lex.words
        fits = [v for v in _candidates(s) if _makes_word(vocabulary, left, v, right)]
        if len(fits) != 1:
            continue
        new = fits[0] if tok.core.islower() else fits[0][:1].upper() + fits[0][1:]
        changes.append((tok.core, new))
        tok.core = new
    if not changes:
        return text, []
    return " ".join(t.lead + t.core + t.tail for t in tokens), changes


# A letter Tesseract gives for 1 or 0 in italics and thin faces; ``T`` and ``L`` are real
# letters of codes (``T1``, ``L2``), trusted only after a word that announces a number.
_ONE = "Il†"  # not ``|`` (a table's rule before ``12``) nor ``!``
_ZERO = "O"  # not ``o``: ``102o 45’`` is a degree
_CONTEXT_ONE = "TL"
_NUMBER_WORDS = {"NGAY", "THANG", "NAM", "SO", "LUC", "GIO", "PHUT", "DIEU", "KHOAN", "MUC"}
_SLASHES = "\u2044\u2215"  # fraction slash, division slash: ``01⁄2011``
_NUMBER_EDGE = re.compile(r"^([(\[“\"']*)(.*?)([)\]”\"'.,;:]*)$")
_NUMBERISH = re.compile(r"[0-9" + re.escape(_ONE + _ZERO + _CONTEXT_ONE + _SLASHES) + r"/.,\-]+")


def _digit_part(core: str, context: bool) -> str | None:
    """``core`` with its letters-for-digits read as digits, when it is a number (or a
    symbol's number part, up to the first segment with other letters: ``I1/2023/NĐ-CP``);
    None when nothing changes."""
    segments = core.split("/")
    n = 0
    while n < len(segments) and _NUMBERISH.fullmatch(segments[n]):
        n += 1
    head = "/".join(segments[:n])
    for slash in _SLASHES:  # ``201/⁄2025``: one slash read twice
        head = head.replace("/" + slash, "/").replace(slash + "/", "/").replace(slash, "/")
    if not head or not any(ch.isdigit() for ch in head):
        return None
    ones = _ONE + (_CONTEXT_ONE if context else "")
    # every run between separators must hold a real digit: ``I`` alone is a numeral, ``Il``
    # a word; ``I1`` and ``1O`` are numbers
    runs = re.split(r"[/.,\-]", head)
    if any(run and not any(ch.isdigit() for ch in run) for run in runs):
        return None
    if any(run.endswith("l") for run in runs):  # ``20l/100km``, ``5l``: litres, not a 1
        return None
    if any(ch in _CONTEXT_ONE for ch in head) and not context:
        return None
    fixed = "".join("1" if ch in ones else "0" if ch in _ZERO else ch for ch in head)
    new = "/".join([fixed, *segments[n:]]) if n < len(segments) else fixed
    return new if new != core else None


def repair_digits(text: str, confidences: list[float] | None = None
                  ) -> tuple[str, list[tuple[str, str]]]:
    """``số I1/2023/NĐ-CP`` → ``số 11/2023/NĐ-CP``, ``ngày L1 tháng 5`` → ``ngày 11 tháng 5``:
    letters read for digits inside a number (see the module's docstring).

    Never on the letter's own number line or date line (``Số: †4/UBND-KTTH``, ``ngày †4
    tháng 02 năm 2025``): their blanks are written in by hand after signing, Tesseract's
    ``†`` and ``I`` there are ink, not italics, and the handwriting has its own reader with
    its own checks (:mod:`pipeline.layout.handwriting`); a digit made up there would be a
    number or a day given with confidence. ``confidences`` (as for :func:`repair_marks`)
    keep a token the engine was sure of as read."""
    if not any(ch.isdigit() for ch in text):
        return text, []
    line = Line(text=text)
    if is_number_line(line) or is_date_line(line):
        return text, []
    tokens = _tokens(text)
    if confidences is not None and len(confidences) != len(tokens):
        confidences = None
    changes = []
    for i, tok in enumerate(tokens):
        if confidences is not None and confidences[i] >= DOUBT:
            continue
        # the number with what OCR made of its first digit (``†1``): only brackets and
        # quotes open it, only punctuation closes it
        m = _NUMBER_EDGE.match(tok.raw)
        assert m is not None
        lead, core, tail = m.groups()
        if not any(ch.isdigit() for ch in core):
            continue
        context = i > 0 and fold(tokens[i - 1].core) in _NUMBER_WORDS
        new = _digit_part(core, context)
        if new is not None:
            changes.append((core, new))
            tok.lead, tok.core, tok.tail = lead, new, tail
    if not changes:
        return text, []
    return " ".join(t.lead + t.core + t.tail for t in tokens), changes


def repair_text(text: str, confidences: list[float] | None = None
                ) -> tuple[str, list[tuple[str, str]]]:
    """An OCR line with digits and marks repaired; the (read, repaired) pairs, in order.
    ``confidences``: the engine's for each word (see :func:`repair_marks`)."""
    text, digits = repair_digits(text, confidences)
    text, marks = repair_marks(text, confidences)
    return text, digits + marks


def repairs_said(lines: list[Line], most: int = 12) -> str:
    """The repairs of a page's lines for its warning, so an archivist sees each one:
    ``OCR text repaired (3): tô → tổ, triên → triển, I1/2023 → 11/2023``."""
    pairs = []
    for ln in lines:
        if ln.read_as is None:
            continue
        pairs += [(a, b) for a, b in zip(ln.read_as.split(), ln.text.split(), strict=False)
                  if a != b]
    shown = ", ".join(f"{a} → {b}" for a, b in pairs[:most])
    more = f", and {len(pairs) - most} more" if len(pairs) > most else ""
    return f"OCR text repaired ({len(pairs)}): {shown}{more}"
