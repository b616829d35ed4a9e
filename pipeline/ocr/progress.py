"""Who hears that a page has been read: the progress bar of ``vanthu ingest``.

Scanned pages are slow (a second or more each), so the bar counts pages, not only files.
The reader that OCRs a document calls :func:`page_done` once per page; a worker process
of ``ingest`` sets a listener that adds one to a counter its parent watches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[], None]

_listener: Listener | None = None


def set_listener(listener: Listener | None) -> None:
    """Call ``listener()`` once for each page read from now on in this process (from the
    threads pages run in, so it must be thread-safe); ``None`` stops it."""
    global _listener
    _listener = listener


def page_done() -> None:
    listener = _listener
    if listener is not None:
        listener()


def counter_listener(counter: Any | None) -> Listener | None:
    """A listener adding one to a shared ``multiprocessing.Value`` under its lock (None for
    no counter)."""
    if counter is None:
        return None

    def tick() -> None:
        with counter.get_lock():
            counter.value += 1

    return tick
