"""One chunk of articles through the stages: clean, parse, classify, and the
three tables (sentences, articles, errors) of its part.

The unit both engines run: ``runner.py`` calls ``process_in_parts`` in its
worker processes (writing each part as it comes) and ``distributed.py`` calls
``process_articles`` (the chunk as one part) in Dask tasks, so a chunk's
output does not depend on where it ran. Nothing here touches the disk.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.pipeline import Pipeline
from spacy.language import Language

from .. import config
from ..classify.model import load_model, predict_table
from ..clean.cleaner import CleanedArticle, clean_html, clean_text
from ..clean.furniture import clean_sites, site_key
from ..parse.nlp import Sentence, doc_sentences, load_nlp, text_batches
from . import save
from .read import Article


@dataclass
class Stages:
    """The loaded models one process needs to run chunks."""

    nlp: Language
    model: Pipeline
    labels: list[str]
    review_threshold: float = config.REVIEW_THRESHOLD


def load_stages(spacy_model: str | None = None, model_path: str | Path | None = None,
                review_threshold: float = config.REVIEW_THRESHOLD,
                model: Pipeline | None = None) -> Stages:
    """Load both models; ``model`` is a classifier already loaded (and checked)."""
    if model is None:
        model, _ = load_model(model_path)
    return Stages(load_nlp(spacy_model), model, [str(c) for c in model.classes_],
                  review_threshold)


def clean_article(article: Article) -> CleanedArticle:
    """Clean one record, using its own title when it brought one."""
    if article.html is not None:
        return clean_html(article.html, title=article.title)
    return clean_text(article.text or "", title=article.title)


def process_articles(stages: Stages, articles: Sequence[Article]
                     ) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """Clean, parse and classify a chunk; return its three tables and timings."""
    return next(process_in_parts(stages, articles, part_seconds=math.inf))


def process_in_parts(stages: Stages, articles: Sequence[Article], *,
                     part_seconds: float = config.PART_SECONDS
                     ) -> Iterator[tuple[dict[str, pd.DataFrame], dict[str, float]]]:
    """Clean a chunk, then parse and classify it in parts of about
    ``part_seconds`` of work each; yield each part's three tables and timings.

    The whole chunk is cleaned first, because site furniture is learned over
    the chunk; parsing and classifying are what take time, so they are cut
    into parts a runner can write as they finish: a run killed in the middle
    of a chunk of long documents keeps its finished parts. Each parsed
    ``Doc`` is reduced to its sentences and dropped at once, and spaCy's
    batches are bounded in characters, so memory does not grow with the
    chunk or with document length. The first part carries the chunk's error
    rows; output does not depend on where the parts are cut.
    """
    started = time.perf_counter()
    kept, errors = [], []
    for article, cleaned in _clean_chunk(articles, errors):
        problem = _unusable(article, cleaned)
        if problem:
            errors.append(error_row(article.source, *problem))
        else:
            kept.append((article, cleaned))
    timings = _stage_timings(clean=time.perf_counter() - started)
    part: list[tuple[tuple[Article, CleanedArticle], list[Sentence]]] = []
    part_started = time.perf_counter()
    batches = list(text_batches(kept, size=config.SPACY_BATCH_SIZE, chars=config.SPACY_BATCH_CHARS,
                                length=lambda item: len(item[1].text)))
    for number, batch in enumerate(batches, 1):
        docs = stages.nlp.pipe([cleaned.text for _, cleaned in batch], batch_size=len(batch))
        for item in batch:
            parse_started = time.perf_counter()
            doc = next(docs)
            timings["parse_spacy"] += time.perf_counter() - parse_started  # the floor
            part.append((item, doc_sentences(doc, title=item[1].title)))
            del doc  # the sentences hold plain values; the Doc's arrays can go now
            timings["parse"] += time.perf_counter() - parse_started
        # Parts end with a batch: a cut inside one would strand parsed documents.
        if time.perf_counter() - part_started >= part_seconds and number < len(batches):
            yield _part_tables(stages, part, errors, timings)
            part, errors, timings = [], [], _stage_timings()
            part_started = time.perf_counter()
    yield _part_tables(stages, part, errors, timings)


def _stage_timings(clean: float = 0.0) -> dict[str, float]:
    return {"clean": clean, "parse_spacy": 0.0, "parse": 0.0, "classify": 0.0}


def _part_tables(stages: Stages,
                 part: Sequence[tuple[tuple[Article, CleanedArticle], list[Sentence]]],
                 errors: list[dict], timings: dict[str, float]
                 ) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """Classify one part's sentences and build its three tables."""
    started = time.perf_counter()
    kept = [item for item, _ in part]
    parsed = [sentences for _, sentences in part]
    predictions = predict_table(stages.model, [s.text for sentences in parsed for s in sentences],
                                stages.review_threshold)
    timings["classify"] += time.perf_counter() - started
    # A chunk whose every page failed cleaning still writes its error rows.
    tables = (_tables(stages.labels, kept, parsed, predictions) if kept else
              {kind: pd.DataFrame(columns=schema.names)
               for kind, schema in save.schemas(stages.labels).items()})
    tables["errors"] = pd.DataFrame(errors, columns=list(save.ERROR_COLUMNS))
    return tables, timings


