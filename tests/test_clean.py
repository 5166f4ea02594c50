"""Stage 2: cleaning scraped text and HTML, with a quality gate on sample pages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean import (clean_html, clean_text, find_date, is_other_language, split_lines,
                            strip_source_tag)
from pipeline.quality import fold, score_page, total
from pipeline.read import Article, read_inputs
from pipeline.runner import clean_article

from .conftest import RAW

#: Quality gate on the shipped sample pages: fails when the cleaner regresses.
MIN_BODY_KEPT = 1.0
MAX_FURNITURE_SHARE = 0.05


def test_clean_empty_input():
    cleaned = clean_text("")
    assert cleaned.title == "" and cleaned.paragraphs == () and cleaned.text == ""


def test_clean_keeps_title_and_body_drops_furniture(briefing_page):
    cleaned = clean_text(briefing_page)
    assert cleaned.title == "Ministry rejects rights report, says dialogue with EU will continue"
    assert cleaned.paragraphs[0].startswith("The foreign ministry on Thursday rejected")
    assert len(cleaned.paragraphs) == 6
    assert not any("Photo:" in p or "Share" in p or "container" in p for p in cleaned.paragraphs)


def test_clean_records_a_reason_for_every_dropped_line(briefing_page):
    reasons = {line.text: line.reason for line in clean_text(briefing_page).lines}
    assert reasons["Log in"] == "widget"
    assert reasons["Home | World | Politics | Business | Sport"] == "navigation"
    assert reasons["Amira Koval at the briefing on Thursday. Photo: Northwind Gazette"] == "caption"
    assert reasons["Hình ảnh buổi họp báo thường kỳ của Bộ Ngoại giao."] == "other_language"
    assert reasons["Comment (0)"] == "widget"
    assert reasons["Related news"] == "block_heading"
    assert reasons["Port city opens new container terminal"] == "after_article"
    assert reasons["© 2024 Northwind Gazette. All rights reserved."] == "copyright"
    assert all(line.reason for line in clean_text(briefing_page).lines)


def test_clean_strips_glued_source_tag_and_dateline():
    assert strip_source_tag("Baotin.vn. The minister said the plan works.") == (
        "The minister said the plan works.", "Baotin.vn.")
    text, tag = strip_source_tag("GENEVA, May 7 (Lake Wire) – The council met today in session.")
    assert text.startswith("The council") and "GENEVA" in tag


def test_clean_finds_dates_in_common_shapes():
    assert find_date(["Published: 11 Sep 2023 – 14:05"]) == "2023-09-11"
    assert find_date(["Báo Tin12/11/2023"]) == "2023-11-12"
    assert find_date(["June 24, 2021"]) == "2021-06-24"
    assert find_date(["no date here"]) == ""


def test_clean_other_language_keeps_english_with_foreign_names():
    assert is_other_language("Đối thoại Nhân quyền Việt Nam-Hoa Kỳ lần thứ 27")
    assert is_other_language("Cuba y la Unión Europea celebran en La Habana su diálogo formal.")
    assert not is_other_language("Spokesperson Lê Thị Thu Hằng said the report was biased.")
    assert not is_other_language("Vietnam breaks ground on first chip plant in Hanoi")


def test_clean_html_drops_scripts_and_keeps_paragraphs():
    html = (RAW / "11_eu-china-dialogue.html").read_text()
    cleaned = clean_html(html)
    assert cleaned.title and len(cleaned.paragraphs) >= 8
    assert "function" not in cleaned.text and "{" not in cleaned.text


def test_clean_quality_gate_on_sample_pages(raw_truth):
    scores = []
    for record in read_inputs([RAW]):
        assert isinstance(record, Article)
        name = record.source.split("/")[-1]
        cleaned = clean_article(record)
        truth = raw_truth[name]
        assert fold(cleaned.title) == fold(truth["title"]), name
        scores.append(score_page([cleaned.title, *cleaned.paragraphs], truth["body"],
                                 truth["title"]))
    summary = total(scores)
    assert summary.body_recall >= MIN_BODY_KEPT
    assert summary.furniture_share <= MAX_FURNITURE_SHARE


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=80), max_size=25))
def test_clean_never_raises_and_never_invents_text(lines):
    text = "\n".join(lines)
    cleaned = clean_text(text)
    source = " ".join(" ".join(split_lines(text)).split())
    for paragraph in (cleaned.title, *cleaned.paragraphs):
        assert " ".join(paragraph.split()) in source
