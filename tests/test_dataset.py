"""The dataset contract: tables, dtypes, incremental re-runs, and schema/record in step."""

from __future__ import annotations

import dataclasses
import shutil

import pandas as pd

from pipeline import ingest, read_dataset
from schemas.arrow import DOCUMENTS, SIGNATURE_TYPE
from schemas.record import Record, Signature
from tests.conftest import SAMPLES

CONTRACT = ["doc_id", "source_path", "source_format", "page_count", "status", "errors",
            "doc_type", "doc_type_code", "number", "symbol", "code", "issuer", "issuer_parent",
            "place", "issue_date", "issue_year", "issue_month", "subject", "recipients",
            "distribution", "signer_name", "signer_title", "signing_authority", "signatures",
            "deadlines", "references", "contacts", "urgency", "secrecy", "schema_version"]


def test_arrow_schema_and_record_agree():
    record_fields = {f.name for f in dataclasses.fields(Record)} - {"provenance"}
    assert set(DOCUMENTS.names) == record_fields
    assert [f.name for f in SIGNATURE_TYPE] == [f.name for f in dataclasses.fields(Signature)]
    assert set(CONTRACT) <= set(DOCUMENTS.names)


def test_ingest_then_read_back(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    out = tmp_path / "ds"
    first = ingest([src], out, workers=2)
    n = first.inputs
    assert n >= 17 and first.processed == n and first.skipped == 0
    df = read_dataset(out)
    assert len(df) == n and df["doc_id"].is_unique
    assert set(CONTRACT) <= set(df.columns)
    assert str(df["issue_date"].dtype).startswith("datetime64")
    assert str(df["issue_year"].dtype) == "Int64"
    row = df[df.source_path.str.endswith("004_6568c36e68d1f851.txt")].iloc[0]
    assert row.issue_date == pd.Timestamp("2022-09-13") and isinstance(row.recipients, list)
    assert row.references[0]["code"] == "505/QĐ-TTg"
    assert pd.read_parquet(out / "documents").shape[0] == n  # plain pandas reads it too

    fields = read_dataset(out, "fields")
    code = fields[(fields.doc_id == row.doc_id) & (fields.field == "code")].iloc[0]
    assert code.text == "Số: 4644/BTTTT-CĐSQG" and code.extractor == "number"

    sigs = read_dataset(out, "signatures")
    seed0 = sigs[sigs.source_path.str.endswith("000_42e6ccbbfb6392cd.txt")]
    assert len(seed0) == 5 and str(seed0.signed_at.iloc[0]) == "2021-05-06 06:40:32+00:00"

    # nightly re-run: nothing new, nothing written twice
    again = ingest([src], out)
    assert again.processed == 0 and again.skipped == n
    (src / "new.txt").write_text("Số: 9/UBND-VP\nKính gửi: Sở Nội vụ\n", "utf-8")
    third = ingest([src], out)
    assert third.processed == 1 and len(read_dataset(out)) == n + 1
    assert len(list((out / "_runs").glob("*.json"))) == 3


def test_ingest_reads_each_file_once_and_retries_only_failed(tmp_path, monkeypatch):
    import builtins

    import pipeline.runner as runner

    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(SAMPLES / "generated" / "cv-sxd-1204.txt", src / "good.txt")
    (src / "empty.pdf").write_bytes(b"")
    out = tmp_path / "ds"
    opened: list[str] = []

    def counting_open(path, *args, **kwargs):
        opened.append(str(path))
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(runner, "open", counting_open, raising=False)
    first = ingest([src], out, workers=1)
    assert first.by_status == {"ok": 1, "failed": 1}
    assert sorted(opened) == sorted([str(src / "good.txt"), str(src / "empty.pdf")])

    opened.clear()
    again = ingest([src], out, workers=1)
    assert (again.processed, again.skipped) == (0, 2) and len(opened) == 2

    retry = ingest([src], out, workers=1, retry_failed=True)
    assert (retry.processed, retry.skipped) == (1, 1)
    assert retry.failures == [{"path": str(src / "empty.pdf"), "error": "the file is empty"}]
    df = read_dataset(out)  # the retried file's newest row replaces the old one
    assert len(df) == 2 and df["source_path"].is_unique
