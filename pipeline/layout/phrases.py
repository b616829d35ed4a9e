"""The known header and signature phrases, and OCR lines spelled as the phrase they must be.

A letter's header and signature block come from a short list of phrases (``KT. CHỦ TỊCH``,
``PHÓ THỦ TƯỚNG``, ``QUYẾT ĐỊNH``…: ``pipeline/rules/ocr_phrases.yaml``). A seal or a faint
stamp over them costs OCR a tone mark or a letter (``PHO CHU TỊCH``), and the extractors
match these lines exactly; so a damaged line close to one phrase takes that phrase's
spelling. Text only: nothing here knows about images or OCR engines.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from pipeline.normalize import fold, within_one_edit
from pipeline.rules import rules

JUNK_COST = 0.6  # per character of specks before the phrase: less than an edit


def name_text(text: str) -> str:
    """An OCR line without the specks around it: ``“Hỗ Đức Phớc +`` → ``Hỗ Đức Phớc``."""
    tokens = [t for t in text.split() if any(ch.isalpha() for ch in t)]
    return re.sub(r"^[^\w]+|[^\w.]+$", "", " ".join(tokens))


# changed whenever the re-reads add words a cached page lacks (or tag them anew)
REREADS = "marks 2 (turned stamps too), names agreed 2"


@lru_cache(maxsize=1)
def phrases_digest() -> str:
    """The phrase list's digest, for the OCR cache key: which re-read words are kept depends
    on it, so editing the list must not leave pages cached under the old one; so does what
    the re-reads read (``REREADS``: the red marks of the header were added)."""
    text = "\n".join((REREADS, *rules().ocr_phrases))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _phrases() -> dict[str, str]:
    return {_skeleton(p): p for p in rules().ocr_phrases}


def _skeleton(text: str) -> str:
    return " ".join(fold(text).replace(".", ". ").split())


def snap_phrase(text: str) -> str:
    """``PHO CHU TỊCH`` → ``PHÓ CHỦ TỊCH``: an OCR line equal to a known phrase but for its
    tone marks and spacing (``THỦ TƯỚNG CHÍNHPHỦ``) takes the phrase's spelling; so does a
    line of nine letters or more one letter away from exactly one phrase (``PHÓ CHỦ TỊC``).
    A title line in capitals whose first letter or two are lost (``YÉT ĐỊNH``, the seal over
    ``QU``) takes the one phrase it ends. Any other line is kept as read."""
    phrases = _phrases()
    skeleton = _skeleton(text)
    exact = phrases.get(skeleton)
    if exact is not None:
        return exact
    compact = skeleton.replace(" ", "")
    letters = [ch for ch in text if ch.isalpha()]
    if len(compact) >= 6 and letters and all(ch.isupper() for ch in letters):
        cut = {phrase for key, phrase in phrases.items()
               if " " in key and key.endswith(skeleton) and 0 < len(key) - len(skeleton) <= 2}
        if len(cut) == 1:
            return cut.pop()
    if len(compact) < 9:
        return text
    near = {phrase for key, phrase in phrases.items()
            if within_one_edit(compact, key.replace(" ", ""))}
    return near.pop() if len(near) == 1 else text


def is_phrase(text: str) -> bool:
    """Whether ``text`` is one of the known phrases, marks and spacing aside."""
    return _skeleton(text) in _phrases()


@lru_cache(maxsize=4096)  # the layout and the signer both ask for the block's lines
def snap_block_line(text: str) -> str:
    """A signature-block line a seal has damaged, spelled as the phrase it must be.

    The block's words come from a closed list (``KT. THỦ TƯỚNG``, ``PHÓ CHỦ TỊCH``…), so a
    line in capitals is matched against the known phrases of eight letters or more,
    specks before it costing less than an edit: ``Z0 dc KT. THỦ TƯỚNG`` → ``KT. THỦ
    TƯỚNG``, ``_PHÔỒXXHỦ TƯỚNG`` → ``PHÓ THỦ TƯỚNG``. The nearest phrase is taken when it is
    at most a third of its length away and clearly nearer than the next one; otherwise the
    line is kept as read (``kg, THỦ TƯỚNG`` may be ``KT. THỦ TƯỚNG`` or specks before
    ``THỦ TƯỚNG``).
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or sum(ch.isupper() for ch in letters) < 0.6 * len(letters):
        return text
    skeleton = _skeleton(text)
    phrases = _phrases()
    if skeleton in phrases:
        return phrases[skeleton]
    scored = sorted((_junk_prefix_distance(skeleton, key), phrase)
                    for key, phrase in phrases.items() if len(key.replace(" ", "")) >= 8)
    if not scored:
        return text
    best, phrase = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else best + 99
    limit = len(_skeleton(phrase)) / 3
    return phrase if best <= limit and runner_up >= best + 0.9 else text


def _junk_prefix_distance(text: str, phrase: str) -> float:
    """Edits to turn the end of ``text`` into ``phrase``, plus ``JUNK_COST`` for each
    character before it (specks, or a damaged word the phrase does not have)."""
    previous = [float(j) for j in range(len(phrase) + 1)]
    for i, ch in enumerate(text, 1):
        current = [JUNK_COST * i]
        for j, pc in enumerate(phrase, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ch != pc)))
        previous = current
    return previous[-1]
