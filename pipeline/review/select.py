"""Which documents to look at: the filters of ``vanthu list`` and of the review page."""

from __future__ import annotations

import pandas as pd


def select_documents(docs: pd.DataFrame, fields: pd.DataFrame, *, status: str | None = None,
                     empty: str | None = None, below: float | None = None,
                     source: str | None = None) -> pd.DataFrame:
    """The documents an archivist asks for: by ``status`` (``failed``), with the field
    ``empty`` left blank (``signer_name``), with a value read at a confidence ``below`` a
    threshold, or with a value read from ``source`` (``ocr``, ``ocr_handwriting``). The
    conditions add up; ``reason`` says which values matched."""
    out = docs.copy()
    out["reason"] = ""
    if status:
        out = out[out["status"] == status]
    if empty:
        have = set(fields.loc[fields["field"] == empty, "source_path"])
        out = out[~out["source_path"].isin(have)]
        out["reason"] = f"{empty} empty"
    for cond, mask in (("below", None if below is None else fields["confidence"] < below),
                       ("source", None if source is None else fields["source"] == source)):
        if mask is None:
            continue
        hit = fields[mask.fillna(False).astype(bool)]
        why: dict[str, list[str]] = {}
        for path, name, conf in zip(hit["source_path"], hit["field"], hit["confidence"],
                                    strict=True):
            why.setdefault(path, []).append(f"{name} {conf:.2f}" if cond == "below" else name)
        out = out[out["source_path"].isin(set(why))]
        out["reason"] = [", ".join(p for p in (r, *why[sp]) if p)
                         for r, sp in zip(out["reason"], out["source_path"], strict=True)]
    return out
