"""Stage 2, clean: keep an article's title and body, drop the site around it.

Scraped pages arrive as plain text (a block per line) or as HTML. HTML goes
through trafilatura first; both then pass the same line rules, so a site's
furniture is handled the same way whatever the scraper saved. Every line gets
a decision and a reason (the datatrove habit): a cleaner is only debuggable
when it says why it dropped something.

The cascade, for one page:

1. split into lines and normalise white space (``lines.py``: text lines, or
   HTML block elements);
2. give each line a local reason to drop it, if any (widgets, markup,
   captions, copyright, bylines, bare dates, breadcrumbs, another language);
3. find the article (plain text): the stretch of paragraphs just below the
   headline's repeat, or the page's biggest, ended by a "Related news"
   heading, a comment block, a footer, a teaser list or a long run of
   non-paragraph lines, and continued past inline "Related" boxes. For HTML
   trafilatura has found it; lines it dropped inside the article are put
   back (small gaps, or lines the plain-text cascade keeps);
4. pick the title, drop what lies outside the article and repeats;
5. strip source tags and datelines glued to the first paragraph.

Across pages, ``furniture.clean_sites`` learns lines a site repeats on many
pages (menus, footers) and drops them, sparing recurring body lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import trafilatura

from .lines import fill_gaps, html_blocks, normalise_line, split_lines

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
#: an inline "Related" box) continues it when it has at least this many
#: paragraphs making up at least this share of its lines.
MERGE_GAP_LINES = 12
MERGE_MIN_PARAGRAPHS = 3
RUNNING_TEXT_SHARE = 0.6
#: A headline repeat starts the article only when a stretch of this many words
#: of text begins at most ANCHOR_MAX_DISTANCE lines below it.
ANCHOR_MIN_WORDS = 100
ANCHOR_MAX_DISTANCE = 30
#: The page title is looked for in this many first lines (where scrapers put <title>).
TITLE_TOP_LINES = 3
#: A "More on ..." line longer than this that ends a sentence is prose, not a heading.
BLOCK_HEADING_MAX_WORDS = 6
#: A line cut off with "…" shorter than this is a teaser, not a paragraph.
TEASER_MAX_WORDS = 40
#: This many paragraphs in a row, each set apart by two or more other lines,
#: are a teaser list (title, author, date, summary), not the article.
TEASER_RUN = 3
#: A title has this many words at least and at most.
TITLE_MIN_WORDS = 4
TITLE_MAX_WORDS = 30
#: Below this share of English function words (and with foreign signs) a line
#: is another language. English prose runs at 0.3-0.5; headlines near 0.15.
ENGLISH_FUNCTION_SHARE = 0.1
#: Share of non-ASCII letters above which a line is not English.
NON_ASCII_SHARE = 0.2

_END_PUNCT = re.compile(r"[.!?:…][\"'”’)\]]*$|[\"”’]$")
_TRUNCATED = re.compile(r"(?:…|\.\.\.)\s*$")
_TURN = re.compile(r"^(?:Q|A|Question|Answer)\s*[:：]", re.IGNORECASE)
_WIDGET = re.compile(
    r"^(?:log ?in|sign ?in|sign up(?: here)?|register|subscribe|share|share this|reactions?|print|email|"
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
    r"tags?|topics?|keywords?|comments?(?: \(\d+\))?|reactions?)\s*:|"
    r"^click to (?:share|print|email|tweet)\b|^(?:show more|close extra) sharing options$",
    re.IGNORECASE,
)
_MARKUP = re.compile(
    r"^[.#][\w-]+(?:[ .#][\w-]+)*$|\.tpl\b|^\??xml version=|<\/?(?:div|span|a|img|p|i|b|em|video|source|script|iframe|ul|li|br|figure)\b[^>]*>|"
    r"^\[if [^\]]*\]|^(?:end |begin )?(?:item|zone|fixed|text)(?: (?:begin|end) item)*$|"
    r"\bhmb:\w+|^[\w-]+/[\w/.-]+$",
    re.IGNORECASE,
)
_COMMENTS_HEADING = re.compile(
    r"^(?:\[\s*)?(?:\d+\s+)?(?:comments?|responses?|replies|discussion|join the (?:discussion|conversation)|"
    r"leave a (?:comment|reply)|post a comment|add a comment|read all comments|show comments|"
    r"view comments|conversation)\b[^.!?]{0,120}$|^permalink\b.*\bcomments\b",
    re.IGNORECASE,
)
_META_PREFIX = re.compile(r"^(?:updated|published|last updated|posted|modified|source|"
                          r"reporter|editor|author|by)\b\s*:?", re.IGNORECASE)
_RELATIVE_TIME = re.compile(
    r"\b\d+ ?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|[smhd]) ago\b", re.IGNORECASE)
_BLOCK_HEADING = re.compile(
    r"^(?:(?:top|most read|most popular|latest|trending) stories(?: in [\w .'-]{1,30})?|"
    r"related(?: news| stories| articles| posts)?|trending(?: now)?|most (?:viewed|read|popular)|"
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
    r"(?:\b(?:photo|image|file photo|photograph|picture|credit|illustration)s?\s*(?::|by)\s*"
    r"\S(?:[^.]|(?<=\b[A-Z])\.|\.(?=\S)){0,80}$)|(?:\bpurchase licensing rights$|/file photo\b)|"
    r"(?:^(?:photo|image|file photo|illustration)s?\s*:)|(?:^(?:image|photo|picture) (?:caption|copyright|source|credit)\b)|"
    r"(?:\((?:[A-Z][\w.'’ -]*/)+[\w.'’ -]+\)$)",
    re.IGNORECASE,
)
#: A photo credit alone: "Jane Roe/Site", "Jane Roe, ASSOCIATED PRESS".
_CREDIT = re.compile(r"^[A-Z][\w.'’ -]{1,40}(?:/|, )[A-Z][\w.&'’ -]{1,40}$")
#: A page footer's copyright line (not an image credit): ends the article.
_FOOTER_COPYRIGHT = re.compile(r"©|all rights reserved|\bcopyright\s*(?:©\s*)?\d{4}",
                               re.IGNORECASE)
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
    r"[-–—]{1,2}\s+)(?=[A-Z\"“])"
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
    if len(line.split()) > BLOCK_HEADING_MAX_WORDS and re.search(r"[.!?]$", line):
        return False  # a sentence that starts like one ("More information on ... .")
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


def _is_markup(line: str) -> bool:
    """Template paths, CSS selectors and tag soup a scraper saved as text."""
    return bool(_MARKUP.search(line))


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
    # One foreign function word is enough only in a sentence-case line with
    # no English one (Title Case lines are names and product listings).
    sentence_case = sum(w[:1].isupper() for w in _WORD.findall(line)) * 2 < len(words)
    enough_foreign = foreign >= 2 or (foreign and english == 0 and len(words) >= 6
                                      and sentence_case)
    return english < ENGLISH_FUNCTION_SHARE and (enough_foreign or non_ascii > 0.05)


#: Local rules, checked in order; the first that fires names the reason.
LINE_RULES: tuple[LineRule, ...] = (
    ("punctuation", _is_punctuation),
    ("block_heading", _is_block_heading),
    ("widget", _is_widget),
    ("markup", _is_markup),
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
    if _TRUNCATED.search(line) and words < TEASER_MAX_WORDS:
        return False  # a teaser cut off with "…"
    return words >= BODY_MIN_WORDS and bool(_END_PUNCT.search(line)) or words >= 25


def clean_text(text: str, *, title: str = "") -> CleanedArticle:
    """Clean one scraped plain-text page.

    Args:
        text: the page's visible text, a block per line.
        title: the title when the record carries one; otherwise it is found.

    Returns:
        The cleaned article with a decision for every non-empty line.
    """
    return _clean_lines(split_lines(text), title=title)


def clean_html(html: str, *, title: str = "") -> CleanedArticle:
    """Clean one HTML page: trafilatura finds the article, line rules tidy it.

    trafilatura is the field's reference extractor, but it drops short lines
    inside the article that sit in links or buttons (product lines, "Club
    statement", embedded posts). Lines of the page that fall in a small gap
    between two lines trafilatura kept are put back when no furniture rule
    fires (``recovered``). Because trafilatura has already found the article,
    the plain-text span and fragment rules are not applied again: they would
    drop its headings and list items. Scripts, styles and comments never reach
    the output (trafilatura drops them; the block walk skips them too).
    """
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        favor_recall=True, deduplicate=False,
    )
    if doc is None or not (doc.text or "").strip():
        return CleanedArticle(title=title, paragraphs=(), dropped_counts={"no_main_text": 1})
    blocks = html_blocks(html)
    # A second opinion: the plain-text cleaner on the page's own lines.
    vouched = frozenset(line.index for line in clean_text("\n".join(blocks)).lines
                        if line.reason == "body")
    lines, recovered = fill_gaps(split_lines(doc.text), blocks, vouched)
    cleaned = _clean_lines(lines, title=title or (doc.title or "").strip(), extracted=True,
                           recovered=recovered)
    return CleanedArticle(
        title=cleaned.title, paragraphs=cleaned.paragraphs, lines=cleaned.lines,
        date=cleaned.date or (doc.date or ""), site=doc.sitename or cleaned.site,
        dropped_counts=cleaned.dropped_counts,
    )


def _clean_lines(lines: list[str], *, title: str, extracted: bool = False,
                 recovered: frozenset[int] = frozenset()) -> CleanedArticle:
    """The line cascade shared by text and HTML (``extracted``: lines an
    extractor already chose as the article, so only local rules apply)."""
    reasons = [line_reason(line) for line in lines]
    for i in recovered:
        if reasons[i] is None and not _is_recoverable(lines[i]):
            reasons[i] = "not_in_article"
    if extracted:
        start, end, holes = 0, _article_end(reasons, 0), frozenset()
    else:
        start, end, holes = _article_span(lines, reasons)
    title_index = _find_title(lines, reasons, start, title)
    if title_index == start:
        # A headline ending in a quote reads as a paragraph; the article's
        # text starts at the next real paragraph (a byline may sit between).
        start = start + 1 if extracted else next(
            (i for i in range(start + 1, end) if reasons[i] is None and is_body_like(lines[i])),
            start + 1)
    decisions = _decide(lines, reasons, start, end, title_index, title, extracted=extracted,
                        holes=holes)
    date = find_date([line.text for line in decisions if not line.kept and line.index < end])
    return assemble(decisions, title or (lines[title_index] if title_index is not None else ""),
                     date=date)


#: A recovered line needs this many words: shorter ones are mostly credits and buttons.
RECOVER_MIN_WORDS = 4


def _is_recoverable(line: str) -> bool:
    """A recovered line must look like text, not a credit or a button."""
    return len(line.split()) >= RECOVER_MIN_WORDS and not _CREDIT.search(line)


def _article_span(lines: Sequence[str], reasons: Sequence[str | None]
                  ) -> tuple[int, int, frozenset[int]]:
    """The article's first line, the first line after it, and the lines of
    inline blocks inside it ("Related" boxes between paragraphs).

    Paragraphs are grouped into stretches that no run of
    ``ARTICLE_GAP_LINES`` non-paragraph lines, "Related news"-style heading
    or comment block interrupts. The article is the first stretch of at least
    ``ANCHOR_MIN_WORDS`` words just below a headline (a line repeating the
    page's title at the top), else the page's biggest stretch. A following
    stretch that resumes within ``MERGE_GAP_LINES`` lines and reads as
    running text (not a list of teasers) continues the article: the lines
    between are an inline block. The article never ends after its last
    paragraph.
    """
    body = [reasons[i] is None and is_body_like(line) for i, line in enumerate(lines)]
    if not any(body):
        return len(lines), len(lines), frozenset()
    for anchor in _headline_repeats(lines, reasons):
        stretch = next(iter(_stretches(lines, reasons, body, anchor + 1)), None)
        article = stretch and _continued(lines, reasons, body, stretch)
        if article and article[0] - anchor <= ANCHOR_MAX_DISTANCE \
                and _words(lines, body, article[0], article[1]) >= ANCHOR_MIN_WORDS:
            break
    else:
        article = max((_continued(lines, reasons, body, stretch)
                       for stretch in _stretches(lines, reasons, body, 0)),
                      key=lambda a: _words(lines, body, a[0], a[1]))
    start, end, holes = article
    # Labels after the last paragraph ("Appendix:", "Tags") are not the article.
    return start, max(i for i in range(start, end) if body[i]) + 1, holes


def _continued(lines: Sequence[str], reasons: Sequence[str | None], body: Sequence[bool],
               stretch: tuple[int, int]) -> tuple[int, int, frozenset[int]]:
    """A stretch with the stretches that continue it past inline blocks."""
    start, end = stretch
    holes: set[int] = set()
    for following in _stretches(lines, reasons, body, end):
        between = range(end, following[0])
        if (len(between) > MERGE_GAP_LINES or not _is_running_text(body, *following)
                or any(_COMMENTS_HEADING.match(lines[i]) or reasons[i] == "copyright"
                       for i in between)):
            break
        holes.update(between)
        end = following[1]
    return start, end, frozenset(holes)


def _words(lines: Sequence[str], body: Sequence[bool], start: int, end: int) -> int:
    """Words of the distinct paragraphs in lines[start:end] (a gallery repeats
    its captions; they should not outweigh the article)."""
    distinct = {normalise_line(lines[i]) for i in range(start, end) if body[i]}
    return sum(len(key.split()) for key in distinct)


def _is_running_text(body: Sequence[bool], start: int, end: int) -> bool:
    """Several paragraphs, mostly back to back (teasers alternate title and summary)."""
    paragraphs = sum(body[start:end])
    return paragraphs >= MERGE_MIN_PARAGRAPHS and paragraphs >= RUNNING_TEXT_SHARE * (end - start)


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


def _headline_repeats(lines: Sequence[str], reasons: Sequence[str | None]) -> list[int]:
    """Lines that repeat (part of) the page title given in its first lines."""
    top = [normalise_line(line) for line in lines[:TITLE_TOP_LINES]]
    found = []
    for i in range(TITLE_TOP_LINES, len(lines)):
        key = normalise_line(lines[i])
        if (reasons[i] is None and len(key.split()) >= TITLE_MIN_WORDS
                and any(key in head for j, head in enumerate(top) if j < i)):
            found.append(i)
    return found


#: What a non-paragraph line adds to a gap: markup a scraper saved is
#: invisible on the page, and a short unflagged line may be a list item.
_GAP_WEIGHTS: dict[str | None, float] = {"markup": 0.0, None: SHORT_LINE_GAP_WEIGHT,
                                         "punctuation": SHORT_LINE_GAP_WEIGHT}


def _text_article_end(lines: Sequence[str], reasons: Sequence[str | None],
                      body: Sequence[bool], start: int) -> int:
    """Where the stretch of text that starts at ``start`` ends (see _article_span)."""
    seen_body, gap, gap_start = False, 0.0, start
    # Gap starts before paragraphs set apart from the previous one by two or
    # more lines, one of them furniture (a date, a byline, a widget).
    apart: list[int] = []
    between, flagged = 0, False
    for i in range(start, len(lines)):
        if reasons[i] == "block_heading" or (seen_body and (
                _FOOTER_COPYRIGHT.search(lines[i]) or _COMMENTS_HEADING.match(lines[i]))):
            return i
        if body[i]:
            set_apart = seen_body and between >= 2 and flagged
            apart = apart + [gap_start] if set_apart else []
            if len(apart) >= TEASER_RUN:
                return apart[0]
            seen_body, gap, gap_start, between, flagged = True, 0.0, i + 1, 0, False
        elif seen_body:
            between += reasons[i] != "markup"
            flagged = flagged or reasons[i] not in (None, "markup")
            gap += _GAP_WEIGHTS.get(reasons[i], 1.0)
            if gap >= ARTICLE_GAP_LINES:
                return gap_start
    return len(lines)


def _article_end(reasons: Sequence[str | None], start: int) -> int:
    """The first "Related news"-style heading at or after ``start``."""
    return next((i for i in range(start, len(reasons)) if reasons[i] == "block_heading"),
                len(reasons))


def _find_title(lines: Sequence[str], reasons: Sequence[str | None], start: int,
                given: str) -> int | None:
    """The title line: the given title if it appears, else the nearest
    headline-shaped line at or above the article's first paragraph, one that
    repeats the page title at the top first."""
    if given:
        wanted = normalise_line(given)
        return next((i for i, line in enumerate(lines) if normalise_line(line) == wanted), None)
    above = [i for i in range(min(start, len(lines) - 1), -1, -1)
             if reasons[i] is None and _is_headline(lines[i])]
    repeats = set(_headline_repeats(lines, reasons))
    return next((i for i in above if i in repeats), above[0] if above else None)


def _is_headline(line: str) -> bool:
    words = len(line.split())
    return (TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS and not line.isupper()
            and not re.search(r"[.!?]$", line))


def _decide(lines: Sequence[str], reasons: Sequence[str | None], start: int, end: int,
            title_index: int | None, title: str, *, extracted: bool = False,
            holes: frozenset[int] = frozenset()) -> list[Line]:
    """One decision a line. For ``extracted`` lines short repeats and
    fragments stay: in an extractor's output they are headings and list items."""
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
        elif i < start:
            reason = "before_article"
        elif i >= end:
            reason = "after_article"
        elif i in holes:
            reason = "inline_block"
        elif key in seen and (not extracted or len(line.split()) >= BODY_MIN_WORDS):
            reason = "duplicate"
        elif (not extracted and len(line.split()) <= FRAGMENT_MAX_WORDS
              and not _END_PUNCT.search(line)):
            reason = "fragment"
        else:
            reason = "body"
        seen.add(key)
        decisions.append(Line(i, line, reason in ("title", "body"), reason))
    return decisions


def assemble(decisions: list[Line], title: str, *, date: str) -> CleanedArticle:
    paragraphs: list[str] = []
    counts: dict[str, int] = {}
    for line in decisions:
        if line.reason == "body":
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
