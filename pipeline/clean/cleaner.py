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
   captions, copyright, bylines, bare dates, breadcrumbs, calls to sign up,
   another language: ``language.py``);
3. find the article (``article_span.py``; plain text): the stretch of paragraphs
   just below the headline's repeat, or the page's biggest, ended by a
   "Related news" heading, a comment block, a footer, a teaser list or a long
   run of non-paragraph lines, continued past inline "Related" boxes (and
   back over lead paragraphs such a box split off), and with the lists it
   presents (``end_lists.py``: a short list before a share row or a footer,
   a list it announces with ":", a schedule of dated lines). When that span
   is unsure (``span_check.py``: it holds under a third of the page's prose,
   or another big stretch of running text lies outside it) the page's running
   prose is kept too, with reason ``prose``: when unsure, keep. For HTML
   trafilatura has found it; lines it dropped inside the article are put
   back (small gaps, a closing list, or lines the plain-text cascade keeps),
   lines the markup places only in a caption, menu, footer or aside are
   dropped (``page_furniture``), and a "Related" heading ends it only when
   no running text follows;
4. pick the title, drop what lies outside the article and repeats;
5. strip source tags and datelines glued to the first paragraph.

This module holds the line rules (step 2) and the two entry points;
``article_span.py`` and ``end_lists.py`` the steps that judge a line by its
place on the page.

Across pages, ``furniture.clean_sites`` learns lines a site repeats on many
pages (menus, footers) and drops them, sparing recurring body lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import trafilatura

from .. import config
from .article_span import (
    DATE_PATTERN,
    END_PUNCT,
    MONTHS,
    CleanedArticle,
    Line,
    assemble,
    find_article,
    find_date,
    is_body_like,
    strip_source_tag,
)
from .end_lists import FOOTER_COPYRIGHT
from .language import ENGLISH_FUNCTION_WORDS, is_other_language
from .language import WORD as _WORD
from .lines import (
    extracted_lines,
    fill_gaps,
    furniture_keys,
    is_recoverable,
    normalise_line,
    page_blocks,
    split_lines,
)
from .unwrap import unwrap_hard_wraps

__all__ = ["LINE_RULES", "CleanedArticle", "Line", "assemble", "clean_html", "clean_text",
           "find_date", "is_body_like", "is_other_language", "line_reason", "strip_source_tag"]

#: A "More on ..." line longer than this that ends a sentence is prose, not a heading.
BLOCK_HEADING_MAX_WORDS = 6
#: A dateline has at most this many words besides the date (a source name).
DATELINE_MAX_WORDS = 4

_WIDGET = re.compile(
    r"^(?:log ?in|sign ?in|sign up(?: here)?|register|subscribe|share|share this|reactions?|print|email|"
    r"comments?|comment \(\d+\)|\d+ comments?|leave a comment|no data|no videos available|"
    r"source|advert(?:isement)?|back to (?:top|gallery)|follow us.*|search|menu|home|close|"
    r"read more|"
    r"caption|report|(?:(?:image|photo|picture|slide)s? )?\d+(?: ?- ?\d+)? (?:of|/) \d+|"
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
    r"read more|also read|see also|read also|baca juga|lea también|lire aussi|related(?: \w+)?|"
    r"tags?|topics?|keywords?|comments?(?: \(\d+\))?|reactions?)\s*:|"
    r"^click to (?:share|print|email|tweet)\b|^(?:show more|close extra) sharing options$|"
    r"^share (?:on|to|by|via|with) [\w+ ]{1,25}$|"
    r"^share this (?:entry|story|post|page|article)\b.{0,20}$|"
    r"^(?:suggest|send|email|recommend)(?: this)? to a friend$|"
    r"^follow [\w .'-]{1,40} on (?:facebook|twitter|instagram|youtube|linkedin|tiktok)\b[^.]*\.?$|"
    r"^[^.]{0,60}\b(?:requires?|enable|needs?) javascript\b|"
    r"^javascript is (?:disabled|required|off)\b",
    re.IGNORECASE,
)
#: A call to sign up or subscribe: the site speaking to its readers, never the
#: news. Needs the thing signed up for, so "sign up" in a sentence stays.
_CALL_TO_ACTION = re.compile(
    r"^(?:want (?:more|the latest)\b[^?]{0,40}\?\s*)?(?:subscribe|sign up|sign-up|join|get|follow)\b"
    r"[^.!?]{0,100}\b(?:newsletters?|inbox|youtube|podcasts?|channel|e-?mail alerts)\b|"
    r"\b(?:subscribing|sign(?:ing)? up) (?:to|for) our (?:\w+ ){0,2}newsletters?\b",
    re.IGNORECASE,
)
#: A call to action is a short line; a longer one is a paragraph about one.
CALL_TO_ACTION_MAX_WORDS = 30
_MARKUP = re.compile(
    r"^[.#][\w-]+(?: ?[ .#][\w-]+)*$|\.tpl\b|^\??xml version=|<\/?(?:div|span|a|img|p|i|b|em|video|source|script|iframe|ul|li|br|figure)\b[^>]*>|"
    r"^\[if [^\]]*\]|^(?:end |begin )?(?:item|zone|fixed|text)(?: (?:begin|end) item)*$|"
    r"\bhmb:\w+|^/?[\w-]+/[\w/.-]+$|^/[.#]?[\w-]+$|^#[\w-]+#+$|^(?:end|begin|start|close)(?: of)? [.#][\w-]+$",
    re.IGNORECASE,
)
_META_PREFIX = re.compile(r"^(?:updated|published|last updated|posted|modified|source|"
                          r"reporter|editor|author|by)\b\s*:?", re.IGNORECASE)
