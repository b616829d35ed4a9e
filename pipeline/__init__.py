"""vanthu: Vietnamese official documents → typed records → Parquet dataset.

The library face is :mod:`pipeline.api`; ``from pipeline import extract, ingest, read_dataset``.
The names are resolved on first use so that importing a reader or the layout step does not
pull in the whole pipeline.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RunReport", "connect", "extract", "ingest", "read_dataset", "read_table"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
