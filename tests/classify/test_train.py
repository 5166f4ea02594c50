"""The retraining loop: train, evaluate, save, reload, sample for labeling."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from pipeline import config
from pipeline.classify.model import load_model, predict_table
from pipeline.classify.train import (
    TrainingDataError,
    evaluate_model,
    fit_model,
    read_labeled,
    sample_for_labeling,
    train_and_save,
    train_model,
)

from ..conftest import PROJECT


@pytest.fixture(scope="module")
def labeled() -> pd.DataFrame:
    return read_labeled([PROJECT / "data" / "labeled"])


def test_train_reads_the_shipped_labeled_data(labeled):
    assert {"text", "label", "group", "weight"} <= set(labeled.columns)
    # Stock lines ("Thank you.") recur across documents, but never with two labels.
    assert labeled.groupby("text")["label"].nunique().max() == 1
    assert set(labeled["label"]) == {"cooperation_pledge", "denial", "rights_claim", "other"}


def test_train_end_to_end_on_any_label_set(tmp_path, labeled):
    data = labeled.assign(label=labeled["label"].where(labeled["label"] == "other", "claim"))
    card = train_and_save(data, tmp_path / "binary", cv=False)
    model, loaded = load_model(tmp_path / "binary")
    assert loaded["sha256"] == card["sha256"] and set(model.classes_) == {"claim", "other"}
    assert card["holdout"]["macro_f1"] > 0.7
    held = set(card["holdout_groups"])
    assert held and not held & set(data.loc[~data["group"].isin(held), "group"])
    report = evaluate_model(model, data.head(50))
    assert set(report) >= {"macro_f1", "per_class", "confusion_matrix", "ece", "reliability"}
    assert sum(row["n"] for row in report["reliability"]) == 50
    assert all(row["low"] <= row["confidence"] <= row["high"] for row in report["reliability"])


def test_train_user_weight_counts_user_rows_more(tmp_path, labeled):
    own = tmp_path / "own.csv"
    own.write_text("text,label\n" + "".join(
        f"Officials met the visiting team number {i} in the capital.,other\n" for i in range(20)))
    data = pd.concat([read_labeled([own], weight=3.0), labeled.head(300)], ignore_index=True)
    model, card = train_model(data, cv=True)
    assert card["training_data"]["weights"].get(3.0, 0) > 0
    assert card["cross_validation"]["macro_f1"] > 0
    assert set(model.classes_) == set(data["label"])


def test_train_rejects_data_without_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("sentence,tag\nx,y\n")
    with pytest.raises(TrainingDataError, match="needs columns"):
        read_labeled([path])


def test_train_rejects_a_single_label(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("text,label\n" + "".join(f"sentence {i},other\n" for i in range(20)))
    with pytest.raises(TrainingDataError, match="at least two labels"):
        train_and_save(read_labeled([path]), tmp_path / "m", cv=False)


@pytest.mark.parametrize("strategy", ["uncertain", "random", "per-label"])
def test_train_sample_for_labeling(model, strategy):
    texts = ["The talks resume in May.", "No one is jailed for posts.", "Rain fell.",
             "Rights are protected by law.", "We reject the report.", "Both sides agreed."]
    run = pd.concat([pd.DataFrame({"article_id": "a", "sentence_index": range(6), "text": texts}),
                     predict_table(model, texts)], axis=1)
    picked = sample_for_labeling(run, n=4, strategy=strategy)
    assert len(picked) <= 4 and (picked["label"] == "").all()
    if strategy == "uncertain":
        assert picked["predicted_p"].is_monotonic_increasing


def test_train_fit_converges_in_few_newton_steps(labeled):
    # The solver choice is what keeps `make train` fast: L-BFGS needed ~35
    # iterations (each a pass over all coefficients) where Newton-CG needs ~7.
    model = fit_model(labeled.sample(n=800, random_state=0))
    classifier = model.named_steps["classifier"]
    assert classifier.solver == config.CLASSIFIER_SOLVER
    assert classifier.n_iter_.max() < 20
    assert set(model.classes_) == set(labeled["label"])


def test_train_same_data_and_seed_give_the_same_file_in_any_process(tmp_path, labeled):
    """`make train` is reproducible byte for byte: nothing process-specific
    (memory addresses, hash seeds) reaches the model file."""
    labeled.head(400).to_csv(tmp_path / "some.csv", index=False)
    hashes = []
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-m", "pipeline", "train", str(tmp_path / "some.csv"),
                        "--out", str(tmp_path / seed), "--no-cv"],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        hashes.append(json.loads((tmp_path / seed / "model_card.json").read_text())["sha256"])
    assert hashes[0] == hashes[1]
