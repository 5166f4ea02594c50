"""The batch run: read -> clean -> parse -> classify -> save, resumable.

What one run does:

1. read the inputs as a stream; skip articles finished by an earlier run of
   the same output folder (the parts on disk say which);
2. group articles into chunks of ``config.CHUNK_SIZE``;
3. each chunk is cleaned, parsed with ``nlp.pipe``, classified in one call,
   and written as one atomic part, in this process or in ``workers``
   processes that each load the models once;
4. when the stream is done, stream the parts into the final tables and write
   ``manifest.json``.

A kill at any moment loses at most the chunks in flight; the same command
finishes the job. Bad input becomes rows of ``errors`` and never stops it.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import platform
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import pandas as pd
from sklearn.pipeline import Pipeline
from spacy.language import Language
from tqdm import tqdm

from . import config, save
from .classify import load_model, predict_table
from .clean import CleanedArticle, clean_html, clean_text
from .furniture import clean_sites, site_key
from .parse import doc_sentences, load_nlp, parse_texts
from .read import HTML_SUFFIXES, LINE_SUFFIXES, TEXT_SUFFIXES, Article, ReadError, read_inputs

logger = logging.getLogger(__name__)


class RunError(RuntimeError):
    """A run that cannot start (bad options, an output folder from another model)."""


@dataclass
class RunSummary:
    """What a run did; ``exit_code`` follows the CLI contract (0 or 2)."""

    out: Path
    articles: int = 0
    sentences: int = 0
    errors: int = 0
    skipped_done: int = 0
    seconds: float = 0.0
    #: CPU seconds of this process, and of its model loading: with one worker
    #: all work is here, so their difference is the run's CPU cost without
    #: loading, a measure other programs on the machine barely disturb.
    cpu_seconds: float = 0.0
    load_cpu_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, articles: int, sentences: int, errors: int,
            timings: dict[str, float]) -> None:
        """Count one finished chunk, whichever engine ran it."""
        self.articles += articles
        self.sentences += sentences
        self.errors += errors
        for stage, seconds in timings.items():
            self.timings[stage] = self.timings.get(stage, 0.0) + seconds

    @property
    def exit_code(self) -> int:
        return 2 if self.errors else 0

    def line(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (f"{self.articles} articles, {self.sentences} sentences, {self.errors} errors "
                f"in {self.seconds:.1f}s ({rate:.1f} articles/s); "
                f"{self.skipped_done} already done. Tables in {self.out}")


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
    timings = dict.fromkeys(("clean", "parse", "classify"), 0.0)
    started = time.perf_counter()
    kept, errors = [], []
    for article, cleaned in _clean_chunk(articles, errors):
        problem = _unusable(cleaned)
        if problem:
            errors.append(_error(article.source, *problem))
        else:
            kept.append((article, cleaned))
    timings["clean"] = time.perf_counter() - started

    started = time.perf_counter()
    docs = list(parse_texts(stages.nlp, [cleaned.text for _, cleaned in kept]))
    timings["parse_spacy"] = time.perf_counter() - started  # the floor; the rest is ours
    parsed = [doc_sentences(doc, title=cleaned.title) for doc, (_, cleaned) in zip(docs, kept)]
    timings["parse"] = time.perf_counter() - started

    started = time.perf_counter()
    texts = [s.text for sentences in parsed for s in sentences]
    predictions = predict_table(stages.model, texts, stages.review_threshold)
    timings["classify"] = time.perf_counter() - started
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
            errors.append(_error(article.source, "clean_failed", f"cleaning failed: {err!r}"))
    sites = [site_key(article.url, article.site, article.source)
             for article, _ in cleaned]
    pages = clean_sites([page for _, page in cleaned], sites)
    return [(article, page) for (article, _), page in zip(cleaned, pages)]


def _unusable(cleaned: CleanedArticle) -> tuple[str, str] | None:
    if not cleaned.paragraphs:
        return "empty_after_cleaning", "no body text was left after cleaning."
    if len(cleaned.text) > config.MAX_ARTICLE_CHARS:
        return "too_large", (f"the cleaned article has {len(cleaned.text):,} characters; the "
                             f"limit is {config.MAX_ARTICLE_CHARS:,} (config.MAX_ARTICLE_CHARS).")
    return None


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


def _error(source: str, kind: str, message: str) -> dict[str, str]:
    return {"source": source, "error": kind, "message": f"{source}: {message}"}


# -- workers -----------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(spacy_model: str | None, model_path: str | None, review_threshold: float,
                 out: str, parent: int | None = None) -> None:
    """Load the models once per process. A classifier the parent already
    loaded (``_WORKER["model"]``, inherited through fork) is reused, not reloaded."""
    started, cpu_started = time.perf_counter(), time.process_time()
    _WORKER["stages"] = load_stages(spacy_model, model_path, review_threshold,
                                    model=_WORKER.get("model"))
    # The models are millions of objects the cyclic garbage collector would
    # re-scan on every full collection a chunk's allocations trigger; freezing
    # them keeps collections to the chunk's own objects (measured: building
    # the attribution's sentence views took 38 ms per 200 articles, not 151).
    gc.freeze()
    _WORKER["load_seconds"] = time.perf_counter() - started
    _WORKER["load_cpu_seconds"] = time.process_time() - cpu_started
    meta = _WORKER["stages"].nlp.meta
    _WORKER["spacy_name"] = f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
    _WORKER["out"] = Path(out)
    _WORKER["parent"] = parent
    if parent and os.getppid() == parent:  # a pool worker of this run
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End a pool worker whose run was killed (kill -9 leaves it waiting forever)."""
    while os.getppid() == parent:
        time.sleep(config.ORPHAN_CHECK_SECONDS)
    os._exit(1)


