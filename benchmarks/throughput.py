"""Throughput and memory of `claims run` against bare spaCy, in one invocation.

Prints, on the same texts: bare ``nlp.pipe`` (the floor: the pipeline
``parse.load_nlp`` builds, so the same model and the same components, one
process, over the already cleaned texts), `claims run` with 1 and 2 workers,
the ratios, articles/hour, where the run's time goes, and peak RSS; with
``--scale 10`` also the peak RSS of a run over 10x the articles.

Every measurement is a fresh process (so model loading is counted the same
way for all) and is reported twice:

* *with loading*: wall time of the whole process, from interpreter start to
  exit (imports and model loading included);
* *steady*: without imports and model loading (bare: the ``nlp.pipe`` loop;
  `claims run`: its manifest's total minus its ``load`` timing), which is
  what decides an overnight run over tens of thousands of articles.

CPU seconds are printed too: wall times depend on what else the machine runs,
CPU time much less, so the 1-worker ratio is also given in CPU time (steady:
the bare loop's CPU; the run's ``cpu_seconds`` minus its model loading).

Other processes on the machine slow every row; ``--repeat N`` keeps the best
of N runs of each row, and the load average is printed with the results.
Bare spaCy and the 1-worker run are measured in back-to-back pairs, and the
median of the pairs' ratios is printed beside the ratio of the best times:
this VM drifts by 5-10% over minutes, and a pair shares its spell.

Usage: python benchmarks/throughput.py [--articles 400] [--corpus FILE.jsonl]
       [--scale 10] [--memory-articles 128] [--repeat 1] [--memory-by-length]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


@dataclass
class Measure:
    """One row: times in seconds, peak resident memory of the largest process in MB."""

    name: str
    wall: float  # whole process, loading included
    steady: float  # without imports and model loading
    cpu: float  # user + system seconds of the process and its workers
    peak_mb: float
    manifest: dict | None = None
    steady_cpu: float | None = None  # CPU seconds without loading, where one process does it all


def make_corpus(path: Path, n: int, source: Path | None = None) -> int:
    """Write a JSONL of ``n`` distinct articles; return how many were written.

    Without ``source`` the articles are the shipped sample pages, each copy
    made distinct by an edition line; with a JSONL ``source`` (records with
    ``text`` or ``html``) its first ``n`` records are used as they are.
    """
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        if source is None:
            pages = sorted((PROJECT / "data" / "raw").glob("0*.txt"))
            texts = [p.read_text(encoding="utf-8", errors="replace") for p in pages]
            for i in range(n):
                record = {"id": f"bench-{i:06d}", "text": texts[i % len(texts)] + f"\nEdition {i}."}
                handle.write(json.dumps(record) + "\n")
            return n
        with source.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                body = record.get("text") or record.get("html") or record.get("raw_html")
                if not body:
                    continue
                kind = "text" if record.get("text") else "html"
                handle.write(json.dumps({"id": f"bench-{written:06d}", kind: body,
                                         "title": record.get("title", "")}) + "\n")
                written += 1
                if written == n:
                    break
    return written


def cleaned_texts(corpus: Path) -> list[str]:
    """The texts `claims run` hands to spaCy: read and cleaned by the pipeline's own code."""
    from pipeline.run.chunk import clean_article
    from pipeline.run.read import Article, read_inputs

    return [clean_article(record).text for record in read_inputs([corpus])
            if isinstance(record, Article)]


