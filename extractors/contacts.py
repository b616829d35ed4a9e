"""Contact persons, phones and e-mail addresses given in the body.

``Mọi chi tiết xin liên hệ … Anh Đào Ngọc Tuyển, Di động: 0912802454, Email:
dntuyen@mic.gov.vn.`` → (Đào Ngọc Tuyển, 0912802454, dntuyen@mic.gov.vn). The name follows a
form of address (``Anh``, ``Bà``, ``đồng chí``, ``C.``); where a contact sentence has a phone or
an address but no such word, underthesea's NER is asked for a person in that one sentence
(loaded on first use, never run over whole letters). Entries that share a phone or an address
are merged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.base import Context, provenance
from pipeline.layout import looks_like_name
from pipeline.normalize import fold
from pipeline.rules import rules
from schemas.record import Contact


@lru_cache(maxsize=1)
def _ner():
    from underthesea import ner  # loads its CRF model: only for sentences that need it

    return ner


def person_by_ner(sentence: str) -> str | None:
    tokens = _ner()(sentence)
    names: list[str] = []
    current: list[str] = []
    for token in tokens:
        word, tag = token[0], token[-1]
        if tag == "B-PER":
            if current:
                names.append(" ".join(current))
            current = [word]
        elif tag == "I-PER" and current:
            current.append(word)
        elif current:
            names.append(" ".join(current))
            current = []
    if current:
        names.append(" ".join(current))
    for name in names:
        if looks_like_name(name):
            return name
    return None


def _phones(text: str) -> list[str]:
    low, high = rules().phone_digits
    out = []
    for m in rules().phone.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if low <= len(digits) <= high:
            out.append(m.group(0).strip())
    return out


class ContactsExtractor:
    name = "contacts"
    needs_text = True
    fields = ("contacts",)

    def extract(self, ctx: Context) -> None:
        view = ctx.body_view()
        text = view.text
        r = rules()
        seen_sentences: set[tuple[int, int]] = set()
        contacts: list[Contact] = []
        lines = []
        anchors = [m.start() for m in r.email.finditer(text)]
        anchors += [m.start() for m in r.phone.finditer(text)]
        for pos in sorted(anchors):
            bounds = view.sentence_at(pos, pos + 1)
            if bounds in seen_sentences:
                continue
            seen_sentences.add(bounds)
            sentence = text[bounds[0]: bounds[1]]
            emails = r.email.findall(sentence)
            phones = _phones(r.email.sub(" ", sentence))
            if not emails and not phones:
                continue
            folded = fold(sentence)
            if not any(cue in folded for cue in r.contact_cues_folded) and not emails:
                continue
            m = r.honorific_name.search(sentence)  # "Anh Đào Ngọc Tuyển", "đ/c Lê Văn A"
            name = m.group("name") if m else None
            if name is None and any(cue in folded for cue in r.ner_cues_folded):
                name = person_by_ner(sentence)
            first = Contact(
                name=name, phone=phones[0] if phones else None, email=emails[0] if emails else None
            )
            contacts.append(first)
            for extra in emails[1:]:
                contacts.append(Contact(name=None, phone=None, email=extra))
            for extra in phones[1:]:
                contacts.append(Contact(name=None, phone=extra, email=None))
            lines.extend(view.lines_for(*bounds))
        merged = merge(contacts)
        if merged:
            ctx.record.set("contacts", merged, provenance(lines, self.name))


def merge(contacts: list[Contact]) -> list[Contact]:
    """One entry per person: entries that share an e-mail or phone are folded together."""
    out: list[Contact] = []
    for c in contacts:
        same = next(
            (
                o for o in out
                if (c.email and o.email == c.email) or (c.phone and o.phone == c.phone)
            ),
            None,
        )
        if same is None:
            out.append(Contact(c.name, c.phone, c.email))
            continue
        same.name = same.name or c.name
        same.phone = same.phone or c.phone
        same.email = same.email or c.email
    return out
