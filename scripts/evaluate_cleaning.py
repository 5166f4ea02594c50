"""Score the cleaner on pages with hand-marked bodies.

Usage:
    python scripts/evaluate_cleaning.py                # the shipped sample pages and the
                                                   # team's line-labeled pages (data/cleaning)
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus   # dev sets, when present
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus --baselines   # + trafilatura, jusText,
                                                   # and our HTML path's parts alone
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus --sites   # + as a run: site furniture
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus --part unread   # one part of the news pages
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus --show-news ahb07   # one page's lines
                                                   # (read part only)
    python scripts/evaluate_cleaning.py --pages /tmp/external_pages [--baselines]   # any folder of
                                                   # pages in the news_pages format (all of it;
                                                   # see scripts/fetch_external_pages.py)
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus --record-titles   # + news text
                                                   # as body-only records with a title field

Every news line also gives the share of pages whose title came out right
(ours holds the true title or is held in it, with 4+ words, or reads
nearly the same: ``title_right``).

News pages are split by site (the URL host without "www."): a page is in the
READ part when crc32(site) is even, else in the UNREAD part. Rules may be
studied and tuned on the read part only; the unread part is scored in
aggregate (averages and the per-page spread), never looked at line by line,
and is reported first, as the headline figure.

A truth file is JSON mapping a page's source (file name, or `file.jsonl:LINE`)
to {"title": ..., "body": [paragraphs]}; point --truth at your own to score
the cleaner on a new site.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

from pipeline import config
from pipeline.clean.article_span import TITLE_MIN_WORDS, TITLE_TOP_LINES
from pipeline.clean.cleaner import CleanedArticle, clean_html, clean_text
from pipeline.clean.furniture import SITE_MIN_PAGES, clean_sites, site_furniture, site_key
from pipeline.clean.lines import html_blocks
from pipeline.clean.quality import (
    fold,
    misjudged_kinds,
    read_labeled_pages,
    score_page,
    total,
)
from pipeline.run.chunk import clean_article
from pipeline.run.read import Article, read_inputs

PROJECT = Path(__file__).resolve().parents[1]

#: A cleaner for the scores: (page, is_html) -> output lines (title first).
Cleaner = Callable[[str, bool], list[str]]


def ours(page: str, html: bool) -> list[str]:
    cleaned = clean_html(page) if html else clean_text(page)
    return [cleaned.title, *cleaned.paragraphs]


def trafilatura_lines(page: str, html: bool) -> list[str]:
    """trafilatura alone; plain text is wrapped as one <p> a line."""
    import trafilatura

    text = trafilatura.extract(page if html else _as_html(page), include_comments=False,
                               favor_recall=True)
    return (text or "").splitlines()


def justext_lines(page: str, html: bool) -> list[str]:
    """jusText with its English stop list; plain text is wrapped as one <p> a line."""
    import justext

    paragraphs = justext.justext((page if html else _as_html(page)).encode("utf-8"),
                                 justext.get_stoplist("English"))
    return [p.text for p in paragraphs if not p.is_boilerplate]


def trafilatura_rules_lines(page: str, html: bool) -> list[str]:
    """Our HTML path without the plain-text cleaner's second opinion."""
    cleaned = clean_html(page, second_opinion=False) if html else clean_text(page)
    return [cleaned.title, *cleaned.paragraphs]


def visible_text_lines(page: str, html: bool) -> list[str]:
    """The plain-text cleaner alone on an HTML page's visible text (a block a line)."""
    cleaned = clean_text("\n".join(html_blocks(page)) if html else page)
    return [cleaned.title, *cleaned.paragraphs]


def _as_html(text: str) -> str:
    return "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in text.splitlines()) \
        + "</body></html>"


