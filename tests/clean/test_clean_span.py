"""Stage 2, clean: the article's span (``article_span.py``), lists in and after
the article (``end_lists.py``) and the line shapes added with them, and the
fast paths of the line rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean import cleaner
from pipeline.clean.article_span import article_span, find_article, is_body_like
from pipeline.clean.cleaner import clean_text, line_reason
from pipeline.clean.end_lists import list_end, tail_end
from pipeline.clean.lines import fill_gaps

from ..conftest import DATA


def _reasons(cleaned):
    return {line.text: line.reason for line in cleaned.lines}


def test_clean_span_empty_input():
    assert article_span([], []) == (0, 0, frozenset())
    assert find_article([], [], title="").paragraphs == ()


def test_clean_span_works_on_made_up_verdicts():
    lines = ["Menu", "A headline about the harbour wall",
             "The council approved the new harbour wall on Monday after a long debate.",
             "Work starts in the autumn and should take about eighteen months in all.",
             "Related news", "Another story about something else entirely, told at length here."]
    reasons = ["widget", None, None, None, "block_heading", None]
    cleaned = find_article(lines, reasons, title="")
    assert cleaned.title == "A headline about the harbour wall"
    assert cleaned.paragraphs == tuple(lines[2:4])
    assert _reasons(cleaned)[lines[5]] == "after_article"


#: A body-only scrape: no <title> line on top, a long "about us" box first,
#: then the headline and a shorter article.
_ABOUT = [
    ("The Valley Gazette has covered the towns along the river since 1921, and our "
     "newsroom still sits above the old print hall on Mill Street. We publish every "
     "weekday morning and keep our archive open to readers."),
    ("Our reporters live in the communities they write about, and we answer every "
     "letter that reaches the desk, even the ones that are not kind. Corrections are "
     "printed on page two and kept online beside each story."),
    ("Subscribers receive the weekend edition at their door and can read every back "
     "issue from the last forty years in the digital library we keep. Students and "
     "libraries are offered the archive free of charge all year."),
    ("We are owned by a trust set up by the founding family, which means no "
     "shareholder can tell the editor what to print or what to leave out.")
]
_STORY = [
    ("Ferry service across the river will resume on Monday after three weeks of "
     "repairs to the landing stage, the county transport office said."),
    ("Engineers replaced two of the pontoons that storms had torn loose in October "
     "and tested the ramp with a loaded lorry on Friday afternoon."),
    ("Commuters who used the bridge detour said the extra forty minutes each way had "
     "cost them dearly, and several asked for a refund of passes."),
    ("The office said it would publish a winter timetable next week, with an extra "
     "crossing at seven in the morning for workers at the hospital."),
    ("Fares stay the same until April, when the county council is due to vote on the "
     "budget for river transport for the next two financial years.")
]


def test_clean_span_anchors_a_record_title_when_the_page_has_no_title_on_top():
    menu = ["Home", "News", "Sport", "Weather", "Jobs", "Motors", "Homes", "Events", "Puzzles",
            "Obituaries", "Letters", "Archive", "Contact"]
    lines = ["Menu", *_ABOUT, *menu, "Ferry service to resume on Monday", *_STORY]
    reasons = ["widget", *[None] * len(_ABOUT), *["widget"] * len(menu), None,
               *[None] * len(_STORY)]
    headline = lines.index("Ferry service to resume on Monday")

    assert article_span(lines, reasons)[0] == 1  # the biggest stretch, the box
    start, end, _ = article_span(lines, reasons, "Ferry service to resume on Monday | Gazette")
    assert (start, end) == (headline + 1, len(lines))
    cleaned = find_article(lines, reasons, title="Ferry service to resume on Monday | Gazette")
    assert cleaned.title == "Ferry service to resume on Monday | Gazette"
    assert [line.reason for line in cleaned.lines if line.text in _STORY] == ["body"] * len(_STORY)
    assert all(_reasons(cleaned)[line] != "body" for line in _ABOUT)


def test_clean_span_a_record_title_anchors_no_stretch_much_smaller_than_the_biggest():
    """A title repeated over a teaser is weaker evidence than a page's own
    <title>: its line anchors the span only at a stretch with a fair share
    (``GIVEN_ANCHOR_SHARE``) of the biggest stretch's words."""
    report = [f"Part {n} of the harbour plan sets out how the {thing} will be paid for, "
              f"which firm will build it, and when the work on it is due to finish."
              for n, thing in enumerate(["sea wall", "fish market", "ferry ramp", "car park",
                                         "boat yard", "lifeboat house", "pier lights",
                                         "tide gauge", "slipway", "crane", "ticket office",
                                         "footbridge", "cycle path", "bus stop"], 1)]
    lines = ["Ferry service to resume on Monday", *_STORY, *["widget line"] * 14, *report]
    reasons = [None, *[None] * len(_STORY), *["widget"] * 14, *[None] * len(report)]
    first_report_line = 1 + len(_STORY) + 14
    assert article_span(lines, reasons, "Ferry service to resume on Monday")[0] \
        == first_report_line


