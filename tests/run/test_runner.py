"""The batch runner: models loaded once, stage timings, chunked output, orphaned workers."""

from __future__ import annotations

import json
import os
from itertools import pairwise
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.run import runner, save
from pipeline.run.read import read_inputs
from pipeline.run.runner import RunError, run

from ..conftest import RAW


def _jsonl(path: Path, n: int) -> Path:
    """``n`` distinct articles made from the sample pages (real text, real cleaning)."""
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(RAW.glob("0*.txt"))]
    with path.open("w") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"r-{i:03d}",
                                     "text": pages[i % len(pages)] + f"\nEdition {i}."}) + "\n")
    return path


def test_runner_loads_the_classifier_once_per_run(tmp_path, monkeypatch):
    calls = []
    real = runner.load_model

    def counting(path=None):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(runner, "load_model", counting)
    summary = run([_jsonl(tmp_path / "in.jsonl", 3)], tmp_path / "out")
    assert summary.articles == 3 and len(calls) == 1


def test_runner_manifest_times_every_stage_and_model_loading(tmp_path):
    summary = run([_jsonl(tmp_path / "in.jsonl", 4)], tmp_path / "out", chunk_size=2)
    timings = json.loads((tmp_path / "out" / "manifest.json").read_text())["timings_seconds"]
    stages = ("load", "clean", "parse", "parse_spacy", "classify", "write", "finalize")
    assert all(timings[stage] > 0 for stage in stages)
    assert timings["parse_spacy"] <= timings["parse"]
    assert sum(timings[s] for s in stages if s != "parse_spacy") <= timings["total"]
    assert summary.timings["load"] < summary.seconds


def test_runner_streams_one_row_group_per_chunk(tmp_path):
    """Final tables are appended part by part, never built whole in memory."""
    run([_jsonl(tmp_path / "in.jsonl", 10)], tmp_path / "out", chunk_size=3)
    parts = save.list_parts(tmp_path / "out")
    assert len(parts) == 4  # 3 + 3 + 3 + 1 articles
    for kind in ("sentences", "articles"):
        final = pq.ParquetFile(tmp_path / "out" / f"{kind}.parquet")
        assert final.num_row_groups == len(parts)
        assert [final.metadata.row_group(i).num_rows for i in range(len(parts))] == [
            pq.ParquetFile(part / f"{kind}.parquet").metadata.num_rows for part in parts]


def test_runner_orphaned_worker_writes_nothing(tmp_path):
    """A worker whose run was killed must not add a part a restarted run may redo."""
    out = tmp_path / "out"
    (out / save.PARTS_DIR).mkdir(parents=True)
    articles = [r for r in read_inputs([_jsonl(tmp_path / "in.jsonl", 1)])]
    gone = max(os.getpid(), os.getppid()) + 1_000_000  # no such process: the run is gone
    runner._init_worker(None, None, 0.5, str(out), gone)
    try:
        with pytest.raises(RunError, match="is gone"):
            runner._run_chunk("0000000-x-000000", articles)
        assert save.list_parts(out) == []
        runner._init_worker(None, None, 0.5, str(out), os.getpid())
        runner._run_chunk("0000000-x-000000", articles)
        assert len(save.list_parts(out)) == 1
    finally:
        runner._WORKER.clear()


def test_runner_drops_lines_a_site_repeats_across_a_chunk(tmp_path):
    notice = "This transcript is issued by the press office and may be quoted with attribution."
    stock = "A: We have noted relevant reports."
    path = tmp_path / "briefings.jsonl"
    with path.open("w") as handle:
        for n in range(1, 7):
            body = "\n".join([
                f"Spokesperson's Regular Press Conference number {n}", notice,
                f"Q: A question about the trade talks, asked on day {n} of the month?",
                stock if n % 2 else "A: We are checking the details.",
                f"A: The forum will discuss ports and energy, and {n} delegations attend."])
            handle.write(json.dumps({"id": f"b-{n}", "url": f"https://www.mfa.example/{n}",
                                     "text": body}) + "\n")
    run([path], tmp_path / "out", fmt="csv")
    sentences = save.read_table(tmp_path / "out")
    assert not sentences["text"].str.contains("quoted with attribution").any()
    assert (sentences["text"] == stock).sum() == 3
    assert sentences["article_id"].nunique() == 6


def test_runner_headline_records_are_articles_not_errors(tmp_path):
    """A headline corpus has records whose text is their title: each is one
    sentence. A page whose body cleaning lost is still an error row."""
    headlines = ["Ministry rejects report on detained reporters as groundless",
                 "Two countries agree to resume rights dialogue next spring"]
    path = tmp_path / "headlines.jsonl"
    with path.open("w") as handle:
        for n, headline in enumerate(headlines):
            handle.write(json.dumps({"id": f"h-{n}", "title": headline, "text": headline}) + "\n")
        handle.write(json.dumps({"id": "menu", "title": "Home page",
                                 "text": "Home page\nHome\nNews\nShare:\nLog in"}) + "\n")
    summary = run([path], tmp_path / "out", fmt="csv")
    sentences = save.read_table(tmp_path / "out")
    assert sentences["text"].tolist() == headlines
    errors = save.read_table(tmp_path / "out", "errors")
    assert errors["source"].tolist() == [f"{path}:3"] and summary.errors == 1