def score_truth_file(raw_dir: Path, truth_path: Path) -> dict[str, object]:
    truth = json.loads(truth_path.read_text())
    scores = {}
    for record in read_inputs([raw_dir]):
        if not isinstance(record, Article):
            continue
        key = Path(record.source.rsplit(":", 1)[0]).name
        key = f"{key}:{record.source.rsplit(':', 1)[1]}" if key.endswith(".jsonl") else key
        if key in truth:
            cleaned = clean_article(record)
            lines = [cleaned.title, *cleaned.paragraphs]
            scores[key] = score_page(lines, truth[key]["body"], truth[key]["title"])
    return scores


#: Kinds of misjudged lines listed for the team pages.
KINDS_SHOWN = 8


def score_labeled_pages(folder: Path) -> tuple[list, Counter, Counter]:
    """The text cleaner on the team's line-labeled pages (``data/cleaning``):
    scores, and the kinds of furniture kept and of body lost."""
    scores, kept_furniture, lost_body = [], Counter(), Counter()
    for page in read_labeled_pages(sorted(folder.glob("*.jsonl"))):
        cleaned = clean_text(page.text)
        scores.append(score_page([cleaned.title, *cleaned.paragraphs], page.body, page.title))
        if len(cleaned.lines) == len(page.lines):  # else the cleaner joined wrapped lines
            furniture, body = misjudged_kinds(page, (l.index for l in cleaned.lines if l.kept))
            kept_furniture += furniture
            lost_body += body
    return scores, kept_furniture, lost_body


def report_labeled_pages(folder: Path) -> None:
    scores, kept_furniture, lost_body = score_labeled_pages(folder)
    report(f"team pages ({folder.name}), text", scores, spread=True)
    for name, kinds in (("furniture kept", kept_furniture), ("body lost", lost_body)):
        top = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common(KINDS_SHOWN))
        print(f"{'':<34} {name}, by kind: {top or 'none'}")


#: One page to score: (page, is_html, url, true body paragraphs, true title).
Item = tuple[str, bool, str, list[str], str]


#: The two parts of the news pages, the one never studied first.
PARTS = ("unread", "read")
#: Per-page spread: a page "loses its body" below this recall, and is
#: "mostly furniture" above this furniture share.
LOST_BODY_RECALL = 0.5
MOSTLY_FURNITURE_SHARE = 0.3
#: A title reads "nearly the same" as the true one at this similarity.
TITLE_SIMILARITY = 0.8


def news_part(url: str) -> str:
    """"read" or "unread": which part of the news pages a page's site is in."""
    site = (urlsplit(url).hostname or "").removeprefix("www.")
    return "read" if zlib.crc32(site.encode()) % 2 == 0 else "unread"


def news_pages(folder: Path, part: str = "all") -> list[tuple[str, str, str, list[str]]]:
    """(name, title, url, body) of every page in ``part`` ("read", "unread"
    or "all"), sorted by name."""
    pages = []
    for body_path in sorted(folder.glob("*.body.txt")):
        stem = body_path.name[: -len(".body.txt")]
        title = (folder / f"{stem}.title.txt").read_text().strip()
        url_path = folder / f"{stem}.url.txt"
        url = url_path.read_text().strip() if url_path.exists() else ""
        if part in ("all", news_part(url)):
            pages.append((stem, title, url, body_path.read_text().splitlines()))
    return pages


def news_items(folder: Path, *, html: bool, part: str = "all") -> list[Item]:
    return [((folder / f"{stem}.{'html' if html else 'txt'}").read_text(errors="replace"),
             html, url, body, title) for stem, title, url, body in news_pages(folder, part)]


def ministry_items(raw: Path, clean: Path, *, html: bool, limit: int | None) -> list[Item]:
    bodies = {}
    with clean.open() as handle:
        for line in handle:
            record = json.loads(line)
            bodies[record["id"]] = record
    items = []
    with raw.open() as handle:
        for number, line in enumerate(handle):
            if limit and number >= limit:
                break
            record = json.loads(line)
            truth = bodies.get(record["id"])
            if truth:
                items.append((record["raw_html"] if html else record["text"], html,
                              record.get("url", ""),
                              [p for p in truth["text"].split("\n") if p.strip()],
                              truth.get("title", "")))
    return items


