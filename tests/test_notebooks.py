"""The notebooks in ``notebooks/`` run top to bottom in a real kernel (nbclient), on a
dataset given by ``VANTHU_DATASET`` as an analyst would give theirs, and on the samples
when none is given. No network: the kernel is local and nothing is downloaded."""

from __future__ import annotations

import os

import pytest

from pipeline import ingest
from tests.conftest import ROOT, SAMPLES

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb") / "samples"
    ingest([SAMPLES], out, executor="serial")
    return out


def run(path, env: dict[str, str]) -> nbformat.NotebookNode:
    book = nbformat.read(path, as_version=4)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = nbclient.NotebookClient(book, timeout=240, kernel_name="python3",
                                         resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return book


def test_there_are_the_six_notebooks():
    assert {p.stem for p in NOTEBOOKS} == {"quick_start", "deadlines_calendar",
                                           "issuers_by_month", "links_graph",
                                           "signature_audit", "checks_failed"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_a_given_dataset(path, dataset):
    book = run(path, {"VANTHU_DATASET": str(dataset)})
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert str(dataset) in "".join(o.get("text", "") for o in outputs)  # it opened that one


def test_a_notebook_without_a_dataset_ingests_the_samples():
    book = run(ROOT / "notebooks" / "quick_start.ipynb", {"VANTHU_DATASET": ""})
    text = "".join(o.get("text", "") for c in book.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert "samples" in text


def test_the_plots_are_drawn(dataset):
    book = run(ROOT / "notebooks" / "issuers_by_month.ipynb", {"VANTHU_DATASET": str(dataset)})
    images = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images