@pytest.mark.parametrize("n, workers, sizes", [
    (400, 1, [64] * 6 + [16]),
    (400, 2, [64] * 5 + [20] * 4),  # the last two chunks dealt out finer
    (120, 2, [30] * 4),  # a pilot run: two chunks would leave one worker idle
    (3, 4, [1, 1, 1]),
    (0, 2, []),
])
def test_runner_chunks_balance_the_tail_across_workers(n, workers, sizes):
    chunks = list(runner._batched(range(n), 64, workers, weight=lambda item: 1))
    assert [len(chunk) for chunk in chunks] == sizes
    assert [item for chunk in chunks for item in chunk] == list(range(n))


def test_runner_tail_pieces_carry_equal_shares_of_text():
    """Long and short documents mixed: the tail is cut by characters, not counts."""
    lengths = [9000] * 10 + [1000] * 30 + [5000] * 20  # 60 articles, 220,000 characters
    chunks = list(runner._batched(lengths, 64, 2, weight=lambda length: length))
    shares = [sum(chunk) for chunk in chunks]
    assert len(chunks) == 4 and [x for chunk in chunks for x in chunk] == lengths
    assert max(shares) - min(shares) <= 9000, shares
    assert [len(chunk) for chunk in chunks] != [15] * 4


@pytest.mark.parametrize("cumulative, pieces", [([5, 10, 15, 20], 4), ([100, 101, 102], 3),
                                                ([1, 2, 3, 1000], 2), ([7], 1)])
def test_runner_equal_shares_never_cut_an_empty_piece(cumulative, pieces):
    bounds = runner._equal_shares(cumulative, pieces)
    assert bounds[0] == 0 and bounds[-1] == len(cumulative) and len(bounds) == pieces + 1
    assert all(a < b for a, b in pairwise(bounds))


def _sentence_rows(out: Path) -> list[tuple]:
    table = save.read_table(out)
    return list(table[["article_id", "sentence_index", "text", "label", "speaker"]]
                .itertuples(index=False, name=None))


def test_runner_writes_a_chunk_in_parts_by_time_with_the_same_tables(tmp_path, monkeypatch):
    """Parts are cut by time inside a chunk (long documents), and where they
    are cut changes no row: every article once, in input order."""
    articles = _jsonl(tmp_path / "in.jsonl", 5)
    whole = run([articles], tmp_path / "whole", chunk_size=64)
    monkeypatch.setattr(runner.config, "PART_SECONDS", 0.0)  # a part after every batch
    monkeypatch.setattr(runner.config, "SPACY_BATCH_SIZE", 1)  # of one article
    cut = run([articles], tmp_path / "cut", chunk_size=64)
    parts = save.list_parts(tmp_path / "cut")
    assert len(save.list_parts(tmp_path / "whole")) == 1 and len(parts) == 5
    assert [p.name[-4:] for p in parts[1:]] == ["-001", "-002", "-003", "-004"]
    assert (whole.articles, whole.sentences) == (cut.articles, cut.sentences) == (5, cut.sentences)
    assert _sentence_rows(tmp_path / "cut") == _sentence_rows(tmp_path / "whole")


def test_runner_killed_inside_a_chunk_keeps_its_finished_parts(tmp_path, monkeypatch):
    """A run that dies in the middle of a chunk resumes after its last part:
    the finished articles are not redone and none appears twice."""
    articles = _jsonl(tmp_path / "in.jsonl", 5)
    monkeypatch.setattr(runner.config, "PART_SECONDS", 0.0)
    monkeypatch.setattr(runner.config, "SPACY_BATCH_SIZE", 1)
    real_write, written = save.write_part, []

    def dies_on_the_third_part(out, name, tables, labels):
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(name)
        return real_write(out, name, tables, labels)

    monkeypatch.setattr(save, "write_part", dies_on_the_third_part)
    with pytest.raises(KeyboardInterrupt):
        run([articles], tmp_path / "out", chunk_size=64)
    monkeypatch.setattr(save, "write_part", real_write)
    resumed = run([articles], tmp_path / "out", chunk_size=64)
    assert (resumed.skipped_done, resumed.articles) == (2, 3)
    ids = save.read_table(tmp_path / "out", "articles")["article_id"].tolist()
    assert sorted(ids) == [f"r-{i:03d}" for i in range(5)]
