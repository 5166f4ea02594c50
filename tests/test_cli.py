"""The `claims` command and its table contract, end to end on real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import config
from pipeline.cli import main
from pipeline.run.save import read_table

from .conftest import DATA, RAW

SENTENCE_COLUMNS = ["article_id", "sentence_index", "text", "start_char", "end_char", "label",
                    "confidence", *(f"p_{label}" for label in sorted(config.LABELS)),
                    "needs_review", "speaker", "entities"]
ARTICLE_COLUMNS = ["article_id", "source", "title", "date", "url", "site", "n_sentences",
                   *(f"n_{label}" for label in sorted(config.LABELS)), "n_dropped_lines"]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    assert main(["run", str(RAW), "--out", str(out), "--quiet"]) == 0
    return out


def test_cli_run_writes_the_contract_tables(sample_run):
    sentences, articles = read_table(sample_run), read_table(sample_run, "articles")
    errors = read_table(sample_run, "errors")
    # The README's columns come first, in order; new columns may only be added after them.
    assert list(sentences.columns)[:len(SENTENCE_COLUMNS)] == SENTENCE_COLUMNS
    assert list(articles.columns) == ARTICLE_COLUMNS
    assert list(errors.columns) == ["source", "error", "message"] and errors.empty
    assert len(articles) == 15 and articles["n_sentences"].sum() == len(sentences)
    assert set(sentences["label"]) <= set(config.LABELS)
    assert sentences.groupby("article_id")["sentence_index"].apply(
        lambda s: list(s) == list(range(len(s)))).all()
    jsonl_sources = articles.loc[articles["source"].str.contains(".jsonl"), "source"]
    assert sorted(jsonl_sources.str.rsplit(":", n=1).str[1]) == ["1", "2", "3"]
    label_counts = articles[[f"n_{label}" for label in config.LABELS]].sum(axis=1)
    assert (label_counts == articles["n_sentences"]).all()


def test_cli_run_manifest_records_versions_inputs_counts(sample_run):
    manifest = json.loads((sample_run / "manifest.json").read_text())
    assert manifest["versions"]["spacy"] and manifest["model"]["sha256"]
    assert manifest["counts"]["articles"] == 15
    assert manifest["inputs"] == [str(RAW)]
    assert manifest["timings_seconds"]["total"] > 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_cli_run_other_formats_hold_the_same_rows(sample_run, tmp_path, fmt):
    assert main(["run", str(RAW), "--out", str(tmp_path), "--format", fmt, "--quiet"]) == 0
    ours, reference = read_table(tmp_path), read_table(sample_run)
    assert list(ours.columns) == list(reference.columns)
    assert ours["label"].tolist() == reference["label"].tolist()
    assert ours["entities"].map(len).tolist() == reference["entities"].map(len).tolist()


def test_cli_run_bad_inputs_exit_2_and_keep_the_rest(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text((DATA / "briefing_page.txt").read_text())
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (inputs / "menu_only.txt").write_text("Home\nLog in\nShare:\n")
    (inputs / "rows.csv").write_text("id,title\n1,no text column\n")
    (inputs / "lines.jsonl").write_text('{"id": "x", "text": "A short body sentence that is '
                                        'long enough to keep as a paragraph."}\n{oops\n')
    code = main(["run", str(inputs), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2
    errors = read_table(tmp_path / "out", "errors").set_index("source")["error"].to_dict()
    assert errors == {str(inputs / "binary.txt"): "binary", str(inputs / "empty.txt"): "empty",
                      str(inputs / "menu_only.txt"): "empty_after_cleaning",
                      str(inputs / "rows.csv"): "missing_column",
                      f"{inputs / 'lines.jsonl'}:2": "bad_json"}
    assert len(read_table(tmp_path / "out", "articles")) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_cli_run_limit_and_missing_model(tmp_path, capsys):
    assert main(["run", str(RAW), "--out", str(tmp_path / "a"), "--limit", "3", "--quiet"]) == 0
    assert len(read_table(tmp_path / "a", "articles")) == 3
    assert main(["run", str(RAW), "--out", str(tmp_path / "b"), "--model",
                 str(tmp_path / "nope")]) == 1
    assert "No model at" in capsys.readouterr().err


def test_cli_run_two_workers_match_one(sample_run, tmp_path):
    out = tmp_path / "two"
    assert main(["run", str(RAW), "--out", str(out), "--workers", "2", "--chunk-size", "4",
                 "--quiet"]) == 0
    ours, reference = read_table(out), read_table(sample_run)
    key = ["article_id", "sentence_index"]
    merged = ours.merge(reference, on=key, suffixes=("", "_one"))
    assert len(merged) == len(reference) == len(ours)
    assert (merged["label"] == merged["label_one"]).all()
    # Only the workers load spaCy, yet the manifest says which pipeline ran.
    recorded = [json.loads((folder / "manifest.json").read_text())["versions"]["spacy_model"]
                for folder in (out, sample_run)]
    assert recorded[0] == recorded[1] and recorded[0].startswith("en_core_web_sm")


def _corpus(path: Path, copies: int) -> list[str]:
    """A JSONL corpus of many distinct articles made from the sample pages."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(RAW.glob("0*.txt"))]
    with path.open("w") as handle:
        for i in range(copies):
            record = {"id": f"art-{i:04d}", "text": texts[i % len(texts)] + f"\nEdition {i}."}
            handle.write(json.dumps(record) + "\n")
    return [f"art-{i:04d}" for i in range(copies)]


