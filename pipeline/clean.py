"""Stage 2, clean: keep an article's title and body, drop the site around it.

Scraped pages arrive as plain text (a block per line) or as HTML. HTML goes
through trafilatura first; both then pass the same line rules, so a site's
furniture is handled the same way whatever the scraper saved. Every line gets
a decision and a reason (the datatrove habit): a cleaner is only debuggable
when it says why it dropped something.

The cascade, for one page:

1. split into lines and normalise white space;
2. give each line a local reason to drop it, if any (widgets, captions,
   copyright, bylines, bare dates, breadcrumbs, another language);
3. find where the article starts (first body-like line) and ends (a
   "Related news"/"Trending" style heading after it);
4. pick the title, drop what lies outside the article, fragments and repeats;
5. strip source tags and datelines glued to the first paragraph.
"""

from __future__ import annotations

import re
from datetime import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import trafilatura

#: A body paragraph has at least this many words...
BODY_MIN_WORDS = 8
#: ...unless it is a transcript turn ("Q: ...?"), which can be short.
TURN_MIN_WORDS = 3
#: A kept line inside the article with fewer words and no end punctuation is
#: a fragment (section label, tag, stray menu item).
FRAGMENT_MAX_WORDS = 4
#: A title has this many words at least and at most.
TITLE_MIN_WORDS = 4
TITLE_MAX_WORDS = 30
#: Below this share of English function words (and with foreign signs) a line
#: is another language. English prose runs at 0.3-0.5; headlines near 0.15.
ENGLISH_FUNCTION_SHARE = 0.1
#: Share of non-ASCII letters above which a line is not English.
NON_ASCII_SHARE = 0.2

_END_PUNCT = re.compile(r"[.!?:…][\"'”’)\]]*$|[\"”’]$")
_TURN = re.compile(r"^(?:Q|A|Question|Answer)\s*[:：]", re.IGNORECASE)
_WIDGET = re.compile(
    r"^(?:log ?in|sign ?in|sign up|register|subscribe|share|share this|reactions?|print|email|"
    r"comments?|comment \(\d+\)|\d+ comments?|leave a comment|no data|no videos available|"
    r"source|advertisement|back to top|follow us.*|search|menu|home|close|read more|"
    r"listen|font size.*|like|tweet|whatsapp|facebook|twitter|telegram|copy link|"
    r"skip to (?:main )?content|toggle navigation|rss|newsletter)\s*:?\s*$",
    re.IGNORECASE,
)
#: Words of log-in bars, share rows and menus; a line made only of them is a widget.
_WIDGET_WORDS = frozenset(
    "log in login logout sign up register subscribe share print email search menu home close "
    "facebook twitter x linkedin whatsapp telegram vk wechat weibo reddit copy link rss "
    "newsletter follow us ingresar acceder compartir masuk entrar войти".split()
)
_WIDGET_PREFIX = re.compile(
    r"^(?:share(?: this(?: article| story)?)?(?: to| on)?|follow us(?: on)?|compartir|"
    r"read more|also read|see also|read also|baca juga|lea también|lire aussi|related|"
    r"tags?|topics?|keywords?|comments?(?: \(\d+\))?|reactions?)\s*:",
    re.IGNORECASE,
)
_META_PREFIX = re.compile(r"^(?:updated|published|last updated|posted|modified|source|"
                          r"reporter|editor|author|by)\b\s*:?", re.IGNORECASE)
_RELATIVE_TIME = re.compile(r"\b\d+ (?:seconds?|minutes?|mins?|hours?|days?|weeks?) ago\b",
                            re.IGNORECASE)
