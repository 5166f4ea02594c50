"""The Dask engine: the same batch run, its chunks parsed on a Dask cluster.

What ``run_dask`` does, and how it shares everything else with ``runner.run``:

1. connect to a cluster: ``Client(ADDRESS)`` for an existing scheduler, else
   a ``LocalCluster`` of one single-threaded process per core (spaCy holds
   the GIL, so threads would not parse in parallel);
2. load the classifier here (its SHA-256 and scikit-learn version are
   checked once, by ``classify.load_model``) and scatter it to every worker;
3. read the inputs here, as a stream, into the very chunks a local run makes
   (``runner.open_run``: same names, same resume filter, same
   read-error and duplicate-id rows);
4. each chunk is one task: a worker loads spaCy once (a cache per worker
   thread; workers are single-threaded by default)
   and runs ``chunk.process_articles``, the function a local run calls;
   only plain tables travel back;
5. this process writes each result as an atomic part (``save.write_part``),
   then ``save.finalize`` and the manifest, exactly as a local run.

Only this process touches the disk: inputs and the output folder need not be
visible to the workers, which need only the package and its spaCy model
installed. A local and a Dask run of the same output folder resume each
other, and write the same tables.
"""

from __future__ import annotations

import gc
import importlib.metadata
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sklearn.pipeline import Pipeline

from .. import __version__, config
from ..classify.model import load_model
from ..parse.nlp import load_nlp, pipeline_id
from . import save
from .chunk import Stages, process_articles
from .read import Article
from .runner import RunError, RunSummary, check_options, open_run, progress_bar, run_manifest

if TYPE_CHECKING:
    from distributed import Client, Future

#: Seconds to wait for a scheduler given with --scheduler before giving up;
#: a typo in the address should fail fast, a busy scheduler still answers.
CONNECT_TIMEOUT = 30
#: Tasks queued per worker thread: enough that no worker waits for the next
#: chunk, few enough that the client never holds the whole corpus in memory.
TASKS_PER_THREAD = 2
#: The local cluster's scheduler and nannies run in this process and log each
#: start and stop at INFO; a run should print only what needs attention.
CLUSTER_LOG_LEVEL = logging.WARNING
#: The local scheduler's HTTP server (health, metrics; the dashboard needs
#: bokeh): any free port, since the default 8787 may be taken by another cluster.
LOCAL_HTTP_ADDRESS = ":0"
#: Name of the package on the workers; they must run the same version.
DISTRIBUTION = "claims-pipeline"


@dataclass(frozen=True)
class ChunkOptions:
    """What a worker needs, besides the chunk and the model, to process it."""

    spacy_model: str | None
    model_sha256: str
    review_threshold: float


# -- on the workers ------------------------------------------------------------

_STAGES: dict[int, tuple[ChunkOptions, Stages]] = {}
_STAGES_LOCK = threading.Lock()


def worker_stages(model: Pipeline, options: ChunkOptions) -> Stages:
    """The models of this worker thread, loaded once and reused by every task.

    Workers are long-lived processes, so a module-level cache makes spaCy load
    once per worker thread (spaCy pipelines are not documented as thread-safe)
    instead of once per task; the warm-up task fills it before the first
    chunk. A later run with other options replaces the set, so a long-lived
    cluster holds one set per thread. The classifier arrives scattered.
    """
    thread = threading.get_ident()
    with _STAGES_LOCK:
        held = _STAGES.get(thread)
        if held is None or held[0] != options:
            stages = Stages(load_nlp(options.spacy_model), model,
                            [str(label) for label in model.classes_], options.review_threshold)
            gc.freeze()  # as runner._init_worker: collections skip the models
            _STAGES[thread] = held = (options, stages)
        return held[1]


def load_stages_here(model: Pipeline, options: ChunkOptions) -> float:
    """A warm-up task: load this worker's models; return the seconds it took."""
    started = time.perf_counter()
    worker_stages(model, options)
    return time.perf_counter() - started


def loaded_stages() -> int:
    """How many model sets this worker process holds (for tests and debugging)."""
    return len(_STAGES)