def _processes_writing_to(out: Path) -> list[int]:
    """Live processes whose command line names ``out`` (a run and its workers)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(out).encode() in (proc / "cmdline").read_bytes() \
                    and b"Z" not in (proc / "stat").read_bytes().split(b")")[-1][:3]:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("workers", ["1", "2"])
def test_cli_run_resumes_after_kill_9_with_every_article_once(tmp_path, workers):
    ids = _corpus(tmp_path / "big.jsonl", 120)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "run", str(tmp_path / "big.jsonl"), "--out",
               str(out), "--chunk-size", "8", "--workers", workers, "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = out / ".parts"
    deadline = time.time() + 120
    while time.time() < deadline and len([p for p in parts.glob("0*")]) < 3:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    finished_before = len(list(parts.glob("0*")))
    assert 0 < finished_before < 15, "the run should be killed part-way"
    deadline = time.time() + 10 * config.ORPHAN_CHECK_SECONDS
    while _processes_writing_to(out) and time.time() < deadline:
        time.sleep(0.1)
    assert _processes_writing_to(out) == [], "workers of a killed run must exit"
    assert subprocess.run(command, timeout=300, check=False).returncode == 0
    articles = read_table(out, "articles")
    assert sorted(articles["article_id"]) == ids
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["skipped_already_done"] >= 8 * finished_before
    sentences = read_table(out)
    assert not sentences.duplicated(["article_id", "sentence_index"]).any()


def test_cli_clean_prints_title_then_paragraphs(capsys):
    assert main(["clean", str(DATA / "briefing_page.txt")]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert lines[0] == "Ministry rejects rights report, says dialogue with EU will continue"
    assert len(lines) == 7


def test_cli_clean_json_lists_every_line_with_reason(capsys):
    assert main(["clean", str(DATA / "briefing_page.txt"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"line", "kept", "reason", "text"} == set(report["lines"][0])
    assert report["dropped"]["caption"] == 1


def test_cli_classify_sentences_and_files(tmp_path, capsys):
    assert main(["classify", "The two sides agreed to meet again next year."]) == 0
    assert capsys.readouterr().out.startswith("cooperation_pledge")
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": [1, 2], "sentence": ["We reject these groundless claims.",
                                             "Markets closed higher."]}).to_csv(source,
                                                                                index=False)
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(source), "--text-column", "sentence", "--out",
                 str(out)]) == 0
    labeled = pd.read_csv(out)
    assert list(labeled.columns[:2]) == ["id", "sentence"]
    assert "label" in labeled and "p_denial" in labeled


def test_cli_train_evaluate_and_sample(tmp_path, sample_run, capsys):
    model = tmp_path / "model"
    assert main(["train", str(RAW.parent / "labeled"), "--out", str(model), "--no-cv"]) == 0
    assert "holdout" in capsys.readouterr().out
    assert main(["train", str(RAW.parent / "labeled"), "--out", str(model)]) == 1
    labeled = tmp_path / "check.csv"
    pd.DataFrame({"text": ["We reject the report.", "It rained."],
                  "label": ["denial", "other"]}).to_csv(labeled, index=False)
    assert main(["evaluate", str(labeled), "--model", str(model), "--json"]) == 0
    assert "macro_f1" in json.loads(capsys.readouterr().out)
    picks = tmp_path / "to_label.csv"
    assert main(["sample", str(sample_run), "--n", "10", "--out", str(picks)]) == 0
    assert len(pd.read_csv(picks)) == 10


def test_cli_module_entry_point_matches_console_script():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.startswith("claims ")


ARTICLE = ("Council pledges “open dialogue” with café owners on new licence rules\n\n"
           "The city council on Monday promised to meet the association of café owners "
           "before the new licence rules take effect in the spring.\n\n"
           "Deputy mayor Ilse Marow said the council would publish a draft of the rules "
           "and hear every objection at a public session next month.\n")
SCRIPT_PAGE = ("<html><head><title>Port authority opens talks with dock workers</title>"
               "<script>var tracker = function(){ return 'tracking pixel loaded'; };</script>"
               "</head><body><nav>Home | Ports | Jobs</nav><article>"
               "<h1>Port authority opens talks with dock workers</h1>"
               "<p>The port authority said on Tuesday it would open talks with the dock "
               "workers' union about shift lengths and safety equipment at the harbour.</p>"
               "<script>document.write('advertisement banner injected here');</script>"
               "<p>A spokesperson for the union said the workers welcomed the offer and "
               "would send a delegation to the first meeting next week.</p>"
               "</article></body></html>")


def test_cli_run_each_bad_input_is_one_error_row_naming_file_and_line(tmp_path):
    """The issue's bad-input matrix, as real files, through the real command."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (inputs / "windows.txt").write_bytes(ARTICLE.encode("cp1252"))
    (inputs / "bom.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLE.replace("Council", "Board")
                                     .encode("utf-8"))
    (inputs / "page.html").write_text(SCRIPT_PAGE, encoding="utf-8")
    (inputs / "records.jsonl").write_text("\n".join([
        json.dumps({"id": "jsonl-good", "text": ARTICLE.replace("city", "town")}),
        json.dumps({"id": "jsonl-no-text", "title": "A record without text"}),
        '{"id": "jsonl-broken", "text": "cut off',
    ]) + "\n", encoding="utf-8")
    csv_text = ARTICLE.replace("city", "county").replace('“open dialogue”', "talks")
    (inputs / "rows.csv").write_bytes(
        ('id,title,text\ncsv-good,,"' + csv_text.replace('"', '""') + '"\n'
         "csv-no-text,A row without text,\n").encode("cp1252"))
    (inputs / "no_text_column.csv").write_text("id,title,body\n1,x,y\n")
    with (inputs / "huge.txt").open("wb") as handle:  # a 50 MB file
        handle.write(b"Port workers met the council again on Friday. " * 1_100_000)
    assert (inputs / "huge.txt").stat().st_size > 50_000_000
    with (inputs / "long_line.jsonl").open("w") as handle:
        handle.write(json.dumps({"id": "huge-line", "text": "word " * (config.MAX_FILE_BYTES // 4)})
                     + "\n" + json.dumps({"id": "after-huge", "text": ARTICLE.replace(
                         "spring", "autumn")}) + "\n")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", str(inputs), "--out",
                             str(out)], capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "errors" in result.stderr
    errors = read_table(out, "errors")
    expected = {str(inputs / "empty.txt"): "empty", str(inputs / "photo.txt"): "binary",
                f"{inputs / 'records.jsonl'}:2": "missing_text",
                f"{inputs / 'records.jsonl'}:3": "bad_json",
                f"{inputs / 'rows.csv'}:3": "missing_text",
                str(inputs / "no_text_column.csv"): "missing_column",
                str(inputs / "huge.txt"): "too_large",
                f"{inputs / 'long_line.jsonl'}:1": "too_large"}
    assert errors.set_index("source")["error"].to_dict() == expected
    assert all(row.message.startswith(row.source + ":") for row in errors.itertuples())
    articles = read_table(out, "articles").set_index("article_id")
    assert sorted(articles.index) == sorted(
        ["jsonl-good", "csv-good", "after-huge", *(a for a in articles.index
                                                    if a.startswith(("windows-", "bom-",
                                                                     "page-")))])
    assert len(articles) == 6
    sentences = read_table(out)
    text = " ".join(sentences["text"])
    assert "café owners" in text and "“open dialogue”" in text  # cp1252 and UTF-8 decoded
    assert "\ufffd" not in text and "\ufeff" not in text and "\ufeff" not in "".join(
        articles["title"])
    assert "dock workers' union" in text
    assert "tracker" not in text and "advertisement banner" not in text  # scripts dropped


def test_cli_run_quiet_is_silent_and_default_prints_one_summary_line(tmp_path, capsys):
    assert main(["run", str(RAW), "--out", str(tmp_path / "a"), "--limit", "2", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["run", str(RAW), "--out", str(tmp_path / "b"), "--limit", "2"]) == 0
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1  # not a terminal: no bar, only the summary
    assert "2 articles" in err and "sentences" in err and "0 errors" in err and " in " in err


def test_cli_run_progress_bar_with_rate_and_eta_on_a_terminal(tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # 120 columns
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(RAW), "--out",
                                str(tmp_path / "out"), "--limit", "4", "--chunk-size", "1"],
                               stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    output = b""
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closed: the run is over
            break
        if not data:
            break
        output += data
    os.close(leader)
    assert process.wait(timeout=300) == 0
    screen = output.decode("utf-8", errors="replace")
    assert "articles/s" in screen and "4/4" in screen
    assert "<00:" in screen  # tqdm's elapsed<remaining: the ETA
    assert "4 articles, " in screen.splitlines()[-1]  # then the summary line
