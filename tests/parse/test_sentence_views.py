"""Sentence views and word classes (pipeline/parse/sentence_views.py).

The pipeline excludes spaCy's attribute_ruler and reads word classes from the
tagger's fine tags; these tests hold that reading to what the ruler itself
would say, on the real model, so a model upgrade that changes the ruler
shows up here and not as quietly different speakers.
"""

from __future__ import annotations

import pytest
import spacy

from pipeline import config
from pipeline.parse.nlp import _merge_stray_punctuation
from pipeline.parse.sentence_views import is_noun, is_pronoun, is_verb, sentence_views

#: Written for this test: auxiliaries, modals, expletives, possessives,
#: stand-alone determiners, "nobody"-words, relatives, proper nouns.
TEXT = (
    "Nobody has been detained for what they wrote, the spokesperson said.\n"
    "Those who claim otherwise have ignored the facts, and that is regrettable.\n"
    "There are many newspapers; anyone can read whichever one he likes.\n"
    "Minister Aurelio Vance did not comment, but his office will issue a statement.\n"
    "“We do respect everyone's rights,” she added. Something must be done about it.\n"
    "Whatever it is called, the report's authors should have asked us first."
)


@pytest.fixture(scope="module")
def full_nlp():
    """The same model with its attribute_ruler kept."""
    for name in config.SPACY_MODEL_CANDIDATES:
        try:
            return spacy.load(name, exclude=["lemmatizer"])
        except OSError:
            continue
    pytest.fail("no spaCy English pipeline installed")


def test_word_classes_from_tags_agree_with_the_attribute_ruler(full_nlp):
    doc = full_nlp(TEXT)
    assert "attribute_ruler" in full_nlp.pipe_names
    for token in doc:
        assert is_verb(token.tag_, token.dep_) == (token.pos_ in ("VERB", "AUX")), token
        assert is_noun(token) == (token.pos_ in ("NOUN", "PROPN")), token
        stands_alone = token.lower_ in ("this", "that") and token.dep_ != "det"
        assert is_pronoun(token) == (token.pos_ == "PRON" or stands_alone), token


def test_the_run_pipeline_has_no_attribute_ruler(nlp):
    assert "attribute_ruler" not in nlp.pipe_names
    assert {"tagger", "parser", "ner"} <= set(nlp.pipe_names)


def test_sentence_views_hold_text_tokens_and_line_position(nlp):
    text = "Talks resume in Geneva\nThe two sides met. They agreed to meet again.\nQ: Why?"
    doc = nlp(text)
    views = sentence_views(doc, _merge_stray_punctuation(doc, doc.text), doc.text)
    assert [v.text.strip() for v in views] == ["Talks resume in Geneva", "The two sides met.",
                                               "They agreed to meet again.", "Q: Why?"]
    assert [v.headline for v in views] == [True, False, False, False]
    assert [v.new_paragraph for v in views] == [True, True, False, True]
    second = views[1]
    assert [t.text for t in second.tokens] == ["The", "two", "sides", "met", "."]
    assert list(second.lowers) == ["the", "two", "sides", "met", "."]
    assert list(second.tags) == [t.tag_ for t in second.tokens]
    assert list(second.deps) == [t.dep_ for t in second.tokens]
    assert [t.text for t in views[2].where(frozenset({"agreed", "again"}))] == ["agreed", "again"]
