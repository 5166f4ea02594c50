"""Stage 2, clean: a scraped page in, the article's title and body out.

Takes the text or HTML of one page as a scraper delivers it; gives a
``CleanedArticle``: the title, the body paragraphs, and every line of the
page with ``kept`` and the reason for the decision (``claims clean --json``
prints them). ``clean_sites`` then drops lines a site repeats on many pages.

Modules: ``cleaner`` (the line rules and the two entry points), ``lines``
(page -> lines), ``unwrap`` (hard-wrapped text back into paragraphs),
``article_span`` and ``end_lists`` (where the article starts and ends),
``span_check`` (what to keep when the span is unsure),
``language`` (lines in another language), ``furniture`` (lines a site
repeats), ``quality`` (the score the quality gate and the evaluation use).
"""

from .cleaner import clean_html, clean_text, line_reason
from .furniture import clean_sites, site_key
from .lines import CleanedArticle, Line

__all__ = ["CleanedArticle", "Line", "clean_html", "clean_sites", "clean_text", "line_reason",
           "site_key"]
