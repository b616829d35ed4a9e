"""Notebooks run top to bottom."""

from __future__ import annotations

import runpy

from tests.conftest import ROOT


def test_explore_dataset_notebook_runs(capsys):
    runpy.run_path(str(ROOT / "notebooks" / "explore_dataset.py"), run_name="__main__")
    assert "documents," in capsys.readouterr().out
