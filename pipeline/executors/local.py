"""Documents processed on this machine: in this process, or in supervised worker processes.

:class:`PoolExecutor` keeps ``workers`` processes, each handed one path at a time, and
watches them: a worker that dies (a native library crashing on a damaged file, the kernel's
OOM killer), outlives the per-document time limit or outgrows the memory limit is ended with
its OCR processes and replaced, and only the file it held gets a failed record. Results come
back as they finish, not in input order. Workers are forked from a small server process that
has the pipeline imported already (so a replacement starts in milliseconds) and ask the
kernel to kill them when their parent dies; each also watches a pipe whose other end only the
parent holds (the kernel closes it however the parent dies) and then ends its own process
group, OCR processes included. So a ``kill -9`` of ``vanthu ingest`` leaves no worker
behind.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import multiprocessing.sharedctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

import psutil

from pipeline.executors.base import DocumentTask, Limits, Result
from pipeline.ocr import progress
from pipeline.runner import failed_record

PageCounter = multiprocessing.sharedctypes.Synchronized  # an ``mp.Value("i")``
POLL_SECONDS = 0.2  # how often the limits are checked


def _count_pages(counter: PageCounter) -> None:
    """Count this process's OCRed pages into ``counter``, which the parent reads."""
    progress.set_listener(progress.counter_listener(counter))


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when the process that started it dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass


class SerialExecutor:
    """Every document in this process, one after the other: for debugging. Only the page
    limit applies here (nothing can stop a document that hangs in its own process)."""

    kind = "serial"

    def __init__(self) -> None:
        self._pages = mp.get_context().Value("i", 0)

    def run(self, task: DocumentTask, paths: Sequence[str]) -> Iterator[Result]:
        _count_pages(self._pages)
        try:
            for path in paths:
                yield task(path)
        finally:
            progress.set_listener(None)

    def pages_done(self) -> int:
        return int(self._pages.value)


def _watch(lifeline: Connection) -> None:
    """End this worker's process group (it and its OCR processes) when the parent is gone:
    the parent holds the lifeline's other end, which the kernel closes however it dies."""
    try:
        lifeline.poll(None)
    finally:
        os.killpg(0, signal.SIGKILL)


def _worker(conn: Connection, lifeline: Connection, task: DocumentTask,
            counter: PageCounter) -> None:
    """A worker's life: one path in, one result out, until the parent says stop or goes."""
    die_with_parent()
    os.setpgid(0, 0)  # its own group, so a kill for a limit takes its OCR processes too
    threading.Thread(target=_watch, args=(lifeline,), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    _count_pages(counter)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        result = task(path)
        try:
            conn.send(result)
        except OSError:  # the parent is gone
            return


class _Slot:
    """One worker process and the path it holds."""

    def __init__(self, ctx: Any, task: DocumentTask, counter: PageCounter,
                 lifeline: Connection) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, lifeline, task, counter),
                                daemon=True)
        self.proc.start()
        child.close()
        self.path: str | None = None
        self.since = 0.0

    def give(self, path: str) -> None:
        self.path, self.since = path, time.monotonic()
        try:
            self.conn.send(path)
        except OSError:
            pass  # the worker is gone: its sentinel says so at the next wait

    def rss_mb(self) -> float:
        try:
            proc = psutil.Process(self.proc.pid)
            procs = [proc, *proc.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs) / (1 << 20)
        except psutil.Error:
            return 0.0

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


def _why_dead(slot: _Slot) -> str:
    slot.proc.join(1)
    code = slot.proc.exitcode
    if code is not None and code < 0 and -code == signal.SIGKILL:
        return "the worker was killed while reading this file (out of memory?)"
    return ("the reader crashed on this file (damaged or hostile content; "
            f"exit code {code})")


