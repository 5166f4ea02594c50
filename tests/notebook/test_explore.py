"""The exploration notebook's helpers: tables of a real run, plots, displaCy."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from pipeline import load_run
from pipeline.notebook import explore


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> explore.RunTables:
    return load_run(explore.sample_run(tmp_path_factory.mktemp("run")))


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