def title_right(ours_title: str, true_title: str) -> bool:
    """Whether a cleaned title is the page's: the truth's titles are often the
    <title> with the site's name, or several headings run together."""
    found, truth = fold(ours_title), fold(true_title)
    if not found:
        return False
    held = len(found.split()) >= TITLE_MIN_WORDS and (found in truth or truth in found)
    return held or SequenceMatcher(None, found, truth).ratio() >= TITLE_SIMILARITY


def score_with_titles(items: list[Item], cleaner: Cleaner = ours) -> tuple[list, int]:
    """``score_items`` and how many titles come out right (a cleaner's first
    line is its title), from one cleaning of each page."""
    outputs = [(cleaner(page, html), body, title) for page, html, _, body, title in items]
    return ([score_page(lines, body, title) for lines, body, title in outputs],
            sum(title_right((lines or [""])[0], title) for lines, _, title in outputs))


def as_record(page: str, html: str, true_title: str) -> tuple[str, str]:
    """A text page as a scraper that saves the body area and the title in a
    field gives it: the copy of <title> in the top lines (a line the true
    title holds) taken out, and the HTML's <title> as the record's title."""
    lines = page.splitlines()
    top = {i for i, line in enumerate(lines[:TITLE_TOP_LINES])
           if fold(line) and fold(line) in fold(true_title)}
    given = (lxml.html.fromstring(html).findtext(".//title") or "") if html.strip() else ""
    return "\n".join(line for i, line in enumerate(lines) if i not in top), " ".join(given.split())


def score_records(folder: Path, part: str = "all") -> tuple[list, int]:
    """A folder's text pages cleaned as records (``as_record``): scores and
    how many titles come out right."""
    scores, right = [], 0
    for stem, title, _, body in news_pages(folder, part):
        text, given = as_record((folder / f"{stem}.txt").read_text(errors="replace"),
                                (folder / f"{stem}.html").read_text(errors="replace"), title)
        cleaned = clean_text(text, title=given)
        scores.append(score_page([cleaned.title, *cleaned.paragraphs], body, title))
        right += title_right(cleaned.title, title)
    return scores, right


def score_items(items: list[Item], cleaner: Cleaner = ours) -> list:
    """Page by page, as ``clean_text``/``clean_html`` see a page."""
    return score_with_titles(items, cleaner)[0]


def score_items_with_sites(items: list[Item], *, chunk_size: int = config.CHUNK_SIZE
                           ) -> tuple[list, int, int]:
    """As a run cleans: pages in chunks of ``chunk_size``, each chunk's site
    furniture (``furniture.clean_sites``, site from the URL) dropped.

    Returns:
        The scores, the lines learned as site furniture (summed over chunks
        and sites) and the kept lines the site step dropped.
    """
    scores, learned, dropped = [], 0, 0
    for first in range(0, len(items), chunk_size):
        chunk = items[first:first + chunk_size]
        pages = [clean_html(page) if html else clean_text(page) for page, html, *_ in chunk]
        sites = [site_key(url=url) for _, _, url, _, _ in chunk]
        for site in set(sites):
            group = [page for page, key in zip(pages, sites) if key == site]
            learned += len(site_furniture(group)) if len(group) >= SITE_MIN_PAGES else 0
        cleaned = clean_sites(pages, sites)
        for page, (_, _, _, body, title) in zip(cleaned, chunk):
            dropped += page.dropped_counts.get("site_furniture", 0)
            scores.append(score_page([page.title, *page.paragraphs], body, title))
    return scores, learned, dropped


def score_news_pages(folder: Path, *, html: bool, cleaner: Cleaner = ours) -> list:
    return score_items(news_items(folder, html=html), cleaner)