@pytest.mark.parametrize("headline", ["Can the city afford a new stadium by the river?",
                                      "City to vote on a new stadium by the river"])
def test_clean_title_may_be_a_question(headline):
    vote = ("The council will vote next week on a plan to spend $84 million on a stadium by "
            "the river, a project its backers say will pay for itself within twenty years.")
    critics = ("Critics say the numbers rest on crowds the city has never seen, and that the "
               "money would be better spent on schools and buses.")
    page = (f"Home | News | Business\n{headline}\nBy Jane Roe\nMarch 3, 2025\n{vote}\n"
            f"{critics}\nQ: Will the vote be public?\n"
            "A: Yes, the council meets in the open at City Hall on Tuesday evening.")
    cleaned = clean_text(page)
    assert cleaned.title == headline
    assert cleaned.paragraphs[0].startswith("The council will vote")


def test_clean_title_is_not_a_long_question_opening_the_article():
    question = ("Why would a city that cannot fix its buses or keep its libraries open at weekends "
                "spend $84 million on a stadium that few people asked for?")
    vote = ("The council will vote next week on the plan, which its backers say will pay for "
            "itself within twenty years.")
    cleaned = clean_text(f"Home | News\nCity weighs a new stadium by the river\nBy Jane Roe\n"
                         f"{question}\n{vote}")
    assert cleaned.title == "City weighs a new stadium by the river"
    assert cleaned.paragraphs == (question, vote)


def test_clean_span_keeps_a_list_closing_the_article_before_the_share_row():
    cleaned = clean_text((DATA / "news_closing_list_page.txt").read_text())
    reasons = _reasons(cleaned)
    assert cleaned.title == "Riverside choir returns to the old opera house for a winter season"
    for item in ("Season dates", "Sunday 22 December", "Balcony 15", "Box office"):
        assert reasons[item] == "body", item
    assert cleaned.paragraphs[-1] == "Box office"
    assert reasons["Share on Facebook"] == reasons["Share this entry"] == "widget"
    assert reasons["Library extends opening hours …"] == "after_article"


def test_clean_span_keeps_an_announced_list_of_dates():
    cleaned = clean_text((DATA / "news_announced_list_page.txt").read_text())
    assert cleaned.paragraphs[3] == "The full list of dates:"
    assert cleaned.paragraphs[-1] == "March 23, 2025 Church Hall, Highmoor"
    assert len(cleaned.paragraphs) == 14
    assert "Festival adds a second stage for young bands" not in cleaned.text


def test_clean_span_keeps_a_schedule_under_its_heading_and_drops_the_notes_after_it():
    cleaned = clean_text((DATA / "news_schedule_list_page.txt").read_text())
    reasons = _reasons(cleaned)
    assert reasons["The choir's winter dates"] == "body"
    assert cleaned.paragraphs[-1] == "December 20 – Coalbrook, Miners' Institute"
    assert sum(p.startswith("December ") for p in cleaned.paragraphs) == 8
    assert reasons["Additional reporting by Tom Berg"] == "after_article"
    assert reasons["Want more music news? Sign up for our newsletter."] == "widget"
    assert reasons["Ferry fares rise again in the new year"] == "after_article"


def test_clean_span_keeps_an_announced_product_list_with_prices_and_sentences():
    cleaned = clean_text((DATA / "news_product_list_page.txt").read_text())
    reasons = _reasons(cleaned)
    assert cleaned.paragraphs.count("Buy Now") == 1  # kept once, then dropped as a duplicate
    for item in ("Our picks:", "Fernley Quiet Boil 1.7L", "$49.99",
                 "The glass body shows scale early, so you know when to clean it.",
                 "Corran Glass Kettle - Clear", "$39.00", "Moss Travel Kettle 0.8L - Green",
                 "$29.50"):
        assert reasons[item] == "body", item
    assert reasons["Tags: Kitchen, Deals"] == "widget"
    assert reasons["The best toasters we tested this year"] == "after_article"
    assert reasons["Share Tweet"] == "before_article"


