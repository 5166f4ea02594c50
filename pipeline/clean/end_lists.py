"""Lists in and at the end of an article: where its text goes on past its
last paragraph.

An article's lists (a tour's dates, the products of a round-up, opening
hours) are short lines that read like a menu or a teaser column, so the span
rules of ``article_span.py`` would end the article at them. What sets a list
apart is how the article leads into it and how its items are shaped:

- a short list straight before a line that ends articles (a share row,
  "Related", a footer), with no teaser signs in it (``tail_end``);
- a list the article announces ("Don't miss:", "The full list of dates:"),
  which runs until furniture or prose resumes (``list_end``);
- a schedule: three or more lines in a row that each begin with a date and
  go on to say what happens then, maybe under a heading ("Tour dates").
  Teaser columns put a date on a line of its own, under or over the title,
  so their dates are datelines, never the start of an item.

Kept apart from ``article_span.py`` because these rules look at a run of
lines as one list rather than at stretches of paragraphs, and read only the
line rules' verdicts (``reasons``) and the paragraph marks (``body``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import lru_cache

from .. import config

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
#: At most this many short lines after the last paragraph are a list closing
#: the article, when one of ``_TAIL_ENDS`` fires on the line after them.
TAIL_MAX_LINES = 8
_TAIL_ENDS = frozenset({"widget", "block_heading", "copyright", "navigation", "breadcrumb"})
#: A list the article announces runs at most this many lines: a product
#: round-up or a season's programme can fill a hundred short lines, and the
#: bound keeps a page's whole teaser column out when no furniture stops it.
TAIL_LIST_MAX_LINES = 150
#: Dated lines, this many or more in a row, are a list (a schedule), not datelines.
LISTED_DATES_MIN = 3
#: A schedule's heading ("The band's tour dates") is at most this many words.
LIST_HEADING_MAX_WORDS = 12
#: Verdicts a list item may carry: markup is invisible on the page, and a
#: line of figures alone (a price, a phone number) is an item's data.
LIST_ITEM_REASONS: frozenset[str | None] = frozenset({None, "markup", "punctuation"})

COMMENTS_HEADING = re.compile(
    r"^(?:\[\s*)?(?:\d+\s+)?(?:comments?|responses?|replies|discussion|join the (?:discussion|conversation)|"
    r"leave a (?:comment|reply)|post a comment|add a comment|read all comments|show comments|"
    r"view comments|conversation)\b[^.!?]{0,120}$|^permalink\b.*\bcomments\b",
    re.IGNORECASE,
)
#: A page footer's copyright line (not an image credit): ends the article.
FOOTER_COPYRIGHT = re.compile(r"©|all rights reserved|\bcopyright\s*(?:©\s*)?\d{4}",
                              re.IGNORECASE)
CUT = re.compile(r"…|\.\.\.")
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_HEADING_END = re.compile(r"[.!?…][\"'”’)\]]*$")
#: A line that starts with a date ("June 9 –", "Sat 14 March:", "2025-03-01")
#: and goes on with at least one word: one item of a schedule.
_DATE_LED = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? )?"
    rf"(?:(?:{MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS})\.?|"
    rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)"
    rf"(?:,? \d{{4}})?\s*[-–—:|@,]?\s+[^\W\d_]",
    re.IGNORECASE,
)


@lru_cache(maxsize=config.LINE_CACHE_SIZE)
def ends_page_text(line: str) -> bool:
    """A comment block's heading or a footer's copyright line: no article
    text follows it. Cached: the span steps ask about each line many times."""
    return bool(COMMENTS_HEADING.match(line) or FOOTER_COPYRIGHT.search(line))


def ends_article(line: str, reason: str | None) -> bool:
    """A share row, "Related" heading, menu, comment block or footer."""
    return reason in _TAIL_ENDS or ends_page_text(line)


def tail_end(lines: Sequence[str], reasons: Sequence[str | None], body: Sequence[bool],
             first: int, repeats: Collection[int]) -> int:
    """Where the article ends, given that its last paragraph ends at ``first``.

    An announced list or a schedule straight after the last paragraph is
    the article's (``list_end``). Otherwise a short list closing the article
    (dates, prices, contacts) is short lines no rule flags, straight before
    a line that ends articles. A teaser list differs: its items are set apart
    by dates and bylines, or it runs on into more paragraphs, or has titles
    cut off with "..." or the page's own title (``repeats``) among them; short
    sentences there are notes and calls to action ("Sign up here.", "Editing
    by ..."). Labels left at the end ("Appendix:") are not kept.
    """
    if first >= len(lines):
        return first
    listed = max(list_end(lines, reasons, body, first, repeats),
                 _open_list_end(lines, reasons, body, first, repeats))
    if listed > first:
        return _trim(lines, reasons, first, listed)
    stop = min(len(lines), first + TAIL_MAX_LINES + 1)
    end = next((j for j in range(first, stop) if ends_article(lines[j], reasons[j])
                or body[j] or reasons[j] not in LIST_ITEM_REASONS), stop)
    if end >= stop or not ends_article(lines[end], reasons[end]) \
            or any(CUT.search(lines[j]) or SENTENCE_END.search(lines[j])
                   for j in range(first, end)) \
            or any(first <= j < end for j in repeats):
        return first  # cut-off titles or the page's own title (teasers), notes ("Sign up.")
    return _trim(lines, reasons, first, end)


def _trim(lines: Sequence[str], reasons: Sequence[str | None], first: int, end: int) -> int:
    """``end`` moved back past flagged lines and labels left at the list's end."""
    while end > first and (reasons[end - 1] or lines[end - 1].endswith(":")):
        end -= 1
    return end


def list_end(lines: Sequence[str], reasons: Sequence[str | None], body: Sequence[bool],
             start: int, repeats: Collection[int]) -> int:
    """The first line after a list that starts at ``start`` (its label or
    heading, or its first item); ``start`` when no list starts there."""
    if start >= len(lines) or reasons[start] is not None:
        return start
    if lines[start].endswith(":"):
        return _announced_end(lines, reasons, body, start, repeats)
    return _schedule_end(lines, reasons, start)


def _open_list_end(lines: Sequence[str], reasons: Sequence[str | None], body: Sequence[bool],
                   first: int, repeats: Collection[int]) -> int:
    """The end of an announced list that ``first`` lies in (its items may be
    sentences, so the last paragraph can be one of them); ``first`` if none."""
    for label in range(first - 1, max(-1, first - 1 - TAIL_LIST_MAX_LINES), -1):
        if reasons[label] is None and lines[label].endswith(":"):
            return max(first, _announced_end(lines, reasons, body, label, repeats))
    return first


def _announced_end(lines: Sequence[str], reasons: Sequence[str | None], body: Sequence[bool],
                   label: int, repeats: Collection[int]) -> int:
    """The end of the list announced by ``lines[label]`` ("Don't miss:").

    The list runs until a line a rule flags as furniture, a teaser cut off
    with "...", the page's own title, or two paragraphs in a row (prose
    resumes); an item may itself be a sentence ("Not included: ...").
    """
    stop = min(len(lines), label + 1 + TAIL_LIST_MAX_LINES)
    j = label + 1
    while j < stop and reasons[j] in LIST_ITEM_REASONS and not CUT.search(lines[j]) \
            and j not in repeats and not (body[j] and _next_is_paragraph(reasons, body, j)):
        j += 1
    return j if j > label + 1 else label


def _next_is_paragraph(reasons: Sequence[str | None], body: Sequence[bool], i: int) -> bool:
    """Whether the next visible line after ``i`` (markup is not) is a paragraph."""
    j = i + 1
    while j < len(body) and reasons[j] == "markup":
        j += 1
    return j < len(body) and body[j]


def _schedule_end(lines: Sequence[str], reasons: Sequence[str | None], start: int) -> int:
    """The end of a schedule starting at ``start``, under a heading or not."""
    first = start
    if not _DATE_LED.match(lines[start]):
        if len(lines[start].split()) > LIST_HEADING_MAX_WORDS \
                or _HEADING_END.search(lines[start]):
            return start
        first = start + 1
    j, items = first, 0
    while j < len(lines) and (reasons[j] == "markup" or (
            reasons[j] is None and _DATE_LED.match(lines[j]))):
        items += reasons[j] is None
        j += 1
    return j if items >= LISTED_DATES_MIN else start


def listed_dates(lines: Sequence[str], reasons: Sequence[str | None]) -> list[str | None]:
    """The verdicts with dated lines listed under a label ("Tour dates:") cleared:
    ``LISTED_DATES_MIN`` or more in a row there are the article's list, not datelines."""
    result = list(reasons)
    for i, line in enumerate(lines):
        if reasons[i] is None and line.endswith(":"):
            j = i + 1
            while j < len(lines) and reasons[j] == "dateline":
                j += 1
            if j - i - 1 >= LISTED_DATES_MIN:
                result[i + 1:j] = [None] * (j - i - 1)
    return result
