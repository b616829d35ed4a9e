"""Benchmark: OCR through the whole pipeline against bare ``tesseract`` on the same pages.

Takes the first page of each real scan in ``../shared/corpus/scans`` (or of the generated
letters, degraded, when ../shared is absent), then in one run measures

  1. bare Tesseract on the rendered pages: each page rendered at 300 dpi, as is, and saved
     as PNG beforehand; one ``tesseract PAGE stdout -l vie --psm 3 --dpi 300 tsv`` process
     per page, one after the other, ``OMP_THREAD_LIMIT=1``: seconds per page on one core.
     This is what one would run by hand, and the figure the target compares with;
  2. bare Tesseract, the same way, on the cleaned images the pipeline pipes to it (ink
     removed, denoised, deskewed, binarised, as PBM), for reference: Tesseract reads a clean
     binary page faster, so the pipeline's overhead shows against this one;
  3. the pipeline: ``ingest`` of the same pages as one-page PDFs, all cores, empty OCR
     cache: render, clean, OCR, zones, extractors, the dataset's tables; wall seconds per page, and
     seconds per page per core (wall × cores / pages);
  4. the pipeline again, in this process (the ``serial`` executor, a fresh cache): its CPU
     seconds per page, its OCR processes included, against bare Tesseract's CPU seconds per
     page. On a machine shared with other work the wall-clock ratios above bend with the
     load; CPU seconds do not, so this is the figure to trust there. It runs twice: with
     Tesseract as a program per reading (``tesseract-cli``, as before it was kept loaded)
     and with the run's engine (``tesseract``: libtesseract kept loaded in the process), and
     the second run says where its CPU went: rendering, cleaning, the page reading, the
     re-reads, the digit recogniser, the extractors, and the rest (reading the PDF, lines,
     zones, writing the tables);
  5. the digit recogniser alone (handwritten numbers and days), on header crops of the same
     rendered pages the size of a blank, model loaded: milliseconds per crop; the pipeline
     reads three crops per blank, two blanks on a first page.

    python bench/bench_ocr.py               # the 13 first pages
    python bench/bench_ocr.py --all-pages   # every page of the 13 letters

A run's start (the workers loading the extractors, Tesseract and the digit model) is paid
once per run, whatever its size; it is measured apart (a run of one cached page per worker)
and the per-core figure is also given without it, as a nightly run over an archive sees it.

The target: the pipeline's seconds per page per core, digit recogniser included, within 1.1×
of bare Tesseract's on the rendered pages.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pymupdf
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.registry import registry  # noqa: E402
from pipeline import runner  # noqa: E402
from pipeline.api import ingest  # noqa: E402
from pipeline.ocr import OcrSettings, PPOcrDigits, TesseractLib, clean, get  # noqa: E402
from pipeline.ocr.tesseract import PSM, tesseract_input, tesseract_path  # noqa: E402
from pipeline.options import Options  # noqa: E402
from pipeline.readers import scan  # noqa: E402


def pages(folder: Path, every_page: bool = False) -> list[Path]:
    """One-page PDFs of the real scans' first pages, or of all their pages."""
    scans = sorted((ROOT.parent / "shared" / "corpus" / "scans").glob("*.pdf"))
    if not scans:
        sys.exit("../shared/corpus/scans is not available")
    out = []
    for i, path in enumerate(scans):
        src = pymupdf.open(path)
        for k in range(src.page_count if every_page else 1):
            one = pymupdf.open()
            one.insert_pdf(src, from_page=k, to_page=k, annots=False)
            path = folder / f"page-{i:02d}-{k}.pdf"
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
        files = pages(tmp_path, "--all-pages" in sys.argv)
        rendered, cleaned = [], []
        for f in files:  # the images, made before timing
            img = _render(pymupdf.open(f)[0], settings.dpi)
            png = tmp_path / (f.stem + ".png")
            img.save(png)
            rendered.append(png)
            pbm = tmp_path / (f.stem + ".pbm")  # the very bytes the pipeline pipes in
            pbm.write_bytes(tesseract_input(clean(img, settings.steps)))
            cleaned.append(pbm)
        bare, bare_cpu = bare_tesseract(rendered, settings)
        bare_clean, _ = bare_tesseract(cleaned, settings)
        per_crop = digit_crops([Image.open(p).convert("RGB") for p in rendered])

        t = time.perf_counter()
        report = ingest(files, tmp_path / "ds", workers=cores,
                        options=Options(ocr_cache=str(tmp_path / "cache")))
        wall = time.perf_counter() - t
        assert report.processed == len(files)
        # what a run pays once, whatever its size: starting the workers, which load the
        # extractors, Tesseract and the digit model; measured as a run of one page per worker
        # whose words are in the cache by now
        t = time.perf_counter()
        ingest(files[:cores], tmp_path / "ds-started", workers=cores,
               options=Options(ocr_cache=str(tmp_path / "cache")))
        startup = time.perf_counter() - t

        # the same pages in this process, one after the other: every CPU second the
        # pipeline spends (its threads and its tesseract children) is counted, whatever
        # else the machine is doing. What a worker loads once (the extractors with their
        # phrase matcher, the digit model, the loaded Tesseract) is loaded first, as in a
        # worker that has run a document before.
        registry()
        PPOcrDigits().version()
        engine = get("tesseract", settings)
        engine.version()
        program_cpu = serial_cpu(files, tmp_path / "cli", "tesseract-cli")
        with Breakdown() as parts:
            loaded_cpu = serial_cpu(files, tmp_path / "lib", "tesseract")

    n = len(files)
    per_core = wall * cores / n
    kind = ("libtesseract kept loaded in the process" if isinstance(engine, TesseractLib)
            else "the tesseract program, one process per reading (libtesseract unavailable)")
    print(f"{n} scanned pages, {cores} cores, Tesseract '{settings.lang}', {settings.dpi} dpi")
    print(f"  engine: {engine.version()}, {kind}")
    print(f"  bare tesseract on the rendered pages     {bare:6.2f} s/page (one at a time)")
    print(f"  bare tesseract on the cleaned pages      {bare_clean:6.2f} s/page (one at a time)")
    print(f"  pipeline (ingest, all cores)             {wall / n:6.2f} s/page wall, "
          f"{per_core:.2f} s/page per core")
    print(f"  ratio per core, to the rendered pages    {per_core / bare:6.2f}   (target <= 1.1)")
    steady = max(wall - startup, 0.0) * cores / n
    print(f"  a run's start, paid once                 {startup:6.2f} s wall "
          f"({startup * cores / wall:.0%} of the run's core-seconds here)")
    print(f"  per core once the workers are up         {steady:6.2f} s/page, "
          f"ratio {steady / bare:.2f} to the rendered pages")
    print(f"  ratio per core, to the cleaned pages     {per_core / bare_clean:6.2f}")
    print(f"  CPU seconds a page: bare tesseract       {bare_cpu:6.2f} s/page")
    print(f"  CPU seconds a page: pipeline, tesseract as a program per reading  "
          f"{program_cpu / n:6.2f} s/page, ratio {program_cpu / n / bare_cpu:.2f}")
    print(f"  CPU seconds a page: pipeline, tesseract kept loaded               "
          f"{loaded_cpu / n:6.2f} s/page, ratio {loaded_cpu / n / bare_cpu:.2f}   "
          "(target <= 1.1; the per-core figure, not bent by other load)")
    print("  where the pipeline's CPU goes, kept loaded (s/page):")
    for part, seconds in parts.table(loaded_cpu):
        print(f"    {part:<44} {seconds / n:6.3f}")
    print(f"  digit recogniser, one blank's crop       {per_crop * 1000:6.1f} ms (model loaded)")


