"""What a run reads, beyond the text: one immutable value passed from the CLI to the readers.

The defaults read everything: ``vanthu ingest`` on a folder of e-office PDFs reads each
signature (``Signature2`` of ``qn-05-TB-UBND-2025.pdf`` stamps the number ``11``) and OCRs
each page that has no usable text layer (the 13 scans of ``qn-*.pdf``) with Tesseract's
Vietnamese data. ``--no-signatures`` and ``--no-ocr`` switch these off.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.ocr import ALL_STEPS, OcrSettings


@dataclass(frozen=True, slots=True)
class Options:
    signatures: bool = True  # read PDF signature fields: widgets' text, certificates, integrity
    ocr: bool = True  # OCR pages without a usable text layer, and image files
    ocr_lang: str = "vie"  # Tesseract language(s), e.g. "vie" or "Vietnamese"
    ocr_dpi: int = 300
    ocr_steps: tuple[str, ...] = ALL_STEPS  # image cleaning before OCR (pipeline.ocr.clean)
    ocr_cache: str | None = None  # folder of cached OCR results; None: ~/.cache/vanthu/ocr
    ocr_threads: int = 0  # pages of one document OCRed at once; 0: all cores
    ocr_engine: str = "tesseract"  # the OCR engine's registered name (pipeline.ocr.get)

    @property
    def ocr_settings(self) -> OcrSettings:
        return OcrSettings(lang=self.ocr_lang, dpi=self.ocr_dpi, steps=tuple(self.ocr_steps))


DEFAULT = Options()
