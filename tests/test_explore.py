"""The notebook helpers: tables of a real run, plots, displaCy, retraining."""

from __future__ import annotations

import logging
from dataclasses import replace

import pandas as pd
import pytest

from pipeline import config, explore, load_run
from pipeline.classify import load_model, predict_table
from pipeline.train import read_labeled

from .conftest import PROJECT

USER_LABELS = PROJECT / "notebooks" / "my_labels.csv"
#: Any weight other than the shipped rows' 1.0, to see it reach the card.
USER_WEIGHT = 3.0


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> explore.RunTables:
    return load_run(explore.sample_run(tmp_path_factory.mktemp("run")))


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return read_labeled([config.LABELED_DATA_DIR])


@pytest.fixture(scope="module")
def card() -> dict:
    return load_model()[1]


@pytest.fixture(scope="module")
def yours() -> pd.DataFrame:
    return read_labeled([USER_LABELS], weight=USER_WEIGHT)


def test_explore_load_run_reads_every_table(tables, model):
    assert tables.labels == [str(label) for label in model.classes_]
    assert len(tables.articles) == tables.manifest["counts"]["articles"] > 10
    assert len(tables.sentences) == tables.manifest["counts"]["sentences"]
    assert set(tables.sentences["article_id"]) == set(tables.articles["article_id"])
    assert list(tables.errors.columns) == ["source", "error", "message"]


def test_explore_article_source_prefers_site_then_host_then_file():
    articles = pd.DataFrame({"site": ["Havana Pulse", "", ""],
                             "url": ["https://a.example/x", "https://b.example/y", ""],
                             "source": ["in.jsonl:3", "in.csv:2", "data/raw/07_cuba.txt"]})
    assert explore.article_source(articles).tolist() == ["Havana Pulse", "b.example",
                                                         "07_cuba.txt"]


def test_explore_label_counts_by_source_add_up(tables):
    counts = explore.label_counts_by_source(tables)
    assert list(counts.columns) == tables.labels
    assert counts.to_numpy().sum() == len(tables.sentences)
    assert counts.sum(axis=1).is_monotonic_decreasing
    assert "Havana Pulse" in counts.index and "07_cuba-eu-dialogue.txt" in counts.index


def test_explore_label_counts_over_time_fills_gaps(tables):
    counts = explore.label_counts_over_time(tables)
    dated = tables.articles.loc[tables.articles["date"].fillna("") != "", "article_id"]
    assert counts.to_numpy().sum() == tables.sentences["article_id"].isin(dated).sum()
    assert len(dated) < len(tables.articles)  # an undated sample article is left out
    months = pd.PeriodIndex(counts.index, freq="M")
    assert (months[1:] - months[:-1]).map(lambda step: step.n).tolist() == [1] * (len(months) - 1)
    assert (counts.sum(axis=1) == 0).any()  # months without articles stay in


def test_explore_plot_label_counts_draws_one_bar_per_cell(tables):
    counts = explore.label_counts_by_source(tables)
    figure = explore.plot_label_counts(counts, title="by source", horizontal=True)
    axes = figure.axes[0]
    assert len(axes.patches) == counts.size and axes.get_title() == "by source"
    assert [t.get_text() for t in axes.get_legend().get_texts()] == tables.labels


def test_explore_strongest_sentences_sorted_with_speaker(tables):
    strongest = explore.strongest_sentences(tables, "denial", n=3)
    assert len(strongest) == 3 and strongest["p"].is_monotonic_decreasing
    assert {"speaker", "title", "text"} <= set(strongest.columns)
    flagged = tables.sentences.set_index("text").loc[strongest["text"], "label"]
    assert (flagged == "denial").all()
    assert "target" not in strongest.columns or "target" in tables.sentences.columns


def test_explore_strongest_sentences_show_a_target_column_when_present(tables):
    with_target = replace(tables, sentences=tables.sentences.assign(target="the report"))
    strongest = explore.strongest_sentences(with_target, "cooperation_pledge", n=2)
    assert (strongest["target"] == "the report").all()
    with pytest.raises(ValueError, match="'label' parameter must be one of"):
        explore.strongest_sentences(tables, "claim")


def test_explore_review_table_lists_flagged_sentences_least_confident_first(tables):
    review = explore.review_table(tables)
    assert len(review) == tables.sentences["needs_review"].sum() > 0
    assert review["confidence"].is_monotonic_increasing
    assert (review["runner_up"] != review["label"]).all()
    assert (review["runner_up_p"] <= review["confidence"]).all()


def test_explore_render_article_shows_labels_and_entities(tables):
    article_id = explore.busiest_article(tables)
    rows = tables.sentences[tables.sentences["article_id"] == article_id]
    html = explore.render_article(tables, article_id)
    assert 'class="spans"' in html
    for label in set(rows["label"]):
        assert label in html and explore.LABEL_COLORS[label] in html
    entity_labels = {e["label"] for entities in rows["entities"] for e in entities}
    assert entity_labels and all(label in html for label in entity_labels)


