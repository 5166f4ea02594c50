"""Score speakers and targets against pages labeled by hand.

Usage: python scripts/evaluate_attribution.py [PAGES...] [--errors] [--json]
       [--spacy-model NAME]
       python scripts/evaluate_attribution.py --news LABELS.jsonl
       [--pages-dir ../shared/corpus/news_pages] [--no-html] [--errors] [--json]

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

``--news`` scores speakers on real news pages as a user's run meets them.
LABELS is JSONL, a gold sentence a line: ``{"page": "ahb07", "text": "<a
sentence of NAME.body.txt>", "speaker": "Jane Smith" | "" | "A|B", ...}``.
Each page's scraped text ``NAME.txt`` is cleaned with ``clean_text`` (and,
on a second line, ``NAME.html`` with ``clean_html``), parsed with
``doc_sentences``, and each gold sentence is found in the output
(``find_gold``: the output sentence that contains the gold's normalised
first 40 characters, else one the gold contains). A gold sentence that is
not found is a miss, also counted as "lost by cleaning". A speaker is right
when both are empty, or when the gold's last word (a last name, "ministry")
or a whole ``|`` alternative is in the predicted speaker. The errors are
also counted by kind (``error_kind``: wrong speaker, speaker missed,
narration given a speaker, lost), so a half nobody reads still says which
shape of error dominates.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pipeline.clean.cleaner import clean_html, clean_text
from pipeline.parse.nlp import Sentence, doc_sentences, load_nlp

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = PROJECT / "data" / "attribution"
DEFAULT_NEWS_PAGES = PROJECT.parent / "shared" / "corpus" / "news_pages"
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



# --- Real news pages: gold sentences found in what the pipeline prints -----------------

#: Characters of a gold sentence's normalised start that an output sentence must contain.
MATCH_PREFIX_CHARS = 40
#: An output sentence shorter than this (normalised) never stands for a gold one by
#: containment alone ("Yes." is inside many sentences).
MIN_PIECE_CHARS = 20
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-",
                         "\u00a0": " "})


def squash(text: str) -> str:
    """Text compared across cleaning: quotes, dashes and white space unified, lower case."""
    return " ".join(text.translate(_QUOTES).lower().split())


def news_speaker_matches(predicted: str, gold: str) -> bool:
    """The held-back measure: both empty, or the last word of the gold speaker
    (or of one ``|`` alternative) is a word of the predicted speaker, or the
    alternative appears in it whole (case and punctuation ignored)."""
    if not gold.strip():
        return not predicted.strip()
    words = normalize(predicted).split()
    for alternative in gold.split("|"):
        alt = normalize(alternative)
        if alt and (alt.split()[-1] in words or alt in normalize(predicted)):
            return True
    return False


def find_gold(predicted: Sequence[Sentence], gold_text: str, cursor: int) -> int | None:
    """Index of the output sentence standing for a gold sentence: the first,
    from ``cursor`` on (gold sentences come in page order) and then from the
    top, that contains the gold's normalised first ``MATCH_PREFIX_CHARS``
    characters, or that the gold contains (the cleaner or spaCy split it)."""
    gold = squash(gold_text)
    head = gold[:MATCH_PREFIX_CHARS]
    texts = [squash(s.text) for s in predicted]
    order = list(range(cursor, len(texts))) + list(range(cursor))
    for index in order:
        if head in texts[index]:
            return index
    for index in order:
        if len(texts[index]) >= min(MIN_PIECE_CHARS, len(gold)) and texts[index] in gold:
            return index
    return None


def read_labels(path: Path) -> dict[str, list[dict]]:
    """Gold sentences of a labels file, grouped by page, in file order."""
    pages: dict[str, list[dict]] = defaultdict(list)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise SystemExit(f"{path}:{number}: not a JSON label ({err.msg}).") from err
            pages[record["page"]].append(record)
    return pages


def news_sentences(nlp, pages_dir: Path, page: str, *, html: bool) -> list[Sentence]:
    """What a user's run prints for one page: cleaned by the project's cleaner
    (the title found by it, as for a scraped page without one), then parsed."""
    if html:
        cleaned = clean_html((pages_dir / f"{page}.html").read_text(errors="replace"))
    else:
        cleaned = clean_text((pages_dir / f"{page}.txt").read_text(errors="replace"))
    return doc_sentences(nlp(cleaned.text), title=cleaned.title)


#: What went wrong with a news sentence, in aggregate: a half nobody reads
#: can still say which shape of error dominates.
ERROR_KINDS = ("wrong speaker", "speaker missed", "narration given a speaker", "lost")


def error_kind(error: dict) -> str:
    if error["speaker"] == "(lost by cleaning)":
        return "lost"
    if not error["gold_speaker"].strip():
        return "narration given a speaker"
    return "speaker missed" if not error["speaker"] else "wrong speaker"


def score_news(nlp, labels: dict[str, list[dict]], pages_dir: Path, *, html: bool = False
               ) -> dict:
    """Speaker accuracy on labeled news sentences; a sentence the output lacks is a miss."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # n, right
    errors, lost = [], 0
    for page, gold_rows in labels.items():
        predicted = news_sentences(nlp, pages_dir, page, html=html)
        cursor = 0
        for gold in gold_rows:
            index = find_gold(predicted, gold["text"], cursor)
            speaker = predicted[index].speaker if index is not None else None
            lost += index is None
            cursor = index if index is not None else cursor
            ok = speaker is not None and news_speaker_matches(speaker, gold["speaker"])
            for key in ("all", "gold speaker" if gold["speaker"].strip() else "gold narration"):
                counts[key][0] += 1
                counts[key][1] += ok
            if not ok:
                errors.append({"page": page, "paragraph": gold.get("paragraph"),
                               "text": gold["text"], "gold_speaker": gold["speaker"],
                               "speaker": "(lost by cleaning)" if speaker is None else speaker})
    scores = {key: {"sentences": n, "speaker_accuracy": round(right / n, 3) if n else 0.0}
              for key, (n, right) in counts.items()}
    kinds = {kind: sum(error_kind(e) == kind for e in errors) for kind in ERROR_KINDS}
    return {"scores": scores, "lost": lost, "errors": errors, "error_kinds": kinds}


