"""Stage 4: the classifier, its outputs, and the model folder's safety checks."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from pipeline import config
from pipeline.classify import ModelLoadError, load_model, predict_table


def test_classify_empty_input(model):
    table = predict_table(model, [])
    assert table.empty and "label" in table and "needs_review" in table


def test_classify_probabilities_and_columns(model):
    table = predict_table(model, ["The talks will resume next month.", "Rain fell in the north."])
    probabilities = table[[f"p_{label}" for label in model.classes_]].to_numpy()
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert set(model.classes_) == set(config.LABELS)
    assert (table["confidence"] == probabilities.max(axis=1)).all()


@pytest.mark.parametrize("sentence,label", [
    ("The ministry said no citizen is ever detained merely for criticising officials online.",
     "denial"),
    ("The spokesman rejected the report as groundless and a distortion of the facts.", "denial"),
    ("The two governments agreed to expand cooperation on vocational training and labour "
     "migration.", "cooperation_pledge"),
    ("Both sides stand ready to hold the next round of the human rights dialogue in Geneva.",
     "cooperation_pledge"),
    ("The state guarantees freedom of religion and belief for all citizens under the "
     "constitution.", "rights_claim"),
    ("The delegation commended the progress made in protecting the rights of children.",
     "rights_claim"),
    ("The delegation arrived in the capital on Tuesday evening.", "other"),
    ("Exports of rice rose by 12 percent in the first quarter.", "other"),
])
def test_classify_clear_cases_follow_the_guide(model, sentence, label):
    assert predict_table(model, [sentence])["label"].iloc[0] == label


def test_classify_refuses_an_altered_model_file(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(config.DEFAULT_MODEL_DIR, folder)
    with (folder / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelLoadError, match="does not match its card"):
        load_model(folder)


def test_classify_refuses_other_sklearn_version(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(config.DEFAULT_MODEL_DIR, folder)
    card = json.loads((folder / "model_card.json").read_text())
    card["versions"]["scikit-learn"] = "0.1.0"
    (folder / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match="scikit-learn 0.1.0"):
        load_model(folder)


def test_classify_missing_model_says_how_to_build_one(tmp_path):
    with pytest.raises(ModelLoadError, match="make train"):
        load_model(tmp_path / "absent")


def test_classify_shipped_card_describes_the_model():
    _, card = load_model()
    assert card["labels"] == sorted(config.LABELS)
    assert card["training_data"]["n_rows"] >= 600
    assert min(card["training_data"]["label_counts"].values()) >= 150
    assert card["holdout"]["macro_f1"] > 0.7
