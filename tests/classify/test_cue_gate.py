"""The cue gate must never change a count: it only skips regexes that
cannot match."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify.cue_gate import CueGate, word_starts
from pipeline.classify.cue_lexicons import CUES
from pipeline.classify.model import CueFeatures, normalise_texts
from pipeline.classify.train import read_labeled

#: Words that open, almost open, or sit inside cue words, so random texts
#: hit the gate's edge cases (prefixes, apostrophes, hyphens, question marks).
CUE_WORDS = ["not", "no", "nobody", "don't", "won't", "n't", "deny", "denied", "den", "reject",
             "rejects", "report", "reports", "so-called", "co-operation", "human", "rights",
             "right", "in", "accordance", "with", "the", "law", "laws", "we", "will", "continue",
             "to", "work", "there", "are", "political", "prisoners", "q:", "question:", "?",
             "2024", "free", "freedom", "of", "press", "oppose", "unfounded", "is", "one",
             "detained", "nobody's", "ready", "under", "guise", "-", ",", "."]


def plain_counts(features: CueFeatures, texts: list[str]) -> np.ndarray:
    """Counts with every regex run on every text."""
    return np.array([[len(p.findall(t)) for p in features.patterns_] for t in texts],
                    dtype=np.float64).reshape(len(texts), len(features.patterns_))


@pytest.fixture(scope="module")
def cues() -> CueFeatures:
    return CueFeatures().fit(["x"])


@pytest.mark.parametrize("pattern, starts", [
    (r"\b(?:reject\w*|den(?:y|ies))\b", {"reject", "den"}),
    (r"\bhuman rights?\b", {"human"}),
    (r"\b(?:no one|nobody)\b|n't\b", {"no", "~n't"}),  # re factors out "no"
    (r"\?\s*$", {"~?"}),
    (r"\d", None),
    (r"^\s*q:", None),
    (r"(?i)\breject", None),
])
def test_cue_gate_word_starts(pattern, starts):
    found = word_starts(re.compile(pattern))
    assert (None if found is None else set(found)) == starts


def test_cue_gate_empty_input(cues):
    assert cues.counts([]).shape == (0, len(CUES))
    assert CueGate(cues.patterns_).starts("") == {}


def test_cue_gate_counts_match_every_regex_on_the_training_data(cues):
    texts = normalise_texts(read_labeled(["data/labeled"])["text"])
    np.testing.assert_array_equal(cues.counts(texts), plain_counts(cues, texts))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CUE_WORDS), max_size=30))
def test_cue_gate_never_changes_a_count(cues, words):
    text = " ".join(words)
    np.testing.assert_array_equal(cues.counts([text]), plain_counts(cues, [text]))


def test_cue_gate_skips_most_cues_on_a_plain_sentence(cues):
    gate = CueGate(cues.patterns_)
    tried = gate.starts("the delegation toured a factory and a museum on tuesday.")
    assert len(tried) <= 2
