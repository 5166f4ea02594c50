"""Stage 2: cleaning scraped text and HTML, with a quality gate on sample pages."""

from __future__ import annotations

from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean.cleaner import (
    clean_html,
    clean_text,
    find_date,
    is_other_language,
    strip_source_tag,
)
from pipeline.clean.furniture import clean_site, clean_sites, site_furniture, site_key
from pipeline.clean.lines import (
    extracted_lines,
    fill_gaps,
    furniture_keys,
    html_blocks,
    page_blocks,
    split_lines,
)
from pipeline.clean.quality import (
    LabeledPage,
    fold,
    misjudged_kinds,
    read_labeled_pages,
    score_page,
    total,
)
from pipeline.run.chunk import clean_article
from pipeline.run.read import Article, read_inputs

from ..conftest import DATA, PROJECT, RAW, load_script

#: Quality gate on the shipped sample pages: fails when the cleaner regresses.
MIN_BODY_KEPT = 1.0
MAX_FURNITURE_SHARE = 0.05
#: Regression gate on the 45 line-labeled team pages of many site layouts
#: (data/cleaning; 0.964 / 0.179 when written, scored before any rule saw them).
TEAM_PAGES_MIN_BODY_KEPT = 0.95
TEAM_PAGES_MAX_FURNITURE_SHARE = 0.20


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


def test_clean_regression_gate_on_team_pages():
    """Many layouts the rules were not written from: no page may lose most of its body."""
    folder = PROJECT / "data" / "cleaning"
    pages = read_labeled_pages(sorted(folder.glob("*.jsonl")))
    scores, _, _ = load_script("evaluate_cleaning").score_labeled_pages(folder)
    assert len(scores) == len(pages) >= 45
    lost = [page.id for page, score in zip(pages, scores) if score.body_recall < 0.5]
    assert not lost
    summary = total(scores)
    assert summary.body_recall >= TEAM_PAGES_MIN_BODY_KEPT
    assert summary.furniture_share <= TEAM_PAGES_MAX_FURNITURE_SHARE


def test_labeled_pages_name_the_bad_line(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text('{"id": "p1", "lines": [{"text": "Hello", "label": "body"}]}\n'
                    '{"id": "p2", "lines": [{"text": "Hi", "label": "boilerplate"}]}\n')
    with pytest.raises(ValueError, match=r"pages\.jsonl:2: unknown labels \['boilerplate'\]"):
        read_labeled_pages([path])


def test_misjudged_kinds_counts_kept_furniture_and_lost_body():
    page = LabeledPage("p", "blog", (("Menu", "furniture", "menu"), ("Text.", "body", "paragraph"),
                                     ("Share", "furniture", "share")))
    furniture, body = misjudged_kinds(page, kept=[0, 2])
    assert furniture == {"menu": 1, "share": 1} and body == {"paragraph": 1}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=80), max_size=25))
def test_clean_never_raises_and_never_invents_text(lines):
    text = "\n".join(lines)
    cleaned = clean_text(text)
    source = " ".join(" ".join(split_lines(text)).split())
    for paragraph in (cleaned.title, *cleaned.paragraphs):
        assert " ".join(paragraph.split()) in source


def _reasons(cleaned):
    return {line.text: line.reason for line in cleaned.lines}


def test_clean_news_text_page_finds_article_after_headline_and_stops_at_related():
    page = (DATA / "news_site_page.txt").read_text()
    cleaned = clean_text(page)
    reasons = _reasons(cleaned)
    assert cleaned.title == "Harbour council approves new flood wall after long debate"
    assert len(cleaned.paragraphs) == 6
    assert cleaned.paragraphs[-1] == "Work is due to start in the autumn and take about eighteen months."
    assert cleaned.date == "2024-03-14"
    assert reasons["Trending"] == "block_heading"
    assert reasons["Comment (0)"] == "widget"
    assert reasons["Workers inspect the damaged quay after the January storm. Photo: Tidewater Courier"] \
        == "caption"
    teaser = "Parents welcomed the news that pupils can return to the main building before the spring break."
    assert not reasons[teaser].startswith("body") and teaser not in cleaned.text
    assert "All rights reserved" not in cleaned.text


def test_clean_html_page_keeps_headings_and_list_items_drops_scripts_and_sidebars():
    cleaned = clean_html((DATA / "news_site_page.html").read_text())
    assert cleaned.title == "Valley farmers pledge to cut water use by a fifth"
    assert "What changes" in cleaned.paragraphs
    assert len([p for p in cleaned.paragraphs if len(p.split()) > 10]) == 6
    for furniture in ("dataLayer", "font-family", "Most read", "Bridge closed", "©", "Home"):
        assert furniture not in cleaned.text


