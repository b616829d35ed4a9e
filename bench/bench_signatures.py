"""Benchmark: what reading signatures adds to the pipeline on signed text PDFs.

The same signed letters are run through the whole pipeline twice per round, once reading
their signatures (widgets' text, certificates, integrity, coverage) and once with
``Options(signatures=False)``; rounds alternate the order so that warm caches favour neither.
The files are the signed samples (``samples/signed``: four revisions and four signatures,
one revision changed after signing, a tampered and a corrupt signature) and, when
``../shared`` is present, the two real e-office letters with five signatures each.

    python bench/bench_signatures.py             # 20 rounds
    python bench/bench_signatures.py --rounds 50

Prints seconds per document for both runs and the overhead; the target is below 25%.
pyHanko's own PDF reader is timed on the same files for reference: the pipeline reads the
PDF structure with PyMuPDF and hands only the CMS blobs to pyHanko.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.options import Options  # noqa: E402
from pipeline.runner import process_bytes  # noqa: E402


def corpus() -> list[tuple[str, bytes]]:
    files = sorted((ROOT / "samples" / "signed").glob("*.pdf"))
    files += sorted((ROOT.parent / "shared" / "corpus" / "text-pdf").glob("*.pdf"))
    return [(str(f), f.read_bytes()) for f in files]


def run(docs: list[tuple[str, bytes]], options: Options) -> float:
    t = time.perf_counter()
    for path, data in docs:
        process_bytes(path, data, options)
    return (time.perf_counter() - t) / len(docs)


def pyhanko_reader(docs: list[tuple[str, bytes]]) -> float:
    from pyhanko.pdf_utils.reader import PdfFileReader

    t = time.perf_counter()
    for _, data in docs:
        try:
            for sig in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures:
                sig.compute_integrity_info(skip_diff=True)
        except Exception:  # the corrupt sample stops pyHanko's reader for the whole file
            pass
    return (time.perf_counter() - t) / len(docs)


def overhead(docs: list[tuple[str, bytes]], rounds: int) -> tuple[float, float]:
    """Median seconds per document without and with signatures; rounds alternate the
    order so that warm caches favour neither."""
    with_sigs, without = [], []
    for i in range(rounds):
        order = (True, False) if i % 2 == 0 else (False, True)
        for read in order:
            (with_sigs if read else without).append(run(docs, Options(signatures=read)))
    return statistics.median(without), statistics.median(with_sigs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    docs = corpus()
    n_sigs = sum(len(process_bytes(p, d).signatures) for p, d in docs)  # also warms imports
    off, on = overhead(docs, args.rounds)
    print(f"{len(docs)} signed PDFs, {n_sigs} signatures, {args.rounds} rounds (medians)")
    print(f"  pipeline without signatures   {off * 1000:8.2f} ms/doc")
    print(f"  pipeline with signatures      {on * 1000:8.2f} ms/doc")
    print(f"  overhead                      {(on - off) / off:8.1%}   (target < 25%)")
    groups = {
        "the signed samples": [d for d in docs if "/samples/signed/" in d[0]],
        "the real e-office letters": [d for d in docs if "/samples/signed/" not in d[0]],
    }
    for name, group in groups.items():
        if group:
            g_off, g_on = overhead(group, args.rounds)
            print(f"    on {name} ({len(group)}): {g_off * 1000:.2f} -> {g_on * 1000:.2f} "
                  f"ms/doc, {(g_on - g_off) / g_off:.1%}")
    ref = statistics.median(pyhanko_reader(docs) for _ in range(3))
    print(f"  for reference: pyHanko's PdfFileReader alone {ref * 1000:.2f} ms/doc "
          f"({ref / off:.0%} of the pipeline without signatures)")


if __name__ == "__main__":
    main()
