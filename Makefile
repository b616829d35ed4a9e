# The two commands of the README:
#   make samples   set up, then ingest the bundled samples and print the summary table
#   make test      set up, then run the tests
VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.vanthu-installed
OUT   ?= out/samples

.PHONY: setup samples test bench lint regen-samples signed-samples scan-factory

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

samples: setup
	$(BIN)/vanthu ingest samples --out $(OUT) --summary

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_text.py
	$(BIN)/python bench/bench_signatures.py
	$(BIN)/python bench/bench_ocr.py
	$(BIN)/python bench/bench_scale.py

# ruff on everything, mypy on the packages (pyproject.toml [tool.mypy])
lint: setup
	$(BIN)/ruff check pipeline extractors schemas tests bench scripts notebooks
	$(BIN)/mypy

regen-samples: setup
	$(BIN)/python scripts/make_samples.py
	VANTHU_REGEN_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

# new keys and signing times: the signed samples and their golden records change
signed-samples: setup
	$(BIN)/python scripts/make_signed_samples.py
	VANTHU_REGEN_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

# labelled letters rendered and degraded as scans (seals, handwriting, stamps, skew, JPEG),
# into out/scan-factory/ with labels.json; scripts/eval_scans.py evaluates it apart
scan-factory: setup
	$(BIN)/python scripts/make_scans.py