_BLOCK_HEADING = re.compile(
    r"^(?:related(?: news| stories| articles| posts)?|trending(?: now)?|most (?:viewed|read|popular)|"
    r"same (?:tag|category|author|topic)|see also|you may also like|you might also like|"
    r"more (?:from|on|in|stories|news).*|latest(?: news)?|recommended(?: for you)?|"
    r"read (?:also|next)|popular|editor'?s? picks?|tags?|topics?|keywords?|"
    r"other news|top stories|most read|read next|most popular|related (?:posts|articles)|"
    r"lo más (?:leído|visto)|noticias relacionadas|más leídas|terpopuler|berita terkait|"
    r"à lire aussi|les plus lus|похожие новости|читайте также)\s*:?\s*$",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"(?:\(\s*(?:photo|image|file photo|photograph|picture)s?\s*:[^)]*\)\s*$)|"
    r"(?:\b(?:photo|image|file photo|photograph|picture|credit|illustration)s?\s*(?::|by)\s*\S[^.]{0,60}$)|"
    r"(?:^(?:photo|image|file photo|illustration)s?\s*:)|"
    r"(?:\((?:[A-Z][\w.'’ -]*/)+[\w.'’ -]+\)$)",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved", re.IGNORECASE)
_BYLINE = re.compile(
    r"^(?:by|written by|reporter|reported by|editor|edited by|author)\s*:?\s+"
    r"[\w.'’ -]{2,60}$|^[\w.'’ -]{2,40}\s*[|/-]\s*(?:reporter|correspondent|editor)$",
    re.IGNORECASE,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    r"(?P<iso>(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d))|(?P<dmy>(?<!\d)\d{1,2}/\d{1,2}/\d{4}(?!\d))|"
    rf"(?P<mdy>\b(?:{_MONTHS})\.? \d{{1,2}},? \d{{4}}\b)|(?P<dmony>\b\d{{1,2}} (?:{_MONTHS})\.?,? \d{{4}}\b)|"
    rf"(?P<dotted>(?<!\d)\d{{1,2}}\.\d{{1,2}}\.\d{{4}}(?!\d))|"
    rf"(?P<monslash>\b(?:{_MONTHS}) \d{{1,2}}/\d{{4}}\b)",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?\b|\b(?:GMT|UTC|ICT)[+-]?\d*\b", re.I)
_BREADCRUMB = re.compile(r"\s(?:>|»|›)\s")
_SEPARATORS = re.compile(r"\s+[|/·•]\s+")
_SOURCE_TAG = re.compile(r"^(?P<tag>[A-Z][\w-]*(?:\.[a-z]{2,}){1,2}\.?)\s+(?=[A-Z\"“])")
_WIRE_DATELINE = re.compile(
    r"^(?P<tag>[A-Z][A-Z .'-]{2,30}(?:,\s*[A-Z][a-z]+\.? \d{1,2})?\s*(?:\([A-Za-z .]+\))?\s*"
    r"(?:[-–—]{1,2}|:)\s+)(?=[A-Z\"“])"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an of to in and or for on at by with from as is are was were be been has have had "
    "that this these those it its not no but will would shall should can could said says "
    "he she they we i you his her their our who which what when where while after before "
    "also than more about into over under between against during".split()
)
_FOREIGN_FUNCTION_WORDS = frozenset(
    "le la les des du une et est dans pour que qui sur avec el los las del y en por con una "
    "der die das und ist mit von den zu nicht và của là những các được trong cho với một "
    "il di che della per non da um uma com não yang dan untuk dengan ini itu dari ke pada "
    "juga tidak akan oleh dalam".split()
)


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


LineRule = tuple[str, Callable[[str], bool]]


def _is_widget(line: str) -> bool:
    """A log-in bar, share row or widget label, alone or with a short tail."""
    words = [w.lower() for w in _WORD.findall(line)]
    if words and all(w in _WIDGET_WORDS for w in words):
        return True
    if _WIDGET_PREFIX.match(line) and len(words) <= 25:
        return True
    return bool(_WIDGET.match(line))


def _is_block_heading(line: str) -> bool:
    """"Related news", "Most read" and the like, also in bilingual pairs."""
    return any(_BLOCK_HEADING.match(part) for part in _SEPARATORS.split(line))


def _is_navigation(line: str) -> bool:
    """Menu rows: items split by | or /, or a run of capitalised words with no
    function word and no punctuation ("News Politics Economy World")."""
    parts = _SEPARATORS.split(line)
    if len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts) \
            and not _END_PUNCT.search(line):
        return True
    words = line.split()
    return (len(words) >= 5 and all(w[:1].isupper() for w in words)
            and not any(w.lower() in _ENGLISH_FUNCTION_WORDS for w in words)
            and not re.search(r"[\d.,:;!?'’\"“”]", line))


def _is_metadata(line: str) -> bool:
    """Updated/Published/Reporter/Editor lines, often several joined by |."""
    if _RELATIVE_TIME.search(line) and len(line.split()) <= 8:
        return True
    if not _META_PREFIX.match(line):
        return False
    return len(line.split()) <= 14 and not _END_PUNCT.search(line.rstrip(".") + "x")


def _is_caption(line: str) -> bool:
    return len(line) < 400 and bool(_CAPTION.search(line))


def _is_copyright(line: str) -> bool:
    return len(line.split()) < 30 and bool(_COPYRIGHT.search(line))


def _is_byline(line: str) -> bool:
    return bool(_BYLINE.match(line))


def _is_dateline(line: str) -> bool:
    """A line that is only a date, a time, or a source name glued to a date."""
    rest = _TIME.sub(" ", _DATE.sub(" ", line))
    return rest != line and len(_WORD.findall(rest)) <= 4 and not _END_PUNCT.search(rest.strip())


def _is_breadcrumb(line: str) -> bool:
    return len(_BREADCRUMB.findall(line)) >= 1 and not _END_PUNCT.search(line) and len(line) < 200


def _is_punctuation(line: str) -> bool:
    return not _WORD.search(line)


def is_other_language(line: str) -> bool:
    """True when a line is not English: many non-ASCII letters, or few English
    function words beside foreign ones. Names with diacritics inside an English
    sentence stay English because the sentence's function words outweigh them.
    """
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 3:
        return False
    non_ascii = sum(not c.isascii() for c in letters) / len(letters)
    words = [w.lower() for w in _WORD.findall(line)]
    english = sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / max(len(words), 1)
    foreign = sum(w in _FOREIGN_FUNCTION_WORDS for w in words)
    if non_ascii > NON_ASCII_SHARE and english < 0.25:
        return True
    enough_foreign = foreign >= (1 if len(words) >= 6 else 2)
    return english < ENGLISH_FUNCTION_SHARE and (enough_foreign or non_ascii > 0.05)


#: Local rules, checked in order; the first that fires names the reason.
LINE_RULES: tuple[LineRule, ...] = (
    ("punctuation", _is_punctuation),
    ("block_heading", _is_block_heading),
    ("widget", _is_widget),
    ("metadata", _is_metadata),
    ("navigation", _is_navigation),
    ("caption", _is_caption),
    ("copyright", _is_copyright),
    ("byline", _is_byline),
    ("dateline", _is_dateline),
    ("breadcrumb", _is_breadcrumb),
    ("other_language", is_other_language),
)


def line_reason(line: str) -> str | None:
    """The reason a line is furniture on its own, or None if no rule fires."""
    for reason, rule in LINE_RULES:
        if rule(line):
            return reason
    return None


def is_body_like(line: str) -> bool:
    """Whether a line reads like a paragraph of running text."""
    words = len(line.split())
    if _TURN.match(line):
        return words >= TURN_MIN_WORDS
    return words >= BODY_MIN_WORDS and bool(_END_PUNCT.search(line)) or words >= 25


def clean_text(text: str, *, title: str = "") -> CleanedArticle:
    """Clean one scraped plain-text page.

    Args:
        text: the page's visible text, a block per line.
        title: the title when the record carries one; otherwise it is found.

    Returns:
        The cleaned article with a decision for every non-empty line.
    """
    lines = split_lines(text)
    reasons = [line_reason(line) for line in lines]
    start, end = _article_span(lines, reasons)
    title_index = _find_title(lines, reasons, start, title)
    start = start + 1 if title_index == start else start
    decisions = _decide(lines, reasons, start, end, title_index, title)
    date = find_date([line.text for line in decisions if not line.kept and line.index < end])
    return _assemble(decisions, title or (lines[title_index] if title_index is not None else ""),
                     date=date)


def clean_html(html: str, *, title: str = "") -> CleanedArticle:
    """Clean one HTML page: trafilatura extracts the main text, then line rules.

    Scripts, styles and comments never reach the output: trafilatura drops them
    and we ask for no comments and no tables (tables are mostly sidebars).
    """
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        favor_recall=True, deduplicate=False,
    )
    if doc is None or not (doc.text or "").strip():
        return CleanedArticle(title=title, paragraphs=(), dropped_counts={"no_main_text": 1})
    page_title = title or (doc.title or "").strip()
    cleaned = clean_text(doc.text, title=page_title)
    return CleanedArticle(
        title=cleaned.title, paragraphs=cleaned.paragraphs, lines=cleaned.lines,
        date=cleaned.date or (doc.date or ""), site=doc.sitename or "",
        dropped_counts=cleaned.dropped_counts,
    )


