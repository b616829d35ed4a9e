# %% [markdown]
# # Exploring a vanthu dataset
# Ingest the bundled samples, then look at documents, provenance and signatures with pandas.
# Runs top to bottom as a script (the tests run it) or cell by cell in Jupyter/VS Code.

# %%
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent if "__file__" in globals() else Path.cwd().parent
sys.path.insert(0, str(ROOT))

from pipeline import ingest, read_dataset  # noqa: E402

out = Path(tempfile.mkdtemp()) / "samples"
report = ingest([ROOT / "samples"], out)
print(report.processed, "documents,", report.by_status)

# %% Documents by type and status
df = read_dataset(out)
print(df.groupby(["doc_type", "status"], dropna=False).size())

# %% Letters by year and month of issue (partial dates keep both)
print(df.groupby(["issue_year", "issue_month"], dropna=False).size())

# %% Who cites what: one row per referenced document
refs = df[["code", "references"]].explode("references").dropna(subset=["references"])
refs = refs.assign(ref_code=refs["references"].map(lambda r: r["code"]))
print(refs[["code", "ref_code"]].to_string(index=False))

# %% Where did each signer come from? (provenance table)
fields = read_dataset(out, "fields")
print(fields[fields.field == "signer_name"][["source_path", "value", "page", "text"]].head())

# %% Signatures over time
sigs = read_dataset(out, "signatures")
print(sigs[["source_path", "signer", "signed_at"]])
assert len(df) == report.processed
