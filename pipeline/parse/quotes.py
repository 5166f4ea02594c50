"""Quotation marks in a sentence: which characters are quoted words.

Part of the parse stage, used by ``attribution.py``. News copy quotes its
speakers and names them outside the marks (“...,” she said); a reporting
verb inside the marks is the quoted speaker's own words ("“Nobody asked
us,” he said", "“I heard the minister ask ...”") and names nobody. Double
quotes only: a single quote is as often an apostrophe.
"""

from __future__ import annotations

import re

OPEN_QUOTES = "“\""
_OPENING, _CLOSING, _EITHER = "“", "”", '"'
_MARKS = re.compile('[“”"]')


def quoted_ranges(text: str, open_at_start: bool) -> list[tuple[int, int]]:
    """Character ranges of ``text`` inside double quotation marks (the marks
    included); ``open_at_start``: a quotation opened in an earlier sentence.
    Walks the marks only (a per-character loop cost a third of attribution)."""
    ranges: list[tuple[int, int]] = []
    start = 0 if open_at_start else None
    for match in _MARKS.finditer(text):
        char, index = match.group(), match.start()
        if start is None and char != _CLOSING:
            start = index
        elif start is not None and char != _OPENING:
            ranges.append((start, index + 1))
            start = None
    if start is not None:
        ranges.append((start, len(text)))
    return ranges


def is_quoted(offset: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in ranges)


def wholly_quoted(text: str, open_at_start: bool) -> bool:
    """The sentence is quoted words only ("“We want an answer.”"), so any
    speaker it seems to name is part of the quotation."""
    stripped = text.strip()
    ranges = quoted_ranges(stripped, open_at_start)
    return bool(stripped) and len(ranges) == 1 and ranges[0] == (0, len(stripped))


def quote_open_after(text: str, was_open: bool) -> bool:
    """Whether a quotation is still open at the end of this sentence."""
    is_open = was_open
    for match in _MARKS.finditer(text):
        char = match.group()
        is_open = char == _OPENING or (char == _EITHER and not is_open)
    return is_open


def ends_quote(text: str) -> bool:
    """The sentence ends on a closing mark (“...?” / “...”), so a short
    "Holmes testified." after it names the quotation's speaker."""
    stripped = text.rstrip()
    return stripped.endswith((_CLOSING, _EITHER))
