"""Score the cleaner on pages with hand-marked bodies.

Usage:
    python scripts/evaluate_cleaning.py                # the shipped sample pages
    python scripts/evaluate_cleaning.py --corpus ../shared/corpus   # dev sets, when present

A truth file is JSON mapping a page's source (file name, or `file.jsonl:LINE`)
to {"title": ..., "body": [paragraphs]}; point --truth at your own to score
the cleaner on a new site.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.quality import score_page, total
from pipeline.read import Article, read_inputs
from pipeline.runner import clean_article

PROJECT = Path(__file__).resolve().parents[1]


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


def score_news_pages(folder: Path, *, html: bool) -> list:
    from pipeline.clean import clean_html, clean_text

    scores = []
    for body_path in sorted(folder.glob("*.body.txt")):
        stem = body_path.name[: -len(".body.txt")]
        body = body_path.read_text().splitlines()
        title = (folder / f"{stem}.title.txt").read_text().strip()
        if html:
            cleaned = clean_html((folder / f"{stem}.html").read_text(errors="replace"))
        else:
            cleaned = clean_text((folder / f"{stem}.txt").read_text(errors="replace"))
        scores.append(score_page([cleaned.title, *cleaned.paragraphs], body, title))
    return scores


def score_ministry(raw: Path, clean: Path, *, html: bool, limit: int | None) -> list:
    from pipeline.clean import clean_html, clean_text

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
            cleaned = clean_html(record["raw_html"]) if html else clean_text(record["text"])
            body = [p for p in truth["text"].split("\n") if p.strip()]
            scores.append(score_page([cleaned.title, *cleaned.paragraphs], body,
                                     truth.get("title", "")))
    return scores


def report(name: str, scores) -> None:
    summary = total(scores)
    print(f"{name:<28} body kept {summary.body_recall:.3f}   furniture share "
          f"{summary.furniture_share:.3f}   ({summary.body_total} body paragraphs, "
          f"{summary.output_lines} output lines)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--raw", type=Path, default=PROJECT / "data" / "raw")
    parser.add_argument("--truth", type=Path, default=PROJECT / "data" / "raw_truth.json")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="../shared/corpus: also score its ministry and news page sets")
    parser.add_argument("--limit", type=int, default=None, help="ministry pages to score")
    args = parser.parse_args()
    report("sample pages (data/raw)", score_truth_file(args.raw, args.truth).values())
    if args.corpus:
        raw, clean = args.corpus / "china_mfa_presscon_raw.jsonl", args.corpus / "china_mfa_presscon.jsonl"
        for html in (False, True):
            kind = "HTML" if html else "text"
            report(f"ministry pages, {kind}", score_ministry(raw, clean, html=html, limit=args.limit))
            report(f"news pages, {kind}", score_news_pages(args.corpus / "news_pages", html=html))


if __name__ == "__main__":
    main()