def _verdict(slot: _Slot, ready: list[Any], checking: bool, limits: Limits
             ) -> tuple[Result | None, str | None]:
    """What became of the path ``slot`` holds: its result, or why it is lost (the worker
    died, or is over a limit: checked when ``checking``), or neither (still at work)."""
    if slot.conn in ready:
        try:
            return slot.conn.recv(), None
        except (EOFError, OSError):
            return None, _why_dead(slot)
    if slot.proc.sentinel in ready:
        return None, _why_dead(slot)
    if not checking:
        return None, None
    if limits.seconds is not None and time.monotonic() - slot.since > limits.seconds:
        return None, (f"took longer than the limit of {limits.seconds:g} s per document "
                      "(--max-seconds)")
    if limits.memory_mb is not None and slot.rss_mb() > limits.memory_mb:
        return None, (f"used more memory than the limit of {limits.memory_mb} MiB per "
                      "document (--max-memory)")
    return None, None


class Supervised:
    """One supervised worker process kept between calls, for a host that hands out one path
    at a time (a Dask worker's thread): each path runs in the child under ``limits``, and a
    child that hangs, grows or dies is ended and replaced, the path getting a failed record
    (``cong-van-treo.pdf: took longer than the limit of 600 s…``) instead of holding the
    host's thread for ever. The same watch as :class:`PoolExecutor`'s, with one slot."""

    def __init__(self, task: DocumentTask, limits: Limits) -> None:
        if mp.current_process().daemon:
            # a Dask worker is a daemonic process, which multiprocessing forbids children
            # only so that they do not outlive it; ours die with it anyway (the lifeline
            # and PR_SET_PDEATHSIG), so the flag is lifted for this process
            mp.current_process()._config["daemon"] = False  # type: ignore[attr-defined]
        self.task, self.limits = task, limits
        self._ctx = _context()
        self._pages = self._ctx.Value("i", 0)
        self._lifeline, self._keep_alive = self._ctx.Pipe(duplex=False)
        self._slot: _Slot | None = None

    def __call__(self, path: str) -> Result:
        if self._slot is None:
            self._slot = _Slot(self._ctx, self.task, self._pages, self._lifeline)
        slot = self._slot
        slot.give(path)
        while True:
            ready = wait([slot.conn, slot.proc.sentinel], timeout=POLL_SECONDS)
            result, lost = _verdict(slot, ready, True, self.limits)
            if lost is not None:
                slot.kill()
                self._slot = None
                return failed_record(path, lost)
            if result is not None:
                slot.path = None
                return result

    def close(self) -> None:
        if self._slot is not None:
            self._slot.stop()
            self._slot = None
        self._lifeline.close()
        self._keep_alive.close()


def _context() -> Any:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.executors.local", "pipeline.runner"])
        return ctx
    return mp.get_context("spawn")


class PoolExecutor:
    """Documents in ``workers`` supervised processes, under ``limits`` per document."""

    kind = "local"

    def __init__(self, workers: int, limits: Limits | None = None) -> None:
        self.workers = max(1, workers)
        self.limits = limits
        self._ctx = _context()
        self._pages = self._ctx.Value("i", 0)

    def pages_done(self) -> int:
        return int(self._pages.value)

    def run(self, task: DocumentTask, paths: Sequence[str]) -> Iterator[Result]:
        limits = self.limits or task.limits
        todo = deque(paths)
        slots: list[_Slot] = []
        lifeline, keep_alive = self._ctx.Pipe(duplex=False)
        last_check = time.monotonic()
        try:
            for _ in range(min(self.workers, len(todo))):
                slot = _Slot(self._ctx, task, self._pages, lifeline)
                slots.append(slot)
                slot.give(todo.popleft())
            while any(s.path is not None for s in slots):
                busy = [s for s in slots if s.path is not None]
                ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy],
                             timeout=POLL_SECONDS)
                # the limits are checked a few times a second, not after every result
                checking = time.monotonic() - last_check >= POLL_SECONDS
                if checking:
                    last_check = time.monotonic()
                for slot in busy:
                    assert slot.path is not None
                    result, lost = _verdict(slot, ready, checking, limits)
                    if result is None and lost is None:
                        continue
                    path = slot.path
                    slot.path = None
                    if lost is not None:
                        slot.kill()
                        slots[slots.index(slot)] = slot = _Slot(self._ctx, task, self._pages,
                                                                lifeline)
                        result = failed_record(path, lost)
                    if todo:
                        slot.give(todo.popleft())
                    assert result is not None
                    yield result
        finally:
            for slot in slots:
                if slot.path is None:
                    slot.stop()
                else:
                    slot.kill()
            lifeline.close()
            keep_alive.close()

