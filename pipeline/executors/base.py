"""The executor contract: where the documents of a run are processed.

``ingest`` builds one :class:`DocumentTask` (the run's options, its per-document limits and
the content hashes the dataset already holds a current record for) and gives it, with the
list of paths, to an executor, which yields one :data:`Result` per path **in the order they
finish**, so one slow scan does not hold back the records of the other workers. Where the
task runs (this process, a pool of local processes, a Dask cluster) is the executor's
business; the results come back to the one process that writes them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.options import DEFAULT, Options
from pipeline.runner import Seen, process_file
from schemas.record import Record

Result = Record | Seen


@dataclass(frozen=True)
class Limits:
    """What one document may cost before it gets a failed record instead of its fields.

    ``seconds``: wall time (a DOCX whose XML inflates to 1.5 GB would otherwise run for
    hours); ``memory_mb``: resident memory of the worker and its OCR processes (a 464-byte PDF
    with one 14400×14400 pt page asks for 10 GiB when rendered at 300 dpi); ``pages``: pages
    of a PDF, checked before any page is read. ``None`` switches a limit off.
    """

    seconds: float | None = 600.0
    memory_mb: int | None = 4096
    pages: int | None = 2000


NO_LIMITS = Limits(seconds=None, memory_mb=None, pages=None)


@dataclass(frozen=True)
class DocumentTask:
    """What is done with each path of a run; picklable, so it is sent to each worker once.

    ``reuse`` holds the content hashes (``doc_id``) that already have a current record: a
    file with such bytes (moved, copied, or touched without a change) is not processed, a
    :class:`~pipeline.runner.Seen` comes back instead.
    """

    options: Options = DEFAULT
    reuse: frozenset[str] = field(default_factory=frozenset)
    limits: Limits = field(default_factory=Limits)

    def skip(self, doc_id: str, path: str) -> bool:
        return doc_id in self.reuse

    def __call__(self, path: str) -> Result:
        return process_file(path, skip=self.skip if self.reuse else None,
                            options=self.options, max_pages=self.limits.pages)


class Executor(Protocol):
    """Runs a :class:`DocumentTask` over paths."""

    kind: str

    def run(self, task: DocumentTask, paths: Sequence[str]) -> Iterator[Result]:
        """One result per path, in the order they finish. A path whose processing crashes,
        outlives the time limit or outgrows the memory limit gives a failed record, never an
        exception, and costs only its own file."""

    def pages_done(self) -> int:
        """Pages OCRed so far in this run, across workers (for a progress bar)."""
