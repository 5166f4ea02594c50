"""The retraining notebook's helpers: a fair split, comparisons, plots, a
saved model, and what retraining changes on a run."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from pipeline import config
from pipeline.classify.model import load_model, predict_table
from pipeline.classify.train import read_labeled
from pipeline.notebook import retraining

from ..conftest import PROJECT

USER_LABELS = PROJECT / "notebooks" / "my_labels.csv"
#: Any weight other than the shipped rows' 1.0, to see it reach the card.
USER_WEIGHT = 3.0


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return read_labeled([config.LABELED_DATA_DIR])


@pytest.fixture(scope="module")
def card() -> dict:
    return load_model()[1]


@pytest.fixture(scope="module")
def yours() -> pd.DataFrame:
    return read_labeled([USER_LABELS], weight=USER_WEIGHT)


def test_retraining_comparison_split_keeps_the_shipped_holdout(shipped, yours, card):
    train, holdout = retraining.comparison_split(shipped, yours, card)
    held = set(card["holdout_groups"])
    assert set(holdout.loc[holdout["part"] == "shipped", "group"]) == \
        held & set(shipped["group"])
    assert not set(train["group"]) & set(holdout["group"])
    assert not set(train["text"]) & set(holdout["text"])
    mine = holdout[holdout["part"] == "yours"]
    assert 0 < len(mine) < len(yours) and mine["label"].nunique() > 1
    assert len(mine) + (train["part"] == "yours").sum() == len(yours)


def test_retraining_comparison_split_trains_on_all_of_a_few_documents(shipped, yours, card, caplog):
    few = yours[yours["group"].isin(sorted(set(yours["group"]))[:3])]
    with caplog.at_level(logging.WARNING, logger="pipeline.notebook.retraining"):
        train, holdout = retraining.comparison_split(shipped, few, card)
    assert (holdout["part"] == "shipped").all() and (train["part"] == "yours").sum() == len(few)
    assert "none are held out" in caplog.text
    with pytest.raises(ValueError, match="holdout_groups"):
        retraining.comparison_split(shipped, yours, {})


def test_retraining_retrain_end_to_end(tmp_path, shipped, yours, card, model):
    train, holdout = retraining.comparison_split(shipped, yours, card)
    train = pd.concat([train[train["part"] == "yours"],
                       train[train["part"] == "shipped"].sample(600, random_state=0)])
    new = retraining.fit_model(train)
    models = {"shipped": model, "retrained": new}

    table = retraining.compare_models(models, holdout)
    assert list(table.index) == [(m, p) for m in models for p in ("all", "shipped", "yours")]
    assert table.loc[("retrained", "all"), "n"] == len(holdout)
    assert 0.5 < table.loc[("retrained", "all"), "macro_f1"] <= 1

    figure = retraining.plot_confusion_matrices(models, holdout)
    assert [a.get_title().split(":")[0] for a in figure.axes] == ["shipped", "retrained"]

    curve = retraining.learning_curve_points(train, holdout, full_model=new)
    assert curve["n_train"].is_monotonic_increasing and curve["n_train"].iloc[-1] == len(train)
    assert curve["macro_f1"].iloc[-1] == pytest.approx(table.loc[("retrained", "all"),
                                                                 "macro_f1"])
    assert len(retraining.plot_learning_curve(curve, {"shipped": 0.8}).axes[0].lines) == 2

    saved = retraining.save_retrained(new, tmp_path / "mine", train, holdout)
    reloaded, loaded_card = load_model(tmp_path / "mine")
    assert loaded_card["sha256"] == saved["sha256"]
    assert loaded_card["holdout_groups"] == sorted(set(holdout["group"]))
    assert loaded_card["training_data"]["n_train"] == len(train)
    assert set(loaded_card["training_data"]["weights"]) == {"1.0", str(USER_WEIGHT)}

    sentences = pd.DataFrame({"article_id": "a", "sentence_index": range(3),
                              "text": ["We reject the report.", "Rain fell.",
                                       "Both sides agreed to meet again."]})
    sentences = pd.concat([sentences, predict_table(reloaded, sentences["text"].tolist())],
                          axis=1)
    changes = retraining.compare_labels(sentences, model)
    assert (changes["changed"] == (changes["label"] != changes["old_label"])).all()
    assert changes.loc[0, "old_label"] == "denial"