def run_child(command: list[str]) -> tuple[float, float, float, str]:
    """Run a process; return its wall seconds, CPU seconds and peak RSS (MB), and stdout.

    ``os.wait4`` gives the usage of this one child and the workers it waited
    for, so rows do not mix (``ru_maxrss`` is the largest single process).
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout:
        process = subprocess.Popen(command, stdout=stdout, cwd=PROJECT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        output = stdout.read()
    if process.returncode not in (0, 2):
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def bare_spacy(texts_file: Path) -> Measure:
    """``nlp.pipe`` alone over the cleaned texts, in a fresh process."""
    wall, cpu, peak, output = run_child([sys.executable, __file__, "--bare-child",
                                         str(texts_file)])
    result = json.loads(output.strip().splitlines()[-1])
    return Measure("bare `nlp.pipe`, same model and components, 1 process", wall,
                   result["pipe"], cpu, peak, steady_cpu=result["pipe_cpu"])


def _bare_child(texts_file: Path) -> None:
    """Inside the bare process: load the pipeline, then time ``nlp.pipe`` only."""
    started = time.perf_counter()
    from pipeline import config
    from pipeline.parse.nlp import load_nlp

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    nlp = load_nlp()
    loaded, cpu_loaded = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=config.SPACY_BATCH_SIZE):
        pass
    print(json.dumps({"load": loaded - started, "pipe": time.perf_counter() - loaded,
                      "pipe_cpu": time.process_time() - cpu_loaded,
                      "components": nlp.pipe_names}))


def claims_run(name: str, corpus: Path, *options: str) -> Measure:
    """`claims run CORPUS` with ``options`` into a fresh folder, as a user runs it."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", out,
                   "--quiet", *options]
        wall, cpu, peak, _ = run_child(command)
        manifest = json.loads((Path(out) / "manifest.json").read_text())
    timings, cpu_here = manifest["timings_seconds"], manifest.get("cpu_seconds", {})
    steady_cpu = (cpu_here["this_process"] - cpu_here["loading_models"]
                  if "--workers" in options and options[options.index("--workers") + 1] == "1"
                  and cpu_here else None)
    return Measure(name, wall, timings["total"] - timings.get("load", 0.0), cpu, peak, manifest,
                   steady_cpu)


def best(repeat: int, measure, *args) -> Measure:
    """The fastest of ``repeat`` runs: other load on the machine only ever slows a run."""
    return min((measure(*args) for _ in range(repeat)), key=lambda m: m.steady)


def machine() -> str:
    model = platform.processor() or "cpu"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        model = names[0] if names else model
    return (f"{os.cpu_count()} cores, {platform.machine()} ({model}), "
            f"Python {platform.python_version()}, {platform.system()}")


def breakdown(run: Measure) -> str:
    """Where a 1-worker run's time goes, as shares of its total."""
    timings = run.manifest["timings_seconds"]
    total = timings["total"]
    spacy = timings.get("parse_spacy", 0.0)
    parts = {"model loading": timings.get("load", 0.0), "clean": timings.get("clean", 0.0),
             "nlp.pipe": spacy, "speakers/topics/cues": timings.get("parse", 0.0) - spacy,
             "classify": timings.get("classify", 0.0),
             "write parts": timings.get("write", 0.0), "final tables": timings.get("finalize", 0.0)}
    parts["read, hand-off, rest"] = total - sum(parts.values())
    return ", ".join(f"{name} {seconds:.1f}s ({seconds / total:.0%})"
                     for name, seconds in parts.items())


def dask_local_cluster(repeat: int, corpus: Path) -> Measure | None:
    """`claims run --engine dask` on a LocalCluster of one worker per core, if dask is installed.

    Its "with loading" time includes starting the cluster; "steady" excludes
    the cluster start and the models' loading on the workers (the ``load`` timing).
    """
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("dask is not installed (pip install -e '.[dask]'): no Dask row.", file=sys.stderr)
        return None
    return best(repeat, claims_run, f"`claims run --engine dask`, LocalCluster of "
                f"{os.cpu_count()} workers", corpus, "--engine", "dask")


#: Document lengths (words) for ``--memory-by-length``, and documents per band.
LENGTH_BANDS = ((100, 500), (500, 2000), (2000, 6000), (6000, 20000))
DOCS_PER_BAND = 24


