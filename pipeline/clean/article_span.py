"""The article within a page's lines: where it starts and ends, its title, a
decision for every line, and its date and source tag.

Separate from the line rules of ``cleaner.py`` because it answers a different
question: a rule judges one line alone (and is cached per line), while the
span judges lines by their place on the page: a paragraph after a "Related
news" heading, or in a run of teasers, is furniture although no rule fires
on it. This module reads only the rules' verdicts (``reasons``, one per line,
None when no rule fires), so it can be tested with made-up verdicts and the
rules can change without touching it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import lru_cache

from .. import config
from .end_lists import (
    COMMENTS_HEADING,
    MONTHS,
    list_end,
    listed_dates,
    tail_end,
)
from .lines import CleanedArticle, Line, normalise_line
from .span_check import (
    MERGE_MIN_PARAGRAPHS,
    PROSE_REASON,
    is_page_end,
    is_running_text,
    unsure_prose,
)

#: A body paragraph has at least this many words...
BODY_MIN_WORDS = 8
#: ...unless it is a transcript turn ("Q: ...?"), which can be short.
TURN_MIN_WORDS = 3
#: A kept line inside the article with at most this many words and no end
#: punctuation is dropped as a fragment. 0 turns the rule off: once the
#: article's span is found, its short lines are subheadings and list items
#: (on the news dev pages the rule cost 18% of body lines for 1% less furniture).
FRAGMENT_MAX_WORDS = 0
#: The article ends at a run of this many lines with no paragraph among them.
ARTICLE_GAP_LINES = 5
#: ...where a short line that no rule calls furniture (a list item, a
#: subheading, or a teaser title) counts for this much of a line.
SHORT_LINE_GAP_WEIGHT = 0.34
#: A stretch of text resuming at most this many lines after the article (past
#: an inline "Related" box) continues it when it is running text
#: (``span_check.is_running_text``).
MERGE_GAP_LINES = 12
#: A headline repeat starts the article only when a stretch of this many words
#: of text begins at most ANCHOR_MAX_DISTANCE lines below it.
ANCHOR_MIN_WORDS = 100
ANCHOR_MAX_DISTANCE = 30
#: A record's own title (on a page without <title> on top) anchors the article
#: only at a stretch with this share of the biggest stretch's words at least.
#: Chosen on the read news pages as records (0.3: furniture 0.051; 0.5 and 0.8:
#: 0.064); with no such floor one blind page lost 9 of 51 body paragraphs.
GIVEN_ANCHOR_SHARE = 0.3
#: The page title is looked for in this many first lines (where scrapers put <title>).
TITLE_TOP_LINES = 3
#: A line cut off with "…" shorter than this is a teaser, not a paragraph.
TEASER_MAX_WORDS = 40
#: This many paragraphs in a row, each set apart by two or more other lines,
#: are a teaser list (title, author, date, summary), not the article.
TEASER_RUN = 3
#: A title has this many words at least and at most.
TITLE_MIN_WORDS = 4
TITLE_MAX_WORDS = 30
#: A question longer than this is a sentence of the article, not its headline.
QUESTION_TITLE_MAX_WORDS = 20
#: Reasons of the lines an article keeps, and of those that are its paragraphs.
PARAGRAPH_REASONS = frozenset({"body", PROSE_REASON})
KEPT_REASONS = frozenset({"title", *PARAGRAPH_REASONS})


END_PUNCT = re.compile(r"[.!?:…][\"'”’)\]]*$|[\"”’]$")
_TRUNCATED = re.compile(r"(?:…|\.\.\.)\s*$")
_TURN = re.compile(r"^(?:Q|A|Question|Answer)\s*[:：]", re.IGNORECASE)
#: A short quote with its speaker ('"That's right," Ruiz said.'): a turn of
#: dialogue, as short as a transcript turn and as much the article's.
_SPEECH_VERBS = r"(?:said|says|asked|asks|added|adds|replied|replies|told (?:\w+ ){0,2}\w+)"
_NAME = r"(?:[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}|he|she|they|I|we)"
_QUOTE_TURN = re.compile(
    rf"^[\"“][^\"“”]{{1,200}}[,?!][\"”] (?:{_NAME} {_SPEECH_VERBS}|{_SPEECH_VERBS} {_NAME})\.$")
DATE_PATTERN = re.compile(
    r"(?P<iso>(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d))|(?P<dmy>(?<!\d)\d{1,2}/\d{1,2}/\d{4}(?!\d))|"
    rf"(?P<mdy>\b(?:{MONTHS})\.? \d{{1,2}},? \d{{4}}\b)|(?P<dmony>\b\d{{1,2}} (?:{MONTHS})\.?,? \d{{4}}\b)|"
    rf"(?P<dotted>(?<!\d)\d{{1,2}}\.\d{{1,2}}\.\d{{4}}(?!\d))|"
    rf"(?P<monslash>\b(?:{MONTHS}) \d{{1,2}}/\d{{4}}\b)",
    re.IGNORECASE,
)
_SOURCE_TAG = re.compile(r"^(?P<tag>[A-Z][\w-]*(?:\.[a-z]{2,}){1,2}\.?)\s+(?=[A-Z\"“])")
_WIRE_DATELINE = re.compile(
    r"^(?P<tag>[A-Z][A-Z .'-]{2,30}(?:,\s*[A-Z][a-z]+\.? \d{1,2})?\s*(?:\([A-Za-z .]+\))?\s*"
    r"[-–—]{1,2}\s+)(?=[A-Z\"“])"
)


@lru_cache(maxsize=config.LINE_CACHE_SIZE)
def is_body_like(line: str) -> bool:
    """Whether a line reads like a paragraph of running text."""
    words = len(line.split())
    if _TURN.match(line) or _QUOTE_TURN.match(line):
        return words >= TURN_MIN_WORDS
    if _TRUNCATED.search(line) and words < TEASER_MAX_WORDS:
        return False  # a teaser cut off with "…"
    return words >= BODY_MIN_WORDS and bool(END_PUNCT.search(line)) or words >= 25


def article_span(lines: Sequence[str], reasons: Sequence[str | None], title: str = ""
                  ) -> tuple[int, int, frozenset[int]]:
    """The article's first line, the first line after it, and the lines of
    inline blocks inside it ("Related" boxes between paragraphs).

    Paragraphs are grouped into stretches that no run of
    ``ARTICLE_GAP_LINES`` non-paragraph lines, "Related news"-style heading
    or comment block interrupts. The article is the first stretch of at least
    ``ANCHOR_MIN_WORDS`` words just below a headline (a line repeating the
    page's title at the top, or else the ``title`` the record brought), else
    the page's biggest stretch. A following stretch that resumes within
    ``MERGE_GAP_LINES`` lines and reads as running text (not a list of
    teasers) continues the article: the lines between are an inline block.
    The article ends at its last paragraph, or after a short list closing it
    (see ``end_lists.tail_end``).
    """
    body = [reasons[i] is None and is_body_like(line) for i, line in enumerate(lines)]
    if not any(body):
        return len(lines), len(lines), frozenset()
    repeats = headline_repeats(lines, reasons)
    least, biggest = ANCHOR_MIN_WORDS, None
    if not repeats and title:
        # No <title> on top: the record's title is weaker evidence (a teaser
        # may repeat it), so its line anchors only a stretch of some weight.
        repeats = headline_repeats(lines, reasons, title)
        biggest = _biggest(lines, reasons, body)
        least = max(least, GIVEN_ANCHOR_SHARE * _words(lines, body, biggest[0], biggest[1]))
    for anchor in repeats:
        stretch = next(iter(_stretches(lines, reasons, body, anchor + 1)), None)
        article = stretch and _continued(lines, reasons, body, stretch)
        if article and article[0] - anchor <= ANCHOR_MAX_DISTANCE \
                and _words(lines, body, article[0], article[1]) >= least:
            break
    else:
        article = biggest or _biggest(lines, reasons, body)
    start, end, holes = _preceded(lines, reasons, body, article)
    last = max(i for i in range(start, end) if body[i])
    return start, tail_end(lines, reasons, body, last + 1, frozenset(repeats)), holes


def _biggest(lines: Sequence[str], reasons: Sequence[str | None], body: Sequence[bool]
             ) -> tuple[int, int, frozenset[int]]:
    """The stretch of text with the most words, continued past inline blocks."""
    return max((_continued(lines, reasons, body, stretch)
                for stretch in _stretches(lines, reasons, body, 0)),
               key=lambda a: _words(lines, body, a[0], a[1]))


def _preceded(lines: Sequence[str], reasons: Sequence[str | None], body: Sequence[bool],
              article: tuple[int, int, frozenset[int]]) -> tuple[int, int, frozenset[int]]:
    """The article with the lead paragraphs just above it that an inline
    block ("More in Politics", a video) split from it: at least
    ``MERGE_MIN_PARAGRAPHS`` paragraphs back to back, ending at most
    ``MERGE_GAP_LINES`` lines above it, with no comment block or footer between."""
    start, end, holes = article
    before = None
    for stretch in _stretches(lines, reasons, body, 0):
        if stretch[1] > start:
            break
        before = stretch
    if before is None or start - before[1] > MERGE_GAP_LINES \
            or _closes_text(lines, reasons, range(before[1], start)):
        return article
    marks = [i for i in range(*before) if body[i]]
    lead = len(marks) - 1
    while lead > 0 and marks[lead] - marks[lead - 1] == 1:
        lead -= 1
    if len(marks) - lead < MERGE_MIN_PARAGRAPHS:
        return article
    return marks[lead], end, holes | frozenset(range(marks[-1] + 1, start))


def _continued(lines: Sequence[str], reasons: Sequence[str | None], body: Sequence[bool],
               stretch: tuple[int, int]) -> tuple[int, int, frozenset[int]]:
    """A stretch with the stretches that continue it past inline blocks."""
    start, end = stretch
    holes: set[int] = set()
    for following in _stretches(lines, reasons, body, end):
        between = range(end, following[0])
        if (len(between) > MERGE_GAP_LINES or not is_running_text(body, *following)
                or _closes_text(lines, reasons, between)):
            break
        holes.update(between)
        end = following[1]
    return start, end, frozenset(holes)


def _closes_text(lines: Sequence[str], reasons: Sequence[str | None], between: range) -> bool:
    """Whether a comment block or a footer lies between two stretches: text
    on the far side of one is not the article's."""
    return any(COMMENTS_HEADING.match(lines[i]) or reasons[i] == "copyright" for i in between)


def _words(lines: Sequence[str], body: Sequence[bool], start: int, end: int) -> int:
    """Words of the distinct paragraphs in lines[start:end] (a gallery repeats
    its captions; they should not outweigh the article)."""
    distinct = {normalise_line(lines[i]) for i in range(start, end) if body[i]}
    return sum(len(key.split()) for key in distinct)


def _stretches(lines: Sequence[str], reasons: Sequence[str | None],
               body: Sequence[bool], first: int) -> Iterator[tuple[int, int]]:
    """(first paragraph, end) of every stretch of text from line ``first`` on,
    lazily: callers mostly need the next one or two."""
    i = first
    while i < len(lines):
        if body[i]:
            end = _text_article_end(lines, reasons, body, i)
            yield i, end
            i = max(end, i + 1)
        else:
            i += 1


def headline_repeats(lines: Sequence[str], reasons: Sequence[str | None],
                     title: str = "") -> list[int]:
    """Lines that repeat (part of) the page title: the one given in the page's
    first lines (where scrapers put <title>), or the record's own ``title``.

    Scrapers that save only the page's body area leave no <title> on top;
    a record's title then is the only sign of where the headline is.
    """
    top = [normalise_line(line) for line in lines[:TITLE_TOP_LINES]]
    given = normalise_line(title)
    found = []
    for i in range(len(lines)):
        key = normalise_line(lines[i])
        if reasons[i] is None and len(key.split()) >= TITLE_MIN_WORDS and (
                (i >= TITLE_TOP_LINES and any(key in head for head in top))
                or (given and key in given)):
            found.append(i)
    return found


#: What a non-paragraph line adds to a gap: markup a scraper saved is
#: invisible on the page, and a short unflagged line may be a list item.
_GAP_WEIGHTS: dict[str | None, float] = {"markup": 0.0, None: SHORT_LINE_GAP_WEIGHT,
                                         "punctuation": SHORT_LINE_GAP_WEIGHT}


def _text_article_end(lines: Sequence[str], reasons: Sequence[str | None],
                      body: Sequence[bool], start: int) -> int:
    """Where the stretch of text that starts at ``start`` ends (see article_span)."""
    seen_body, gap, gap_start = False, 0.0, start
    # Gap starts before paragraphs set apart from the previous one by two or
    # more lines, one of them furniture (a date, a byline, a widget).
    apart: list[int] = []
    between, flagged = 0, False
    # Lines of a list the article presents (end_lists) add nothing to a gap.
    listed_until = start
    for i in range(start, len(lines)):
        if reasons[i] == "block_heading" or (seen_body and is_page_end(lines, body, i)):
            return i
        if body[i]:
            set_apart = seen_body and between >= 2 and flagged
            apart = apart + [gap_start] if set_apart else []
            if len(apart) >= TEASER_RUN:
                return apart[0]
            seen_body, gap, gap_start, between, flagged = True, 0.0, i + 1, 0, False
        elif seen_body:
            if i >= listed_until and i == gap_start:
                listed_until = list_end(lines, reasons, body, i, ())
            if i < listed_until:
                continue
            between += reasons[i] != "markup"
            flagged = flagged or reasons[i] not in (None, "markup")
            gap += _GAP_WEIGHTS.get(reasons[i], 1.0)
            if gap >= ARTICLE_GAP_LINES:
                return gap_start
    return len(lines)


def extracted_end(lines: Sequence[str], reasons: Sequence[str | None], start: int) -> int:
    """The first "Related news"-style heading at or after ``start`` that no
    running text follows: the extractor chose these lines as the article, so
    a heading ends it only on strong evidence (what follows is teasers or
    short lines, not paragraphs back to back, see ``is_running_text``)."""
    body = [reasons[i] is None and is_body_like(line) for i, line in enumerate(lines)]
    return next((i for i in range(start, len(reasons)) if reasons[i] == "block_heading"
                 and not is_running_text(body, i + 1, len(lines))), len(reasons))


def find_title(lines: Sequence[str], reasons: Sequence[str | None], start: int,
                given: str) -> int | None:
    """The title line: the given title if it appears, else the nearest
    headline-shaped line at or above the article's first paragraph, one that
    repeats the page title at the top first."""
    if given:
        wanted = normalise_line(given)
        return next((i for i, line in enumerate(lines) if normalise_line(line) == wanted), None)
    above = [i for i in range(min(start, len(lines) - 1), -1, -1)
             if reasons[i] is None and _is_headline(lines[i])]
    repeats = set(headline_repeats(lines, reasons))
    return next((i for i in above if i in repeats), above[0] if above else None)


def _is_headline(line: str) -> bool:
    """Title-sized, not shouted, and not ending a sentence; a short question
    may be one ("Does the new law protect renters?"), a long one is the
    article's opening sentence."""
    words = len(line.split())
    longest = QUESTION_TITLE_MAX_WORDS if line.endswith("?") else TITLE_MAX_WORDS
    return (TITLE_MIN_WORDS <= words <= longest and not line.isupper()
            and not re.search(r"[.!]$", line) and not _TURN.match(line))


def decide(lines: Sequence[str], reasons: Sequence[str | None], start: int, end: int,
            title_index: int | None, title: str, *, extracted: bool = False,
            holes: frozenset[int] = frozenset(), prose: frozenset[int] = frozenset()
            ) -> list[Line]:
    """One decision a line. For ``extracted`` lines short repeats and
    fragments stay: in an extractor's output they are headings and list items.
    ``prose`` lines outside the span are kept (``span_check``: the span is unsure)."""
    seen: set[str] = set()
    wanted_title = normalise_line(title or (lines[title_index] if title_index is not None else ""))
    decisions = []
    for i, line in enumerate(lines):
        key = normalise_line(line)
        if i == title_index:
            reason = "title"
        elif wanted_title and key == wanted_title:
            reason = "title_repeat"
        elif reasons[i]:
            reason = reasons[i]
        elif i < start and i not in prose:
            reason = "before_article"
        elif i >= end and i not in prose:
            reason = "after_article"
        elif i in holes:
            reason = "inline_block"
        elif key in seen and (not extracted or len(line.split()) >= BODY_MIN_WORDS):
            reason = "duplicate"
        elif (not extracted and len(line.split()) <= FRAGMENT_MAX_WORDS
              and not END_PUNCT.search(line)):
            reason = "fragment"
        else:
            reason = PROSE_REASON if i in prose and not start <= i < end else "body"
        seen.add(key)
        decisions.append(Line(i, line, reason in KEPT_REASONS, reason))
    return decisions


def assemble(decisions: list[Line], title: str, *, date: str) -> CleanedArticle:
    paragraphs: list[str] = []
    counts: dict[str, int] = {}
    for line in decisions:
        if line.reason in PARAGRAPH_REASONS:
            paragraphs.append(line.text)
        elif not line.kept:
            counts[line.reason] = counts.get(line.reason, 0) + 1
    site = ""
    if paragraphs:
        paragraphs[0], tag = strip_source_tag(paragraphs[0])
        if tag:
            counts["source_tag"] = 1
            date = date or find_date([tag])
            # "Baoquocte.vn." names the site; a wire dateline does not.
            site = tag.rstrip(".") if _SOURCE_TAG.match(tag + " X") else ""
    return CleanedArticle(title=title, paragraphs=tuple(paragraphs), lines=tuple(decisions),
                          date=date, site=site, dropped_counts=counts)


def strip_source_tag(paragraph: str) -> tuple[str, str]:
    """Split a site tag or wire dateline off a first paragraph.

    "Baoquocte.vn. The United States ..." -> ("The United States ...", "Baoquocte.vn.")
    """
    for pattern in (_SOURCE_TAG, _WIRE_DATELINE):
        match = pattern.match(paragraph)
        if match and len(paragraph) - match.end() > 20:
            return paragraph[match.end():], match.group("tag").strip()
    return paragraph, ""


def find_date(lines: Sequence[str]) -> str:
    """The first date in ``lines`` as YYYY-MM-DD ('' when none).

    Numeric d/m/y dates are read day first, as on most non-US news sites.
    """
    for line in lines:
        match = DATE_PATTERN.search(line)
        if not match:
            continue
        raw = match.group(0).replace(",", "").replace(".", "")
        formats = {"iso": ("%Y-%m-%d",), "dmy": ("%d/%m/%Y", "%m/%d/%Y"),
                   "mdy": ("%B %d %Y", "%b %d %Y"), "dmony": ("%d %B %Y", "%d %b %Y"),
                   "dotted": ("%d%m%Y",), "monslash": ("%B %d/%Y", "%b %d/%Y")}
        for fmt in formats[match.lastgroup or "iso"]:
            try:
                return datetime.strptime(raw, fmt).date().isoformat()
            except ValueError:
                continue
    return ""


def find_article(lines: Sequence[str], reasons: Sequence[str | None], *, title: str,
                 extracted: bool = False) -> CleanedArticle:
    """The article in a page's lines given the rules' verdicts: its span, title,
    a decision for every line, and the date among the dropped lines above its end."""
    reasons = listed_dates(lines, reasons)
    prose: frozenset[int] = frozenset()
    if extracted:
        start, end, holes = 0, extracted_end(lines, reasons, 0), frozenset()
    else:
        start, end, holes = article_span(lines, reasons, title)
        body = [reasons[i] is None and is_body_like(line) for i, line in enumerate(lines)]
        rivals = [a[:2] for a in (_continued(lines, reasons, body, s)
                                  for s in _stretches(lines, reasons, body, 0))
                  if is_running_text(body, a[0], a[1])]
        prose = unsure_prose(lines, body, start, end, rivals=rivals)
    title_index = find_title(lines, reasons, start, title)
    if title_index == start:
        # A headline ending in a quote reads as a paragraph; the article's
        # text starts at the next real paragraph (a byline may sit between).
        start = start + 1 if extracted else next(
            (i for i in range(start + 1, end) if reasons[i] is None and is_body_like(lines[i])),
            start + 1)
    decisions = decide(lines, reasons, start, end, title_index, title, extracted=extracted,
                       holes=holes, prose=prose)
    date = find_date([line.text for line in decisions if not line.kept and line.index < end])
    return assemble(decisions, title or (lines[title_index] if title_index is not None else ""),
                    date=date)
