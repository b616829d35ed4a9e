"""What a run reads, beyond the text: one immutable value passed from the CLI to the readers.

The defaults read everything: ``vanthu ingest`` on a folder of e-office PDFs reads each
signature (``Signature2`` of ``qn-05-TB-UBND-2025.pdf`` stamps the number ``11``).
``--no-signatures`` skips the signature fields, for runs that only need the letter's text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Options:
    signatures: bool = True  # read PDF signature fields: widgets' text, certificates, integrity


DEFAULT = Options()
