"""Fields right on the real scans, against the labels read off their pages.

For each of the 13 scans of ``../shared/corpus/scans`` (``tests/labels/scans.json``) the record
is compared field by field: document type, symbol, issuer, place, year and month of issue,
subject (similarity of at least 0.9, as OCR may differ in a letter), signer's name, title and
signing authority. The number is counted apart: right, left empty (a handwritten number is
not guessed), or wrong, which must stay at 0. With ``--steps`` the cleaning steps can be
changed, to see what each one buys; the OCR cache is keyed by the steps, so each set is read
once.

    python scripts/eval_scans.py                      # the default steps
    python scripts/eval_scans.py --steps drop_ink,denoise --misses
    python scripts/eval_scans.py --steps none         # no cleaning at all
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.normalize import normalize_line  # noqa: E402
from pipeline.ocr.clean import ALL_STEPS  # noqa: E402
from pipeline.options import Options  # noqa: E402
from pipeline.runner import process_file  # noqa: E402

FIELDS = ("doc_type", "symbol", "issuer", "place", "year_month", "subject", "signer_name",
          "signer_title", "signing_authority")


def _n(value: object) -> str | None:
    return None if value is None else re.sub(r"\s+", " ", normalize_line(str(value))).strip()


def compare(rec, label: dict) -> dict[str, tuple[bool, object, object]]:
    """Per field: (right, got, wanted)."""
    out = {}
    for field in FIELDS:
        if field == "year_month":
            got = (rec.issue_year, rec.issue_month)
            want = (label["issue_year"], label["issue_month"])
            out[field] = (got == want, got, want)
        elif field == "subject":
            got, want = _n(rec.subject), _n(label["subject"])
            ok = got is not None and difflib.SequenceMatcher(None, got, want).ratio() >= 0.9
            out[field] = (ok, got, want)
        elif field == "doc_type":
            out[field] = (rec.doc_type == label[field], rec.doc_type, label[field])
        else:
            got, want = _n(getattr(rec, field)), _n(label[field])
            out[field] = (got == want, got, want)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", default=",".join(ALL_STEPS),
                        help="cleaning steps, comma-separated, or 'none'")
    parser.add_argument("--lang", default="vie")
    parser.add_argument("--misses", action="store_true", help="print each wrong value")
    args = parser.parse_args()
    steps = () if args.steps == "none" else tuple(s for s in args.steps.split(",") if s)
    shared = ROOT.parent / "shared"
    if not (shared / "corpus" / "scans").exists():
        sys.exit("../shared/corpus/scans is not available")
    labels = json.loads((ROOT / "tests" / "labels" / "scans.json").read_text("utf-8"))
    options = Options(ocr_lang=args.lang, ocr_steps=steps)
    score = dict.fromkeys(FIELDS, 0)
    numbers = {"right": 0, "empty": 0, "wrong": 0}
    for label in labels:
        rec = process_file(shared / label["file"], options=options)
        result = compare(rec, label)
        numbers["empty" if rec.number is None else
                "right" if rec.number == label["number"] else "wrong"] += 1
        if rec.number is not None and rec.number != label["number"]:
            result["number"] = (False, rec.number, label["number"])
        misses = [f for f, (ok, _, _) in result.items() if not ok]
        for field in FIELDS:
            score[field] += result[field][0]
        print(f"{Path(label['file']).name:28s} {rec.status.value:8s} wrong: {', '.join(misses)}")
        if args.misses:
            for field in misses:
                _, got, want = result[field]
                print(f"    {field}: {got!r}, labelled {want!r}")
    print(f"steps {','.join(steps) or 'none'}: " + ", ".join(f"{k} {v}" for k, v in score.items())
          + f"; {sum(score.values())} of {len(FIELDS) * len(labels)}; number "
          + ", ".join(f"{k} {v}" for k, v in numbers.items()))


if __name__ == "__main__":
    main()