def test_explore_render_article_marks_triggers_inside_their_sentence(tables):
    rows = tables.sentences.head(3).assign(trigger_start=None, trigger_end=None)
    article_id = rows["article_id"].iloc[0]

    def marks(frame: pd.DataFrame) -> int:
        html = explore.render_article(replace(tables, sentences=frame), article_id)
        return html.count(explore.TRIGGER_COLOR)

    assert marks(rows) == 0
    inside = rows.index[1]
    rows.loc[inside, ["trigger_start", "trigger_end"]] = [rows.loc[inside, "start_char"],
                                                          rows.loc[inside, "start_char"] + 3]
    shown = marks(rows)
    rows.loc[rows.index[2], ["trigger_start", "trigger_end"]] = [0, 3]  # not in its sentence
    assert shown > 0 and marks(rows) == shown


def test_explore_rebuilt_text_lines_up_with_entity_offsets(tables):
    for article_id, rows in tables.sentences.groupby("article_id"):
        text = explore._rebuild_text(rows.sort_values("start_char"))
        for entities in rows["entities"]:
            for entity in entities:
                found = text[entity["start"]:entity["end"]]
                assert found.strip() == entity["text"].strip(), article_id  # NER may take a "\n"


def test_explore_render_article_names_a_missing_id(tables):
    with pytest.raises(KeyError, match="No sentences for article 'nope'"):
        explore.render_article(tables, "nope")


def test_explore_helpers_work_on_a_csv_run(tmp_path):
    explore.sample_run(tmp_path, fmt="csv", limit=2)
    tables = load_run(tmp_path)
    assert isinstance(tables.sentences["entities"].iloc[0], list)
    html = explore.render_article(tables, tables.articles["article_id"].iloc[0])
    assert 'class="spans"' in html
    assert explore.label_counts_by_source(tables).to_numpy().sum() == len(tables.sentences)


def test_explore_helpers_accept_an_empty_run(tables):
    empty = replace(tables, sentences=tables.sentences.iloc[:0], articles=tables.articles.iloc[:0])
    assert list(explore.label_counts_by_source(empty).columns) == tables.labels
    assert explore.label_counts_over_time(empty).empty
    assert explore.review_table(empty).empty
    assert explore.strongest_sentences(empty, "denial").empty


# -- retraining --------------------------------------------------------------

def test_explore_comparison_split_keeps_the_shipped_holdout(shipped, yours, card):
    train, holdout = explore.comparison_split(shipped, yours, card)
    held = set(card["holdout_groups"])
    assert set(holdout.loc[holdout["part"] == "shipped", "group"]) == \
        held & set(shipped["group"])
    assert not set(train["group"]) & set(holdout["group"])
    assert not set(train["text"]) & set(holdout["text"])
    mine = holdout[holdout["part"] == "yours"]
    assert 0 < len(mine) < len(yours) and mine["label"].nunique() > 1
    assert len(mine) + (train["part"] == "yours").sum() == len(yours)


def test_explore_comparison_split_trains_on_all_of_a_few_documents(shipped, yours, card, caplog):
    few = yours[yours["group"].isin(sorted(set(yours["group"]))[:3])]
    with caplog.at_level(logging.WARNING, logger="pipeline.explore"):
        train, holdout = explore.comparison_split(shipped, few, card)
    assert (holdout["part"] == "shipped").all() and (train["part"] == "yours").sum() == len(few)
    assert "none are held out" in caplog.text
    with pytest.raises(ValueError, match="holdout_groups"):
        explore.comparison_split(shipped, yours, {})


def test_explore_retrain_end_to_end(tmp_path, shipped, yours, card, model):
    train, holdout = explore.comparison_split(shipped, yours, card)
    train = pd.concat([train[train["part"] == "yours"],
                       train[train["part"] == "shipped"].sample(600, random_state=0)])
    new = explore.fit_model(train)
    models = {"shipped": model, "retrained": new}

    table = explore.compare_models(models, holdout)
    assert list(table.index) == [(m, p) for m in models for p in ("all", "shipped", "yours")]
    assert table.loc[("retrained", "all"), "n"] == len(holdout)
    assert 0.5 < table.loc[("retrained", "all"), "macro_f1"] <= 1

    figure = explore.plot_confusion_matrices(models, holdout)
    assert [a.get_title().split(":")[0] for a in figure.axes] == ["shipped", "retrained"]

    curve = explore.learning_curve_points(train, holdout, full_model=new)
    assert curve["n_train"].is_monotonic_increasing and curve["n_train"].iloc[-1] == len(train)
    assert curve["macro_f1"].iloc[-1] == pytest.approx(table.loc[("retrained", "all"),
                                                                 "macro_f1"])
    assert len(explore.plot_learning_curve(curve, {"shipped": 0.8}).axes[0].lines) == 2

    saved = explore.save_retrained(new, tmp_path / "mine", train, holdout)
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
    changes = explore.compare_labels(sentences, model)
    assert (changes["changed"] == (changes["label"] != changes["old_label"])).all()
    assert changes.loc[0, "old_label"] == "denial"

