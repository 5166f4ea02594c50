"""Score a model on the independent dev set of real labeled sentences.

Usage: python scripts/evaluate_dev.py [--model models/claims-v1] [--dev PATH] [--json]
       python scripts/evaluate_dev.py --halves     # the retraining story
       python scripts/evaluate_dev.py --timing     # predict CPU ms per 10,000 sentences
       python scripts/evaluate_dev.py --seeds 13,1,2 [--extra NEW.csv ...]
       python scripts/evaluate_dev.py --learning-curve   # does more of our data help?

The dev set (../shared/corpus/dev_labeled.csv beside a clone) is used to
measure only: it is never trained on for the shipped model and never copied
into the project. ``--halves`` measures what a user's own labels are worth:
the dev set is split in two halves by document; a model is trained on the
shipped data plus one half (as ``claims train HALF --base`` would) and
scored on the other half, beside the shipped model on that same half.
``--seeds`` judges a change to the training data or the features: one
holdout seed's score moves by about 0.015 with the documents it holds out,
so the recipe is trained once per seed (with ``--extra`` files added to
``data/labeled``) and scored on the whole dev set and on each half. Read the
errors of one half only; the other half is the honest figure.
``--learning-curve`` trains the recipe on random shares of our documents
(several draws per share) and scores each on the dev set: whether writing
more data of the kind we have would still pay.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import config
from pipeline.classify.model import load_model, predict_table
from pipeline.classify.train import (
    evaluate_model,
    fit_model,
    format_report,
    read_labeled,
    train_model,
)

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = PROJECT.parent / "shared" / "corpus" / "dev_labeled.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--halves", action="store_true",
                        help="measure retraining on one half of the dev set, testing on the other")
    parser.add_argument("--timing", action="store_true",
                        help="measure predict_table CPU time per 10,000 dev sentences")
    parser.add_argument("--seeds", default=None,
                        help="comma-separated holdout seeds: train the shipped recipe once per "
                             "seed and score it on the dev set and its halves")
    parser.add_argument("--extra", type=Path, nargs="*", default=[],
                        help="labeled files added to data/labeled for --seeds")
    parser.add_argument("--learning-curve", action="store_true",
                        help="dev macro-F1 of the recipe trained on growing shares of our documents")
    args = parser.parse_args()
    if not args.dev.exists():
        print(f"No dev set at {args.dev}; nothing to measure.", file=sys.stderr)
        return 0
    dev = pd.read_csv(args.dev)
    if args.seeds:
        seeds = [int(seed) for seed in args.seeds.split(",")]
        table = seed_spread(dev, seeds, args.extra)
        print(table.to_json(orient="records", indent=2) if args.json
              else table.to_string(index=False, float_format="%.3f"))
        return 0
    if args.learning_curve:
        table = learning_curve_by_document(dev)
        print(table.to_json(orient="records", indent=2) if args.json
              else table.to_string(index=False, float_format="%.3f"))
        return 0
    model, card = load_model(args.model)
    if args.timing:
        print(f"predict_table: {predict_ms_per_10k(model, dev['text'].tolist()):.0f} CPU ms "
              "per 10,000 sentences (best of 5)")
        return 0
    if args.halves:
        table = retraining_story(model, dev)
        print(table.to_json(orient="records", indent=2) if args.json
              else table.to_string(index=False, float_format="%.3f"))
        return 0
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


def predict_ms_per_10k(model, texts: list[str], repeats: int = 5) -> float:
    """CPU milliseconds ``predict_table`` takes per 10,000 of ``texts`` (best of
    ``repeats``; CPU time, so other processes on the machine count less)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        predict_table(model, texts)
        best = min(best, time.process_time() - start)
    return best / len(texts) * 10_000 * 1000


def retraining_story(shipped, dev: pd.DataFrame,
                     user_weights: tuple[float, ...] = (1.0, 3.0, 10.0)) -> pd.DataFrame:
    """Macro-F1 on each dev half: shipped model, then shipped data + the other half."""
    half = dev_halves(dev)
    base = read_labeled([config.LABELED_DATA_DIR])
    rows = []
    for test_half in (0, 1):
        user, test = dev[half != test_half], dev[half == test_half]
        row = {"test_half": test_half, "n_user_labels": len(user), "n_test": len(test),
               "shipped_model": evaluate_model(shipped, test)["macro_f1"]}
        for weight in user_weights:
            data = pd.concat([base, user.assign(group="user:" + user["doc_id"].astype(str),
                                                weight=weight)], ignore_index=True)
            model, _ = train_model(data, cv=False)
            row[f"shipped_data+user_x{weight:g}"] = evaluate_model(model, test)["macro_f1"]
        rows.append(row)
    return pd.DataFrame(rows)


def learning_curve_by_document(dev: pd.DataFrame,
                               fractions: tuple[float, ...] = (0.125, 0.25, 0.5, 0.75, 1.0),
                               draws: int = 5) -> pd.DataFrame:
    """Mean dev macro-F1 of the recipe fitted on random shares of our
    documents (whole documents, ``draws`` draws per share), with its spread."""
    data = read_labeled([config.LABELED_DATA_DIR])
    documents = data["group"].unique()
    rows = []
    for fraction in fractions:
        for draw in range(draws if fraction < 1 else 1):
            chosen = np.random.default_rng(draw).choice(
                documents, round(len(documents) * fraction), replace=False)
            sample = data[data["group"].isin(chosen)]
            rows.append({"fraction": fraction, "n_train": len(sample),
                         "dev_macro_f1": evaluate_model(fit_model(sample), dev)["macro_f1"]})
    return (pd.DataFrame(rows).groupby("fraction")
            .agg(n_train=("n_train", "mean"), dev_macro_f1=("dev_macro_f1", "mean"),
                 spread=("dev_macro_f1", "std"), draws=("n_train", "size"))
            .reset_index())


def dev_halves(dev: pd.DataFrame) -> pd.Series:
    """0 or 1 per row: the dev set split by a hash of the document, so every
    sentence of a document falls in the same half, in every run."""
    return dev["doc_id"].astype(str).map(lambda doc: zlib.crc32(doc.encode()) % 2)


def seed_spread(dev: pd.DataFrame, seeds: list[int], extra: list[Path]) -> pd.DataFrame:
    """Dev macro-F1 (whole set, half 0, half 1) of the shipped recipe trained
    once per holdout seed on ``data/labeled`` plus ``extra``, and their mean."""
    data = read_labeled([config.LABELED_DATA_DIR, *extra])
    half = dev_halves(dev)
    rows = []
    for seed in seeds:
        model, _ = train_model(data, random_state=seed, cv=False)
        rows.append({"seed": str(seed), "dev": evaluate_model(model, dev)["macro_f1"],
                     **{f"half_{h}": evaluate_model(model, dev[half == h])["macro_f1"]
                        for h in (0, 1)}})
    table = pd.DataFrame(rows)
    return pd.concat([table, table.drop(columns="seed").mean().to_frame().T.assign(seed="mean")],
                     ignore_index=True)


if __name__ == "__main__":
    raise SystemExit(main())
