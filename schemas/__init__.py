"""Typed records and the dataset schema (see record.py and arrow.py)."""

from schemas.record import (
    CORE_FIELDS,
    SCHEMA_VERSION,
    Contact,
    Deadline,
    Provenance,
    Record,
    Reference,
    Signature,
    Source,
    Status,
)

__all__ = [
    "CORE_FIELDS",
    "SCHEMA_VERSION",
    "Contact",
    "Deadline",
    "Provenance",
    "Record",
    "Reference",
    "Signature",
    "Source",
    "Status",
]
