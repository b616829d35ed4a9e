"""The Tesseract engine: the ``tesseract`` program with its Vietnamese data (``vie``).

Tesseract runs as one process per reading with ``OMP_THREAD_LIMIT=1``: its OpenMP threads
fight on a small machine (2 s a page alone, 15 s with threads), and the pipeline already
reads the pages of a document in parallel threads, each waiting on its own process. The
image goes in on stdin as uncompressed PBM/PGM and the words come back as TSV, with their
boxes and confidences.

The layout modes map to Tesseract's page segmentation modes: ``page`` is ``--psm 3`` (the
automatic layout of a whole page), ``block`` ``--psm 6``, ``line`` ``--psm 7`` and
``sparse`` ``--psm 11``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from functools import lru_cache
from typing import Any

from pipeline.ocr.engine import Mode, OcrSettings, OcrUnavailable, Word

PSM: dict[str, int] = {"page": 3, "block": 6, "line": 7, "sparse": 11}


@lru_cache(maxsize=1)
def tesseract_path() -> str | None:
    """The ``tesseract`` program: ``$VANTHU_TESSERACT`` when set, else the one on PATH."""
    return shutil.which(os.environ.get("VANTHU_TESSERACT") or "tesseract")


@lru_cache(maxsize=8)
def tesseract_info(lang: str) -> str:
    """The Tesseract version line; raises :class:`OcrUnavailable` with the fix when the
    program or the language is missing."""
    exe = tesseract_path()
    if exe is None:
        raise OcrUnavailable(
            "tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-vie)"
        )
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False)
    langs = set(out.stdout.split()[1:]) | set(out.stderr.split()[1:])
    missing = [part for part in lang.split("+") if part not in langs]
    if missing:
        raise OcrUnavailable(
            f"tesseract has no language data for {', '.join(missing)} "
            "(Debian: apt-get install tesseract-ocr-vie)"
        )
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return (version.stdout or version.stderr).splitlines()[0].strip()


def tesseract_input(image: Any) -> bytes:
    """The image as Tesseract reads it from stdin: uncompressed PBM (binary) or PGM; PNG
    compression would cost a tenth of Tesseract's own time."""
    buf = io.BytesIO()
    image.save(buf, format="PPM")
    return buf.getvalue()


def run_tesseract(image: bytes, lang: str, psm: int, dpi: int, timeout: float = 300) -> str:
    """Tesseract's TSV for ``image`` (PBM/PGM bytes)."""
    exe = tesseract_path()
    if exe is None:
        raise OcrUnavailable("tesseract is not installed")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(
        [exe, "stdin", "stdout", "-l", lang, "--psm", str(psm), "--dpi", str(dpi), "tsv"],
        input=image, capture_output=True, env=env, timeout=timeout, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[:300])
    return proc.stdout.decode("utf-8", "replace")


def tsv_words(tsv: str) -> list[Word]:
    """Tesseract's TSV as words in image pixels; a word's ``line`` is Tesseract's
    block/paragraph/line number (``2.1.1``)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(v) for v in cols[6:10])
        words.append(Word(left, top, left + width, top + height, float(cols[10]), cols[11],
                          f"{cols[2]}.{cols[3]}.{cols[4]}"))
    return words


class Tesseract:
    """The :class:`~pipeline.ocr.engine.Engine` backed by the ``tesseract`` program."""

    name = "tesseract"

    def __init__(self, settings: OcrSettings) -> None:
        self.lang = settings.lang
        self.dpi = settings.dpi

    def version(self) -> str:
        return tesseract_info(self.lang)

    def read(self, image: Any, mode: Mode) -> list[Word]:
        return tsv_words(run_tesseract(tesseract_input(image), self.lang, PSM[mode], self.dpi))
