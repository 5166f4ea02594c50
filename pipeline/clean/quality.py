"""Scores for the cleaner against hand-marked pages (used by the quality gate
in the tests and by ``scripts/evaluate_cleaning.py``).

Two numbers per page set, as in the cleaning issue:
- body kept: the share of true body paragraphs found in the output;
- furniture share: the share of output lines that are neither body nor title.
Matching is by containment after folding white space and case, so a
paragraph split or joined differently by a site still counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
