"""How sure the plain-text article span is, and what to keep when it is not.

``article_span.py`` picks one stretch of paragraphs as the article: the one
below the headline's repeat, or the page's biggest. On sites nobody has
studied it can land on the wrong stretch (a standfirst, a teaser block, an
"About us" text) and the whole body is lost. For this product a lost body
line is a lost statement, while a kept furniture line is mostly labeled
``other`` downstream, so the rule is: **when unsure, keep**.

Two signs that the span is unsure, each keeping lines outside it with
reason ``prose`` (lines a furniture rule flags stay dropped, and nothing is
kept past the page's comment block or footer, ``is_page_end``: the end of a page's text is
strong evidence, a "Related" heading or a run of short lines is not):

1. the span holds less than ``UNSURE_SHARE`` of the page's prose (lines no
   rule flags that read as paragraphs, in distinct words): every prose line
   with another within ``NEIGHBOUR_LINES`` lines is kept (running text, not
   the lone summaries of a teaser list);
2. another stretch reads as running text too (several paragraphs mostly back
   to back) and has at least ``RIVAL_MIN_WORDS`` words: a second part of the
   article that a big inline block split off, or the article itself when the
   span chose a metadata dump; its paragraphs are kept.

``UNSURE_SHARE`` sits below every page of the read part of the news pages
(the lowest span there holds 0.40 of its page's prose, on a page with a long
comment thread). On the visible text of the unread part's HTML pages, where
the span step lost the whole body of two pages, the two signs take body kept
from 0.956 to 0.985 and lose no page (furniture share 0.209 -> 0.225).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .end_lists import COMMENTS_HEADING, ends_page_text
from .lines import normalise_line

#: Kept lines outside an unsure span carry this reason.
PROSE_REASON = "prose"
#: A span holding less than this share of the page's prose words is unsure.
UNSURE_SHARE = 1 / 3
#: Only prose lines with another within this many lines are kept then: running
#: text, not a teaser list (title, summary, date, title, ...).
NEIGHBOUR_LINES = 2
#: A running-text stretch outside the span with this many words is kept
#: (``article_span.ANCHOR_MIN_WORDS``: the least a headline's article has).
RIVAL_MIN_WORDS = 100
#: What a page footer's copyright line says and a picture credit does not.
FOOTER_NOTICE = re.compile(r"\b(?:19|20)\d\d\b|all rights reserved", re.IGNORECASE)
#: Running text: at least this many paragraphs, making up at least this share
#: of the lines up to the last of them.
MERGE_MIN_PARAGRAPHS = 3
RUNNING_TEXT_SHARE = 0.6


def is_running_text(body: Sequence[bool], start: int, end: int) -> bool:
    """Several paragraphs, mostly back to back (teasers alternate title and
    summary), up to the last of them: what trails it (a list the article
    presents, see end_lists) does not make it less of a text."""
    marks = [i for i in range(start, end) if body[i]]
    return (len(marks) >= MERGE_MIN_PARAGRAPHS
            and len(marks) >= RUNNING_TEXT_SHARE * (marks[-1] + 1 - start))


def is_page_end(lines: Sequence[str], body: Sequence[bool], i: int) -> bool:
    """Whether no article text follows line ``i``: a comment block's heading,
    a footer's copyright line (a year, or "all rights reserved"), or a bare
    copyright sign that no running text of ``RIVAL_MIN_WORDS`` words follows
    before the next such line. A credit under a picture ("(c) Jane
    Roe/Agency") has that sign too, but sits inside the article with the rest
    of it below: the article stops on strong evidence only, since a lost
    paragraph is a lost statement."""
    line = lines[i]
    if not ends_page_text(line):  # cached: asked of every line
        return False
    if COMMENTS_HEADING.match(line) or FOOTER_NOTICE.search(line):
        return True
    stop = next((j for j in range(i + 1, len(lines)) if ends_page_text(lines[j])), len(lines))
    return not (is_running_text(body, i + 1, stop)
                and prose_words(lines, body, range(i + 1, stop)) >= RIVAL_MIN_WORDS)


def prose_words(lines: Sequence[str], body: Sequence[bool], indices: range | Sequence[int]
                ) -> int:
    """Words of the distinct prose lines among ``indices`` (a gallery repeats
    its captions; repeats should not outweigh the article)."""
    distinct = {normalise_line(lines[i]) for i in indices if body[i]}
    return sum(len(key.split()) for key in distinct)


def span_share(lines: Sequence[str], body: Sequence[bool], start: int, end: int) -> float:
    """The share of the page's prose words that lie in ``lines[start:end]``
    (1.0 on a page without prose: nothing is missing)."""
    total = prose_words(lines, body, range(len(lines)))
    return prose_words(lines, body, range(start, end)) / total if total else 1.0


def unsure_prose(lines: Sequence[str], body: Sequence[bool], start: int, end: int, *,
                 rivals: Sequence[tuple[int, int]] = ()) -> frozenset[int]:
    """Prose lines outside the span to keep because the span is unsure (empty
    when it is sure), above it and below it up to the first comment block or
    footer: those of running-text ``rivals`` ((first, end) of each stretch)
    with ``RIVAL_MIN_WORDS`` words, and when the span holds too small a share
    of the page's prose, every prose line with a prose neighbour."""
    stop = next((i for i in range(end, len(lines)) if is_page_end(lines, body, i)), len(lines))
    if span_share(lines, body, start, end) >= UNSURE_SHARE:
        return frozenset(i for first, last in rivals if (last <= start or end <= first < stop)
                         and prose_words(lines, body, range(first, last)) >= RIVAL_MIN_WORDS
                         for i in range(first, last) if body[i])
    return frozenset(i for i in (*range(start), *range(end, stop)) if body[i]
                     and any(body[j] for j in range(max(0, i - NEIGHBOUR_LINES),
                                                    min(len(body), i + NEIGHBOUR_LINES + 1))
                             if j != i))