def test_clean_span_joins_lead_paragraphs_an_inline_box_split_off():
    cleaned = clean_text((DATA / "news_lead_before_box_page.txt").read_text())
    reasons = _reasons(cleaned)
    assert cleaned.title == "Council votes to rebuild storm-hit harbour wall before next winter"
    assert cleaned.paragraphs[0].startswith("The town council voted on Monday")
    assert len(cleaned.paragraphs) == 9
    assert reasons["Ferry timetable changes from April"] == "inline_block"
    assert reasons["Council votes to rebuild the harbour wall"] == "inline_block"
    # A short quote with its speaker is a turn of dialogue, not a note.
    assert cleaned.paragraphs[-1] == '"It has to be," Berg said.'
    assert reasons["Library extends opening hours for the winter"] == "after_article"


@pytest.mark.parametrize("line, body", [
    ('"It has to be," Berg said.', True),
    ("“No,” she said.", True),
    ('"Why?" asked Ana Ruiz.', True),
    ("Sign up here.", False),
    ('"Sign up" now.', False),
])
def test_clean_span_reads_a_short_attributed_quote_as_a_paragraph(line, body):
    assert is_body_like(line) is body


def test_clean_span_list_rules_on_made_up_verdicts():
    lines = ["A paragraph of the article that is long enough to be running text.",
             "Tour dates", "May 2 – Northport", "May 4 – Eastbury", "May 6 – Lanfield",
             "Trending", "Ferry fares rise"]
    reasons = [None, None, None, None, None, "block_heading", None]
    body = [True] + [False] * 6
    assert list_end(lines, reasons, body, 1, ()) == 5
    assert tail_end(lines, reasons, body, 1, ()) == 5
    # Two dated lines are not yet a schedule; a dated line alone is a dateline.
    assert list_end(lines[:4] + ["Ferry fares rise"], reasons[:5], body[:5], 1, ()) == 1
    assert list_end([], [], [], 0, ()) == 0


BODY = [
    "The minister said on Tuesday that the new rules would protect workers in the ports.",
    "Unions welcomed the decision but said they would watch closely how it is applied.",
    "Officials expect the first inspections to begin before the end of the year.",
]


@pytest.mark.parametrize("tail, kept", [
    # A short list straight before a share row belongs to the article.
    (["Opening hours", "Mon-Fri 9-17", "Sat 10-14", "Share on Twitter"], 3),
    # Teaser titles cut off with "…" do not, nor do notes that are sentences.
    (["Harbour museum reopens …", "Bridge closed for repairs …", "Share on Twitter"], 0),
    (["Sign up here.", "Reporting by Ana Ruiz; Editing by Tom Berg", "Related news"], 0),
    # A label left alone at the end is dropped ("Appendix:").
    (["Appendix:", "Suggest to a friend"], 0),
    # Teasers set apart by dates are not a closing list.
    (["Port dredging to begin", "Nov 4, 2024", "Ferry fares rise", "Share on Twitter"], 0),
    # A schedule under its heading is the article's, however long, even with
    # no line that ends articles after it.
    (["Spring dates", "April 2 – Northport, Mission Hall", "April 4 – Eastbury, St Anne's",
      "April 6 – Lanfield @ Drill Hall", "Library extends opening hours",
      "Harbour museum reopens", "Bridge closed for repairs", "Ferry fares rise",
      "Port dredging to begin", "Market moves to the quay"], 4),
    # So is a list the article announces, up to the furniture after it
    # (a repeated "Buy now" is kept once).
    (["Where to buy:", "Fernley kettle", "$49.99", "Buy now", "Corran kettle", "$39.00",
      "Buy now", "Moss kettle", "$29.50", "Buy now", "Tags: Kitchen"], 8),
    # An announced list stops at teasers cut off with "…".
    (["More on this:", "Harbour museum reopens …", "Bridge closed …", "Share on Twitter"], 0),
    # No line that ends articles follows: the list is not the article's.
    (["Sport", "Weather", "Travel", "Culture", "Money", "Jobs", "Cars", "Homes", "Dating",
      "Puzzles", "Share on Twitter"], 0),
])
def test_clean_span_tells_a_closing_list_from_teasers_and_notes(tail, kept):
    page = "\n".join(["Ports get new safety rules after a year of talks", *BODY, *tail])
    cleaned = clean_text(page)
    assert cleaned.paragraphs[: len(BODY)] == tuple(BODY)
    assert len(cleaned.paragraphs) == len(BODY) + kept