def _run_chunk(name: str, articles: list[Article]) -> tuple[int, int, int, dict[str, float]]:
    """Process and write one chunk in a worker; only counts travel back."""
    stages: Stages = _WORKER["stages"]
    tables, timings = process_articles(stages, articles)
    started = time.perf_counter()
    parent = _WORKER.get("parent")
    if parent and parent not in (os.getpid(), os.getppid()):
        # The run was killed: a restarted run may be redoing this chunk already,
        # and writing it too would put its articles in the tables twice.
        raise RunError(f"the run (process {parent}) is gone; chunk {name} is not written.")
    save.write_part(_WORKER["out"], name, tables, stages.labels)
    timings["write"] = time.perf_counter() - started
    timings["load"] = _WORKER.pop("load_seconds", 0.0)  # reported once per process
    return (len(tables["articles"]), len(tables["sentences"]), len(tables["errors"]), timings)


# -- the run -----------------------------------------------------------------

def run(inputs: Sequence[str | Path], out: str | Path, *, fmt: str = config.DEFAULT_FORMAT,
        model_path: str | Path | None = None, spacy_model: str | None = None,
        workers: int = 1, limit: int | None = None, overwrite: bool = False,
        progress: bool = False, review_threshold: float = config.REVIEW_THRESHOLD,
        chunk_size: int = config.CHUNK_SIZE) -> RunSummary:
    """Run the whole pipeline over ``inputs`` into the folder ``out``.

    Args:
        inputs: files and folders, formats mixed.
        out: output folder; an earlier run there is resumed unless ``overwrite``.
        fmt: format of the final tables: parquet, csv or jsonl.
        model_path: classifier folder (default: the shipped model).
        spacy_model: spaCy pipeline name or path (default: see ``parse.load_nlp``).
        workers: processes that parse in parallel.
        limit: process only the first ``limit`` articles of the input stream.
        progress: show a progress bar on stderr.
        chunk_size: articles per part file (the unit of resume).

    Returns:
        Counts and timings; the tables and ``manifest.json`` are in ``out``.
    """
    check_options(fmt, workers, limit)
    started, cpu_started = time.perf_counter(), time.process_time()
    out = Path(out)
    model, card = load_model(model_path)  # fail fast, before any work; loaded once
    _WORKER.clear()
    _WORKER["model"] = model
    parent_load = time.perf_counter() - started
    summary_load_cpu = time.process_time() - cpu_started
    labels = [str(label) for label in card["labels"]]
    summary, pending, skipped = open_run(inputs, out, labels, overwrite=overwrite, limit=limit,
                                         chunk_size=chunk_size)
    bar = progress_bar(inputs, limit, progress)
    initargs = (spacy_model, str(model_path) if model_path else None, review_threshold, str(out),
                os.getpid())
    worker_load = 0.0
    for n_articles, n_sentences, n_errors, timings in _execute(pending, workers, initargs):
        # Workers load side by side: the slowest one counts.
        worker_load = max(worker_load, timings.pop("load", 0.0))
        summary.add(n_articles, n_sentences, n_errors, timings)
        bar.update(n_articles + n_errors)
    bar.close()
    _WORKER.pop("model", None)
    summary.timings["load"] = parent_load + worker_load
    summary.load_cpu_seconds = summary_load_cpu + _WORKER.get("load_cpu_seconds", 0.0)
    summary.skipped_done = skipped[0]
    finalize_started = time.perf_counter()
    counts = save.finalize(out, labels, fmt)
    summary.timings["finalize"] = time.perf_counter() - finalize_started
    summary.errors = counts["errors"]
    summary.seconds = time.perf_counter() - started
    summary.cpu_seconds = time.process_time() - cpu_started
    save.write_manifest(out, run_manifest(inputs, out, fmt, card, model_path, spacy_model,
                                          workers, limit, counts, summary))
    return summary