def process_chunk(name: str, articles: list[Article], model: Pipeline, options: ChunkOptions
                  ) -> tuple[str, dict[str, pd.DataFrame], dict[str, float], str]:
    """One task: the local run's ``process_articles`` on one chunk.

    Returns the part name, its tables, the stage timings and the spaCy
    pipeline's name (for the manifest); no spaCy object leaves the worker.
    """
    stages = worker_stages(model, options)
    tables, timings = process_articles(stages, articles)
    return name, tables, timings, pipeline_id(stages.nlp.meta)


# -- on the client ---------------------------------------------------------------

def run_dask(inputs: Sequence[str | Path], out: str | Path, *,
             scheduler: str | Client | None = None, workers: int | None = None,
             fmt: str = config.DEFAULT_FORMAT, model_path: str | Path | None = None,
             spacy_model: str | None = None, limit: int | None = None,
             overwrite: bool = False, progress: bool = False,
             review_threshold: float = config.REVIEW_THRESHOLD,
             chunk_size: int = config.CHUNK_SIZE) -> RunSummary:
    """Run the whole pipeline over ``inputs`` into ``out`` on a Dask cluster.

    Args:
        inputs: files and folders, formats mixed (read by this process).
        out: output folder; an earlier run there, local or Dask, is resumed
            unless ``overwrite``.
        scheduler: a scheduler address (``tcp://host:8786``) or a connected
            ``distributed.Client``; None starts a ``LocalCluster``.
        workers: processes of the ``LocalCluster`` (default: one per core);
            not allowed with ``scheduler``, whose cluster has its own.
        fmt, model_path, spacy_model, limit, progress, review_threshold,
            chunk_size: as in ``runner.run``.

    Returns:
        Counts and timings; the tables and ``manifest.json`` are in ``out``.

    Raises:
        RunError: dask is not installed, the scheduler cannot be reached, or
            the workers run another version of the package.
    """
    check_options(fmt, 1 if workers is None else workers, limit)
    if scheduler is not None and workers is not None:
        raise RunError("The 'workers' option sizes the local Dask cluster; with a scheduler "
                       f"({scheduler}) the cluster's own workers are used. Got workers={workers} "
                       "instead of None.")
    _import_distributed()  # a missing extra fails before any work
    started, cpu_started = time.perf_counter(), time.process_time()
    out = Path(out)
    model, card = load_model(model_path)  # fail fast, before the cluster starts
    labels = [str(label) for label in card["labels"]]
    summary, pending, skipped = open_run(inputs, out, labels, overwrite=overwrite, limit=limit,
                                         chunk_size=chunk_size, parallel=workers or 1)
    options = ChunkOptions(spacy_model, str(card.get("sha256")), review_threshold)
    bar = progress_bar(inputs, limit, progress)
    spacy_name, n_workers = spacy_model, 0
    first = next(pending, None)  # when nothing is left to do, no cluster is started
    if first is not None:
        load_started = time.perf_counter()
        with _connect(scheduler, workers) as client:
            n_workers = _check_workers(client)
            model_future = client.scatter(model, broadcast=True)
            _warm_up(client, model_future, options)
            summary.timings["load"] = time.perf_counter() - load_started
            for name, tables, timings, spacy_name in _execute(
                    client, chain([first], pending), model_future, options):
                _write(out, name, tables, labels, timings)
                summary.add(len(tables["articles"]), len(tables["sentences"]),
                            len(tables["errors"]), timings)
                bar.update(len(tables["articles"]) + len(tables["errors"]))
    bar.close()
    summary.skipped_done = skipped[0]
    finalize_started = time.perf_counter()
    counts = save.finalize(out, labels, fmt)
    summary.timings["finalize"] = time.perf_counter() - finalize_started
    summary.timings.setdefault("load", 0.0)  # no cluster started: nothing was left to do
    summary.errors = counts["errors"]
    summary.seconds = time.perf_counter() - started
    summary.cpu_seconds = time.process_time() - cpu_started  # this process: the workers' is theirs
    manifest = run_manifest(inputs, out, fmt, card, model_path, spacy_name, n_workers, limit,
                            counts, summary)
    manifest["options"].update(engine="dask", scheduler=_address(scheduler))
    save.write_manifest(out, manifest)
    return summary


