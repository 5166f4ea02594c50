"""Score a model on the independent dev set of real labeled sentences.

Usage: python scripts/evaluate_dev.py [--model models/claims-v1] [--dev PATH] [--json]

The dev set (../shared/corpus/dev_labeled.csv beside a clone) is used to
measure only: it is never trained on and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from pipeline.classify import load_model
from pipeline.train import evaluate_model, format_report

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = PROJECT.parent / "shared" / "corpus" / "dev_labeled.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.dev.exists():
        print(f"No dev set at {args.dev}; nothing to measure.", file=sys.stderr)
        return 0
    model, card = load_model(args.model)
    dev = pd.read_csv(args.dev)
    report = evaluate_model(model, dev)
    report["by_source"] = {source: evaluate_model(model, rows)["macro_f1"]
                           for source, rows in dev.groupby("source")}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"model {args.model or 'models/claims-v1'} (sha256 {card['sha256'][:12]}) "
          f"on {args.dev.name}:")
    print(format_report(report))
    for source, score in report["by_source"].items():
        print(f"  macro-F1 on {source}: {score:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