def score_ministry(raw: Path, clean: Path, *, html: bool, limit: int | None,
                   cleaner: Cleaner = ours) -> list:
    return score_items(ministry_items(raw, clean, html=html, limit=limit), cleaner)


def show_news_page(folder: Path, stem: str, *, html: bool) -> None:
    """Every line of one page with the cleaner's decision and whether it is true body."""
    url_path = folder / f"{stem}.url.txt"
    if not url_path.exists() or news_part(url_path.read_text().strip()) != "read":
        raise SystemExit(f"{stem} is not in the read part of the news pages: only its "
                         "aggregate scores may be seen (run without --show-news).")
    page = (folder / f"{stem}.{'html' if html else 'txt'}").read_text(errors="replace")
    truth = "\n".join(fold(p) for p in (folder / f"{stem}.body.txt").read_text().splitlines())
    cleaned: CleanedArticle = clean_html(page) if html else clean_text(page)
    for line in cleaned.lines:
        marker = "BODY" if fold(line.text) and fold(line.text) in truth else "    "
        print(f"{line.index:4} {'kept' if line.kept else 'drop'} {line.reason:<15} {marker} "
              f"{line.text[:100]}")


def report(name: str, scores, *, spread: bool = False, titles: int | None = None) -> None:
    summary = total(scores)
    right = f", titles right {titles}/{len(scores)}" if titles is not None else ""
    print(f"{name:<34} body kept {summary.body_recall:.3f}   furniture share "
          f"{summary.furniture_share:.3f}   ({summary.body_total} body paragraphs, "
          f"{summary.output_lines} output lines{right})")
    if spread:
        lost = sum(score.body_total > 0 and score.body_recall < LOST_BODY_RECALL
                   for score in scores)
        empty = sum(score.body_total > 0 and score.body_kept == 0 for score in scores)
        noisy = sum(score.furniture_share > MOSTLY_FURNITURE_SHARE for score in scores)
        print(f"{'':<34} pages: {lost} of {len(scores)} lose more than half the body "
              f"({empty} all of it), {noisy} over {MOSTLY_FURNITURE_SHARE:.0%} furniture")


def report_html_variants(corpus: Path, limit: int | None, parts: tuple[str, ...]) -> None:
    """Our HTML path without the second opinion, and the text cleaner alone on
    the visible text: what combining trafilatura with the text cleaner buys."""
    raw, clean = corpus / "china_mfa_presscon_raw.jsonl", corpus / "china_mfa_presscon.jsonl"
    for label, cleaner in (("trafilatura + rules: ", trafilatura_rules_lines),
                           ("text cleaner on visible text: ", visible_text_lines)):
        report(f"{label}ministry pages, HTML",
               score_items(ministry_items(raw, clean, html=True, limit=limit), cleaner))
        for part in parts:
            scores = score_items(news_items(corpus / "news_pages", html=True, part=part), cleaner)
            report(f"{label}news pages ({part}), HTML", scores, spread=True)


def report_corpus(corpus: Path, cleaner: Cleaner, label: str, limit: int | None, *,
                  parts: tuple[str, ...] = PARTS, sites: bool = False,
                  ministry: bool = True) -> None:
    """Score each set (the news pages per part, with the per-page spread);
    with ``sites``, also as a run cleans (site furniture dropped)."""
    raw, clean = corpus / "china_mfa_presscon_raw.jsonl", corpus / "china_mfa_presscon.jsonl"
    for html in (False, True):
        kind = "HTML" if html else "text"
        sets = [(f"news pages ({part})", news_items(corpus / "news_pages", html=html, part=part))
                for part in parts]
        if ministry:
            sets.append(("ministry pages", ministry_items(raw, clean, html=html, limit=limit)))
        for name, items in sets:
            scores, right = score_with_titles(items, cleaner)
            news = name.startswith("news")
            titles = right if news and cleaner is ours else None
            report(f"{label}{name}, {kind}", scores, spread=news, titles=titles)
            if sites:
                with_sites, learned, dropped = score_items_with_sites(items)
                report(f"  + sites: {learned} learned, {dropped} dropped", with_sites,
                       spread=news)


