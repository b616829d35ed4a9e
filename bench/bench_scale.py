"""Ingest at scale: documents/s with the local pool and with a 2-worker Dask LocalCluster,
peak memory per worker, and the no-op re-run's time as a share of the full run, in wall
seconds and in CPU seconds (of this process and every process under it), since a loaded
machine stretches wall time but not CPU time.

    python bench/bench_scale.py [--docs 10000] [--workers 2]

The documents are the text samples, each copy made distinct by one added line (so no two
share a hash), spread over year and month folders as an archive is. Every figure is
measured in this run: the no-op share compares two runs of the same process on the same
files, and the two executors run the same documents into two fresh datasets.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import ingest, read_dataset  # noqa: E402


def make_archive(folder: Path, n: int) -> None:
    texts = sorted((ROOT / "samples" / "generated").glob("*.txt")) + sorted(
        (ROOT / "samples" / "seeds").glob("*.txt"))
    bodies = [t.read_text("utf-8") for t in texts]
    for i in range(n):
        sub = folder / f"{2016 + i % 10}" / f"thang-{i % 12 + 1:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"cv-{i:05d}.txt").write_text(bodies[i % len(bodies)] + f"\nBản số {i}.\n",
                                             "utf-8")


class PeakMemory:
    """Peak resident memory of each process under this one, sampled 5 times a second."""

    def __init__(self) -> None:
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, float] = {}  # CPU seconds of each process under this one, last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            for proc in me.children(recursive=True):
                try:
                    rss = proc.memory_info().rss
                    name = " ".join(proc.cmdline()[-2:])[-40:]
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                except psutil.Error:
                    continue
                if rss > self.peaks.get(proc.pid, ("", 0))[1]:
                    self.peaks[proc.pid] = (name, rss)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def workers(self, n: int) -> list[int]:
        """The ``n`` largest peaks in MiB (the workers; helpers stay small)."""
        return sorted((rss >> 20 for _, rss in self.peaks.values()), reverse=True)[:n]


def run(src: Path, out: Path, workers: int, executor: str
        ) -> tuple[float, float, list[int], int]:
    """Wall seconds, CPU seconds (this process, plus each process under it as last sampled,
    so short of the truth by at most 0.2 s of each), peak MiB per worker, documents."""
    with PeakMemory() as mem:
        start, cpu = time.perf_counter(), time.process_time()
        report = ingest([src], out, workers=workers, executor=executor)
        took = time.perf_counter() - start
        cpu = time.process_time() - cpu
    assert report.processed == report.seen, report.as_dict()
    return took, cpu + sum(mem.cpu.values()), mem.workers(workers), report.processed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vanthu-scale-"))
    try:
        src = tmp / "archive"
        make_archive(src, args.docs)
        print(f"{args.docs} documents (text letters from the samples), {args.workers} workers")
        print(f"{'executor':<24}{'seconds':>9}{'CPU s':>9}{'docs/s':>9}"
              f"{'peak MiB per worker':>22}")
        rows = {}
        for executor, label in (("local", "local pool"), ("dask", "Dask LocalCluster")):
            took, cpu, peaks, n = run(src, tmp / executor, args.workers, executor)
            rows[executor] = took, cpu
            print(f"{label:<24}{took:>9.1f}{cpu:>9.1f}{n / took:>9.1f}"
                  f"{', '.join(map(str, peaks)):>22}")
        noops = []
        for _ in range(3):  # the median of three: one run is a few tenths of a second
            start, cpu = time.perf_counter(), time.process_time()
            again = ingest([src], tmp / "local", workers=args.workers)
            noops.append((time.perf_counter() - start, time.process_time() - cpu))
            assert again.processed == 0 and again.unchanged == args.docs
        assert len(read_dataset(tmp / "local")) == args.docs
        wall = sorted(w for w, _ in noops)[1]
        cpu = sorted(c for _, c in noops)[1]
        full_wall, full_cpu = rows["local"]
        print(f"\nno-op re-run (median of 3): {wall:.2f} s wall = {100 * wall / full_wall:.2f}% "
              f"of the full local run ({full_wall:.1f} s); {cpu:.2f} CPU s = "
              f"{100 * cpu / full_cpu:.2f}% of its {full_cpu:.1f} CPU s; target under 1%")
        print(f"Dask / local time: {rows['dask'][0] / full_wall:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
