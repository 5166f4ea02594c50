"""Score the cleaner on pages with hand-marked bodies.

Usage:
    python scripts/evaluate_cleaning.py                # the shipped sample pages
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus   # dev sets, when present
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus --baselines   # + trafilatura, jusText
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus --show-news ahb07   # one page's lines

A truth file is JSON mapping a page's source (file name, or `file.jsonl:LINE`)
to {"title": ..., "body": [paragraphs]}; point --truth at your own to score
the cleaner on a new site.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from html import escape
from pathlib import Path

from pipeline.clean import CleanedArticle, clean_html, clean_text
from pipeline.quality import fold, score_page, total
from pipeline.read import Article, read_inputs
from pipeline.runner import clean_article

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


def news_pages(folder: Path) -> list[tuple[str, str, str, list[str]]]:
    """(name, title, url, body) of every page, sorted by name."""
    pages = []
    for body_path in sorted(folder.glob("*.body.txt")):
        stem = body_path.name[: -len(".body.txt")]
        title = (folder / f"{stem}.title.txt").read_text().strip()
        pages.append((stem, title, "", body_path.read_text().splitlines()))
    return pages


def score_news_pages(folder: Path, *, html: bool, cleaner: Cleaner = ours) -> list:
    scores = []
    for stem, title, _, body in news_pages(folder):
        page = (folder / f"{stem}.{'html' if html else 'txt'}").read_text(errors="replace")
        scores.append(score_page(cleaner(page, html), body, title))
    return scores


def score_ministry(raw: Path, clean: Path, *, html: bool, limit: int | None,
                   cleaner: Cleaner = ours) -> list:
    bodies = {}
    with clean.open() as handle:
        for line in handle:
            record = json.loads(line)
            bodies[record["id"]] = record
    scores = []
    with raw.open() as handle:
        for number, line in enumerate(handle):
            if limit and number >= limit:
                break
            record = json.loads(line)
            truth = bodies.get(record["id"])
            if not truth:
                continue
            page = record["raw_html"] if html else record["text"]
            body = [p for p in truth["text"].split("\n") if p.strip()]
            scores.append(score_page(cleaner(page, html), body, truth.get("title", "")))
    return scores


def show_news_page(folder: Path, stem: str, *, html: bool) -> None:
    """Every line of one page with the cleaner's decision and whether it is true body."""
    page = (folder / f"{stem}.{'html' if html else 'txt'}").read_text(errors="replace")
    truth = "\n".join(fold(p) for p in (folder / f"{stem}.body.txt").read_text().splitlines())
    cleaned: CleanedArticle = clean_html(page) if html else clean_text(page)
    for line in cleaned.lines:
        marker = "BODY" if fold(line.text) and fold(line.text) in truth else "    "
        print(f"{line.index:4} {'kept' if line.kept else 'drop'} {line.reason:<15} {marker} "
              f"{line.text[:100]}")


def report(name: str, scores) -> None:
    summary = total(scores)
    print(f"{name:<34} body kept {summary.body_recall:.3f}   furniture share "
          f"{summary.furniture_share:.3f}   ({summary.body_total} body paragraphs, "
          f"{summary.output_lines} output lines)")


def report_corpus(corpus: Path, cleaner: Cleaner, label: str, limit: int | None) -> None:
    raw, clean = corpus / "china_mfa_presscon_raw.jsonl", corpus / "china_mfa_presscon.jsonl"
    for html in (False, True):
        kind = "HTML" if html else "text"
        report(f"{label}ministry pages, {kind}",
               score_ministry(raw, clean, html=html, limit=limit, cleaner=cleaner))
        news = score_news_pages(corpus / "news_pages", html=html, cleaner=cleaner)
        report(f"{label}news pages, {kind}", news)
        # The rules were developed on the first half (by name); the second
        # half shows how far they carry to sites they were not tuned on.
        report(f"  first half ({len(news) // 2})", news[: len(news) // 2])
        report(f"  second half ({len(news) - len(news) // 2})", news[len(news) // 2:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--raw", type=Path, default=PROJECT / "data" / "raw")
    parser.add_argument("--truth", type=Path, default=PROJECT / "data" / "raw_truth.json")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="../shared/corpus: also score its ministry and news page sets")
    parser.add_argument("--limit", type=int, default=None, help="ministry pages to score")
    parser.add_argument("--baselines", action="store_true",
                        help="also score trafilatura and jusText alone on the corpus")
    parser.add_argument("--show-news", metavar="NAME", default=None,
                        help="print one news page's lines with decisions (text, then HTML)")
    args = parser.parse_args()
    if args.show_news:
        for html in (False, True):
            show_news_page(args.corpus / "news_pages", args.show_news, html=html)
        return
    report("sample pages (data/raw)", score_truth_file(args.raw, args.truth).values())
    if args.corpus:
        report_corpus(args.corpus, ours, "", args.limit)
        if args.baselines:
            report_corpus(args.corpus, trafilatura_lines, "trafilatura: ", args.limit)
            report_corpus(args.corpus, justext_lines, "jusText: ", args.limit)


if __name__ == "__main__":
    main()