def report_folder(folder: Path, *, baselines: bool, records: bool = False) -> None:
    """Every page of a folder in the news_pages format, text then HTML."""
    cleaners = [("", ours)]
    if baselines:
        cleaners += [("trafilatura: ", trafilatura_lines), ("jusText: ", justext_lines)]
    for html in (False, True):
        items = news_items(folder, html=html)
        for label, cleaner in cleaners:
            scores, right = score_with_titles(items, cleaner)
            report(f"{label}{folder.name}, {'HTML' if html else 'text'}", scores, spread=True,
                   titles=right if cleaner is ours else None)
    if records:
        scores, right = score_records(folder)
        report(f"{folder.name}, text as records", scores, spread=True, titles=right)


def report_records(corpus: Path, parts: tuple[str, ...]) -> None:
    """The news text pages as body-only records with a title field (``as_record``)."""
    for part in parts:
        scores, right = score_records(corpus / "news_pages", part)
        report(f"news pages ({part}), text as records", scores, spread=True, titles=right)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--raw", type=Path, default=PROJECT / "data" / "raw")
    parser.add_argument("--truth", type=Path, default=PROJECT / "data" / "raw_truth.json")
    parser.add_argument("--labeled", type=Path, default=PROJECT / "data" / "cleaning",
                        help="a folder of line-labeled pages (JSONL; data/cleaning/README.md)")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="../shared/corpus: also score its ministry and news page sets")
    parser.add_argument("--limit", type=int, default=None, help="ministry pages to score")
    parser.add_argument("--part", choices=("both", "unread", "read", "all"), default="both",
                        help="news pages to score: both parts (unread first, the default), "
                             "one part, or all pages together")
    parser.add_argument("--no-ministry", action="store_true",
                        help="skip the ministry pages (a quicker news-only run)")
    parser.add_argument("--baselines", action="store_true",
                        help="also score trafilatura and jusText alone on the corpus")
    parser.add_argument("--sites", action="store_true",
                        help="also score as a run cleans: site furniture learned and dropped "
                             f"per chunk of {config.CHUNK_SIZE} pages (furniture.clean_sites)")
    parser.add_argument("--pages", type=Path, default=None,
                        help="also score a folder of pages in the news_pages format, all of it")
    parser.add_argument("--record-titles", action="store_true",
                        help="also score news text as records of a scraper that saves the body "
                             "area and the title in a field (no <title> line on top)")
    parser.add_argument("--show-news", metavar="NAME", default=None,
                        help="print one news page's lines with decisions (text, then HTML)")
    args = parser.parse_args()
    if args.show_news:
        for html in (False, True):
            show_news_page(args.corpus / "news_pages", args.show_news, html=html)
        return
    parts = PARTS if args.part == "both" else (args.part,)
    report("sample pages (data/raw)", score_truth_file(args.raw, args.truth).values())
    if args.labeled.is_dir():
        report_labeled_pages(args.labeled)
    if args.pages:
        report_folder(args.pages, baselines=args.baselines, records=args.record_titles)
    if args.corpus:
        ministry = not args.no_ministry
        report_corpus(args.corpus, ours, "", args.limit, parts=parts, sites=args.sites,
                      ministry=ministry)
        if args.record_titles:
            report_records(args.corpus, parts)
        if args.baselines:
            report_html_variants(args.corpus, args.limit, parts)
            for label, cleaner in (("trafilatura: ", trafilatura_lines),
                                   ("jusText: ", justext_lines)):
                report_corpus(args.corpus, cleaner, label, args.limit, parts=parts,
                              ministry=ministry)


if __name__ == "__main__":
    main()
