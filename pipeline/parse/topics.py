"""Lexicon matching for the parse stage: rights topics and label cues.

Two packaged lexicons (``pipeline/resources/``) are matched with spaCy's
``PhraseMatcher`` on lower-cased tokens:

* ``rights_topics.json``: which rights a sentence concerns (expression,
  press, religion, labour, ...), listed in the README;
* ``label_cues.json``: the words that most support each label, so every row
  can show a ``trigger`` a reader checks a label against at a glance.

The matchers are built once per vocabulary and run once per document, not
per sentence: the parse stage stays close to bare spaCy speed. Matching
needs no lemmatizer (the pipeline excludes it), so the lexicons list the
inflected forms.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

TOPICS_FILE = "rights_topics.json"
CUES_FILE = "label_cues.json"
#: Token dependency that marks a negation ("not", "never", "n't").
NEGATION_DEP = "neg"
#: Determiners that negate a subject ("no one is arrested", "nobody").
NEGATING_WORDS = frozenset({"no", "nobody", "none", "never", "nothing"})


@dataclass(frozen=True)
class Cue:
    """A span supporting one label, with offsets into the document's text."""

    label: str
    text: str
    start: int
    end: int


def load_lexicon(name: str) -> dict:
    """A packaged lexicon; keys starting with '_' are comments."""
    text = resources.files("pipeline").joinpath("resources", name).read_text(encoding="utf-8")
    return {key: value for key, value in json.loads(text).items() if not key.startswith("_")}


@lru_cache(maxsize=8)
def _matchers(vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher, tuple[str, ...]]:
    """Topic and cue matchers for one vocabulary (cached: built once per nlp).

    Cue match ids are ``label|tier``; the third value lists the cue labels.
    """
    make_doc = spacy.blank("en", vocab=vocab).make_doc
    topics = PhraseMatcher(vocab, attr="LOWER")
    for topic, phrases in load_lexicon(TOPICS_FILE).items():
        topics.add(topic, [make_doc(phrase) for phrase in phrases])
    cues = PhraseMatcher(vocab, attr="LOWER")
    lexicon = load_lexicon(CUES_FILE)
    for label, tiers in lexicon.items():
        for tier, phrases in enumerate(tiers):
            cues.add(f"{label}|{tier * 2}", [make_doc(phrase) for phrase in phrases])
    return topics, cues, tuple(lexicon)


def rights_topics(doc: Doc, sentences: Sequence[Span]) -> list[tuple[str, ...]]:
    """The rights topics of each sentence, in lexicon order, without repeats."""
    topic_matcher, _, _ = _matchers(doc.vocab)
    order = list(load_lexicon_keys())
    found: list[set[str]] = [set() for _ in sentences]
    for match_id, start, _ in topic_matcher(doc):
        index = sentence_of(sentences, start)
        if index is not None:
            found[index].add(doc.vocab.strings[match_id])
    return [tuple(sorted(topics, key=order.index)) for topics in found]


@lru_cache(maxsize=1)
def load_lexicon_keys() -> tuple[str, ...]:
    return tuple(load_lexicon(TOPICS_FILE))


def label_cues(doc: Doc, sentences: Sequence[Span]) -> list[tuple[Cue, ...]]:
    """One candidate trigger per label for each sentence (labels without a cue are absent).

    The best candidate is the match of the lowest tier, then the earliest;
    denials also take a negated verb ("does not reflect") ranked between
    their two tiers, because the negation is what a reader checks first.
    """
    _, cue_matcher, labels = _matchers(doc.vocab)
    best: list[dict[str, tuple[int, int, int, int]]] = [{} for _ in sentences]
    for match_id, start, end in cue_matcher(doc):
        label, tier = doc.vocab.strings[match_id].split("|")
        _offer(best, sentences, label, (int(tier), start, -end, end))
    for token in _negation_candidates(doc):
        negation = _negation_span(token)
        if negation:
            _offer(best, sentences, "denial", (1, negation[0], -negation[1], negation[1]))
    cues = []
    for candidates in best:
        row = []
        for label in labels:
            if label in candidates:
                _, start, _, end = candidates[label]
                span = doc[start:end]
                row.append(Cue(label, span.text, span.start_char, span.end_char))
        cues.append(tuple(row))
    return cues


def _offer(best: list[dict], sentences: Sequence[Span], label: str,
           rank: tuple[int, int, int, int]) -> None:
    index = sentence_of(sentences, rank[1])
    if index is not None and (label not in best[index] or rank < best[index][label]):
        best[index][label] = rank


def _negation_candidates(doc: Doc) -> list[Token]:
    """Tokens that may start a negation, found on the doc's arrays: making a
    ``Token`` for every word of every article costs more than the matching."""
    strings = doc.vocab.strings
    dep, lower = doc.to_array(["DEP", "LOWER"]).T
    wanted = np.isin(lower, [strings.add(word) for word in NEGATING_WORDS])
    return [doc[int(i)] for i in np.flatnonzero((dep == strings.add(NEGATION_DEP)) | wanted)]


def _negation_span(token: Token) -> tuple[int, int] | None:
    """Token offsets of a negation and the word it negates ("not objective", "no one is")."""
    if token.dep_ == NEGATION_DEP:
        start, end = sorted((token.i, token.head.i))
        return start, end + 1
    if token.lower_ in NEGATING_WORDS and token.dep_ in ("det", "nsubj", "nsubjpass"):
        verb = token.head if token.dep_ != "det" else token.head.head
        if verb.i > token.i and verb.i - token.i <= 4:
            return token.i, verb.i + 1
    return None


def sentence_of(sentences: Sequence[Span], token_index: int) -> int | None:
    """Index of the sentence holding a token (sentences are sorted and disjoint)."""
    low, high = 0, len(sentences)
    while low < high:
        middle = (low + high) // 2
        if sentences[middle].end <= token_index:
            low = middle + 1
        else:
            high = middle
    if low < len(sentences) and sentences[low].start <= token_index:
        return low
    return None
