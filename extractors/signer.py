"""Signer name, title and signing authority (quyền hạn, chức vụ, họ tên người ký).

The signature block reads top-down: authority lines with their prefixes, the signer's title,
then (under the signature and seal) the name::

    TL. CHỦ TỊCH                signing_authority = "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG"
    KT. CHÁNH VĂN PHÒNG
    PHÓ CHÁNH VĂN PHÒNG         signer_title      = "PHÓ CHÁNH VĂN PHÒNG"
    Phùng Tô Long               signer_name       = "Phùng Tô Long"

``(Đã ký)``, stamp text and e-signature lines between title and name are skipped; ranks and
degrees before a name (``Thượng tướng``, ``TS.``) are not part of it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extractors.base import Context
from extractors.base import provenance as _provenance
from extractors.confidence import ONE_READING, read_alike
from pipeline.document import Line
from pipeline.layout import (
    is_authority,
    is_phrase,
    is_upper,
    looks_like_name,
    name_text,
    snap_block_line,
    strip_name_prefix,
)
from pipeline.normalize import fold
from pipeline.rules import rules
from schemas.record import Source


def _noise(line: Line) -> bool:
    return bool(rules().anchors["signature_noise_folded"].match(fold(line.text))) or bool(
        re.match(r"^\s*\d{4}-\d{2}-\d{2}T", line.text)
    )


def _name_of(line: Line) -> str:
    """The text of a name line; for OCR, specks read around it dropped and a family name
    that lost its tone mark spelled from the list (``“Hỗ Đức Phớc +`` → ``Hồ Đức Phớc``)."""
    if line.source != Source.OCR.value:
        return line.text
    words = name_text(line.text).split()
    if words:
        words[0] = rules().closest("surnames", words[0]) or words[0]
    return " ".join(words)


def _fragment(line: Line) -> bool:
    """An OCR line in capitals too short to be a title and not a known phrase."""
    if line.source != Source.OCR.value or not is_upper(line):
        return False
    letters = sum(ch.isalpha() for ch in line.text)
    return letters < 8 and not is_phrase(line.text) and not is_authority(line)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def parse_block(lines: list[Line]):
    """(authority lines, title lines, name line) of a signature block."""
    groups: list[list[Line]] = []  # authority groups, each a prefix line + wrapped lines
    upper_run: list[Line] = []
    name_line = None
    for ln in lines:
        if not ln.text or _noise(ln):
            continue
        if is_authority(ln):
            if upper_run and groups:
                groups[-1].extend(upper_run)
            elif upper_run:
                groups.extend([[u] for u in upper_run])
            upper_run = []
            groups.append([ln])
            continue
        if is_upper(ln):
            upper_run.append(ln)
            continue
        # on a scan the seal can hide the title: an OCR name may come alone
        if (upper_run or groups or ln.source == Source.OCR.value) and looks_like_name(
                _name_of(ln)):
            name_line = ln
            break
    title = upper_run[-1:] if upper_run else []
    extra = upper_run[:-1]
    if extra:  # upper-case lines without a prefix above the title (``TRƯỞNG BAN``)
        groups.extend([[u] for u in extra])
    return groups, title, name_line


def _deputy_block(lines: list[Line], groups: list[list[Line]], authority: list[str],
                  title_text: str | None, title: list[Line], name_line: Line | None):
    """A scanned block whose prefix or title a seal wrecked, put back from its form: "KT."
    means the head's deputy signs (Nghị định 30/2020, Điều 13), so

    - under ``KT. THỦ TƯỚNG`` a title that ends with the head's words (``CC ưng ĐÓ THỦ
      TƯỚNG``, the seal over ``PHÓ``) or is the head's title itself is ``PHÓ THỦ TƯỚNG``;
    - the head's title read twice (``THỦ TƯỚNG`` / ``THỦ TƯỚNG``) is ``KT. THỦ TƯỚNG`` over
      ``PHÓ THỦ TƯỚNG``, a block having no other form with the head's words twice.

    Returns the authority parts, the title and the lines it was read from."""
    r = rules()
    if not authority:
        return authority, title_text, title
    last = authority[-1]
    if title_text and last == title_text and not last.startswith(tuple(
            f"{p}." for p in r.authority_prefixes)):
        head = last
        return authority[:-1] + [f"KT. {head}"], r.deputy(head), title
    if not last.startswith("KT. "):
        return authority, title_text, title
    head = last[4:]
    deputy = r.deputy(head)
    if title_text == deputy:
        return authority, title_text, title
    head_key = fold(head)
    after = lines[lines.index(groups[-1][-1]) + 1:] if groups[-1][-1] in lines else []
    for ln in after:
        if ln is name_line:
            break
        if fold(ln.text).rstrip(" .,;:").endswith(head_key):
            return authority, deputy, [ln]
    return authority, title_text, title


LOW_CONFIDENCE = 0.3  # a title that may be the higher office because a seal hid "PHÓ"


def _seal_damage(read: list[Line], kept: list[Line]) -> bool:
    """Whether an OCR block shows a seal over it: lines that are neither noise, nor a known
    phrase, nor a name, and read with little confidence or few letters (``[.iê 2 VÀ``,
    ``z£=4ÁT. CH``), or short capitals the block dropped as fragments (``NÓ``)."""
    if len(kept) < len(read):
        return True
    for ln in read:
        if not ln.text or _noise(ln) or is_phrase(ln.text) or looks_like_name(_name_of(ln)):
            continue
        letters = sum(ch.isalpha() for ch in ln.text)
        if ln.confidence < 0.5 or letters < 0.6 * len(ln.text.replace(" ", "")):
            return True
    return False


def _hidden_prefix(title: str) -> str | None:
    """The head title a damaged title line ends with after specks (``QCHỦ TỊCH``: the seal over
    ``PHÓ``, read as ``Q``), or None when the line is a phrase or ends with none."""
    if is_phrase(title):
        return None
    key = " ".join(fold(title).split())
    for phrase in rules().ocr_phrases:
        head = " ".join(fold(phrase).split())
        if key.endswith(head) and len(key) > len(head) and key[-len(head) - 1] != " ":
            return phrase
    return None


def under_seal(title: str | None, authority: list[str], read: list[Line],
               kept: list[Line]) -> tuple[str | None, str | None]:
    """What a scanned block's title may be trusted as, and the warning to give.

    What the pixels do not hold cannot be read: a black seal on a black-and-white scan can
    hide the authority line and the ``PHÓ`` of the title, leaving ``CHỦ TỊCH`` where the
    letter says ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH``. So

    - a title line that is a head title with specks glued before it (``QCHỦ TỊCH``) is left
      empty: something stood before ``CHỦ TỊCH`` and it cannot be told which;
    - a head title read cleanly, with no ``KT.`` line over it (``TM. CHÍNH PHỦ`` / ``THỦ
      TƯỚNG``), in a block the seal damaged, is kept with a low confidence: the head may
      sign himself, or his deputy may under a hidden ``KT.``.

    Returns (title, warning); the title unchanged and no warning otherwise."""
    if not title:
        return title, None
    hidden = _hidden_prefix(title)
    if hidden is not None:
        return None, (f"signer's title {title!r} read under a seal: it ends with {hidden!r} "
                      "but what stands before it cannot be read; left empty")
    r = rules()
    head = not title.startswith("PHÓ ") and title not in r.deputies.values()
    signs_for = bool(authority) and authority[-1].startswith("KT.")
    if head and not signs_for and _seal_damage(read, kept):
        return title, (f"signer's title {title!r} read under a seal with no 'KT.' line over "
                       f"it: a hidden 'KT.' and {r.deputy(title)!r} cannot be ruled out")
    return title, None


class SignerExtractor:
    name = "signer"
    needs_text = True
    fields = ("signer_name", "signer_title", "signing_authority")

    def extract(self, ctx: Context) -> None:
        read = ctx.zones.signature
        if not read:
            return
        # OCR lines a seal damaged take the phrase they must be; provenance keeps the
        # lines as read
        snapped = [replace(ln, text=snap_block_line(ln.text))
                   if ln.source == Source.OCR.value else ln for ln in read]
        as_read = {id(s): r for s, r in zip(snapped, read, strict=True)}
        # seal fragments read as short capitals ("NÓ", "HIẾP") are not titles
        snapped = [ln for ln in snapped if not _fragment(ln)]
        groups, title, name_line = parse_block(snapped)

        def provenance(lines: list[Line], name: str):
            return _provenance([as_read.get(id(ln), ln) for ln in lines], name)

        rec = ctx.record
        authority = [_clean(" ".join(ln.text for ln in g)) for g in groups]
        title_text = _clean(title[0].text) if title else None
        doubt = None
        if any(ln.source == Source.OCR.value for ln in snapped):
            authority, title_text, title = _deputy_block(snapped, groups, authority,
                                                         title_text, title, name_line)
            title_text, doubt = under_seal(title_text, authority, read, snapped)
            if doubt:
                rec.warnings.append(doubt)
        if groups:
            flat = [ln for g in groups for ln in g]
            rec.set("signing_authority", " / ".join(authority), provenance(flat, self.name))
        if title_text:
            prov = provenance(title, self.name)
            if doubt:
                prov.confidence = min(prov.confidence or 1.0, LOW_CONFIDENCE)
            rec.set("signer_title", title_text, prov)
        if name_line is not None:
            name = _clean(strip_name_prefix(_name_of(name_line)))
            prov = provenance([name_line], self.name)
            if name_line.source == Source.OCR.value and not read_alike(name_line, name):
                # one reading's letters: a misread tone mark passes every check of form
                prov.confidence = min(prov.confidence, ONE_READING)
            rec.set("signer_name", name, prov)