def open_run(inputs: Sequence[str | Path], out: Path, labels: Sequence[str], *,
             overwrite: bool, limit: int | None, chunk_size: int
             ) -> tuple[RunSummary, Iterator[tuple[str, list[Article]]], list[int]]:
    """Prepare ``out`` and stream the chunks still to do.

    Shared by the local and the Dask engine, so both resume the same parts.
    """
    _prepare_out(out, overwrite)
    done, known_errors = save.finished_keys(out)
    summary = RunSummary(out=out, timings=dict.fromkeys(("clean", "parse", "classify", "write"),
                                                       0.0))
    pending, skipped = _pending_chunks(read_inputs(inputs), done, known_errors, limit, out, labels,
                                       chunk_size)
    return summary, pending, skipped


def progress_bar(inputs: Sequence[str | Path], limit: int | None, progress: bool) -> tqdm:
    """Articles/s and ETA on a terminal; silent when ``progress`` is off."""
    return tqdm(total=_count_records(inputs, limit) if progress else None, unit=" articles",
                disable=not progress, file=sys.stderr, dynamic_ncols=True)


def check_options(fmt: str, workers: int, limit: int | None) -> None:
    """Reject bad options before any output is touched (both engines)."""
    if fmt not in config.FORMATS:
        raise RunError(f"The 'format' option must be one of {', '.join(config.FORMATS)}. "
                       f"Got {fmt!r} instead.")
    if workers < 1:
        raise RunError(f"The 'workers' option must be 1 or more. Got {workers} instead.")
    if limit is not None and limit < 1:
        raise RunError(f"The 'limit' option must be 1 or more. Got {limit} instead.")


def _prepare_out(out: Path, overwrite: bool) -> None:
    if overwrite and out.exists():
        shutil.rmtree(out / save.PARTS_DIR, ignore_errors=True)
        for kind in save.TABLES:
            for fmt in config.FORMATS:
                (out / f"{kind}.{fmt}").unlink(missing_ok=True)
        (out / "manifest.json").unlink(missing_ok=True)
    (out / save.PARTS_DIR).mkdir(parents=True, exist_ok=True)
    save.remove_unfinished(out)


def _pending_chunks(records: Iterator[Article | ReadError], done: set[str],
                    known_errors: set[tuple[str, str]], limit: int | None, out: Path,
                    labels: Sequence[str], chunk_size: int
                    ) -> tuple[Iterator[tuple[str, list[Article]]], list[int]]:
    """Chunks of articles still to do, named so they sort after earlier parts.

    Read errors are written straight away as parts of their own; duplicate
    ids within a run are errors too (each article must appear exactly once).
    """
    run_tag = f"{len(save.list_parts(out)):07d}-{time.strftime('%Y%m%d%H%M%S')}"
    skipped = [0]

    def generate() -> Iterator[tuple[str, list[Article]]]:
        seen: set[str] = set()
        errors: list[dict] = []
        records_left = islice(records, limit) if limit else records
        for number, chunk in enumerate(_batched(_filter(records_left, done, known_errors, seen,
                                                        errors, skipped), chunk_size)):
            yield f"{run_tag}-{number:06d}", chunk
        if errors:
            save.write_part(out, f"{run_tag}-errors", {"errors": pd.DataFrame(errors)}, labels)

    return generate(), skipped


