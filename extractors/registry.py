"""The registry: every extractor, in the order they run.

Order matters where one extractor reads what another wrote: the type reads the symbol
(``Số: 1453/BTTTT-HTQT`` gives ``doc_type_code`` before ``Công văn`` is judged), the
signatures read which blank each stamp filled (``stamped`` runs first), and a number written
in by hand fills only what no stamp filled (``handwritten`` after ``stamped``). ``get("nosuch")``
fails with the list of known names.
"""

from __future__ import annotations

from functools import lru_cache

from extractors import (
    contacts,
    dates,
    deadlines,
    doc_type,
    handwritten,
    issuer,
    marks,
    number,
    organisations,
    recipients,
    references,
    signatures,
    signer,
    stamped,
    subject,
    tasks,
)
from extractors.base import Extractor


@lru_cache(maxsize=1)
def registry() -> dict[str, Extractor]:
    """Name → extractor, in running order; built once per process."""
    items: list[Extractor] = [
        number.NumberExtractor(),
        doc_type.DocTypeExtractor(),
        issuer.IssuerExtractor(),
        dates.IssueDateExtractor(),
        stamped.StampedExtractor(),
        handwritten.HandwrittenExtractor(),  # after the stamps: a widget's number wins
        subject.SubjectExtractor(),
        recipients.RecipientsExtractor(),
        recipients.DistributionExtractor(),
        signer.SignerExtractor(),
        organisations.OrganisationsExtractor(),  # after the header and lists it names
        deadlines.DeadlinesExtractor(),
        references.ReferencesExtractor(),
        tasks.TasksExtractor(),  # after deadlines: a sentence's task is a task too
        tasks.PagesExtractor(),
        contacts.ContactsExtractor(),
        marks.MarksExtractor(),
        signatures.SignaturesExtractor(),
    ]
    return {e.name: e for e in items}


def get(name: str) -> Extractor:
    reg = registry()
    try:
        return reg[name]
    except KeyError:
        raise KeyError(f"unknown extractor {name!r}; known: {', '.join(reg)}") from None