_RELATIVE_TIME = re.compile(
    r"\b\d+ ?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|[smhd]) ago\b", re.IGNORECASE)
_BLOCK_HEADING = re.compile(
    r"^(?:(?:top|most read|most popular|latest|trending) (?:stories|news)(?: in [\w .'-]{1,30})?|"
    r"related(?: news| stories| articles| posts| topics| content| coverage| links| reading)?|"
    r"trending(?: now)?|most (?:viewed|read|popular)|"
    r"same (?:tag|category|author|topic)|see also|you may also like|you might also like|"
    r"more (?:from|on|in|stories|news).*|latest(?: news)?|recommended(?: for you)?|"
    r"read (?:also|next)|popular|editor'?s? picks?|tags?|topics?|keywords?|about the author|"
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
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved", re.IGNORECASE)
_BYLINE = re.compile(
    r"^(?:by|written by|reporter|reported by|editor|edited by|author)\s*:?\s+"
    r"[\w.'’ -]{2,60}$|^[\w.'’ -]{2,40}\s*[|/-]\s*(?:reporter|correspondent|editor)$",
    re.IGNORECASE,
)
_BY_SENTENCE = re.compile(r"^[Bb]y\s+[a-z]")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?\b|\b(?:GMT|UTC|ICT)[+-]?\d*\b",
                   re.IGNORECASE)
#: Every DATE_PATTERN and _TIME shape has a digit or a zone name: a cheap pre-check.
_DATE_HINT = re.compile(r"\d|GMT|UTC|ICT", re.IGNORECASE)
_DATE_WORDS = frozenset((*MONTHS.split("|"), "gmt", "utc", "ict", "am", "pm", "a", "p", "m"))
#: The anchored shapes of _MARKUP, and words one of which every _CAPTION shape has.
_MARKUP_START = re.compile(
    r"[.#][\w-]+(?: ?[ .#][\w-]+)*$|\??xml version=|\[if [^\]]*\]|"
    r"(?:end |begin )?(?:item|zone|fixed|text)(?: (?:begin|end) item)*$|/?[\w-]+/[\w/.-]+$|/[.#]?[\w-]+$|"
    r"#[\w-]+#+$|(?:end|begin|start|close)(?: of)? [.#][\w-]+$",
    re.IGNORECASE,
)
#: A credit alone ("Jane Roe/Wire", "(Harbour Co.)"), and the positions a caption
#: names people by.
_PHOTO_CREDIT = re.compile(
    r"[A-Z][\w.'’ -]{1,40}/[A-Z][\w.&'’ -]{1,40}$|\([A-Z][\w.&'’ -]{1,40}\)$")
_POSITIONS = re.compile(r", (?:left|right|center|centre|second from (?:left|right)),|"
                        r"\((?:left|right|center|centre|l to r|from left)\)|^from left,")
_CAPTION_WORDS = ("photo", "image", "picture", "credit", "illustration", "licensing")
_BREADCRUMB = re.compile(r"\s(?:>|»|›)\s")
_SEPARATORS = re.compile(r"\s+[|/·•]\s+")
_DIGIT = re.compile(r"\d")
#: A line of figures with this many digits is data (a price, a phone number);
#: counters and page numbers have one or two.
FIGURE_MIN_DIGITS = 3


LineRule = tuple[str, Callable[[str], bool]]

#: Reason of a line the page's markup places in a caption, menu, footer or
#: aside (``lines.FURNITURE_TAGS``).
PLACED_REASON = "page_furniture"

#: Rules written for short furniture lines (menus, dates, bylines, trails).
#: On HTML they do not drop a line trafilatura kept that reads as a paragraph:
#: there the extractor's decision is the stronger evidence.
SHORT_LINE_RULES = frozenset({"navigation", "metadata", "byline", "dateline", "breadcrumb"})