def print_news(report: dict, source: str) -> None:
    scores = report["scores"]
    def cell(key: str) -> str:
        row = scores.get(key, {"sentences": 0, "speaker_accuracy": 0.0})
        return f"{row['speaker_accuracy']:.3f} ({row['sentences']})"
    print(f"{source:5} speaker {cell('all'):14} attributed {cell('gold speaker'):14} "
          f"narration {cell('gold narration'):14} lost by cleaning {report['lost']}")
    kinds = ", ".join(f"{kind} {n}" for kind, n in report["error_kinds"].items())
    print(f"{'':5} errors: {kinds}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, default=[DEFAULT_PAGES])
    parser.add_argument("--spacy-model", default=None)
    parser.add_argument("--errors", action="store_true", help="list every wrong sentence")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--news", type=Path, help="labels of real news sentences (JSONL)")
    parser.add_argument("--pages-dir", type=Path, default=DEFAULT_NEWS_PAGES)
    parser.add_argument("--no-html", action="store_true", help="--news: skip the HTML line")
    args = parser.parse_args()
    if args.news:
        return main_news(args)
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



def main_news(args: argparse.Namespace) -> int:
    """``--news``: scores from scraped text, then from HTML."""
    for path in (args.news, args.pages_dir):
        if not path.exists():
            print(f"No such file or folder: {path}", file=sys.stderr)
            return 1
    nlp, labels = load_nlp(args.spacy_model), read_labels(args.news)
    sources = ("text",) if args.no_html else ("text", "html")
    reports = {source: score_news(nlp, labels, args.pages_dir, html=source == "html")
               for source in sources}
    if args.json:
        print(json.dumps(reports, indent=2, ensure_ascii=False))
        return 0
    print(f"{len(labels)} pages")
    for source, report in reports.items():
        print_news(report, source)
    if args.errors:
        for error in reports["text"]["errors"]:
            print(f"\n[{error['page']} p{error['paragraph']}] {error['text']}\n"
                  f"  speaker {error['speaker']!r} (gold {error['gold_speaker']!r})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