def split_lines(text: str) -> list[str]:
    """Non-empty lines with white space (including no-break spaces) collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _article_span(lines: Sequence[str], reasons: Sequence[str | None]) -> tuple[int, int]:
    """Index of the first body-like line and of the first line after the article."""
    body = [i for i, line in enumerate(lines) if reasons[i] is None and is_body_like(line)]
    if not body:
        return len(lines), len(lines)
    start = body[0]
    end = next((i for i in range(start, len(lines)) if reasons[i] == "block_heading"), len(lines))
    return start, end


def _find_title(lines: Sequence[str], reasons: Sequence[str | None], start: int,
                given: str) -> int | None:
    """The title line: the given title if it appears, else the nearest
    headline-shaped line at or above the article's first paragraph."""
    if given:
        wanted = _normalise(given)
        return next((i for i, line in enumerate(lines) if _normalise(line) == wanted), None)
    for i in range(min(start, len(lines) - 1), -1, -1):
        if reasons[i] is None and _is_headline(lines[i]):
            return i
    return None


def _is_headline(line: str) -> bool:
    words = len(line.split())
    return (TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS and not line.isupper()
            and not re.search(r"[.!?]$", line))


def _decide(lines: Sequence[str], reasons: Sequence[str | None], start: int, end: int,
            title_index: int | None, title: str) -> list[Line]:
    seen: set[str] = set()
    wanted_title = _normalise(title or (lines[title_index] if title_index is not None else ""))
    decisions = []
    for i, line in enumerate(lines):
        key = _normalise(line)
        if i == title_index:
            reason = "title"
        elif wanted_title and key == wanted_title:
            reason = "title_repeat"
        elif reasons[i]:
            reason = reasons[i]
        elif i < start:
            reason = "before_article"
        elif i >= end:
            reason = "after_article"
        elif key in seen:
            reason = "duplicate"
        elif len(line.split()) <= FRAGMENT_MAX_WORDS and not _END_PUNCT.search(line):
            reason = "fragment"
        else:
            reason = "body"
        seen.add(key)
        decisions.append(Line(i, line, reason in ("title", "body"), reason))
    return decisions


def _assemble(decisions: list[Line], title: str, *, date: str) -> CleanedArticle:
    paragraphs: list[str] = []
    counts: dict[str, int] = {}
    for line in decisions:
        if line.reason == "body":
            paragraphs.append(line.text)
        elif not line.kept:
            counts[line.reason] = counts.get(line.reason, 0) + 1
    if paragraphs:
        paragraphs[0], tag = strip_source_tag(paragraphs[0])
        if tag:
            counts["source_tag"] = 1
            date = date or find_date([tag])
    return CleanedArticle(title=title, paragraphs=tuple(paragraphs), lines=tuple(decisions),
                          date=date, dropped_counts=counts)


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
        match = _DATE.search(line)
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


def _normalise(line: str) -> str:
    return " ".join(line.lower().split()).strip(" .:")
