"""A page as lines: the first step of cleaning, for text and for HTML.

Plain text arrives a block per line; HTML is walked block element by block
element (``html_blocks``) so both reach the line rules of ``cleaner.py`` in the
same shape. ``fill_gaps`` puts back lines an HTML extractor dropped inside
the article. ``normalise_line`` is the key every comparison of lines uses
(title repeats, duplicates, site furniture). ``Line`` and ``CleanedArticle``
are the records the cleaner returns: a decision for every line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import trafilatura

from .. import config

#: Zero-width characters: invisible, so they never count as text.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class Line:
    """One line of the page and what the cleaner decided about it."""

    index: int
    text: str
    kept: bool
    reason: str


@dataclass(frozen=True)
class CleanedArticle:
    """Title and body of one page, plus every decision made on the way."""

    title: str
    paragraphs: tuple[str, ...]
    lines: tuple[Line, ...] = ()
    date: str = ""
    site: str = ""
    dropped_counts: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The cleaned text: title on the first line, then a paragraph a line.

        Sentence offsets in the output tables point into this string.
        """
        return "\n".join(part for part in (self.title, *self.paragraphs) if part)


def split_lines(text: str) -> list[str]:
    """Non-empty lines with white space (including no-break spaces) collapsed
    and zero-width characters removed (a line of them alone is empty)."""
    lines = (" ".join(INVISIBLE.sub("", line).split()) for line in text.splitlines())
    return [line for line in lines if line]


#: How trafilatura's text output marks a list item (``<li>``).
_EXTRACTED_LIST_MARK = re.compile(r"^- (?=\S)")


def extracted_lines(text: str) -> list[str]:
    """An extractor's text as lines, with trafilatura's "- " list marks taken
    off: the page shows no dash, and without it an item matches its page
    block (``fill_gaps``), so it is neither lost nor put back twice."""
    return [_EXTRACTED_LIST_MARK.sub("", line) for line in split_lines(text)]


@lru_cache(maxsize=config.LINE_CACHE_SIZE)
def normalise_line(line: str) -> str:
    """A line's comparison key: case, spacing and end punctuation ignored.

    Cached: each line is compared several times (title, duplicates, site furniture).
    """
    return " ".join(line.lower().split()).strip(" .:")


#: Tags whose text is never page text.
_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "head", "iframe", "button", "select",
    "option", "textarea", "object", "embed", "canvas", "video", "audio",
})
#: Tags that start a new line of text (everything else is inline).
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "blockquote", "pre",
    "figcaption", "figure", "section", "article", "header", "footer", "nav", "aside", "ul", "ol",
    "dl", "dt", "dd", "table", "br", "hr", "main", "address", "caption", "center", "form",
})
#: HTML5 elements whose text is, by the standard's own definition, not the
#: article's: picture captions, navigation, footers, and asides (sidebars,
#: related boxes, pull quotes).
FURNITURE_TAGS = frozenset({"figcaption", "nav", "footer", "aside"})
#: A recovered line needs this many words: shorter ones are mostly credits and buttons.
RECOVER_MIN_WORDS = 4
#: A photo credit alone: "Jane Roe/Site", "Jane Roe, ASSOCIATED PRESS".
_CREDIT = re.compile(r"^[A-Z][\w.'’ -]{1,40}(?:/|, )[A-Z][\w.&'’ -]{1,40}$")
#: Gaps of at most this many page lines between two extracted lines are filled.
GAP_MAX_LINES = 2


def html_blocks(html: str) -> list[str]:
    """The page's visible text, one line per block element, in page order."""
    return page_blocks(html)[0]


