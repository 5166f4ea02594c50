"""Stage 2, clean: what the plain-text span keeps when it is unsure
(``span_check.py``), and the HTML path deferring to trafilatura's choice.

Every page here is made up for the test."""

from __future__ import annotations

from pipeline.clean import cleaner
from pipeline.clean.article_span import extracted_end
from pipeline.clean.cleaner import clean_html, clean_text, line_reason
from pipeline.clean.span_check import PROSE_REASON, is_page_end, span_share, unsure_prose

#: Paragraphs of a made-up article about a river ferry, each about 30 words.
_FIRST_HALF = [
    ("The river ferry between Alder Point and Sorrel Quay will run every twenty minutes from "
    "next spring, the regional transport board said on Tuesday after a long review of the route."),
    ("Board members said the longer timetable answers years of complaints from workers on the "
    "early shift, who have waited up to an hour on the quay on winter mornings."),
    ("The board will pay for two more crews from a fund set aside last year, and the fare for "
    "a single crossing will stay at the level it has held since the route opened."),
    ("Local traders welcomed the plan but asked the board to add a late boat on market days, "
    "when stalls close well after the last crossing now leaves the eastern bank."),
]
_SECOND_HALF = [
    ("A spokesperson for the board said a late boat on market days would be tried for three "
    "months before any decision, and that the results would be published in full."),
    ("The ferry carried just under a million passengers last year, more than twice the number "
    "it carried a decade ago, according to figures the board released with the plan."),
    ("Engineers will also strengthen the landing stage at Sorrel Quay during the summer, when "
    "the river is low and the crossing can run from a temporary pontoon nearby."),
    ("The board expects the new timetable to start in the first week of April, once the two "
    "extra crews have finished their training on the river and passed their checks."),
]
#: A block of short teaser titles, longer than an inline box the span steps over.
_TEASERS = [f"Harbour story number {n} in brief" for n in range(16)]
_FOOTER = "© 2026 Example River Gazette. All rights reserved."
_COMMENT = ("I have taken this ferry for thirty years and every change to the timetable has "
            "made it worse for those of us who live on the eastern bank, frankly.")


def _reasons(cleaned):
    return {line.text: line.reason for line in cleaned.lines}


def test_span_check_empty_input():
    assert unsure_prose([], [], 0, 0) == frozenset()
    assert span_share([], [], 0, 0) == 1.0


def test_span_check_keeps_running_prose_when_the_span_holds_little_of_it():
    # Lines 0-1 are the span; 3-6 running prose; 9, 13 lone teaser summaries.
    lines = [f"line {i}" for i in range(15)]
    body = [i in (0, 1, 3, 4, 5, 6, 9, 13) for i in range(15)]
    lines = [f"{line} " + "word " * 30 if body[i] else line for i, line in enumerate(lines)]
    kept = unsure_prose(lines, body, 0, 2)
    assert kept == frozenset({3, 4, 5, 6})
    # A span holding most of the prose is sure: nothing more is kept.
    assert unsure_prose(lines, body, 0, 9) == frozenset()


def test_span_check_keeps_a_big_running_text_rival_but_not_a_small_one_or_past_the_footer():
    lines = ["word " * 40] * 12 + [_FOOTER] + ["word " * 40] * 4
    body = [line != _FOOTER for line in lines]
    # The span holds lines 0-5, over a third of the prose: it is sure of
    # itself, but a big running-text stretch beside it is kept too.
    lines = [f"{i} {line}" for i, line in enumerate(lines)]  # distinct lines
    big, small, past = (7, 10), (11, 12), (13, 17)
    kept = unsure_prose(lines, body, 0, 6, rivals=[big, small, past])
    assert kept == frozenset(range(7, 10))
    assert unsure_prose(lines, body, 0, 6) == frozenset()


def test_span_check_keeps_the_half_of_an_article_a_long_teaser_block_split_off():
    page = "\n".join(["Example River Gazette", "Ferry to run every twenty minutes", "Menu",
                      *_FIRST_HALF, *_TEASERS, *_SECOND_HALF, _FOOTER, "Comments", _COMMENT])
    cleaned = clean_text(page)
    reasons = _reasons(cleaned)
    assert all(reasons[p] == "body" for p in _FIRST_HALF)
    assert all(reasons[p] == PROSE_REASON for p in _SECOND_HALF)
    assert all(p in cleaned.paragraphs for p in _FIRST_HALF + _SECOND_HALF)
    assert not any(t in cleaned.paragraphs for t in _TEASERS)
    assert _COMMENT not in cleaned.paragraphs


