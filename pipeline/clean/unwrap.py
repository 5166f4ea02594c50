"""Hard-wrapped text back into paragraphs, before cleaning judges lines.

Government archives, e-mail bulletins and markdown exports often wrap prose
at a fixed width (70-80 characters) with single newlines inside a paragraph
and blank lines between paragraphs. The cleaner judges a page line by line,
so a wrapped paragraph would be judged as a dozen short fragments (many of
them dropped as furniture) and spaCy would break sentences at every line
end. ``unwrap_hard_wraps`` finds such texts and joins each wrapped line to
the next; any other text is returned unchanged.

A line was wrapped when the next line's first word would not have fitted
on it (the rule every wrapping tool follows), or when it stops inside a
sentence and is full or followed by a lower-case word; short lines
(headings, list items, speaker turns, the last line of a paragraph) stay
where they are.
"""

from __future__ import annotations

import itertools
import re

import numpy as np

#: Wrapping widths seen in practice (RFC 3676 e-mail 66-78, markdown 72-80,
#: older archives 60-65). Texts whose line lengths centre elsewhere are
#: scraped a block per line and must not be joined.
MIN_WIDTH, MAX_WIDTH = 40, 100
#: A wrapped text fills most of its lines: at least this share of the lines
#: followed by another line end within ``FULL_MARGIN`` characters of the width.
MIN_FULL_SHARE = 0.6
FULL_MARGIN = 15
#: Fewer wrapped-looking lines than this is too little evidence.
MIN_FULL_LINES = 3
#: Wrapping breaks lines wherever the width runs out, so most full lines end
#: inside a sentence; a block-per-line page ends nearly all with a full stop.
MIN_OPEN_SHARE = 0.5
_CLOSED = tuple(".!?:;\"”’)")
#: The estimated width is this quantile of the line lengths (robust to a
#: stray long line, such as a URL).
WIDTH_QUANTILE = 0.95

_LIST_ITEM = re.compile(r"\s*(?:[-*\u2022\u2013\u2014]\s|\d{1,3}[.)]\s|[a-z][.)]\s)")
#: An en or em dash and a lower-case word after a line that stops inside a
#: sentence is the sentence going on ("the second round of talks\n— and the
#: third — will ..."), not a list item.
_DASH_CONTINUATION = re.compile(r"\s*[\u2013\u2014]\s+[a-z]")


def unwrap_hard_wraps(text: str) -> str:
    """``text`` with hard-wrapped paragraphs joined into one line each (lines
    joined by one space), or ``text`` itself when it is not hard-wrapped."""
    lines = text.split("\n")
    width = wrap_width(lines)
    if width is None:
        return text
    joined: list[str] = []
    pending_break = False  # a blank line seen after a line that stops mid-sentence
    previous = ""
    for line in lines:
        if not line.strip() and _open_sentence(previous) and not pending_break:
            pending_break = True
            continue
        if joined and (_was_wrapped(previous, line, width) or
                       (pending_break and _continues_sentence(previous, line))):
            joined[-1] = joined[-1].rstrip() + " " + line.lstrip()
        else:
            if pending_break:
                joined.append("")
            joined.append(line)
        pending_break = False
        previous = line
    if pending_break:
        joined.append("")
    return "\n".join(joined)


def wrap_width(lines: list[str]) -> int | None:
    """The width the text was wrapped at, or ``None`` if it was not wrapped."""
    inner = [line.rstrip() for line, following in itertools.pairwise(lines)
            if line.strip() and following.strip()]
    if len(inner) < MIN_FULL_LINES:
        return None
    width = int(np.quantile([len(line) for line in inner], WIDTH_QUANTILE))
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        return None
    full = [line for line in inner if width - FULL_MARGIN <= len(line)]
    if len(full) < MIN_FULL_LINES or len(full) < MIN_FULL_SHARE * len(inner):
        return None
    open_lines = sum(not line.endswith(_CLOSED) for line in full)
    return width if open_lines >= MIN_OPEN_SHARE * len(full) else None


def _was_wrapped(line: str, following: str, width: int) -> bool:
    """Whether ``following`` continues ``line``: the wrapper moved its first
    word down because it did not fit, or ``line`` stops inside a sentence
    and either is full or is followed by a lower-case word. The last two
    catch text typeset in proportional fonts (PDF and OCR records), where
    character counts per line vary."""
    if not line.strip() or not following.strip():
        return False
    if line.endswith("  ") or _starts_list_item(line, following):  # markdown break
        return False
    first_word = following.split(None, 1)[0]
    length = len(line.rstrip())
    if length + 1 + len(first_word) > width:
        return True
    return _open_sentence(line) and (length >= width - FULL_MARGIN or first_word[0].islower())


def _starts_list_item(line: str, following: str) -> bool:
    """Whether ``following`` opens a list item rather than continuing ``line``."""
    if not _LIST_ITEM.match(following):
        return False
    return not (_open_sentence(line) and _DASH_CONTINUATION.match(following))


def _open_sentence(line: str) -> bool:
    """A non-empty line that stops without closing punctuation."""
    stripped = line.rstrip()
    return bool(stripped) and not stripped.endswith(_CLOSED)


def _continues_sentence(line: str, following: str) -> bool:
    """Across a blank line (a page break in a scanned record), only a
    sentence that goes on in lower case is joined."""
    words = following.split(None, 1)
    return _open_sentence(line) and bool(words) and words[0][0].islower() \
        and not _starts_list_item(line, following)
