"""The registry: every extractor meets the contract, names are unique, order is kept."""

from __future__ import annotations

import pytest

from extractors.registry import get, registry
from schemas.record import Record


def test_every_extractor_meets_the_contract():
    record_fields = set(Record.__dataclass_fields__)
    for name, extractor in registry().items():
        assert extractor.name == name
        assert isinstance(extractor.needs_text, bool)
        assert extractor.fields and set(extractor.fields) <= record_fields, name
        assert callable(extractor.extract)


def test_order_puts_what_others_read_first():
    names = list(registry())
    assert names.index("number") < names.index("doc_type")  # the type reads the symbol
    assert names.index("stamped") < names.index("signatures")  # which blank a stamp fills
    assert [n for n, e in registry().items() if not e.needs_text] == ["signatures"]


def test_unknown_extractor_names_the_known_ones():
    with pytest.raises(KeyError, match=r"unknown extractor 'title'; known: number, doc_type, "):
        get("title")
    assert get("subject").fields == ("subject",)