def test_span_check_keeps_the_article_when_the_span_lands_on_a_standfirst_block():
    # Below the headline's repeat: a block of summary lines big enough to be
    # taken for the article, then a run of labels, then the article itself.
    standfirst = [
        ("In brief: the ferry will run more often, the fare stays the same, and the board "
        "will pay for the extra crews from a fund it set aside a year ago for the route."),
        ("In brief: traders want a late boat on market days, and the board says it will try "
        "one for three months and publish what it learns before it decides anything more."),
        ("In brief: the landing stage will be strengthened in summer while the river is low, "
        "with the boats running from a pontoon a short walk away from the usual quay."),
        "In brief: the new timetable starts in April once the extra crews are trained.",
    ]
    labels = [f"Short label {n}" for n in range(16)]
    page = ["Ferry to run every twenty minutes | Example River Gazette", "Menu", "Home",
            "Ferry to run every twenty minutes", *standfirst, *labels, *_FIRST_HALF, *_SECOND_HALF, _FOOTER]
    cleaned = clean_text("\n".join(page))
    assert all(p in cleaned.paragraphs for p in _FIRST_HALF + _SECOND_HALF)
    assert not any(label in cleaned.paragraphs for label in labels)


def test_span_check_extracted_article_ends_at_a_heading_only_when_no_running_text_follows():
    lines = [*_FIRST_HALF[:2], "Related news", "Teaser one", "Teaser two", "Teaser three"]
    reasons = [None, None, "block_heading", None, None, None]
    assert extracted_end(lines, reasons, 0) == 2
    lines = [*_FIRST_HALF[:2], "Related news", *_SECOND_HALF]
    reasons = [None, None, "block_heading", None, None, None, None]
    assert extracted_end(lines, reasons, 0) == len(lines)


def test_span_check_html_keeps_a_sentence_a_short_line_rule_flags():
    sentence = "Updated figures show the ferry carried more people than ever last year."
    assert line_reason(sentence) in cleaner.SHORT_LINE_RULES  # the rule alone drops it
    html = ("<html><head><title>Ferry to run every twenty minutes</title></head><body><article>"
            "<h1>Ferry to run every twenty minutes</h1>"
            + "".join(f"<p>{p}</p>" for p in _FIRST_HALF[:2]) + f"<p>{sentence}</p>"
            + "".join(f"<p>{p}</p>" for p in _SECOND_HALF[:2]) + "</article></body></html>")
    cleaned = clean_html(html)
    assert sentence in cleaned.paragraphs
    assert _reasons(cleaned)[sentence] == "body"


def test_span_check_html_without_main_text_falls_back_to_the_visible_text(monkeypatch):
    monkeypatch.setattr(cleaner.trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    html = ("<html><body><p>Ferry to run every twenty minutes</p>"
            + "".join(f"<p>{p}</p>" for p in _FIRST_HALF) + f"<p>{_FOOTER}</p></body></html>")
    cleaned = clean_html(html)
    assert cleaned.paragraphs == tuple(_FIRST_HALF)
    assert cleaned.dropped_counts.get("no_main_text") == 1


def test_span_check_a_picture_credit_does_not_end_the_article_a_footer_does():
    # A bare copyright sign under a picture has the rest of the article below
    # it; a footer's notice (a year, "all rights reserved") ends the page text.
    credit = "© Jane Roe/Harbour Pictures"
    caption = "The morning ferry leaves Alder Point in the winter fog"
    page = "\n".join(["Ferry to run every twenty minutes", *_FIRST_HALF, credit, caption,
                      *_SECOND_HALF, _FOOTER, _COMMENT])
    cleaned = clean_text(page)
    assert [p for p in cleaned.paragraphs if p != caption] == _FIRST_HALF + _SECOND_HALF
    reasons = _reasons(cleaned)
    assert reasons[credit] == "copyright"
    assert all(reasons[p] == "body" for p in _SECOND_HALF)


def test_span_check_is_page_end():
    body_line = "word " * 40
    lines = ["© Jane Roe/Agency", *[f"{n} {body_line}" for n in range(4)], _FOOTER, "Comments",
             "© Jane Roe/Agency"]
    body = [line.endswith(body_line) for line in lines]
    assert not is_page_end(lines, body, 0)  # running text follows a bare credit
    assert is_page_end(lines, body, 5)  # a footer's notice
    assert is_page_end(lines, body, 6)  # a comment block
    assert is_page_end(lines, body, 7)  # nothing follows
    assert not is_page_end(lines, body, 1)  # a paragraph
