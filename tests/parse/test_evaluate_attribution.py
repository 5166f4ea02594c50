"""The real-news scorer of scripts/evaluate_attribution.py (``--news``): how a
gold sentence is found in the pipeline's output and when a speaker counts,
on a page written for this test."""

from __future__ import annotations

import json

import pytest

from pipeline.parse.nlp import Sentence

from ..conftest import load_script

evaluate = load_script("evaluate_attribution")

PAGE = (
    "Home | World | Business | Sport\n"
    "Dockers strike over pay in the northern port\n"
    "Harbour workers walked out on Friday after talks on pay broke down for the third time "
    "this year, leaving dozens of ships waiting outside the harbour.\n"
    "“We will not go back until the pay is fixed,” Maria Olsen, a spokeswoman for the "
    "dockers’ union, told the Herald on Saturday morning.\n"
    "The port authority declined to comment on the strike or on the ships.\n"
    "Copyright 2026 Northern Herald. All rights reserved.\n"
)


def _sentence(text: str, speaker: str = "") -> Sentence:
    return Sentence(0, text, 0, len(text), (), speaker)


@pytest.mark.parametrize("predicted, gold, right", [
    ("", "", True),
    ("Maria Olsen", "Olsen", True),  # the last name is enough
    ("Mrs. Olsen", "Maria Olsen", True),
    ("the union", "Maria Olsen|the dockers' union", True),  # one alternative
    ("Maria Olsen", "", False),  # narration must stay empty
    ("", "Maria Olsen", False),
    ("the port authority", "Maria Olsen", False),
])
def test_evaluate_attribution_news_speaker_match(predicted, gold, right):
    assert evaluate.news_speaker_matches(predicted, gold) is right


def test_evaluate_attribution_finds_gold_sentences_split_or_restyled():
    predicted = [_sentence("Intro line."),
                 _sentence("“We will not go back,” she said — and left."),
                 _sentence("The talks on pay failed again."), _sentence("They resume in May.")]
    assert evaluate.find_gold(predicted, '"We will not go back," she said - and left.', 0) == 1
    # The output cut the gold sentence in two: its first piece stands for it.
    assert evaluate.find_gold(predicted, "The talks on pay failed again. They resume in May.", 0) == 2
    assert evaluate.find_gold(predicted, "A sentence the cleaner dropped.", 0) is None


def test_evaluate_attribution_scores_a_news_page_end_to_end(nlp, tmp_path):
    (tmp_path / "p1.txt").write_text(PAGE, encoding="utf-8")
    gold = [("Harbour workers walked out on Friday", ""),
            ("“We will not go back until the pay is fixed,”", "Maria Olsen"),
            ("The port authority declined to comment", ""),
            ("A sentence no page holds, so it is lost by cleaning.", "")]
    lines = [json.dumps({"page": "p1", "text": text, "speaker": speaker})
             for text, speaker in gold]
    (tmp_path / "labels.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = evaluate.score_news(nlp, evaluate.read_labels(tmp_path / "labels.jsonl"),
                                 tmp_path)
    assert report["lost"] == 1
    assert report["scores"]["all"] == {"sentences": 4, "speaker_accuracy": 0.75}
    assert report["errors"][0]["speaker"] == "(lost by cleaning)"
    assert report["error_kinds"] == {"wrong speaker": 0, "speaker missed": 0,
                                     "narration given a speaker": 0, "lost": 1}


@pytest.mark.parametrize("speaker, gold, kind", [
    ("Maria Olsen", "the port authority", "wrong speaker"),
    ("", "Maria Olsen", "speaker missed"),
    ("Maria Olsen", "", "narration given a speaker"),
    ("(lost by cleaning)", "", "lost"),
])
def test_evaluate_attribution_names_the_kind_of_each_error(speaker, gold, kind):
    assert evaluate.error_kind({"speaker": speaker, "gold_speaker": gold}) == kind
