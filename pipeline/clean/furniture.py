"""Corpus-level cleaning: lines a site repeats on many of its pages.

Menus, footers and "Related News:" headings that the line rules of
``cleaner.py`` miss still give themselves away by recurring on most pages of
one site. ``clean_sites`` groups a batch of cleaned pages by site, learns
those lines, and drops them with reason ``site_furniture``, sparing lines
that recur inside the body (stock answers such as "We have noted relevant
reports."). ``chunk.process_articles`` calls it once per chunk, so a
chunk's output does not depend on which other chunks a run processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from urllib.parse import urlsplit

from .article_span import PARAGRAPH_REASONS, assemble
from .lines import CleanedArticle, Line, normalise_line

#: A line is site furniture when it is on at least this share of a site's pages...
SITE_FURNITURE_SHARE = 0.5
#: ...and on at least this many of them (fewer pages cannot tell repeats from chance).
SITE_MIN_PAGES = 3


def site_furniture(pages: Sequence[CleanedArticle], *, min_share: float = SITE_FURNITURE_SHARE,
                   min_pages: int = SITE_MIN_PAGES) -> frozenset[str]:
    """Lines that repeat across many pages of one site and are not body text.

    Menus, footers and "Related News:" headings recur on every page of a site;
    so do stock answers ("We have noted relevant reports."). The guard: a
    line that sits between two body paragraphs on most pages where it occurs
    is the site's prose, not its furniture, and is never returned.

    Args:
        pages: the cleaned pages of one site (site from URL, metadata or folder).
        min_share: share of the pages a line must appear on.
        min_pages: fewest pages a line must appear on.

    Returns:
        Normalised line texts to drop (see ``drop_site_furniture``).
    """
    if len(pages) < min_pages:
        return frozenset()
    seen: dict[str, int] = {}
    in_body: dict[str, int] = {}
    for page in pages:
        lines = page.lines
        for key in {normalise_line(line.text) for line in lines}:
            seen[key] = seen.get(key, 0) + 1
        for i, line in enumerate(lines):
            inside = (0 < i < len(lines) - 1 and lines[i - 1].reason in PARAGRAPH_REASONS
                      and lines[i + 1].reason in PARAGRAPH_REASONS)
            if inside:
                key = normalise_line(line.text)
                in_body[key] = in_body.get(key, 0) + 1
    needed = max(min_pages, min_share * len(pages))
    return frozenset(key for key, count in seen.items()
                     if key and count >= needed and in_body.get(key, 0) * 2 < count)


def drop_site_furniture(page: CleanedArticle, furniture: frozenset[str]) -> CleanedArticle:
    """The page with its kept lines that are site furniture dropped (reason
    ``site_furniture``)."""
    if not furniture:
        return page
    lines = tuple(Line(line.index, line.text, False, "site_furniture")
                  if line.reason in PARAGRAPH_REASONS and normalise_line(line.text) in furniture else line
                  for line in page.lines)
    if lines == page.lines:
        return page
    cleaned = assemble(list(lines), page.title, date=page.date)
    return CleanedArticle(title=page.title, paragraphs=cleaned.paragraphs, lines=lines,
                          date=page.date, site=page.site, dropped_counts=cleaned.dropped_counts)


def clean_site(pages: Sequence[CleanedArticle]) -> list[CleanedArticle]:
    """Learn one site's furniture from its pages and drop it from each.

    For the runner: group a run's cleaned articles by site, call this per
    group, and write the returned pages in the same order.
    """
    furniture = site_furniture(pages)
    return [drop_site_furniture(page, furniture) for page in pages]


def site_key(url: str = "", site: str = "", source: str = "") -> str:
    """Which site a page belongs to, for learning its furniture: the URL's
    host, else the record's site, else the folder of the input file."""
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www.")
    if site:
        return site.lower()
    return str(PurePath(source.rsplit(":", 1)[0]).parent) if source else ""


def clean_sites(pages: Sequence[CleanedArticle], sites: Sequence[str]) -> list[CleanedArticle]:
    """``clean_site`` on every group of pages that share a site key, order kept.

    For the runner: ``clean_sites(cleaned, [site_key(a.url, a.site, a.source)
    for a in articles])`` on each chunk, before parsing.
    """
    groups: dict[str, list[int]] = {}
    for i, site in enumerate(sites):
        groups.setdefault(site, []).append(i)
    result = list(pages)
    for site, members in groups.items():
        if site and len(members) >= SITE_MIN_PAGES:
            for i, page in zip(members, clean_site([pages[i] for i in members])):
                result[i] = page
    return result
