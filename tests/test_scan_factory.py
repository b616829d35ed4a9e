"""The scan factory (``scripts/make_scans.py``): the same seed gives the same pages, and its
labels are in the schema of the real scans' labels, so ``scripts/eval_scans.py`` reads both."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _factory():
    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "scripts" / "make_scans.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scans"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (ROOT.parent / "shared" / "corpus" / "html").exists(),
                    reason="../shared/corpus is not available")
def test_the_factory_is_deterministic_and_labels_like_the_real_scans(tmp_path):
    factory = _factory()
    first = factory.build(tmp_path / "a", seed=5, per_source=1, limit=1)
    factory.build(tmp_path / "b", seed=5, per_source=1, limit=1)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    real = json.loads((ROOT / "tests" / "labels" / "scans.json").read_text("utf-8"))
    keys = set(real[0]) - {"notes"}
    labels = json.loads((tmp_path / "a" / "labels.json").read_text("utf-8"))
    assert [item["file"] for item in labels] == [n for n in names if n != "labels.json"]
    for item in labels:
        assert keys <= set(item) and item["degradations"]
        assert item["source"] == "corpus/html/vbpl-doc_000001.html"
        assert (item["doc_type"], item["code"]) == ("Nghị định", "249/2025/NĐ-CP")
    other = factory.build(tmp_path / "c", seed=6, per_source=1, limit=1)
    assert other[0]["degradations"] != first[0]["degradations"]
