"""Stage 4: the classifier, its outputs, and the model folder's safety checks."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline import config
from pipeline.classify.model import (
    CUES,
    CharNgramTfidf,
    CueFeatures,
    ModelLoadError,
    load_model,
    normalise_text,
    normalise_texts,
    opening,
    predict_table,
)
from pipeline.classify.train import evaluate_model

from ..conftest import DEV_SET

#: Dev macro-F1 the shipped model must keep (measured 0.725; the set's noise
#: is about +-0.02, so a drop below this is a real regression).
DEV_FLOOR = 0.70


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
    (("The two governments agreed to expand cooperation on vocational training and labour "
      "migration."), "cooperation_pledge"),
    ("Both sides stand ready to hold the next round of the human rights dialogue in Geneva.",
     "cooperation_pledge"),
    (("The state guarantees freedom of religion and belief for all citizens under the "
      "constitution."), "rights_claim"),
    ("The delegation commended the progress made in protecting the rights of children.",
     "rights_claim"),
    ("The delegation arrived in the capital on Tuesday evening.", "other"),
    ("Exports of rice rose by 12 percent in the first quarter.", "other"),
    # Rebuttal words aimed at an action, or in their plain sense, are not denials.
    (("The ministry rejected the allegations in the report as groundless and politically "
      "motivated."), "denial"),
    ("The government firmly opposes the planned arms sale and has lodged a protest.", "other"),
    ("Beijing condemned the move to impose new tariffs on its steel exports.", "other"),
    ("Export controls deny the firm access to advanced chips.", "other"),
    # "Protect" and "rights" outside human rights.
    ("The new rules protect consumers from surprise fees at checkout.", "other"),
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


@pytest.mark.parametrize("raw,normalised", [
    ("We DON\u2019T accept it.", "we don't accept it."),
    ("**Global** \u201cpartners\u201d \u2014 all", 'global "partners" - all'),
    ("See [the report](https://example.org/r) now", "see the report now"),
    ("Caf\u00e9 talks\n\tin  S\u00e3o Paulo", "cafe talks in sao paulo"),
    ("", ""),
])
def test_classify_normalise_text(raw, normalised):
    assert normalise_text(raw) == normalised


def test_classify_char_ngrams_match_scikit_learn():
    train = normalise_texts(["The two sides agreed to hold talks.", "We reject the report.",
                             "Talks were held in Geneva.", "The report was rejected as a smear."])
    test = normalise_texts(["A reporter asked about the talks.", "Unseen words: zyxw q.", ""])
    ours = CharNgramTfidf(ngram_range=(2, 5), min_df=2).fit(train)
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                             sublinear_tf=True, lowercase=False).fit(train)
    assert ours.vocabulary_ == theirs.vocabulary_
    for _ in range(2):  # cold, then from the word cache
        assert np.allclose(ours.transform(test).toarray(), theirs.transform(test).toarray())
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())


def cue_counts(sentence: str) -> dict[str, float]:
    cues = CueFeatures(weight=1.0).fit([])
    row = cues.transform([normalise_text(sentence)]).toarray()[0]
    return {name: value for name, value in zip(cues.names_, row) if value}


@pytest.mark.parametrize("sentence,present,absent", [
    ("We reject the groundless report.", {"answered", "rebut_verb&accusation", "falsity"},
     {"rebut_verb&action"}),
    ("These allegations are pure fabrication.", {"answered", "accusation"}, {"rebut_verb"}),
    ("China opposes the sanctions and the arms sale.", {"rebut_verb&action"},
     {"answered", "rebut_verb&accusation"}),
    ("Firms' legitimate rights and interests must be protected.", {"other_rights", "protection"},
     {"human_rights"}),
    ("The law protects freedom of religious belief.", {"human_rights", "protection"},
     {"other_rights"}),
    ("We don\u2019t interfere in internal affairs.", {"negation", "pressure_rhetoric"}, set()),
    ("", set(), set(CUES)),
])
def test_classify_cues_follow_the_guide(sentence, present, absent):
    found = cue_counts(sentence)
    assert present <= set(found), found
    assert not absent & set(found), found


def test_classify_cues_on_lowered_text_count_as_case_blind_regexes():
    sentences = ["NO ONE is Detained for criticism; we Reject the REPORT.",
                 "Q: Will the two sides Hold talks and exchange views?",
                 "The State guarantees Freedom of Expression, 2024."]
    cues = CueFeatures().fit([])
    ours = cues.counts(normalise_texts(sentences))
    case_blind = [[len(re.findall(p, s, re.IGNORECASE)) for p in CUES.values()] for s in sentences]
    assert ours.tolist() == case_blind
    assert ours.sum() > 10


def test_classify_cue_pairs_must_name_cues():
    with pytest.raises(ValueError, match="'pairs' parameter of CueFeatures.*'nonsense'"):
        CueFeatures(pairs=[("rebut_verb", "nonsense")]).fit([])


def test_classify_cues_of_models_saved_before_pairs_still_work():
    cues = CueFeatures().fit([])
    assert cues.transform(["we reject the report."]).shape == (1, len(cues.names_))
    del cues.pair_index_, cues.head_index_, cues.names_
    assert cues.transform(["we reject the report."]).shape == (1, len(CUES))
    state = cues.__getstate__()
    del state["pairs"], state["head_cues"], state["head_words"]
    old = CueFeatures.__new__(CueFeatures)
    old.__setstate__(state)
    assert old.get_params()["pairs"] == () and "CueFeatures" in repr(old)
    assert old.transform(["we reject the report."]).shape == (1, len(CUES))


@pytest.mark.parametrize("text,words,head", [
    ("we reject the report, which is false", 15, "we reject the report"),
    ("hua chunying: china opposes the move", 15, "hua chunying"),
    ("one two three four", 2, "one two"),
    ("", 15, ""),
])
def test_classify_opening_is_the_first_clause(text, words, head):
    assert opening(text, words) == head


def test_classify_head_cues_count_the_opening_only():
    cues = CueFeatures(weight=1.0).fit([])
    front, back = cues.transform(["we reject the report, it said.",
                                  "it said, after a long pause, that we reject the report."]
                                 ).toarray()
    column = cues.names_.index("head_rebut_verb")
    assert front[column] > 0 and back[column] == 0
    assert front[cues.names_.index("rebut_verb")] == back[cues.names_.index("rebut_verb")]


@pytest.mark.skipif(not DEV_SET.exists(), reason="no dev set beside this clone")
def test_classify_shipped_model_keeps_its_dev_score(model):
    report = evaluate_model(model, pd.read_csv(DEV_SET))
    assert report["macro_f1"] >= DEV_FLOOR
    assert report["ece"] < 0.1