def page_blocks(html: str) -> tuple[list[str], list[bool]]:
    """The page's visible text, one line per block element, in page order,
    and for each whether it lies inside a ``FURNITURE_TAGS`` element."""
    tree = trafilatura.load_html(html)
    if tree is None:
        return [], []
    blocks: list[str] = []
    placed: list[bool] = []
    buffer: list[str] = []
    depth = 0  # open FURNITURE_TAGS elements around the walk

    def flush() -> None:
        text = " ".join(INVISIBLE.sub("", "".join(buffer)).split())
        if text:
            blocks.append(text)
            placed.append(depth > 0)
        buffer.clear()

    def walk(element) -> None:
        nonlocal depth
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag and tag not in _SKIP_TAGS:
            if tag in _BLOCK_TAGS:
                flush()
            depth += tag in FURNITURE_TAGS
            buffer.append(element.text or "")
            for child in element:
                walk(child)
            if tag in _BLOCK_TAGS:
                flush()
            depth -= tag in FURNITURE_TAGS
        buffer.append(element.tail or "")

    body = tree.find(".//body")
    walk(body if body is not None else tree)
    flush()
    return blocks, placed


def furniture_keys(blocks: Sequence[str], placed: Sequence[bool]) -> frozenset[str]:
    """Comparison keys of the blocks found only inside ``FURNITURE_TAGS``
    elements (a headline also repeated in a menu is not one of them)."""
    inside = {normalise_line(b) for b, p in zip(blocks, placed) if p}
    outside = {normalise_line(b) for b, p in zip(blocks, placed) if not p}
    return frozenset(inside - outside)


def fill_gaps(lines: list[str], blocks: Sequence[str], vouched: frozenset[int] = frozenset()
              ) -> tuple[list[str], frozenset[int]]:
    """Rejoin split paragraphs and put back lines that sit in small gaps.

    Each extracted line is matched to the next page block with the same text.
    Lines that are only pieces of one block (hard line breaks inside a
    ``<p>``) are replaced by the whole block. Page blocks between two matched
    lines at most ``GAP_MAX_LINES`` apart are inserted (their indices are
    returned, to be checked by ``is_recoverable``), and so are ``vouched``
    blocks (a second opinion kept them) in gaps of any size.
    """
    keys = [normalise_line(block) for block in blocks]
    positions: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        positions.setdefault(key, []).append(i)
    lines = _join_split_paragraphs(lines, blocks, keys)
    have = {normalise_line(line) for line in lines}
    result: list[str] = []
    recovered: set[int] = set()
    previous = None
    for line in lines:
        match = next((i for i in positions.get(normalise_line(line), ())
                      if previous is None or i > previous), None)
        if match is not None and previous is not None and match - previous > 1:
            small = match - previous <= GAP_MAX_LINES + 1
            for j in range(previous + 1, match):
                if keys[j] and keys[j] not in have and (small or j in vouched):
                    if j not in vouched:
                        recovered.add(len(result))
                    result.append(blocks[j])
                    have.add(keys[j])
        result.append(line)
        previous = match if match is not None else previous
    # A list closing the article that the extractor cut, when vouched for.
    j = (previous or 0) + 1
    while previous is not None and j < len(blocks) and j in vouched:
        if keys[j] not in have:
            result.append(blocks[j])
            have.add(keys[j])
        j += 1
    return result, frozenset(recovered)


def _join_split_paragraphs(lines: list[str], blocks: Sequence[str],
                           keys: Sequence[str]) -> list[str]:
    """Replace runs of lines that together make one page block by that block."""
    known = set(keys)
    result: list[str] = []
    i, cursor = 0, 0
    while i < len(lines):
        key = normalise_line(lines[i])
        if key in known or len(key) < 3:
            result.append(lines[i])
            i += 1
            continue
        j = next((j for j in range(cursor, len(keys)) if key in keys[j]), None)
        if j is None:
            result.append(lines[i])
            i += 1
            continue
        run = i + 1
        while run < len(lines) and normalise_line(lines[run]) in keys[j] \
                and normalise_line(lines[run]) not in known:
            run += 1
        pieces = sum(len(normalise_line(line)) + 1 for line in lines[i:run])
        if run - i >= 2 and len(keys[j]) <= pieces + 10:
            result.append(blocks[j])
            cursor = j + 1
        else:
            result.extend(lines[i:run])
        i = run
    return result


def is_recoverable(line: str) -> bool:
    """A line ``fill_gaps`` put back must look like text, not a credit or a button."""
    return len(line.split()) >= RECOVER_MIN_WORDS and not _CREDIT.search(line)