def memory_by_length(source: Path, tmp: Path) -> list[tuple[str, int, Measure]]:
    """Peak RSS of a 1-worker run over ``DOCS_PER_BAND`` documents of each
    length band of a JSONL corpus: does memory grow with document length?"""
    bands: dict[tuple[int, int], list[str]] = {band: [] for band in LENGTH_BANDS}
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            words = len((record.get("text") or "").split())
            for band, records in bands.items():
                if band[0] <= words < band[1] and len(records) < DOCS_PER_BAND:
                    records.append(json.dumps({"id": f"len-{words}-{len(records)}",
                                               "text": record["text"]}))
    rows = []
    for (low, high), records in bands.items():
        if records:
            corpus = tmp / f"length-{low}.jsonl"
            corpus.write_text("\n".join(records) + "\n", encoding="utf-8")
            rows.append((f"{low:,}-{high:,} words", len(records),
                         claims_run(f"{low}-{high} words", corpus, "--workers", "1")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--corpus", type=Path, default=None,
                        help="a JSONL of real articles to measure on (default: the sample pages)")
    parser.add_argument("--scale", type=int, default=0,
                        help="also measure peak RSS of runs over M and SCALE x M articles")
    parser.add_argument("--memory-articles", type=int, default=128,
                        help="M for --scale (at least two chunks, so chunk memory is reached)")
    parser.add_argument("--repeat", type=int, default=1, help="keep the best of N runs per row")
    parser.add_argument("--memory-by-length", action="store_true",
                        help="with --corpus: peak RSS of runs over short to very long documents")
    parser.add_argument("--bare-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_child:
        _bare_child(args.bare_child)
        return

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "bench.jsonl"
        n = make_corpus(corpus, args.articles, args.corpus)
        texts_file = Path(tmp) / "cleaned.json"
        texts_file.write_text(json.dumps(cleaned_texts(corpus)), encoding="utf-8")
        pairs = [(bare_spacy(texts_file),
                  claims_run("`claims run`, 1 worker", corpus, "--workers", "1"))
                 for _ in range(args.repeat)]
        bare, one = (min(column, key=lambda m: m.steady) for column in zip(*pairs))
        paired = sorted(b.steady / o.steady for b, o in pairs)[len(pairs) // 2]
        two = best(args.repeat, claims_run, "`claims run`, 2 workers", corpus, "--workers", "2")
        dask = dask_local_cluster(args.repeat, corpus)
        rows = [(bare, "1.00 (the floor)"),
                (one, (f"{bare.steady / one.steady:.2f} of bare spaCy; median of "
                       f"{len(pairs)} back-to-back pairs {paired:.2f} "
                       f"({bare.wall / one.wall:.2f} with loading; in CPU time "
                       f"{bare.steady_cpu / one.steady_cpu:.2f}, {bare.cpu / one.cpu:.2f} "
                       "with loading)")),
                (two, (f"{one.steady / two.steady:.2f}x one worker "
                       f"({one.wall / two.wall:.2f}x with loading)"))]
        if dask:
            rows.append((dask, (f"{one.steady / dask.steady:.2f}x one worker "
                                f"({one.wall / dask.wall:.2f}x with loading)")))
        memory = []
        if args.scale:
            for size in (args.memory_articles, args.memory_articles * args.scale):
                scaled = Path(tmp) / f"memory-{size}.jsonl"
                make_corpus(scaled, size, args.corpus)
                memory.append((size, claims_run(f"{size} articles", scaled, "--workers", "2")))
        by_length = (memory_by_length(args.corpus, Path(tmp))
                     if args.memory_by_length and args.corpus else [])
    load_after = os.getloadavg()

    source = args.corpus.name if args.corpus else "the sample pages of data/raw"
    print(f"Machine: {machine()}. Load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after. {n} articles from {source}; best of {args.repeat}.\n")
    print("| run | steady time | with loading | CPU (steady / with loading) "
          "| articles/hour (steady) | ratio |")
    print("|---|---|---|---|---|---|")
    for row, ratio in rows:
        steady_cpu = f"{row.steady_cpu:.1f} s / " if row.steady_cpu is not None else ""
        print(f"| {row.name} | {row.steady:.1f} s | {row.wall:.1f} s | {steady_cpu}{row.cpu:.1f} s "
              f"| {n / row.steady * 3600:,.0f} | {ratio} |")
    print(f"\nPeak RSS (largest process): bare spaCy {bare.peak_mb:.0f} MB, 1 worker "
          f"{one.peak_mb:.0f} MB, 2 workers {two.peak_mb:.0f} MB.")
    print(f"Where the 1-worker run's time goes: {breakdown(one)}.")
    if memory:
        (small, low), (large, high) = memory
        print(f"Memory as the corpus grows (2 workers): {small} articles {low.peak_mb:.0f} MB, "
              f"{large} articles {high.peak_mb:.0f} MB ({high.peak_mb / low.peak_mb:.2f}x "
              f"for {large // small}x the input).")
    if by_length:
        print("Memory against document length (1 worker, peak RSS): " + ", ".join(
            f"{band}: {row.peak_mb:.0f} MB ({n_docs} docs, "
            f"{row.manifest['counts']['sentences'] / n_docs:.0f} sentences each)"
            for band, n_docs, row in by_length) + ".")


if __name__ == "__main__":
    main()
