"""Stage 1: reading files of every supported kind, and rejecting bad ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.run.read import Article, ReadError, decode_bytes, read_inputs

from ..conftest import RAW


def _records(*paths: Path) -> list[Article | ReadError]:
    return list(read_inputs(paths))


def test_read_sample_folder_yields_every_article():
    records = _records(RAW)
    articles = [r for r in records if isinstance(r, Article)]
    assert not [r for r in records if isinstance(r, ReadError)]
    assert len(articles) == 15
    assert len({a.article_id for a in articles}) == 15
    assert sum(a.html is not None for a in articles) == 2


def test_read_ids_are_stable_across_runs_and_folders(tmp_path):
    first = [r.article_id for r in _records(RAW / "01_vn-religion-survey.txt")]
    copy = tmp_path / "elsewhere" / "01_vn-religion-survey.txt"
    copy.parent.mkdir()
    copy.write_bytes((RAW / "01_vn-religion-survey.txt").read_bytes())
    assert first == [r.article_id for r in _records(copy)]


@pytest.mark.parametrize("data,expected", [
    (b"\xef\xbb\xbfPlain text", "Plain text"),
    ("caf\u00e9 \u201cquoted\u201d".encode("utf-8"), "caf\u00e9 \u201cquoted\u201d"),
    ("caf\u00e9 \u201cquoted\u201d".encode("cp1252"), "caf\u00e9 \u201cquoted\u201d"),
    (b"\x81\x8d odd bytes", "\x81\x8d odd bytes"),
])
def test_read_decode_bytes_handles_bom_utf8_cp1252(data, expected):
    assert decode_bytes(data) == expected


def test_read_cp1252_and_bom_sample_files_decode_cleanly():
    for name in ("03_china-mfa-briefing.txt", "05_egypt-detention-report.txt"):
        (article,) = _records(RAW / name)
        assert "\ufffd" not in article.text and not article.text.startswith("\ufeff")


@pytest.mark.parametrize("name,content,error", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ("notes.docx", b"whatever", "unsupported_format"),
])
def test_read_rejects_bad_files_with_reason(tmp_path, name, content, error):
    path = tmp_path / name
    path.write_bytes(content)
    (record,) = _records(path)
    assert isinstance(record, ReadError)
    assert record.error == error and str(path) in record.message


def test_read_missing_path_is_an_error_not_an_exception(tmp_path):
    (record,) = _records(tmp_path / "nope.txt")
    assert record.error == "not_found"


def test_read_jsonl_bad_lines_cost_only_themselves(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps({"id": "a1", "title": "T", "text": "Body text here."}), "{broken",
             json.dumps({"id": "a2", "title": "No text"}), json.dumps([1, 2]),
             json.dumps({"html": "<p>Some html</p>"})]
    path.write_text("\n".join(lines) + "\n")
    records = _records(path)
    kinds = [r.error if isinstance(r, ReadError) else "ok" for r in records]
    assert kinds == ["ok", "bad_json", "missing_text", "bad_record", "ok"]
    assert records[1].source == f"{path}:2"
    assert records[0].article_id == "a1" and records[4].html == "<p>Some html</p>"


def test_read_csv_needs_text_column(tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text('id,title,text,url\n7,"A title","Body, with comma.",http://x\n')
    bad.write_text("id,title,body\n1,x,y\n")
    (article,) = _records(good)
    assert (article.article_id, article.text, article.source) == ("7", "Body, with comma.",
                                                                  f"{good}:2")
    (error,) = _records(bad)
    assert error.error == "missing_column" and "text" in error.message


def test_read_folder_skips_other_suffixes_and_hidden_files(tmp_path):
    (tmp_path / "README.md").write_text("not an article")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.txt").write_text("hidden")
    (tmp_path / "a.txt").write_text("An article.")
    assert [r.source for r in _records(tmp_path)] == [str(tmp_path / "a.txt")]