def test_clean_fill_gaps_recovers_short_lines_and_rejoins_split_paragraphs():
    blocks = ["Menu", "First paragraph of the story, long enough to be body text here.",
              "Get it at the corner shop for $12", "Second paragraph of the story goes on.",
              "Footer"]
    extracted = ["First paragraph of the story,", "long enough to be body text here.",
                 "Second paragraph of the story goes on."]
    lines, recovered = fill_gaps(extracted, blocks)
    assert lines == blocks[1:4]
    assert recovered == frozenset({1})
    assert html_blocks("<html><body><p>One <b>two</b></p><script>x()</script><li>Three</li>"
                       "</body></html>") == ["One two", "Three"]


def test_clean_ministry_page_drops_trailing_label_and_keeps_short_answers():
    lines = [
        "Ministry Spokesperson's Regular Press Conference on May 3, 2024",
        "Home > Press > Spokesperson's Remarks",
        "Q: Reports say talks on the border will resume next week. Can you confirm?",
        "A: We have noted relevant reports.",
        "Q: Will the minister attend the summit in Lima next month as planned?",
        "A: We will release information in due course. Please check back for updates.",
        "Appendix:",
        "Print",
        "Related News:",
        "Ministry Spokesperson's Regular Press Conference on May 2, 2024",
    ]
    cleaned = clean_text("\n".join(lines))
    assert "A: We have noted relevant reports." in cleaned.paragraphs
    assert "Appendix:" not in cleaned.paragraphs and len(cleaned.paragraphs) == 4
    assert _reasons(cleaned)["Related News:"] == "block_heading"


def _ministry_page(number: int, answer: str) -> str:
    return "\n".join([
        "Home | About Us | News | Contact",
        f"Spokesperson's Regular Press Conference number {number}",
        "This transcript is issued by the press office and may be quoted with attribution.",
        f"Q: A question about the trade talks, asked on day {number} of the month?",
        answer,
        "Q: Another question about the regional forum, which opens on Monday in the capital?",
        f"A: The forum will discuss ports, energy and climate, and {number} delegations attend.",
        "Suggest to a friend about the conference today",
        "Contact us: Ministry of Foreign Affairs, 2 River Road, Tel 86-10-0000",
    ])


def test_clean_site_learns_repeated_furniture_but_keeps_recurring_body_lines():
    stock = "A: We have noted relevant reports."
    pages = [clean_text(_ministry_page(n, stock if n % 2 else "A: We are checking the details."))
             for n in range(1, 7)]
    notice = "This transcript is issued by the press office and may be quoted with attribution."
    assert all(notice in page.paragraphs for page in pages)
    furniture = site_furniture(pages)
    assert _normalise_key(notice) in furniture
    assert _normalise_key(stock) not in furniture
    cleaned = clean_site(pages)
    assert not any(notice in page.paragraphs for page in cleaned)
    assert all(len(page.paragraphs) == 4 for page in cleaned)
    assert stock in cleaned[0].paragraphs
    reasons = {line.reason for page in cleaned for line in page.lines}
    assert "site_furniture" in reasons
    assert site_furniture(pages[:2]) == frozenset()


def _normalise_key(line: str) -> str:
    return " ".join(line.lower().split()).strip(" .:")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=80), max_size=25))
def test_clean_html_never_raises_and_never_invents_text(lines):
    html = "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in lines) + "</body></html>"
    cleaned = clean_html(html)
    # The HTML parser drops control characters and may split at them: compare
    # the visible characters only.
    source = _visible("".join(lines))
    for paragraph in cleaned.paragraphs:
        assert _visible(paragraph) in source


def _visible(text: str) -> str:
    return "".join(c for c in text if c.isprintable() and not c.isspace())


def test_clean_news_text_page_skips_inline_related_box_teaser_lists_markup_and_comments():
    cleaned = clean_text((DATA / "news_inline_blocks_page.txt").read_text())
    reasons = _reasons(cleaned)
    assert cleaned.title == "Port workers end strike after pay deal"
    assert cleaned.date == "2024-11-05"
    assert len(cleaned.paragraphs) == 7
    assert cleaned.paragraphs[0].startswith("Dock workers") and \
        cleaned.paragraphs[-1].startswith("Union leaders thanked")
    assert reasons["Ferry fares to rise in spring"] == "inline_block"
    assert reasons[".site-header"] == reasons["templates/article/headline.tpl"] == "markup"
    assert reasons["Storm warning for the weekend as winds pick up …"] == "after_article"
    for teaser_or_comment in ("three cranes", "fishing groups", "cottages", "Good news"):
        assert teaser_or_comment not in cleaned.text