@contextmanager
def _connect(scheduler: str | Client | None, workers: int | None) -> Iterator[Client]:
    """A client for the run; a cluster or client made here is closed after it."""
    distributed = _import_distributed()
    if isinstance(scheduler, distributed.Client):
        yield scheduler
        return
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as err:
            raise RunError(f"Could not connect to the Dask scheduler at {scheduler!r}: {err}. "
                           "Check the address (tcp://HOST:8786) and that the scheduler is "
                           "running.") from err
        with client:
            yield client
        return
    with _logger_level("distributed", CLUSTER_LOG_LEVEL), \
            distributed.LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                     threads_per_worker=1, processes=True,
                                     dashboard_address=LOCAL_HTTP_ADDRESS) as cluster, \
            distributed.Client(cluster) as client:
        yield client


@contextmanager
def _logger_level(name: str, level: int) -> Iterator[None]:
    """Raise a logger's level for a while: dask sets its own to INFO."""
    logger = logging.getLogger(name)
    old = logger.level
    logger.setLevel(max(level, old))
    try:
        yield
    finally:
        logger.setLevel(old)


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as err:
        raise RunError("The Dask engine needs dask.distributed, an optional extra: "
                       "pip install 'claims-pipeline[dask]'.") from err
    return distributed


def _check_workers(client: Client) -> int:
    """Number of workers, after checking they run this version of the package.

    Tasks are pickled by reference to ``pipeline``; a worker without it would
    fail on every chunk with an unpickling error that names no fix. The check
    calls the standard library only, so it runs on such a worker too.
    """
    versions = client.run(importlib.metadata.version, DISTRIBUTION, on_error="return")
    if not versions:
        raise RunError("The Dask cluster has no workers; start some with `dask worker ADDRESS`.")
    wrong = {worker: str(version) for worker, version in versions.items()
             if version != __version__}
    if wrong:
        raise RunError(f"Every Dask worker needs {DISTRIBUTION} {__version__} installed; "
                       f"these have another or none: {wrong}. Install the package (and its "
                       "spaCy model) on the workers.")
    return len(versions)


def _warm_up(client: Client, model_future: Future, options: ChunkOptions) -> None:
    """Load the models on every worker before the first chunk.

    Start-up is then measured apart from steady work, and a worker that
    cannot load spaCy fails the run here, once, with the loader's message.
    """
    futures = [client.submit(load_stages_here, model_future, options, workers=[address],
                             allow_other_workers=True, pure=False,
                             key=f"claims-load-{uuid.uuid4().hex[:8]}")
               for address in client.nthreads()]
    client.gather(futures)


def _execute(client: Client, pending: Iterator[tuple[str, list[Article]]],
             model_future: Future, options: ChunkOptions
             ) -> Iterator[tuple[str, dict[str, pd.DataFrame], dict[str, float], str]]:
    """Submit chunks as tasks, keeping a bounded number in flight.

    Results come back in completion order; parts are named by chunk, so the
    final tables come out in input order all the same.
    """
    from distributed import as_completed

    limit = TASKS_PER_THREAD * max(1, sum(client.nthreads().values()))
    in_flight = as_completed()
    sources: dict[str, str] = {}
    for name, chunk in pending:
        future = client.submit(process_chunk, name, chunk, model_future, options,
                               key=f"claims-chunk-{name}-{uuid.uuid4().hex[:8]}", pure=False)
        sources[future.key] = f"{chunk[0].source} ... {chunk[-1].source}"
        in_flight.add(future)
        if in_flight.count() >= limit:
            yield _result(next(in_flight), sources)
    for future in in_flight:
        yield _result(future, sources)


def _result(future: Future, sources: dict[str, str]) -> Any:
    """A task's result; a chunk that kept killing workers becomes a one-line error."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as err:
        raise RunError(f"The chunk of articles {sources[future.key]} killed Dask workers "
                       f"repeatedly ({err}); a page too large for a worker's memory is the "
                       "usual cause. Give workers more memory or run with a smaller "
                       "--chunk-size.") from err
    finally:
        sources.pop(future.key, None)


def _write(out: Path, name: str, tables: dict[str, pd.DataFrame], labels: Sequence[str],
           timings: dict[str, float]) -> None:
    started = time.perf_counter()
    save.write_part(out, name, tables, labels)
    timings["write"] = time.perf_counter() - started


def _address(scheduler: str | Client | None) -> str:
    if scheduler is None or isinstance(scheduler, str):
        return scheduler or "LocalCluster"
    return scheduler.scheduler.address
