"""Benchmark: the whole pipeline against bare PyMuPDF text extraction, on the same files.

Makes N distinct text PDFs from the generated sample letters (same layout, different bytes),
then in one run measures documents per second for
  1. bare PyMuPDF: open + page.get_text() on every page (the floor any PDF tool pays),
  2. vanthu's per-document pipeline (read, normalise, zone, extract), one process,
  3. ``ingest`` end to end (hashing, Parquet dataset) with all cores,
and prints the ratios. Peak memory of ``ingest`` is measured in a fresh process for 1k and 4k
documents to show it stays flat as the corpus grows.

    python bench/bench_text.py            # 1000 documents, memory at 1000 and 4000
    python bench/bench_text.py --n 2000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.api import ingest  # noqa: E402
from pipeline.runner import process_file  # noqa: E402


def make_corpus(folder: Path, n: int) -> list[Path]:
    sources = sorted((ROOT / "samples" / "generated").glob("*.pdf"))
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        doc = pymupdf.open(sources[i % len(sources)])
        doc.set_metadata({"title": f"bench {i}"})
        path = folder / f"doc-{i:05d}.pdf"
        doc.save(path)
        doc.close()
        files.append(path)
    return files


def bare_pymupdf(files: list[Path]) -> float:
    t = time.perf_counter()
    for f in files:
        with pymupdf.open(f) as doc:
            for page in doc:
                page.get_text()
    return len(files) / (time.perf_counter() - t)


def pipeline(files: list[Path]) -> float:
    t = time.perf_counter()
    for f in files:
        rec = process_file(f)
        assert rec.status.value == "ok", rec.errors
    return len(files) / (time.perf_counter() - t)


def _ingest_child(folder: str, out: str, queue) -> None:
    t = time.perf_counter()
    report = ingest([folder], out, workers=1)
    secs = time.perf_counter() - t
    queue.put((report.processed / secs, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def ingest_in_fresh_process(folder: Path, out: Path) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_ingest_child, args=(str(folder), str(out), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--memory-sizes", default="1000,4000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        files = make_corpus(tmp_path / "corpus", args.n)
        pipeline(files[:20])  # warm-up: imports, rule loading
        bare = bare_pymupdf(files)
        ours = pipeline(files)
        t = time.perf_counter()
        report = ingest([tmp_path / "corpus"], tmp_path / "ds-all", workers=None)
        full = report.processed / (time.perf_counter() - t)
        size_mb = sum(f.stat().st_size for f in files) >> 20
        print(f"documents: {len(files)} text PDFs ({size_mb} MB)")
        print(f"bare PyMuPDF get_text      : {bare:8.1f} docs/s")
        print(f"vanthu pipeline, 1 process : {ours:8.1f} docs/s   ratio {ours / bare:.2f}")
        print(f"vanthu ingest, all cores   : {full:8.1f} docs/s   ratio {full / bare:.2f}"
              "  (hashing + Parquet included)")
        for size in [int(s) for s in args.memory_sizes.split(",") if s]:
            folder = tmp_path / f"mem-{size}"
            make_corpus(folder, size)
            rate, peak = ingest_in_fresh_process(folder, tmp_path / f"ds-{size}")
            print(f"ingest {size:5d} docs, 1 process: {rate:8.1f} docs/s, peak RSS {peak:7.1f} MB")


if __name__ == "__main__":
    main()