@pytest.mark.parametrize("line, reason", [
    ("Share on Facebook", "widget"),
    ("Share this entry", "widget"),
    ("Suggest to a friend", "widget"),
    ("Image 3 of 12", "widget"),
    ("1 - 5 of 36", "widget"),
    ("Back to Gallery", "widget"),
    ("Caption", "widget"),
    ("Advert", "widget"),
    ("Report", "widget"),
    ("Follow Valley Courier on Instagram, Facebook and YouTube.", "widget"),
    ("This slideshow requires JavaScript.", "widget"),
    ("Related Coverage: Flood wall", "widget"),
    ("Trending News", "block_heading"),
    ("Related Topics", "block_heading"),
    ("end of .content", "markup"),
    ("#post-##", "markup"),
    ("/1234567/article_bottom", "markup"),
    ("Ana Ruiz/Valley Courier", "caption"),
    ("(Harbour Co.)", "caption"),
    ("By Ana Ruiz | March 3, 2025 -- 10:15 GMT (10:15 GMT) | Topic: Harbour and ports", "metadata"),
    ("Mayor Ines Hartmann, left, and harbour master Tom Berg at the quay on Monday", "caption"),
    ("Council members (from left) at the opening of the new flood wall", "caption"),
    ("Want more harbour news? Sign up for our newsletter.", "widget"),
    ("Subscribe to the Valley Courier YouTube channel for all of our latest videos!", "widget"),
    ("Get the day's top stories delivered to your inbox by subscribing to our newsletter.",
     "widget"),
    ("About the author", "block_heading"),
    ("7", "punctuation"),
    ("12 / 36", "widget"),
    (".c-picture__caption .c-picture", "markup"),
    ("/article-body", "markup"),
    # Figures alone with more digits are data an article may list.
    ("$49.99", None),
    ("01-234-5678", None),
    # Body lines with the same words stay.
    ("The union said members could sign up for the newsletter at its office on Monday.", None),
    ("Get the latest on the strike as the port unions meet the minister on Friday.", None),
    ("The company said it would share the data with regulators on Monday.", None),
    ("The report, published on Monday, found that 3 of 12 ports had no inspector.", None),
    ("Follow-up talks on the caption of the treaty are due in March.", None),
    ("The iPhone maker and McDonald's both said they would follow the new rules.", None),
    ("Those who left, and those who stayed, said the town had changed.", None),
    ("Prices rose 5% year on year/quarter on quarter, the office said.", None),
    # A sentence opening with "By" is not a byline; a name after it is.
    ("By the end of the week the board had voted twice.", None),
    ("By Ana Ruiz", "metadata"),
    ("The court threw out the copyright claim against the two bloggers.", None),
    ("Copyright 2026 Valley Courier", "copyright"),
])
def test_clean_line_reason_names_new_furniture_shapes(line, reason):
    assert line_reason(line) == reason


def test_clean_fill_gaps_puts_back_a_vouched_list_after_the_last_extracted_line():
    blocks = ["Menu", "First paragraph of the story, long enough to be body text here.",
              "Last paragraph of the story, which the extractor did keep.",
              "Opening hours", "Mon-Fri 9-17", "Share", "Footer"]
    lines, recovered = fill_gaps(blocks[1:3], blocks, frozenset({1, 2, 3, 4}))
    assert lines == blocks[1:5]
    assert recovered == frozenset()
    assert fill_gaps(blocks[1:3], blocks)[0] == blocks[1:3]


_PIECES = st.sampled_from([
    "Photo", "photo:", "Image", "credit", "by", "(Jane Roe/Wire)", "<div>", "</p>", ".tpl",
    "hmb:x", "#main", ".nav", "item", "end", "May", "5,", "2024", "12/11/2023", "10:30", "am",
    "p.m.", "GMT+7", "Ago", "3 hours ago", "İ", "ſ", "Kelvin", "é", "Đối", "và", "the",
    "said", ".", ":", "…", "|", "/", "-", "x", "News", "Sport", "2019-01-02",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14), st.sampled_from([" ", "", " | "]))
def test_clean_rule_fast_paths_agree_with_the_plain_patterns(pieces, sep):
    """The pre-checks that make the rules cheap never change a verdict."""
    line = sep.join(pieces)
    assert cleaner._is_markup(line) == bool(cleaner._MARKUP.search(line))
    assert cleaner._is_caption(line) == (len(line) < 400 and bool(
        cleaner._CAPTION.search(line) or cleaner._PHOTO_CREDIT.match(line)
        or cleaner._POSITIONS.search(line)))
    rest = cleaner._TIME.sub(" ", cleaner.DATE_PATTERN.sub(" ", line))
    assert cleaner._is_dateline(line) == (
        rest != line and len(cleaner._WORD.findall(rest)) <= cleaner.DATELINE_MAX_WORDS
        and not cleaner.END_PUNCT.search(rest.strip()))
    assert line_reason(line) == line_reason.__wrapped__(line)
