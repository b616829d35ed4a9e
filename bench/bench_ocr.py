"""Benchmark: OCR through the whole pipeline against bare ``tesseract`` on the same pages.

Takes the first page of each real scan in ``../shared/corpus/scans`` (or of the generated
letters, degraded, when ../shared is absent), then in one run measures

  1. bare Tesseract: the page images the pipeline would send (rendered at 300 dpi and
     cleaned, written beforehand as the PBM the pipeline pipes to it), one ``tesseract … -l vie tsv`` process per page,
     one after the other, ``OMP_THREAD_LIMIT=1``: seconds per page on one core;
  2. the pipeline: ``ingest`` of the same pages as one-page PDFs, all cores, empty OCR
     cache: render, clean, OCR, zones, extractors, Parquet; wall seconds per page, and
     seconds per page per core (wall × cores / pages), with the CPU time the run used.

    python bench/bench_ocr.py

The target: the pipeline's seconds per page per core within 1.3× of bare Tesseract's.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import ocr  # noqa: E402
from pipeline.api import ingest  # noqa: E402
from pipeline.options import Options  # noqa: E402


def pages(folder: Path) -> list[Path]:
    scans = sorted((ROOT.parent / "shared" / "corpus" / "scans").glob("*.pdf"))
    if not scans:
        sys.exit("../shared/corpus/scans is not available")
    out = []
    for i, scan in enumerate(scans):
        src = pymupdf.open(scan)
        one = pymupdf.open()
        one.insert_pdf(src, from_page=0, to_page=0, annots=False)
        path = folder / f"page-{i:02d}.pdf"
        one.save(path)
        out.append(path)
    return out


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    cores = os.cpu_count() or 1
    settings = Options().ocr_settings
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        files = pages(tmp_path)
        pngs = []
        for f in files:  # the images the pipeline sends, made before timing
            page = pymupdf.open(f)[0]
            job = ocr.PageJob(0, "", lambda p=page: _render(p, settings.dpi), 72 / settings.dpi)
            img = ocr.clean(job.image(), settings.steps)
            png = tmp_path / (f.stem + ".pnm")  # the very bytes the pipeline pipes in
            png.write_bytes(ocr.tesseract_input(img))
            pngs.append(png)

        exe = ocr.tesseract_path()
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        t = time.perf_counter()
        for png in pngs:
            subprocess.run([exe, str(png), "stdout", "-l", settings.lang, "--psm",
                            str(settings.psm), "--dpi", str(settings.dpi), "tsv"],
                           env=env, capture_output=True, check=True)
        bare = (time.perf_counter() - t) / len(pngs)

        cpu0 = children_cpu() + time.process_time()
        t = time.perf_counter()
        report = ingest(files, tmp_path / "ds", workers=cores,
                        options=Options(ocr_cache=str(tmp_path / "cache")))
        wall = time.perf_counter() - t
        cpu = children_cpu() + time.process_time() - cpu0
        assert report.processed == len(files)

    n = len(files)
    per_core = wall * cores / n
    print(f"{n} scanned pages, {cores} cores, Tesseract '{settings.lang}', {settings.dpi} dpi")
    print(f"  bare tesseract, one process at a time   {bare:6.2f} s/page")
    print(f"  pipeline (ingest, all cores)             {wall / n:6.2f} s/page wall, "
          f"{per_core:.2f} s/page per core")
    print(f"  ratio per core                           {per_core / bare:6.2f}   (target <= 1.3)")
    print(f"  CPU used by the pipeline run             {cpu / wall:6.2f} cores of {cores}")


def _render(page: pymupdf.Page, dpi: int):
    from PIL import Image

    pix = page.get_pixmap(dpi=dpi, annots=False)
    return Image.frombytes("RGB" if pix.n >= 3 else "L", (pix.width, pix.height), pix.samples)


if __name__ == "__main__":
    main()