def _is_widget(line: str) -> bool:
    """A log-in bar, share row or widget label, alone or with a short tail."""
    words = _WORD.finditer(line)
    first = next(words, None)
    if first and first.group().lower() in _WIDGET_WORDS \
            and all(w.group().lower() in _WIDGET_WORDS for w in words):
        return True
    if _WIDGET_PREFIX.match(line) and len(_WORD.findall(line)) <= 25:
        return True
    if _CALL_TO_ACTION.search(line) and len(line.split()) <= CALL_TO_ACTION_MAX_WORDS:
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
            and not END_PUNCT.search(line):
        return True
    words = line.split()
    return (len(words) >= 5 and all(w[:1].isupper() for w in words)
            and not any(w.lower() in ENGLISH_FUNCTION_WORDS for w in words)
            and not re.search(r"[\d.,:;!?'’\"“”]", line))


def _is_metadata(line: str) -> bool:
    """Updated/Published/Reporter/Editor lines, often several joined by |."""
    if _RELATIVE_TIME.search(line) and len(line.split()) <= 8:
        return True
    if not _META_PREFIX.match(line) or _is_by_sentence(line):
        return False
    if len(line.split()) <= 14:
        return not END_PUNCT.search(line.rstrip(".") + "x")
    # A longer one is a byline, a date and more, each between bars.
    parts = _SEPARATORS.split(line)
    return len(parts) >= 3 and all(len(part.split()) <= 8 for part in parts) \
        and any(DATE_PATTERN.search(part) for part in parts)


def _is_markup(line: str) -> bool:
    """Template paths, CSS selectors and tag soup a scraper saved as text."""
    if line.isascii() and not _MARKUP_START.match(line):
        low = line.lower()  # the unanchored shapes all carry one of these
        if "<" not in line and ".tpl" not in low and "hmb:" not in low:
            return False
    return bool(_MARKUP.search(line))


def _is_caption(line: str) -> bool:
    """A photo caption or credit: "Photo: ...", "Jane Roe/Wire", "X, left, and Y"."""
    if len(line) >= 400:
        return False
    if _PHOTO_CREDIT.match(line) or _POSITIONS.search(line):
        return True
    if line.isascii():
        low = line.lower()  # every caption shape names itself or ends "(Name/Agency)"
        if not any(word in low for word in _CAPTION_WORDS) \
                and not (line.endswith(")") and "/" in line):
            return False
    return bool(_CAPTION.search(line))


def _is_copyright(line: str) -> bool:
    """A copyright notice; in a sentence the bare word is not one ("the
    copyright claim was dismissed."), a footer's "©", year or "All rights
    reserved" is."""
    if len(line.split()) >= 30 or not _COPYRIGHT.search(line):
        return False
    return not is_body_like(line) or bool(FOOTER_COPYRIGHT.search(line))


def _is_by_sentence(line: str) -> bool:
    """A sentence that opens with "By" ("By the end of May the talks had
    stalled."): a lower-case word after it, and the shape of a paragraph.
    A byline names someone ("By Jane Roe")."""
    return bool(_BY_SENTENCE.match(line)) and is_body_like(line)


def _is_byline(line: str) -> bool:
    return bool(_BYLINE.match(line)) and not _is_by_sentence(line)


def _is_dateline(line: str) -> bool:
    """A line that is only a date, a time, or a source name glued to a date."""
    if not _DATE_HINT.search(line):
        return False  # every date and time shape has a digit or a zone name
    if line.isascii():
        # Dates and times take whole words (months, zones, am/pm) with them: a
        # line with too many other words cannot be a dateline.
        words = _WORD.findall(line)
        if len(words) - sum(w.lower() in _DATE_WORDS for w in words) > DATELINE_MAX_WORDS:
            return False
    rest = _TIME.sub(" ", DATE_PATTERN.sub(" ", line))
    return (rest != line and len(_WORD.findall(rest)) <= DATELINE_MAX_WORDS
            and not END_PUNCT.search(rest.strip()))


def _is_breadcrumb(line: str) -> bool:
    return len(_BREADCRUMB.findall(line)) >= 1 and not END_PUNCT.search(line) and len(line) < 200


def _is_punctuation(line: str) -> bool:
    """No word: rules, bullets, separators, and counters ("1", "2 / 9"). A line
    of figures alone with more digits (a price, a phone number) is data an
    article may list, and is left to its place on the page."""
    return not _WORD.search(line) and len(_DIGIT.findall(line)) < FIGURE_MIN_DIGITS


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


@lru_cache(maxsize=config.LINE_CACHE_SIZE)
def line_reason(line: str) -> str | None:
    """The reason a line is furniture on its own, or None if no rule fires.

    Cached: a site's menus and footers recur on every page, and an HTML page
    passes its lines through the rules twice (see ``clean_html``).
    """
    for reason, rule in LINE_RULES:
        if rule(line):
            return reason
    return None


