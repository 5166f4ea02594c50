"""The second blind set's plumbing: scripts/fetch_external_pages.py writes a
page in the news_pages format, and scripts/evaluate_cleaning.py --pages scores
such a folder. The page here is made up for the test (the real pages are
fetched from PyPI only when the check runs)."""

from __future__ import annotations

import json

from ..conftest import load_script

fetch = load_script("fetch_external_pages")
evaluate = load_script("evaluate_cleaning")

BODY = [
    ("The river ferry between Alder Point and Sorrel Quay will run every twenty minutes from "
     "next spring, the regional transport board said on Tuesday after a long review."),
    ("Board members said the longer timetable answers years of complaints from workers on the "
     "early shift, who have waited up to an hour on the quay on winter mornings."),
    ("Local traders welcomed the plan but asked the board to add a late boat on market days, "
     "when stalls close well after the last crossing now leaves the eastern bank."),
]
HTML = ("<html><head><title>Ferry to run every twenty minutes</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<article><h1>Ferry to run every twenty minutes</h1>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</article><footer>© 2026 Example River Gazette. All rights reserved.</footer>"
        "</body></html>")


def test_external_page_is_written_and_scored(tmp_path, capsys):
    data, out = tmp_path / "data", tmp_path / "pages"
    for folder in ("html", "metadata", "txt"):
        (data / folder).mkdir(parents=True)
    (data / "html" / "ferry.html").write_text(HTML)
    (data / "metadata" / "ferry.json").write_text(json.dumps(
        {"title": "Ferry to run every twenty minutes",
         "canonical_link": "https://gazette.example/ferry"}))
    (data / "txt" / "ferry.txt").write_text("\n\n".join(BODY) + "\n")
    out.mkdir()
    fetch.write_page(data, "ferry", out)

    assert (out / "ferry.body.txt").read_text().splitlines() == BODY
    visible = (out / "ferry.txt").read_text().splitlines()
    assert BODY[0] in visible and any("All rights reserved" in line for line in visible)
    assert (out / "ferry.url.txt").read_text().strip() == "https://gazette.example/ferry"

    for html in (False, True):
        scores = evaluate.score_items(evaluate.news_items(out, html=html))
        assert scores[0].body_recall == 1.0 and scores[0].furniture_share == 0.0
    evaluate.report_folder(out, baselines=False, records=True)
    printed = capsys.readouterr().out
    assert "pages, text" in printed and "pages, HTML" in printed
    assert "body kept 1.000" in printed and "titles right 1/1" in printed
    assert "pages, text as records" in printed


def test_evaluate_cleaning_takes_the_title_line_off_a_page_as_a_record():
    page = "Ferry to run every twenty minutes - Gazette\nHome\n" + "\n".join(BODY)
    text, given = evaluate.as_record(page, HTML, "Ferry to run every twenty minutes - Gazette")
    assert text.splitlines() == ["Home", *BODY]
    assert given == "Ferry to run every twenty minutes"


def test_evaluate_cleaning_title_right_allows_a_site_suffix_not_another_headline():
    truth = "Ferry to run every twenty minutes | Gazette"
    assert evaluate.title_right("Ferry to run every twenty minutes", truth)
    assert not evaluate.title_right("Home", truth)
    assert not evaluate.title_right("Council votes on the harbour budget", truth)
