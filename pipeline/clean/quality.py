"""Scores for the cleaner against hand-marked pages (used by the quality gate
in the tests and by ``scripts/evaluate_cleaning.py``).

Two numbers per page set, as in the cleaning issue:
- body kept: the share of true body paragraphs found in the output;
- furniture share: the share of output lines that are neither body nor title.
Matching is by containment after folding white space and case, so a
paragraph split or joined differently by a site still counts.

Pages the team wrote with every line labeled (``data/cleaning``) are read
here too (``read_labeled_pages``): a wider regression check than the
sample pages, over many site layouts, but our own writing, not evidence
of quality on real sites.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .lines import INVISIBLE

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CleaningScore:
    body_total: int
    body_kept: int
    output_lines: int
    furniture_lines: int

    @property
    def body_recall(self) -> float:
        return self.body_kept / self.body_total if self.body_total else 1.0

    @property
    def furniture_share(self) -> float:
        return self.furniture_lines / self.output_lines if self.output_lines else 0.0

    def __add__(self, other: CleaningScore) -> CleaningScore:
        return CleaningScore(self.body_total + other.body_total, self.body_kept + other.body_kept,
                             self.output_lines + other.output_lines,
                             self.furniture_lines + other.furniture_lines)


def fold(text: str) -> str:
    """Case and white space folded, invisible characters removed."""
    return _SPACE.sub(" ", INVISIBLE.sub("", text)).strip().lower()


def score_page(output_lines: Sequence[str], body: Sequence[str], title: str = "") -> CleaningScore:
    """Compare one page's cleaned lines with its true body paragraphs and title."""
    output = [line for line in map(fold, output_lines) if line]
    truth = [p for p in map(fold, body) if p]
    joined_output, joined_truth = "\n".join(output), "\n".join(truth + [fold(title)])
    kept = sum(1 for paragraph in truth if paragraph in joined_output)
    furniture = sum(1 for line in output if line not in joined_truth
                    and not any(line in p or p in line for p in truth))
    return CleaningScore(len(truth), kept, len(output), furniture)


def total(scores: Iterable[CleaningScore]) -> CleaningScore:
    result = CleaningScore(0, 0, 0, 0)
    for score in scores:
        result = result + score
    return result


#: The labels of a page written with every line labeled (``data/cleaning``).
LINE_LABELS = ("title", "body", "furniture")


@dataclass(frozen=True)
class LabeledPage:
    """A page written by the team, as a scraper saves it, every line labeled
    title, body or furniture with a free ``kind`` ("caption", "teaser_headline")."""

    id: str
    style: str
    lines: tuple[tuple[str, str, str], ...]  # (text, label, kind)

    @property
    def text(self) -> str:
        return "\n".join(text for text, _, _ in self.lines)

    @property
    def title(self) -> str:
        return next((text for text, label, _ in self.lines if label == "title"), "")

    @property
    def body(self) -> list[str]:
        return [text for text, label, _ in self.lines if label == "body"]


def read_labeled_pages(paths: Iterable[Path]) -> list[LabeledPage]:
    """Pages from JSONL files, a page a line (format in ``data/cleaning/README.md``).

    Raises:
        ValueError: a line that is not such a page, naming its file and line.
    """
    pages = []
    for path in paths:
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                lines = tuple((" ".join(item["text"].split()), item["label"], item.get("kind", ""))
                              for item in record["lines"])
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise ValueError(f"{path}:{number}: not a labeled page ({err}).") from err
            unknown = {label for _, label, _ in lines} - set(LINE_LABELS)
            if unknown:
                raise ValueError(f"{path}:{number}: unknown labels {sorted(unknown)}.")
            pages.append(LabeledPage(str(record.get("id", f"{path.name}:{number}")),
                                     str(record.get("style", "")),
                                     tuple(line for line in lines if line[0])))
    return pages


def misjudged_kinds(page: LabeledPage, kept: Iterable[int]) -> tuple[Counter, Counter]:
    """Kinds of the furniture lines kept and of the body lines dropped, given
    the indices of the lines the cleaner kept (its lines match the page's)."""
    kept = set(kept)
    furniture, body = Counter(), Counter()
    for i, (_, label, kind) in enumerate(page.lines):
        if label == "furniture" and i in kept:
            furniture[kind] += 1
        elif label == "body" and i not in kept:
            body[kind] += 1
    return furniture, body
