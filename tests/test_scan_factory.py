"""The scan factory (``scripts/make_scans.py``): the same seed gives the same pages, and its
labels are in the schema of the real scans' labels, so ``scripts/eval_scans.py`` reads both."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.ocr.support import needs_tesseract

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


def test_held_out_letters_are_split_by_their_source_alone(tmp_path):
    """The same source is on one side whatever its variant or seed; composed letters are
    sources of their own and fall on both sides."""
    factory = _factory()
    assert factory.part_of("corpus/html/vbpl-doc_000004.html") == "held-out"
    assert factory.part_of("corpus/html/vbpl-doc_000001.html") == "tuning"
    parts = {factory.part_of(factory.compose(1, k).source) for k in range(12)}
    assert parts == {"tuning", "held-out"}
    a, b = factory.compose(1, 5), factory.compose(1, 5)
    assert a.label == b.label and a.body == b.body and a.source == "composed/1/005"
    labels = factory.build(tmp_path, seed=5, per_source=1, limit=0, composed=2)
    assert [item["part"] for item in labels] == [factory.part_of(item["source"])
                                                 for item in labels]
    assert [item["source"] for item in labels] == ["composed/1/000", "composed/1/001"]


@needs_tesseract
@pytest.mark.parametrize("container", ["png", "pdf"])
def test_a_black_seal_over_the_authority_line_is_not_rated_as_sure(tmp_path, container):
    """A black-and-white page whose black seal covers the left of ``TM. … / KT. …`` and of
    the title: what is read there may have lost ``KT.`` or ``PHÓ``, so it is not rated 0.9
    or more unless it is right, and the record says a black seal was over it. As an image
    file and as a scanned PDF (whose pages are looked at again for seals after the file
    was read and closed)."""
    from pipeline.options import Options
    from pipeline.readers import read_document
    from pipeline.runner import process_file

    factory = _factory()
    letter = next(c for c in (factory.compose(1, k) for k in range(60))
                  if (c.label["signing_authority"] or "").startswith("TM. ")
                  and " / KT. " in c.label["signing_authority"])
    pdf, lay, label = factory.render(letter, "dejavu-serif", set())
    dpi, s = 200, 200 / 72
    pix = factory.pymupdf.open("pdf", pdf)[0].get_pixmap(dpi=dpi)
    page = factory.Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    page = factory.draw_seal(page, (lay.sig_x - 45) * s, (lay.sig_top + 12) * s, 52 * s,
                             label["issuer"], (25, 25, 25), factory.random.Random(2))
    path = tmp_path / "sealed.png"
    page.convert("L").point(lambda v: 255 if v > 140 else 0).save(path, dpi=(dpi, dpi))
    if container == "pdf":  # the page as a scanner's PDF: one image, no text layer
        scanned = factory.pymupdf.open()
        scanned.new_page(width=595, height=842).insert_image(
            factory.pymupdf.Rect(0, 0, 595, 842), filename=str(path))
        path = tmp_path / "sealed.pdf"
        scanned.save(path)
    options = Options(ocr_cache=str(tmp_path / "c"))
    rec = process_file(path, options=options)
    assert not any("seals could not be looked for" in w for w in rec.warnings), rec.warnings
    doc = read_document(path, path.read_bytes(), options)
    assert doc.seals == []  # looked for only when asked, on the pages asked
    assert [seal.colour for seal in doc.seals_on([1])] == ["black"]
    for field in ("signing_authority", "signer_title"):
        prov = rec.provenance.get(field)
        if prov is not None and prov.confidence >= 0.9:  # empty, doubted, or right
            assert getattr(rec, field) == label[field], (field, getattr(rec, field))
        if prov is not None and getattr(rec, field) != label[field]:
            assert any(w.startswith(field) and "black seal" in w for w in rec.warnings)
