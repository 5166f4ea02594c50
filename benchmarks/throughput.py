"""Throughput and memory of `claims run` against bare spaCy, in one process run.

Prints, on the same texts: bare ``nlp.pipe`` time (the floor: same model,
same components, one process), `claims run` with 1 and 2 workers, the
ratios, articles/hour and peak RSS. Numbers are ratios measured together,
so they hold across machines better than absolute times.

Usage: python benchmarks/throughput.py [--articles 400]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def make_corpus(path: Path, n: int) -> list[str]:
    """JSONL of ``n`` distinct articles built from the shipped sample pages."""
    pages = sorted((PROJECT / "data" / "raw").glob("0*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in pages]
    with path.open("w") as handle:
        for i in range(n):
            text = texts[i % len(texts)] + f"\nEdition {i}."
            handle.write(json.dumps({"id": f"bench-{i:06d}", "text": text}) + "\n")
    return [texts[i % len(texts)] + f"\nEdition {i}." for i in range(n)]


def bare_spacy_seconds(texts: list[str]) -> float:
    """Time of nlp.pipe alone over the cleaned texts (cleaning excluded)."""
    from pipeline.clean import clean_text
    from pipeline.parse import load_nlp

    nlp = load_nlp()
    cleaned = [clean_text(t).text for t in texts]
    started = time.perf_counter()
    for _ in nlp.pipe(cleaned, batch_size=32):
        pass
    return time.perf_counter() - started


def claims_run_seconds(corpus: Path, workers: int) -> tuple[float, float]:
    """Wall time of the whole command minus its model loading, and its peak RSS in MB."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", out,
                   "--workers", str(workers), "--quiet"]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        elapsed = time.perf_counter() - started
        manifest = json.loads((Path(out) / "manifest.json").read_text())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return min(elapsed, manifest["timings_seconds"]["total"]), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "bench.jsonl"
        texts = make_corpus(corpus, args.articles)
        bare = bare_spacy_seconds(texts)
        one, rss_one = claims_run_seconds(corpus, 1)
        two, rss_two = claims_run_seconds(corpus, 2)
    n = args.articles
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
          f"python {platform.python_version()}, {n} articles")
    print(f"bare nlp.pipe (1 process):   {bare:7.1f}s  {n / bare * 3600:9.0f} articles/hour")
    print(f"claims run, 1 worker:        {one:7.1f}s  {n / one * 3600:9.0f} articles/hour  "
          f"ratio to bare spaCy {bare / one:.2f}")
    print(f"claims run, 2 workers:       {two:7.1f}s  {n / two * 3600:9.0f} articles/hour  "
          f"speed-up over 1 worker {one / two:.2f}x")
    print(f"peak RSS of a run (largest child): {max(rss_one, rss_two):.0f} MB")


if __name__ == "__main__":
    main()
