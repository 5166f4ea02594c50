"""Stage 3, parse: cleaned text in, sentences with entities and speakers out.

Takes cleaned article texts; gives one spaCy ``Doc`` per article and, from
it, ``Sentence`` records: text and offsets, named entities, the speaker and
their role, the target of the statement, rights topics and the cue words
that support each label.

Modules: ``nlp`` (loading spaCy, the sentence-boundary component, the
sentence records), ``attribution`` (who is speaking), ``people`` (names and
roles), ``speech_acts`` (reporting verbs and their subjects), ``quotes`` (quoted
words), ``targets`` (at whom a statement is aimed), ``topics`` (rights
topics and label cues), ``sentence_views`` (one cheap view of a sentence
that the rules share).
"""

from .nlp import (
    ModelNotFoundError,
    Sentence,
    doc_sentences,
    installed_pipeline,
    load_nlp,
    parse_articles,
    parse_texts,
)

__all__ = ["ModelNotFoundError", "Sentence", "doc_sentences", "installed_pipeline", "load_nlp",
           "parse_articles", "parse_texts"]