def test_clean_sites_groups_pages_by_site_and_keeps_order():
    notice = "This transcript is issued by the press office and may be quoted with attribution."
    pages = [clean_text(_ministry_page(n, "A: We are checking the details.")) for n in range(1, 5)]
    other = clean_text((DATA / "news_site_page.txt").read_text())
    keys = [site_key(url=f"https://www.mfa.example/brief/{n}") for n in range(1, 5)]
    assert keys[0] == "mfa.example"
    assert site_key(source="/data/site_a/page.txt") == "/data/site_a"
    cleaned = clean_sites([other, *pages], ["tidewater", *keys])
    assert cleaned[0] is other
    assert all(notice not in page.paragraphs for page in cleaned[1:])
    assert [page.title for page in cleaned[1:]] == [page.title for page in pages]


def test_clean_text_reads_site_from_glued_source_tag():
    page = ("Minister opens the new harbour bridge in the old town\n"
            "Baotin.vn. The minister opened the bridge on Monday, a year after work began.\n"
            "Officials said the bridge would halve the time it takes to cross the river.")
    cleaned = clean_text(page)
    assert cleaned.site == "Baotin.vn"
    assert cleaned.paragraphs[0] == "The minister opened the bridge on Monday, a year after work began."


def test_clean_html_second_opinion_puts_back_product_cards_the_extractor_drops():
    html = (DATA / "news_product_list_page.html").read_text()
    cleaned = clean_html(html)
    alone = clean_html(html, second_opinion=False)
    for item in ("Fernley Quiet Boil 1.7L - Brushed Steel", "$49.99", "Corran Glass Kettle - Clear",
                 "$39.00", "$29.50", "Available from Example Shop"):
        assert item in cleaned.paragraphs, item
        assert item not in alone.paragraphs, item
    # trafilatura's "- " list marks are taken off, so no item appears twice.
    assert "Rapid boil" in cleaned.paragraphs
    assert not any(p.startswith("- ") for p in cleaned.paragraphs)
    # (The extractor itself keeps each card's short note, which does repeat.)
    repeated = {p for p in cleaned.paragraphs if cleaned.paragraphs.count(p) > 1}
    assert repeated == {"Home Desk may earn a commission"}
    for furniture in ("Ten coffee grinders compared", "© 2025 Home Desk. All rights reserved."):
        assert furniture not in cleaned.text
    assert "tracking" not in cleaned.text


_PLACED_PAGE = """<html><head><title>Court frees two reporters held for a month</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/a">Court frees two reporters held for a month</a></li></ul></nav>
<article><h1>Court frees two reporters held for a month</h1>
<p>A court in the capital on Monday ordered the release of two reporters who had been held for a
month over a story about the price of bread in the northern provinces.</p>
<figure><img src="court.jpg"><figcaption>Relatives of the two reporters wait outside the court
building in the capital on Monday morning.</figcaption></figure>
<p>The judge said prosecutors had not shown that the story contained any false information, and
that holding the men any longer would breach the law on pre-trial detention.</p>
<aside><h3>Background</h3><p>The two reporters were arrested in a raid on their newsroom on the
night their story about bread prices was published online.</p></aside>
<p>Their lawyer said the men would return to work this week and that they would sue the police for
the damage done to their equipment during the raid on the newsroom.</p>
<p>The interior ministry did not respond to a request for comment on the ruling or on the raid.</p>
<footer><p>Additional reporting by the capital bureau; editing by the world desk staff.</p></footer>
</article>
<footer><p>About us | Contact | Privacy policy</p></footer>
</body></html>"""


def test_clean_html_drops_what_the_markup_places_in_captions_asides_and_footers():
    cleaned = clean_html(_PLACED_PAGE)
    reasons = _reasons(cleaned)
    assert cleaned.title == "Court frees two reporters held for a month"
    assert len(cleaned.paragraphs) == 4 and cleaned.paragraphs[0].startswith("A court in")
    caption = ("Relatives of the two reporters wait outside the court building in the "
               "capital on Monday morning.")
    aside = ("The two reporters were arrested in a raid on their newsroom on the night "
             "their story about bread prices was published online.")
    footer = "Additional reporting by the capital bureau; editing by the world desk staff."
    for placed in (caption, aside, footer):
        assert placed not in cleaned.paragraphs and reasons[placed] == "page_furniture"


def test_furniture_keys_spare_a_line_also_found_outside_captions_menus_and_footers():
    blocks, placed = page_blocks(_PLACED_PAGE)
    first = next(i for i, block in enumerate(blocks) if block.startswith("A court in"))
    assert placed[blocks.index("Home")] and not placed[first]
    keys = furniture_keys(blocks, placed)
    assert "home" in keys
    # The headline is in the menu too, but also in the article: it is not furniture.
    assert "court frees two reporters held for a month" not in keys


def test_clean_extracted_lines_take_off_list_marks_only():
    assert extracted_lines("- Rapid boil\n-5 degrees at night\n - Dual voltage\n\n") == [
        "Rapid boil", "-5 degrees at night", "Dual voltage"]
    assert extracted_lines("") == []
