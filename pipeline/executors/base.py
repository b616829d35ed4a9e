"""The executor contract: where the documents of a run are processed.

``ingest`` builds one :class:`DocumentTask` (the run's options and what the dataset already
holds) and gives it, with the list of paths, to an executor, which yields one result per path
in input order: a :class:`~schemas.record.Record`, or ``None`` for a file the dataset already
has. Where the task runs (this process, a pool of local processes, a cluster) is the
executor's business; the records come back to the one process that writes them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.options import DEFAULT, Options
from pipeline.runner import process_file
from schemas.record import Record, Status


@dataclass(frozen=True)
class DocumentTask:
    """What is done with each path of a run; picklable, so it can be sent to workers once.

    ``known`` maps ``(doc_id, source_path)`` to the stored record's status: a file whose key
    is known is not processed again (``None`` comes back), unless it failed and
    ``retry_failed`` is set.
    """

    options: Options = DEFAULT
    known: Mapping[tuple[str, str], str] = field(default_factory=dict)
    retry_failed: bool = False

    def skip(self, doc_id: str, path: str) -> bool:
        status = self.known.get((doc_id, path))
        if status is None:
            return False
        return not (self.retry_failed and status == Status.FAILED.value)

    def __call__(self, path: str) -> Record | None:
        return process_file(path, skip=self.skip, options=self.options)


class Executor(Protocol):
    """Runs a :class:`DocumentTask` over paths."""

    kind: str

    def run(self, task: DocumentTask, paths: Sequence[str]) -> Iterator[Record | None]:
        """One result per path, in the order of ``paths``. A path whose processing
        crashes its worker gives a failed record, never an exception."""

    def pages_done(self) -> int:
        """Pages OCRed so far in this run, across workers (for a progress bar)."""