def serial_cpu(files: list[Path], out: Path, engine: str) -> float:
    """CPU seconds, this process's threads and its children, of ``ingest`` of ``files`` one
    after the other in this process with the OCR engine ``engine`` and an empty cache."""
    cpu0 = children_cpu() + time.process_time()
    report = ingest(files, out / "ds", executor="serial",
                    options=Options(ocr_engine=engine, ocr_cache=str(out / "cache")))
    assert report.processed == len(files)
    return children_cpu() + time.process_time() - cpu0


class Breakdown:
    """CPU seconds of each part of reading a scan, counted in the thread that runs it (pages
    are read in parallel threads): each part's function is wrapped while the block runs."""

    PARTS = {
        "render (pages to images at 300 dpi)": (pymupdf.Page, "get_pixmap"),
        "clean (ink, noise, skew, binarise)": (scan, "clean"),
        "digit recogniser (the two blanks)": (scan, "read_blanks"),
        "extractors (fields, confidence)": (runner, "run_extractors"),
    }

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.saved: list[tuple[Any, str, Any]] = []

    def _wrap(self, part: str, owner: Any, attr: str, fn: Any) -> None:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[part] = self.spent.get(part, 0.0) + time.thread_time() - t
        self.saved.append((owner, attr, fn))
        setattr(owner, attr, timed)

    def __enter__(self) -> Breakdown:
        for part, (owner, attr) in self.PARTS.items():
            self._wrap(part, owner, attr, getattr(owner, attr))
        read = TesseractLib.read

        def read_by_mode(engine: Any, image: Any, mode: Any) -> Any:
            part = ("tesseract, the page (psm 3)" if mode == "page"
                    else "tesseract, re-reads (number, names, marks)")
            t = time.thread_time()
            try:
                return read(engine, image, mode)
            finally:
                self.spent[part] = self.spent.get(part, 0.0) + time.thread_time() - t
        self.saved.append((TesseractLib, "read", read))
        TesseractLib.read = read_by_mode  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, attr, fn in reversed(self.saved):
            setattr(owner, attr, fn)

    def table(self, total: float) -> list[tuple[str, float]]:
        rows = sorted(self.spent.items(), key=lambda kv: -kv[1])
        rest = total - sum(self.spent.values())
        return rows + [("the rest (PDF, lines, zones, tables, threads)", rest),
                       ("all", total)]


