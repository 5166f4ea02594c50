"""The batch run: read -> clean -> parse -> classify -> save, resumable.

What one run does:

1. read the inputs as a stream; skip articles finished by an earlier run of
   the same output folder (the parts on disk say which);
2. group articles into chunks of ``chunk_size`` (``--chunk-size``; with
   several workers the last chunks are cut smaller, see ``_batched``);
3. each chunk is cleaned, parsed with ``nlp.pipe`` and classified, and
   written as atomic parts, one after about every ``config.PART_SECONDS``
   of work, in this process or in ``workers`` processes that each load the
   models once;
4. when the stream is done, stream the parts into the final tables and write
   ``manifest.json``.

A kill at any moment loses at most the parts in flight (a few seconds of work
a worker); the same command
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
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate, islice, pairwise
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .. import config
from ..classify.model import load_model
from ..parse.nlp import installed_pipeline, pipeline_id
from . import save
from .chunk import Stages, error_row, load_stages, process_in_parts
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
    _WORKER["spacy_name"] = pipeline_id(_WORKER["stages"].nlp.meta)
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
    """Process and write one chunk in a worker, a part at a time (see
    ``chunk.process_in_parts``); only counts travel back.

    The first part is named ``name``, later ones ``name-001``, ... so they
    sort in article order between this chunk and the next.
    """
    stages: Stages = _WORKER["stages"]
    rows, timings = Counter(), {"write": 0.0}
    parts = process_in_parts(stages, articles, part_seconds=config.PART_SECONDS)
    for number, (tables, part_timings) in enumerate(parts):
        started = time.perf_counter()
        parent = _WORKER.get("parent")
        if parent and parent not in (os.getpid(), os.getppid()):
            # The run was killed: a restarted run may be redoing this chunk already,
            # and writing it too would put its articles in the tables twice.
            raise RunError(f"the run (process {parent}) is gone; chunk {name} is not written.")
        save.write_part(_WORKER["out"], f"{name}-{number:03d}" if number else name, tables,
                        stages.labels)
        part_timings["write"] = time.perf_counter() - started
        rows.update({kind: len(table) for kind, table in tables.items()})
        for stage, seconds in part_timings.items():
            timings[stage] = timings.get(stage, 0.0) + seconds
    timings["load"] = _WORKER.pop("load_seconds", 0.0)  # reported once per process
    return rows["articles"], rows["sentences"], rows["errors"], timings


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
                                         chunk_size=chunk_size, parallel=workers)
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
             overwrite: bool, limit: int | None, chunk_size: int, parallel: int = 1
             ) -> tuple[RunSummary, Iterator[tuple[str, list[Article]]], list[int]]:
    """Prepare ``out`` and stream the chunks still to do.

    Shared by the local and the Dask engine, so both resume the same parts
    (resume goes by article id, so chunk boundaries may differ between runs).
    ``parallel``: how many workers take chunks, for balancing the run's tail.
    """
    _prepare_out(out, overwrite)
    done, known_errors = save.finished_keys(out)
    summary = RunSummary(out=out, timings=dict.fromkeys(("clean", "parse", "classify", "write"),
                                                       0.0))
    pending, skipped = _pending_chunks(read_inputs(inputs), done, known_errors, limit, out, labels,
                                       chunk_size, parallel)
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
                    labels: Sequence[str], chunk_size: int, parallel: int = 1
                    ) -> tuple[Iterator[tuple[str, list[Article]]], list[int]]:
    """Chunks of articles still to do, named so they sort after earlier parts.

    Read errors are collected and written as one part of their own once the
    stream is handed out (a killed run rereads its inputs, so none is lost);
    duplicate ids within a run are errors too (each article must appear
    exactly once).
    """
    run_tag = f"{len(save.list_parts(out)):07d}-{time.strftime('%Y%m%d%H%M%S')}"
    skipped = [0]

    def generate() -> Iterator[tuple[str, list[Article]]]:
        seen: set[str] = set()
        errors: list[dict] = []
        records_left = islice(records, limit) if limit else records
        articles = _filter(records_left, done, known_errors, seen, errors, skipped)
        for number, chunk in enumerate(_batched(articles, chunk_size, parallel)):
            yield f"{run_tag}-{number:06d}", chunk
        if errors:
            save.write_part(out, f"{run_tag}-errors", {"errors": pd.DataFrame(errors)}, labels)

    return generate(), skipped


#: The run's last chunks are cut this many times finer per worker (see ``_batched``).
TAIL_PIECES_PER_WORKER = 2
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
                errors.append(error_row(record.source, "duplicate_id",
                                     f"article id {record.article_id!r} appeared earlier in "
                                     "this run; ids must be unique."))
        else:
            seen.add(record.article_id)
            yield record


def _batched(items: Iterable[Article], size: int, parallel: int = 1,
             weight: Callable[[Article], int] = lambda article: article.length
             ) -> Iterator[list[Article]]:
    """Chunks of ``size`` articles. With several workers, the articles of the
    last ``parallel`` chunks are dealt out as ``TAIL_PIECES_PER_WORKER``
    smaller chunks per worker of about equal ``weight`` (characters), so a
    run (a pilot run above all: 100 articles are two chunks) does not end
    with one worker busy on its long documents while the others wait."""
    iterator = iter(items)
    held: deque[list[Article]] = deque()
    while chunk := list(islice(iterator, size)):
        held.append(chunk)
        if len(held) > max(parallel, 1):
            yield held.popleft()
    tail = [article for chunk in held for article in chunk]
    if parallel <= 1 or not tail:
        yield from held
        return
    bounds = _equal_shares(list(accumulate(weight(article) for article in tail)),
                           min(len(tail), parallel * TAIL_PIECES_PER_WORKER))
    yield from (tail[start:end] for start, end in pairwise(bounds))


def _equal_shares(cumulative: list[int], pieces: int) -> list[int]:
    """Cut points that split items with these running totals into ``pieces``
    non-empty runs of about equal total."""
    total, bounds = cumulative[-1], [0]
    for piece in range(1, pieces):
        index = bisect_left(cumulative, total * piece / pieces)
        if index and total * piece / pieces - cumulative[index - 1] \
                < cumulative[index] - total * piece / pieces:
            index -= 1  # the cut before this item is nearer the target
        bounds.append(min(max(index + 1, bounds[-1] + 1), len(cumulative) - (pieces - piece)))
    return [*bounds, len(cumulative)]


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
    from ..classify.model import library_versions

    # Worker processes know what they loaded; this one may not have loaded spaCy.
    nlp_name = _WORKER.get("spacy_name") or installed_pipeline(spacy_model) or spacy_model or "auto"
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
