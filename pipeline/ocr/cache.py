"""OCR results on disk, so a re-run never reads the same page twice.

A page is keyed by a hash of what it shows (a PDF page's content stream and images, an
image file's pixels), the run's settings, the engine and its version, and whatever else
the caller says decides the words (the phrase list the re-reads consult). One JSON file
per page, in two-level folders; a word is stored as a row
``[x0, y0, x1, y1, conf, text, line]``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from pathlib import Path

from pipeline.ocr.engine import OcrSettings, Word

CACHE_VERSION = "14"  # 14: the engine and its layout modes, not Tesseract's psm, in the key


def page_key(content_hash: str, settings: OcrSettings, engine: str, *extra: str) -> str:
    """The cache key of a page; ``engine`` names the engine and its version."""
    parts = [content_hash, CACHE_VERSION, settings.key(), engine, *extra]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "vanthu", "ocr")


class Cache:
    """The words of each page by key; ``root=None`` caches nothing."""

    def __init__(self, root: str | os.PathLike[str] | None):
        self.root = Path(root) if root else None

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[Word] | None:
        if self.root is None:
            return None
        try:
            rows = json.loads(self._path(key).read_text("utf-8"))
            return [Word.from_list(row) for row in rows]
        except (OSError, ValueError, TypeError):  # missing, damaged or of another shape
            return None

    def put(self, key: str, words: list[Word]) -> None:
        if self.root is None:
            return
        path = self._path(key)
        # one temporary name per process and thread: pages are read in parallel threads
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps([w.as_list() for w in words], ensure_ascii=False),
                           "utf-8")
            os.replace(tmp, path)
        except OSError:
            # a read-only or full cache only costs time; a half-written file is not left
            # behind to fill it further
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
