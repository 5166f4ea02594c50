"""The Dask engine on a real two-worker LocalCluster, against a local run."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client, LocalCluster

from pipeline.cli import main
from pipeline.run import distributed as dask_engine
from pipeline.run.runner import RunError, run
from pipeline.run.save import TABLES, list_parts, read_table

from ..conftest import RAW

CHUNK = 3


@pytest.fixture(scope="module")
def client():
    """One cluster for the module: starting one costs seconds."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Sample pages in three formats, plus inputs that must become error rows."""
    folder = tmp_path_factory.mktemp("in")
    for name in ("01_vn-religion-survey.txt", "02_laos-eu-dialogue.txt",
                 "03_china-mfa-briefing.txt", "04_cambodia-upr.txt",
                 "11_eu-china-dialogue.html", "more_articles.jsonl"):
        shutil.copy(RAW / name, folder / name)
    first = json.loads((RAW / "more_articles.jsonl").read_text().splitlines()[0])
    (folder / "dupes.jsonl").write_text(json.dumps(first) + "\n{oops\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "menu_only.txt").write_text("Home\nLog in\nShare:\n")
    return folder


@pytest.fixture(scope="module")
def local_out(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local")
    assert run([inputs], out, chunk_size=CHUNK).exit_code == 2
    return out


@pytest.fixture(scope="module")
def dask_out(inputs, client, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dask")
    summary = dask_engine.run_dask([inputs], out, scheduler=client, chunk_size=CHUNK)
    assert summary.exit_code == 2 and summary.articles == 8
    return out


def _assert_same_tables(left: Path, right: Path) -> None:
    for kind in TABLES:
        a, b = read_table(left, kind), read_table(right, kind)
        keys = ["source", "error"] if kind == "errors" else ["article_id"]
        if kind == "sentences":
            keys.append("sentence_index")
        pd.testing.assert_frame_equal(a.sort_values(keys, ignore_index=True),
                                      b.sort_values(keys, ignore_index=True))


def test_distributed_run_writes_the_same_tables_as_a_local_run(local_out, dask_out):
    for kind in TABLES:
        pd.testing.assert_frame_equal(read_table(dask_out, kind), read_table(local_out, kind))
    sentences = read_table(dask_out)
    assert len(sentences) > 50 and sentences["label"].nunique() > 1
    assert [p.name.rsplit("-", 1)[1] for p in list_parts(dask_out)] == \
        [p.name.rsplit("-", 1)[1] for p in list_parts(local_out)]


def test_distributed_run_records_errors_like_a_local_run(inputs, dask_out):
    errors = read_table(dask_out, "errors").set_index("source")["error"].to_dict()
    assert errors == {str(inputs / "binary.txt"): "binary", str(inputs / "empty.txt"): "empty",
                      str(inputs / "menu_only.txt"): "empty_after_cleaning",
                      f"{inputs / 'dupes.jsonl'}:2": "bad_json",
                      f"{inputs / 'more_articles.jsonl'}:1": "duplicate_id"}


def test_distributed_manifest_names_the_engine_and_counts(dask_out):
    manifest = json.loads((dask_out / "manifest.json").read_text())
    assert manifest["options"]["engine"] == "dask"
    assert {"load", "finalize", "total"} <= manifest["timings_seconds"].keys()
    assert manifest["options"]["workers"] == 2
    assert manifest["counts"]["articles"] == 8 and manifest["counts"]["errors"] == 5
    assert manifest["versions"]["spacy_model"].startswith("en_core_web_sm")
    assert manifest["timings_seconds"]["parse"] > 0


def test_distributed_loads_the_models_once_per_worker(client, dask_out):
    # loaded before the first chunk, then reused by every task and every run
    assert list(client.run(dask_engine.loaded_stages).values()) == [1, 1]


@pytest.mark.parametrize("first_engine", ["dask", "local"])
def test_distributed_resume_skips_finished_parts(first_engine, inputs, client, local_out,
                                                 tmp_path):
    out = tmp_path / "out"
    if first_engine == "dask":
        dask_engine.run_dask([inputs], out, scheduler=client, chunk_size=CHUNK, limit=4)
    else:
        run([inputs], out, chunk_size=CHUNK, limit=4)
    done = len(read_table(out, "articles"))
    assert 0 < done < 8
    parts_before = {p.name for p in list_parts(out)}
    summary = dask_engine.run_dask([inputs], out, scheduler=client, chunk_size=CHUNK)
    assert summary.skipped_done == done and summary.articles == 8 - done
    assert parts_before < {p.name for p in list_parts(out)}
    _assert_same_tables(out, local_out)
    again = dask_engine.run_dask([inputs], out, scheduler=client, chunk_size=CHUNK)
    # every record is skipped: 8 articles, the duplicate id, the page that cleaned to nothing
    assert again.articles == 0 and again.errors == 5 and again.skipped_done == 8 + 2
    _assert_same_tables(out, local_out)


def test_distributed_cli_runs_on_a_scheduler_address(inputs, client, local_out, tmp_path):
    out = tmp_path / "cli"
    code = main(["run", str(inputs), "--out", str(out), "--engine", "dask", "--scheduler",
                 client.scheduler.address, "--format", "csv", "--chunk-size", "5", "--quiet"])
    assert code == 2
    assert (out / "sentences.csv").exists()
    pd.testing.assert_frame_equal(read_table(out)[["article_id", "label"]],
                                  read_table(local_out)[["article_id", "label"]])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["scheduler"] == client.scheduler.address


def test_distributed_cli_unreachable_scheduler_is_one_line(inputs, tmp_path, capsys,
                                                           monkeypatch):
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", 1)
    code = main(["run", str(inputs), "--out", str(tmp_path / "x"), "--engine", "dask",
                 "--scheduler", "tcp://127.0.0.1:9", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Could not connect to the Dask scheduler at 'tcp://127.0.0.1:9'" in err
    assert "Traceback" not in err


def test_distributed_rejects_workers_with_a_scheduler_and_scheduler_without_dask(
        inputs, tmp_path, capsys):
    with pytest.raises(RunError, match="'workers' option sizes the local Dask cluster"):
        dask_engine.run_dask([inputs], tmp_path / "x", scheduler="tcp://127.0.0.1:9", workers=2)
    code = main(["run", str(inputs), "--out", str(tmp_path / "y"), "--scheduler",
                 "tcp://127.0.0.1:9"])
    assert code == 1 and "--scheduler needs --engine dask" in capsys.readouterr().err


def test_distributed_without_dask_says_how_to_install(inputs, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what a missing package looks like
    with pytest.raises(RunError, match=r"pip install 'claims-pipeline\[dask\]'"):
        dask_engine.run_dask([inputs], tmp_path / "x")
    assert not (tmp_path / "x").exists()
