"""Shared fixtures: where the samples and the real documents of ../shared are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
LABELS = Path(__file__).resolve().parent / "labels"


def shared_file(rel: str) -> Path:
    path = SHARED / rel
    if not path.exists():
        pytest.skip(f"{rel} is not available (../shared is absent on this machine)")
    return path


def load_labels(name: str) -> list[dict]:
    return json.loads((LABELS / name).read_text("utf-8"))


@pytest.fixture(autouse=True, scope="session")
def _ocr_cache_in_a_temporary_folder(tmp_path_factory):
    """OCR results are cached under XDG_CACHE_HOME; the tests keep theirs out of $HOME."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()