def _clean_chunk(articles: Sequence[Article], errors: list[dict]
                 ) -> list[tuple[Article, CleanedArticle]]:
    """Clean each page, then drop lines its site repeats across the chunk.

    Site furniture is learned per chunk, so a chunk's output does not depend
    on which other chunks a run (or a resumed run) processes.
    """
    cleaned = []
    for article in articles:
        try:
            cleaned.append((article, clean_article(article)))
        except Exception as err:  # noqa: BLE001 (one page must never cost the chunk)
            errors.append(error_row(article.source, "clean_failed", f"cleaning failed: {err!r}"))
    sites = [site_key(article.url, article.site, article.source)
             for article, _ in cleaned]
    pages = clean_sites([page for _, page in cleaned], sites)
    return [(article, page) for (article, _), page in zip(cleaned, pages)]


def _unusable(article: Article, cleaned: CleanedArticle) -> tuple[str, str] | None:
    if not cleaned.paragraphs and not (cleaned.title and is_headline_record(article)):
        return "empty_after_cleaning", "no body text was left after cleaning."
    if len(cleaned.text) > config.MAX_ARTICLE_CHARS:
        return "too_large", (f"the cleaned article has {len(cleaned.text):,} characters; the "
                             f"limit is {config.MAX_ARTICLE_CHARS:,} (config.MAX_ARTICLE_CHARS).")
    return None


def is_headline_record(article: Article) -> bool:
    """A record whose whole text is its title (a headline corpus): its
    title is the article, not a page whose body cleaning lost."""
    return bool(article.title) and article.html is None and \
        " ".join((article.text or "").split()) == " ".join(article.title.split())


def _tables(labels: Sequence[str], kept, parsed, predictions: pd.DataFrame
            ) -> dict[str, pd.DataFrame]:
    rows, article_rows = [], []
    records = predictions.to_dict(orient="records")  # one conversion, not one per row
    position = 0
    for (article, cleaned), sentences in zip(kept, parsed):
        chunk = records[position:position + len(sentences)]
        position += len(sentences)
        for sentence, prediction in zip(sentences, chunk):
            trigger = sentence.trigger(prediction["label"])  # chosen once the label is known
            rows.append({"article_id": article.article_id, "sentence_index": sentence.index,
                         "text": sentence.text, "start_char": sentence.start_char,
                         "end_char": sentence.end_char, **prediction,
                         "speaker": sentence.speaker, "entities": list(sentence.entities),
                         "speaker_role": sentence.speaker_role, "target": sentence.target,
                         "rights_topics": list(sentence.rights_topics),
                         "trigger": trigger.text if trigger else "",
                         "trigger_start": trigger.start if trigger else None,
                         "trigger_end": trigger.end if trigger else None})
        counts = Counter(prediction["label"] for prediction in chunk)
        article_rows.append({
            "article_id": article.article_id, "source": article.source,
            "title": cleaned.title or article.title, "date": article.date or cleaned.date,
            "url": article.url, "site": article.site or cleaned.site,
            "n_sentences": len(sentences),
            **{f"n_{label}": int(counts.get(label, 0)) for label in labels},
            "n_dropped_lines": sum(cleaned.dropped_counts.values()),
        })
    return {"sentences": pd.DataFrame(rows), "articles": pd.DataFrame(article_rows)}


def error_row(source: str, kind: str, message: str) -> dict[str, str]:
    """One row of the errors table."""
    return {"source": source, "error": kind, "message": f"{source}: {message}"}