def bare_tesseract(images: list[Path], settings: OcrSettings) -> tuple[float, float]:
    """Wall seconds and CPU seconds per image for plain ``tesseract`` runs, one after the
    other, in the mode the pipeline reads a whole page with (``--psm 3``)."""
    exe = tesseract_path()
    if exe is None:
        sys.exit("tesseract is not installed")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cpu0 = children_cpu()
    t = time.perf_counter()
    for image in images:
        subprocess.run([exe, str(image), "stdout", "-l", settings.lang, "--psm",
                        str(PSM["page"]), "--dpi", str(settings.dpi), "tsv"],
                       env=env, capture_output=True, check=True)
    wall = (time.perf_counter() - t) / len(images)
    return wall, (children_cpu() - cpu0) / len(images)


def digit_crops(pages: list) -> float:
    """Seconds per crop for the digit recogniser on a blank-sized part of each page's header
    (where ``Số:`` is written in), the model loaded beforehand."""
    engine = PPOcrDigits()
    engine.version()  # loads the model: once per process in the pipeline
    crops = [page.crop((int(page.width * 0.18), int(page.height * 0.1),
                        int(page.width * 0.26), int(page.height * 0.13))) for page in pages]
    t = time.perf_counter()
    for crop in crops * 3:
        engine.read(crop, "line")
    return (time.perf_counter() - t) / (3 * len(crops))


def _render(page: pymupdf.Page, dpi: int):
    from PIL import Image

    pix = page.get_pixmap(dpi=dpi, annots=False)
    return Image.frombytes("RGB" if pix.n >= 3 else "L", (pix.width, pix.height), pix.samples)


if __name__ == "__main__":
    main()
