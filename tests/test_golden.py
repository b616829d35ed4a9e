"""Golden tests: every sample's whole record (provenance included) against its expected JSON.

Regenerate after an intended change with ``make regen-samples`` (sets VANTHU_REGEN_GOLDEN=1);
CI fails when the flag is left on.
"""

from __future__ import annotations

import json
import os

import pytest

from pipeline.runner import process_file
from tests.conftest import ROOT, SAMPLES

REGEN = os.environ.get("VANTHU_REGEN_GOLDEN") == "1"
SAMPLE_FILES = sorted(
    p for p in SAMPLES.rglob("*") if p.is_file() and not p.name.endswith(".expected.json")
)


def golden_of(path) -> dict:
    rec = process_file(path.relative_to(ROOT))
    data = json.loads(json.dumps(rec.to_dict(), ensure_ascii=False, default=str))
    data.pop("ingested_at")  # the only value that changes from run to run
    return data


def test_regeneration_flag_is_off_in_ci():
    assert not (REGEN and os.environ.get("CI")), "VANTHU_REGEN_GOLDEN must not be set in CI"


def test_every_sample_has_a_golden_record():
    assert len(SAMPLE_FILES) >= 17
    missing = [p.name for p in SAMPLE_FILES if not p.with_name(p.name + ".expected.json").exists()]
    assert REGEN or not missing, f"no expected JSON for {missing}"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_golden(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected_path = path.with_name(path.name + ".expected.json")
    got = golden_of(path)
    if REGEN:
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", "utf-8")
        pytest.skip("golden record regenerated")
    expected = json.loads(expected_path.read_text("utf-8"))
    assert got == expected
