"""The engine registry and the word type every engine returns."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline import ocr
from pipeline.ocr import Mode, OcrSettings, Word


def test_an_unknown_engine_fails_with_the_known_names():
    with pytest.raises(KeyError) as err:
        ocr.get("handwriting")
    assert "unknown OCR engine 'handwriting'" in str(err.value)
    assert "known: ppocr, tesseract" in str(err.value)


class _Digits:
    """An engine that reads every image as one word, for the registry's sake."""

    name = "digits"

    def __init__(self, settings: OcrSettings) -> None:
        self.dpi = settings.dpi

    def version(self) -> str:
        return "digits 0"

    def read(self, image: Any, mode: Mode) -> list[Word]:
        return [Word(0, 0, 10, 10, 90.0, "1453", "1.1.1")]


def test_a_registered_engine_is_made_for_the_settings(monkeypatch):
    monkeypatch.setattr(ocr.engine, "_ENGINES", dict(ocr.engine._ENGINES))
    ocr.register("digits", _Digits)
    engine = ocr.get("digits", OcrSettings(dpi=400))
    assert isinstance(engine, _Digits) and engine.dpi == 400
    assert "digits" in ocr.known() and "tesseract" in ocr.known()
    assert [w.text for w in engine.read(None, "line")] == ["1453"]


def test_a_word_goes_to_a_row_and_back():
    word = Word(100, 200, 160, 230, 95.0, "Số:", "2.1.1")
    assert word.as_list() == [100, 200, 160, 230, 95.0, "Số:", "2.1.1"]
    assert Word.from_list(word.as_list()) == word