def clean_text(text: str, *, title: str = "") -> CleanedArticle:
    """Clean one scraped plain-text page.

    Args:
        text: the page's visible text, a block per line (hard-wrapped
            paragraphs are joined first: ``unwrap.py``).
        title: the title when the record carries one; otherwise it is found.

    Returns:
        The cleaned article with a decision for every non-empty line.
    """
    return _clean_lines(split_lines(unwrap_hard_wraps(text)), title=title)


def clean_html(html: str, *, title: str = "", second_opinion: bool = True) -> CleanedArticle:
    """Clean one HTML page: trafilatura finds the article, line rules tidy it.

    trafilatura is the field's reference extractor, but it drops short lines
    inside the article that sit in links or buttons (product lines, "Club
    statement", embedded posts). Lines of the page that fall in a small gap
    between two lines trafilatura kept are put back when no furniture rule
    fires (``recovered``). Because trafilatura has already found the article,
    the plain-text span and fragment rules are not applied again: they would
    drop its headings and list items. Scripts, styles and comments never reach
    the output (trafilatura drops them; the block walk skips them too).
    trafilatura's choice is the stronger evidence on its own lines: rules
    made for short furniture (``SHORT_LINE_RULES``) do not drop a line of
    its that reads as a paragraph. The page's markup is evidence too: a line
    found only inside ``<figcaption>``, ``<nav>``, ``<footer>`` or ``<aside>``
    is by the HTML standard's definition not the article's (captions,
    menus, "Additional reporting by", related boxes); on the news pages this
    drops 8-10 furniture lines a part and no body line. A page where it
    finds no main text is cleaned as plain text from its visible blocks
    (``no_main_text`` counted).

    ``second_opinion`` (on by default) also puts back lines in gaps of any
    size, and a list after trafilatura's last line, when the plain-text
    cleaner keeps them on the page's visible text. On the news pages it
    lifts body kept from 0.957 to 0.992 for about 0.02 more furniture share;
    the plain-text cleaner alone on the visible text scores 0.981 / 0.124,
    and adding everything it keeps roughly doubles furniture for 0.001 more
    body (``scripts/evaluate_cleaning.py --baselines``). Lines the text
    cleaner keeps only because its span was unsure (``prose``) are not
    vouched for: that is weak evidence.
    """
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True,
        favor_recall=True, deduplicate=False,
    )
    blocks, placed = page_blocks(html)
    if doc is None or not (doc.text or "").strip():
        # No article found: the page's visible text, cleaned as plain text,
        # rather than an empty article for a page that may have prose.
        cleaned = clean_text("\n".join(blocks), title=title)
        return CleanedArticle(
            title=cleaned.title, paragraphs=cleaned.paragraphs, lines=cleaned.lines,
            date=cleaned.date, site=cleaned.site,
            dropped_counts={**cleaned.dropped_counts, "no_main_text": 1})
    # A second opinion: the plain-text cleaner on the page's own lines.
    vouched = frozenset(line.index for line in clean_text("\n".join(blocks)).lines
                        if line.reason == "body") if second_opinion else frozenset()
    lines, recovered = fill_gaps(extracted_lines(doc.text), blocks, vouched)
    cleaned = _clean_lines(lines, title=title or (doc.title or "").strip(), extracted=True,
                           recovered=recovered, placed=furniture_keys(blocks, placed))
    return CleanedArticle(
        title=cleaned.title, paragraphs=cleaned.paragraphs, lines=cleaned.lines,
        date=cleaned.date or (doc.date or ""), site=doc.sitename or cleaned.site,
        dropped_counts=cleaned.dropped_counts,
    )


def _clean_lines(lines: list[str], *, title: str, extracted: bool = False,
                 recovered: frozenset[int] = frozenset(),
                 placed: frozenset[str] = frozenset()) -> CleanedArticle:
    """The line cascade shared by text and HTML (``extracted``: lines an
    extractor already chose as the article, so only local rules apply;
    ``placed``: keys of lines the page's markup puts in a caption, menu,
    footer or aside)."""
    reasons = [line_reason(line) for line in lines]
    if placed:
        reasons = [reason or (PLACED_REASON if normalise_line(line) in placed else None)
                   for line, reason in zip(lines, reasons)]
    if extracted:
        # The extractor judged these lines to be the article: a rule made for
        # short page furniture does not overrule it on a line of running text.
        reasons = [None if reason in SHORT_LINE_RULES and is_body_like(line) else reason
                   for line, reason in zip(lines, reasons)]
    for i in recovered:
        if reasons[i] is None and not is_recoverable(lines[i]):
            reasons[i] = "not_in_article"
    return find_article(lines, reasons, title=title, extracted=extracted)
