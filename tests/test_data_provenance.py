"""Everything the project ships was written by its authors: no sentence of
the dev set (real text, measure-only) may find its way into training data,
samples or docs, not even as a long run of its words. Stock diplomatic
phrases ("on the basis of equality and mutual respect") are shared by
everyone and run to about ten words; a copied clause is longer."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from .conftest import DEV_SET, PROJECT

#: Longest run of words a shipped line may share with a dev sentence.
MAX_SHARED_WORDS = 11
SHIPPED_TEXT = ["data/labeled/*.csv", "data/labeled_candidates/*.csv", "data/raw/*",
                "data/attribution/*", "data/cleaning/*", "README.md", "docs/*.md", "data/labeled/README.md",
                "notebooks/*.ipynb", "tests/data/*"]


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9 ]", " ", text.lower()).split()


def _runs(words: list[str], length: int) -> set[str]:
    return {" ".join(words[i:i + length]) for i in range(len(words) - length + 1)}


@pytest.mark.skipif(not DEV_SET.exists(), reason="no dev set beside this clone")
def test_shipped_text_shares_no_long_run_of_words_with_the_dev_set():
    length = MAX_SHARED_WORDS + 1
    dev_runs = set().union(*(_runs(_words(text), length)
                             for text in pd.read_csv(DEV_SET)["text"]))
    copied = []
    for pattern in SHIPPED_TEXT:
        for path in sorted(PROJECT.glob(pattern)):
            text = path.read_text(encoding="utf-8", errors="replace")
            for line in text.splitlines():
                shared = _runs(_words(line), length) & dev_runs
                if shared:
                    copied.append(f"{path.relative_to(PROJECT)}: {min(shared)}")
    assert not copied, "\n".join(copied)
