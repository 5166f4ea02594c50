"""Score speakers and targets against pages labeled by hand.

Usage: python scripts/evaluate_attribution.py [PAGES...] [--errors] [--json]
       [--spacy-model NAME]

PAGES are JSONL files (or folders of them; default ``data/attribution``),
one page a line::

    {"id": "p1", "register": "wire report",
     "title": {"text": "...", "speaker": "", "target": ""},
     "paragraphs": [[{"text": "...", "speaker": "Jane Doe", "target": "the report"}, ...],
                    ...]}

``title`` may be omitted. The page is rebuilt as the cleaner would print it
(title, then a paragraph a line, sentences joined by a space), parsed with
``pipeline.parse.doc_sentences``, and every gold sentence is compared with
the predicted sentence that contains its first character. An empty gold
speaker means narration: the prediction must be empty too.

Matching (case, a leading "the"/"a", possessive "'s" and punctuation
ignored): a speaker must equal the gold name or one of its ``|``-separated
alternatives; a target matches when one contains the other, because a
target is a noun phrase whose extent people draw differently ("the report"
vs "the annual report of the council"); two empty targets match.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.parse.nlp import doc_sentences, load_nlp

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = PROJECT / "data" / "attribution"
_DETERMINER = re.compile(r"^(the|a|an)\s+")
_NOISE = re.compile(r"[^\w\s+]|(?<=\w)['’]s\b")


def read_pages(paths: Iterable[Path]) -> Iterator[dict]:
    """Pages from JSONL files and folders of them; a bad line names its file and line."""
    for path in paths:
        files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise SystemExit(f"{file}:{number}: not a JSON page ({err.msg}).") from err


def page_text(page: dict) -> tuple[str, str, list[tuple[int, dict]]]:
    """The cleaned-text form of a page, its title, and each gold sentence's offset."""
    lines, gold, offset = [], [], 0
    title = page.get("title") or {}
    paragraphs = ([[title]] if title else []) + page["paragraphs"]
    for paragraph in paragraphs:
        parts = []
        for sentence in paragraph:
            gold.append((offset + sum(len(p) + 1 for p in parts), sentence))
            parts.append(sentence["text"])
        line = " ".join(parts)
        lines.append(line)
        offset += len(line) + 1
    return "\n".join(lines), title.get("text", ""), gold


def normalize(name: str) -> str:
    name = _NOISE.sub(" ", name.lower().replace("’", "'"))
    return _DETERMINER.sub("", " ".join(name.split()))


def speaker_matches(predicted: str, gold: str) -> bool:
    return normalize(predicted) in {normalize(alt) for alt in gold.split("|")}


def target_matches(predicted: str, gold: str) -> bool:
    predicted, gold = normalize(predicted), normalize(gold)
    if not predicted or not gold:
        return predicted == gold
    return predicted in gold or gold in predicted


def score_pages(nlp, pages: list[dict]) -> dict:
    """Accuracy of speakers and targets, overall and per register, with the misses."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, speaker ok, target ok
    errors = []
    texts = [page_text(page) for page in pages]
    for page, (text, title, gold), doc in zip(pages, texts,
                                               nlp.pipe(t for t, _, _ in texts)):
        predicted = doc_sentences(doc, title=title)
        for start, truth in gold:
            guess = next((s for s in predicted if s.start_char <= start < s.end_char), None)
            speaker = guess.speaker if guess else ""
            target = guess.target if guess else ""
            ok = (speaker_matches(speaker, truth["speaker"]),
                  target_matches(target, truth.get("target", "")))
            for key in ("all", f"register: {page.get('register', '?')}",
                        "gold speaker" if truth["speaker"] else "gold narration"):
                counts[key][0] += 1
                counts[key][1] += ok[0]
                counts[key][2] += ok[1]
            if not all(ok):
                errors.append({"page": page.get("id"), "text": truth["text"],
                               "speaker": speaker, "gold_speaker": truth["speaker"],
                               "target": target, "gold_target": truth.get("target", "")})
    rows = {key: {"sentences": n, "speaker_accuracy": round(s / n, 3),
                  "target_accuracy": round(t / n, 3)} for key, (n, s, t) in counts.items()}
    return {"scores": rows, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, default=[DEFAULT_PAGES])
    parser.add_argument("--spacy-model", default=None)
    parser.add_argument("--errors", action="store_true", help="list every wrong sentence")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    missing = [str(p) for p in args.pages if not p.exists()]
    if missing:
        print(f"No such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 1
    pages = list(read_pages(args.pages))
    report = score_pages(load_nlp(args.spacy_model), pages)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"{len(pages)} pages")
    print(f"{'':40} {'sentences':>9} {'speaker':>8} {'target':>8}")
    order = {"all": 0, "gold speaker": 1, "gold narration": 2}
    for key, row in sorted(report["scores"].items(), key=lambda kv: (order.get(kv[0], 3), kv[0])):
        print(f"{key[:40]:40} {row['sentences']:9d} {row['speaker_accuracy']:8.3f} "
              f"{row['target_accuracy']:8.3f}")
    if args.errors:
        for error in report["errors"]:
            print(f"\n[{error['page']}] {error['text']}\n  speaker {error['speaker']!r} "
                  f"(gold {error['gold_speaker']!r})  target {error['target']!r} "
                  f"(gold {error['gold_target']!r})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