#: Errors that ``process_articles`` records for a page it could not use.
_PROCESS_ERRORS = ("clean_failed", "empty_after_cleaning", "too_large")


def _filter(records: Iterable[Article | ReadError], done: set[str],
            known_errors: set[tuple[str, str]], seen: set[str], errors: list[dict],
            skipped: list[int]) -> Iterator[Article]:
    for record in records:
        if isinstance(record, ReadError):
            if (record.source, record.error) not in known_errors:
                errors.append({"source": record.source, "error": record.error,
                               "message": record.message})
        elif record.article_id in done or any((record.source, kind) in known_errors
                                              for kind in _PROCESS_ERRORS):
            skipped[0] += 1  # finished, or already an error row: not redone
        elif record.article_id in seen:
            if (record.source, "duplicate_id") not in known_errors:
                errors.append(_error(record.source, "duplicate_id",
                                     f"article id {record.article_id!r} appeared earlier in "
                                     "this run; ids must be unique."))
        else:
            seen.add(record.article_id)
            yield record


def _batched(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _execute(pending: Iterator[tuple[str, list[Article]]], workers: int, initargs: tuple
             ) -> Iterator[tuple[int, int, int, dict[str, float]]]:
    """Run chunks here (one worker) or in a process pool with bounded hand-off."""
    if workers == 1:
        _init_worker(*initargs)
        for name, chunk in pending:
            yield _run_chunk(name, chunk)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=initargs) as pool:
        in_flight: set[Future] = set()
        for name, chunk in pending:
            in_flight.add(pool.submit(_run_chunk, name, chunk))
            if len(in_flight) >= 2 * workers:
                finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in finished)
        for future in in_flight:
            yield future.result()


def _count_records(inputs: Sequence[str | Path], limit: int | None) -> int | None:
    """A quick count for the progress bar's ETA: files, and lines of line formats."""
    total = 0
    for raw in inputs:
        path = Path(raw)
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            suffix = file.suffix.lower()
            if suffix in LINE_SUFFIXES and file.is_file():
                with file.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip()) - (suffix == ".csv")
            elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
                total += 1
    return min(total, limit) if limit else total


def run_manifest(inputs: Sequence[str | Path], out: Path, fmt: str, card: dict,
                 model_path: str | Path | None, spacy_model: str | None, workers: int,
                 limit: int | None, counts: dict[str, int], summary: RunSummary) -> dict:
    """The run's ``manifest.json``: what ran, on what, with which models, and
    how long each stage took (local and Dask runs write the same keys)."""
    from .classify import library_versions

    nlp_name = spacy_model or _WORKER.get("spacy_name") or "auto"
    return {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": sys.argv,
        "versions": {**library_versions(), "spacy_model": nlp_name,
                     "platform": platform.platform()},
        "model": {"path": str(model_path or config.DEFAULT_MODEL_DIR),
                  "sha256": card.get("sha256"), "labels": card.get("labels"),
                  "created": card.get("created")},
        "inputs": [str(path) for path in inputs],
        "options": {"format": fmt, "workers": workers, "limit": limit},
        "counts": {"articles": counts["articles"], "sentences": counts["sentences"],
                   "errors": counts["errors"], "processed_this_run": summary.articles,
                   "skipped_already_done": summary.skipped_done},
        "cpu_seconds": {"this_process": round(summary.cpu_seconds, 3),
                        "loading_models": round(summary.load_cpu_seconds, 3)},
        "timings_seconds": {"total": round(summary.seconds, 3),
                            **{k: round(v, 3) for k, v in summary.timings.items()}},
        "tables": {kind: f"{kind}.{fmt}" for kind in save.TABLES},
    }
