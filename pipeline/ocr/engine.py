"""What an OCR engine is to the rest of the pipeline: words with boxes, read in a layout mode.

An engine turns a cleaned page image (or a part of it) into :class:`Word` values in image
pixels. The caller says how the pixels are laid out, in the engine's neutral terms: a whole
``page`` (columns, paragraphs), one ``block`` of lines (a signature column), one ``line``
(``Số: 985/QĐ-TTg`` cut out of the header), or ``sparse`` words anywhere (``THỦ TƯỚNG``
across a seal's ring). Tesseract is the engine today; a recogniser for handwritten digits
(the number ``1453`` written in by the records office) is meant to be a second one.

Engines are registered by name (``register``) and made for a run's settings (``get``); an
unknown name fails with the list of known ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pipeline.ocr.clean import ALL_STEPS
from schemas.record import BBox

Mode = Literal["page", "block", "line", "sparse"]
MODES: tuple[Mode, ...] = ("page", "block", "line", "sparse")


class OcrUnavailable(RuntimeError):
    """The engine, or its language data, is not installed."""


@dataclass(slots=True)
class Word:
    """One word as the engine read it, in image pixels.

    ``line`` names the engine's line the word belongs to (Tesseract: block.paragraph.line,
    ``2.1.1``); words of one line share it, whatever their columns. ``conf`` is 0–100.
    """

    x0: int
    y0: int
    x1: int
    y1: int
    conf: float
    text: str
    line: str

    @property
    def box(self) -> BBox:
        return (self.x0, self.y0, self.x1, self.y1)

    def as_list(self) -> list[Any]:
        """The word as a JSON row (the page cache's format)."""
        return [self.x0, self.y0, self.x1, self.y1, self.conf, self.text, self.line]

    @classmethod
    def from_list(cls, row: list[Any]) -> Word:
        x0, y0, x1, y1, conf, text, line = row
        return cls(x0, y0, x1, y1, conf, text, line)


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How a run reads pages: the language(s), the resolution pages are rendered at, and the
    cleaning steps (see :mod:`pipeline.ocr.clean`). The layout mode is the caller's choice
    per reading, not a setting of the run."""

    lang: str = "vie"
    dpi: int = 300
    steps: tuple[str, ...] = ALL_STEPS

    def key(self) -> str:
        return f"{self.lang}|{self.dpi}|{','.join(self.steps)}"


class Engine(Protocol):
    """An OCR engine made for one run's settings.

    ``version()`` names the engine and its version (it goes into the cache key, so an
    upgrade reads pages again) and raises :class:`OcrUnavailable`, saying how to install
    what is missing, when the engine cannot run. ``read`` returns the words of ``image`` (a
    PIL image) in its pixels; it may raise on a failed reading.
    """

    name: str

    def version(self) -> str: ...

    def read(self, image: Any, mode: Mode) -> list[Word]: ...


EngineFactory = Callable[[OcrSettings], Engine]

_ENGINES: dict[str, EngineFactory] = {}


def register(name: str, factory: EngineFactory) -> None:
    """Make ``factory`` the engine called ``name`` (``Options.ocr_engine``)."""
    _ENGINES[name] = factory


def known() -> list[str]:
    return sorted(_ENGINES)


def get(name: str, settings: OcrSettings | None = None) -> Engine:
    """The engine ``name`` made for ``settings``; an unknown name fails with the known ones."""
    try:
        factory = _ENGINES[name]
    except KeyError:
        raise KeyError(
            f"unknown OCR engine {name!r}; known: {', '.join(known()) or '(none)'}"
        ) from None
    return factory(settings or OcrSettings())
