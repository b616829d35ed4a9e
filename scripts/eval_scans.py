"""Fields right on scans, against labels read off their pages, and what confidence means.

For each of the 13 scans of ``../shared/corpus/scans`` (``tests/labels/scans.json``) the record
is compared field by field: document type, symbol, issuer, place, year and month of issue,
subject (similarity of at least 0.9, as OCR may differ in a letter), signer's name, title and
signing authority. The number and the day of issue are counted apart: right, left empty (a
handwritten value the checks did not let through), or wrong, which must stay at 0.

Then the calibration table: every value set, by its confidence band, with the share that is
right; the target is at most 1 wrong in 50 among values of confidence 0.9 or more.
In-sample: the caps of ``extractors/confidence.py`` were set on these same sets.

A second set is evaluated apart, never mixed with the real scans: ``--set DIR`` (a folder
with a ``labels.json`` in the same schema, file names relative to the folder), or, when it
exists, the scan factory's ``out/scan-factory/labels.json`` (``scripts/make_scans.py``).

    python scripts/eval_scans.py                      # the default steps
    python scripts/eval_scans.py --steps drop_ink,denoise --misses
    python scripts/eval_scans.py --steps none         # no cleaning at all
    python scripts/eval_scans.py --set out/scan-factory --misses
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.confidence import calibrate  # noqa: E402
from pipeline import runner  # noqa: E402
from pipeline.normalize import normalize_line  # noqa: E402
from pipeline.ocr.clean import ALL_STEPS  # noqa: E402
from pipeline.options import Options  # noqa: E402
from pipeline.runner import process_file  # noqa: E402

FIELDS = ("doc_type", "symbol", "issuer", "place", "year_month", "subject", "signer_name",
          "signer_title", "signing_authority")
# the field whose provenance stands for each compared one
PROVENANCE = {"year_month": "issue_month"}
BANDS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)
Row = tuple[float, bool, str, str]  # confidence, right, field, file
# how each set stands to the caps of extractors/confidence.py
CAPS = {
    "real": "in-sample: the caps were set looking at these scans",
    "tuning": "in-sample: the caps were set looking at these pages",
    "held-out": "out-of-sample: the caps were not set on these pages (but the corpus "
                "letters among them were rendered, with other seals, before the split)",
}


def _n(value: object) -> str | None:
    return None if value is None else re.sub(r"\s+", " ", normalize_line(str(value))).strip()


def compare(rec: Any, label: dict[str, Any]) -> dict[str, tuple[bool, object, object]]:
    """Per field: (right, got, wanted)."""
    out: dict[str, tuple[bool, object, object]] = {}
    for field in FIELDS:
        if field == "year_month":
            got: object = (rec.issue_year, rec.issue_month)
            want: object = (label["issue_year"], label["issue_month"])
            out[field] = (got == want, got, want)
        elif field == "subject":
            got, want = _n(rec.subject), _n(label["subject"])
            ok = got is not None and want is not None and difflib.SequenceMatcher(
                None, got, want).ratio() >= 0.9
            out[field] = (ok, got, want)
        elif field == "doc_type":
            out[field] = (rec.doc_type == label[field], rec.doc_type, label[field])
        else:
            got, want = _n(getattr(rec, field)), _n(label[field])
            out[field] = (got == want, got, want)
    return out


def blank_outcome(got: object, want: object) -> str:
    """right / empty / wrong for a number or a day (a value where none is labelled is wrong)."""
    if got is None:
        return "empty"
    return "right" if got == want else "wrong"


def evaluate(name: str, labels: list[dict[str, Any]], folder: Path, options: Options,
             misses: bool, caps: str) -> list[Row]:
    """Score ``labels`` and print their calibration table; ``caps`` says how the caps stand
    to this set (set on it, or never looked at when they were set). Returns the rows."""
    score = dict.fromkeys(FIELDS, 0)
    numbers = {"right": 0, "empty": 0, "wrong": 0}
    days = {"right": 0, "empty": 0, "wrong": 0}
    calibration: list[Row] = []
    print(f"== {name}: {len(labels)} files")
    for label in labels:
        path = folder / label["file"]
        rec = process_file(path, options=options)
        result = compare(rec, label)
        want_date = dt.date.fromisoformat(label["issue_date"]) if label.get("issue_date") \
            else None
        n_out = blank_outcome(rec.number, label["number"])
        d_out = blank_outcome(rec.issue_date, want_date)
        numbers[n_out] += 1
        days[d_out] += 1
        if rec.number is not None:
            result["number"] = (n_out == "right", rec.number, label["number"])
        if rec.issue_date is not None:
            result["issue_date"] = (d_out == "right", rec.issue_date, want_date)
        for field, (ok, got, _) in result.items():
            prov = rec.provenance.get(PROVENANCE.get(field, field))
            if got not in (None, "", (None, None)) and prov is not None:
                calibration.append((prov.confidence, ok, field, label["file"]))
        missed = [f for f, (ok, _, _) in result.items() if not ok]
        for field in FIELDS:
            score[field] += result[field][0]
        print(f"{Path(label['file']).name:28s} {rec.status.value:8s} "
              f"number {n_out:5s} day {d_out:5s} wrong: {', '.join(missed)}")
        if misses:
            for field in missed:
                _, got, want = result[field]
                conf = rec.provenance.get(PROVENANCE.get(field, field))
                c = f" (confidence {conf.confidence:.2f})" if conf else ""
                print(f"    {field}: {got!r}, labelled {want!r}{c}")
    total = len(FIELDS) * len(labels)
    print("fields right: " + ", ".join(f"{k} {v}" for k, v in score.items())
          + f"; {sum(score.values())} of {total}")
    print("numbers: " + ", ".join(f"{k} {v}" for k, v in numbers.items())
          + "; days: " + ", ".join(f"{k} {v}" for k, v in days.items()))
    print_calibration(calibration, caps)
    return calibration


def print_calibration(rows: list[Row], caps: str = "") -> None:
    """Values set, by confidence band: how many, how many right, the share right."""
    print("| confidence | values | right | share right |")
    print("|---|---|---|---|")
    for low, high in zip(BANDS, BANDS[1:], strict=False):
        inside = [ok for conf, ok, *_ in rows
                  if low <= conf < high or (high == 1.0 and conf == 1.0)]
        share = f"{sum(inside) / len(inside):.2f}" if inside else "-"
        print(f"| {low:.2f}-{high:.2f} | {len(inside)} | {sum(inside)} | {share} |")
    high = [(ok, field) for conf, ok, field, _ in rows if conf >= 0.9]
    wrong = [field for ok, field in high if not ok]
    print(f"confidence >= 0.9: {len(high)} values, {len(wrong)} wrong"
          + (f" ({', '.join(wrong)})" if wrong else ""))
    print("target: at most 1 wrong in 50 at >= 0.9" + (f"; {caps}" if caps else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--steps", default=",".join(ALL_STEPS),
                        help="cleaning steps, comma-separated, or 'none'")
    parser.add_argument("--lang", default="vie")
    parser.add_argument("--misses", action="store_true", help="print each wrong value")
    parser.add_argument("--set", type=Path, default=None,
                        help="a folder with labels.json, evaluated apart")
    parser.add_argument("--no-real", action="store_true", help="skip the 13 real scans")
    parser.add_argument("--part", choices=("tuning", "held-out", "both"), default="both",
                        help="which part of the second set to evaluate")
    parser.add_argument("--no-seal-evidence", action="store_true",
                        help="rate values as before seals were evidence (for comparison)")
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N items of each part (while developing)")
    args = parser.parse_args()
    steps = () if args.steps == "none" else tuple(s for s in args.steps.split(",") if s)
    options = Options(ocr_lang=args.lang, ocr_steps=steps)
    print(f"steps {','.join(steps) or 'none'}")
    if args.no_seal_evidence:
        runner.calibrate = lambda rec, seals=(): calibrate(rec)  # type: ignore[attr-defined]
        print("seals are not evidence in this run")
    shared = ROOT.parent / "shared"
    if not args.no_real:
        if not (shared / "corpus" / "scans").exists():
            sys.exit("../shared/corpus/scans is not available")
        labels = json.loads((ROOT / "tests" / "labels" / "scans.json").read_text("utf-8"))
        evaluate("real scans (../shared/corpus/scans)", labels, shared, options, args.misses,
                 CAPS["real"])
    folder = args.set or ROOT / "out" / "scan-factory"
    if not (folder / "labels.json").exists():
        if args.set is not None:
            sys.exit(f"{args.set}/labels.json is not there")
        return
    labels = json.loads((folder / "labels.json").read_text("utf-8"))
    for part in ("tuning", "held-out"):
        if args.part not in (part, "both"):
            continue
        # a set made before the split has no parts: all of it is for tuning
        items = [item for item in labels if item.get("part", "tuning") == part]
        if args.limit is not None:
            items = items[:args.limit]
        if not items:
            continue
        rows = evaluate(f"scan factory, {part} part ({folder})", items, folder, options,
                        args.misses, CAPS[part])
        if part == "held-out":
            composed = [item for item in items if item["source"].startswith("composed/")]
            unseen = {item["file"] for item in composed}
            print(f"-- of which composed letters ({len(composed)} pages), never rendered "
                  "before the split:")
            print_calibration([r for r in rows if r[3] in unseen], "")


if __name__ == "__main__":
    main()
