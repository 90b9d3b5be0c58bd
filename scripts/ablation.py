"""The ablation table of the README: `eval records` with each rule (and each family) switched off.

usage: python scripts/ablation.py RECORDS.jsonl [--fakes FAKES.jsonl]
Prints one markdown row per switch; with --fakes, the families' rows add FA-KES's article figures.
The pipeline (spaCy, gazetteer) is loaded once; each row re-runs it with its rules off.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile

from dashboard.eval_events import evaluate_events
from dashboard.eval_records import evaluate_records, read_records
from dashboard.evaluate import read_jsonl
from dashboard.pipeline import build_pipeline
from dashboard.rules import FAMILIES, REGISTRY, Switches

COLUMNS = (
    "precision",
    "recall",
    "duplicate_share",
    "place_exact",
    "date_exact",
    "sub_type",
    "fatalities",
    "actor1_inter",
    "actor2_inter",
    "claims",
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("records")
    ap.add_argument("--fakes")
    args = ap.parse_args()
    gold = read_records(args.records)
    fakes = read_jsonl(args.fakes, None) if args.fakes else None
    base = build_pipeline()
    family_order = [r.family for r in REGISTRY]
    switches = [""] + [r.id for r in REGISTRY] + sorted(FAMILIES, key=family_order.index)
    for off in switches:
        pipe = dataclasses.replace(base, switches=Switches.parse(off))
        with tempfile.TemporaryDirectory() as tmp:
            fig = evaluate_records(gold, pipe, tmp)
        cells = [f"{fig[c]:.3f}" if isinstance(fig[c], float) else str(fig[c]) for c in COLUMNS]
        fk = "—"
        if fakes is not None and (off == "" or off in FAMILIES):
            f = evaluate_events(fakes, pipe)
            fk = f"{f['governorate_acc']:.3f} / {f['fatalities_acc']:.3f} / {f['subtype_acc']:.3f}"
        name = "nothing (all rules on)" if off == "" else f"`{off}`" + (" (family)" if off in FAMILIES else "")
        print(f"| {name} | " + " | ".join(cells) + f" | {fk} |", flush=True)


if __name__ == "__main__":
    main()
