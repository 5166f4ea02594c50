"""Stage 1, read: turn files and folders into article records.

Inputs may be mixed: ``.txt`` (one article per file), ``.html``/``.htm``,
``.jsonl`` (one article per line) and ``.csv`` (one article per row). Reading
never raises for bad input: every problem becomes a :class:`ReadError` that
names the file (and line) and the reason, so one broken record costs only
itself.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import config

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
LINE_SUFFIXES = frozenset({".jsonl", ".csv"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | LINE_SUFFIXES
#: Bytes sniffed for NUL characters: text never has them, binaries nearly always do.
BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Article:
    """One input article before cleaning. Exactly one of ``text``/``html`` is set."""

    article_id: str
    source: str
    text: str | None = None
    html: str | None = None
    title: str = ""
    url: str = ""
    date: str = ""
    site: str = ""

    @property
    def length(self) -> int:
        """Characters of text or HTML: a rough measure of the work the article is."""
        return len(self.text or self.html or "")


@dataclass(frozen=True)
class ReadError:
    """A rejected input or record: where, what kind, and a readable reason."""

    source: str
    error: str
    message: str


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Article | ReadError]:
    """Yield every article (or error) found under ``paths``, in a stable order.

    Folders are walked recursively in sorted order; files in them with other
    suffixes are skipped, while an explicitly named unsupported file is an error.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED_SUFFIXES and not _is_hidden(child, path):
                    yield from read_file(child)
        elif path.exists():
            yield from read_file(path)
        else:
            yield ReadError(str(path), "not_found", f"{path}: no such file or folder.")


def read_file(path: Path) -> Iterator[Article | ReadError]:
    """Yield the articles of one file, dispatching on its suffix."""
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
            yield _read_single(path, is_html=suffix in HTML_SUFFIXES)
        elif suffix == ".jsonl":
            yield from _read_jsonl(path)
        elif suffix == ".csv":
            yield from _read_csv(path)
        else:
            yield ReadError(
                str(path), "unsupported_format",
                f"{path}: suffix {suffix or '(none)'!r} is not one of "
                f"{', '.join(sorted(SUPPORTED_SUFFIXES))}.",
            )
    except OSError as err:
        yield ReadError(str(path), "unreadable", f"{path}: {err.strerror or err}.")


def decode_bytes(data: bytes) -> str:
    """Decode page bytes: UTF-8 (with or without BOM), else cp1252, else Latin-1.

    Scraped files come from Windows tools often enough that cp1252 is the right
    second guess; Latin-1 cannot fail, so decoding never raises.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def make_article_id(source: str, content: str) -> str:
    """A stable id from where a record came from and what it says.

    Uses the file name (not the full path) so moving a corpus keeps its ids.
    """
    name = Path(source.rsplit(":", 1)[0] if _has_line(source) else source).name
    suffix = source.rsplit(":", 1)[1] if _has_line(source) else ""
    digest = hashlib.blake2b(f"{name}:{suffix}\n{content}".encode(), digest_size=8).hexdigest()
    return f"{Path(name).stem}-{digest}"


def _read_single(path: Path, *, is_html: bool) -> Article | ReadError:
    size = path.stat().st_size
    if size == 0:
        return ReadError(str(path), "empty", f"{path}: the file is empty.")
    if size > config.MAX_FILE_BYTES:
        return ReadError(
            str(path), "too_large",
            f"{path}: {size:,} bytes is over the {config.MAX_FILE_BYTES:,}-byte limit for one "
            "article; split it into one file per article or use JSONL.",
        )
    data = path.read_bytes()
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return ReadError(str(path), "binary", f"{path}: looks like a binary file, not text.")
    content = decode_bytes(data)
    if not content.strip():
        return ReadError(str(path), "empty", f"{path}: the file holds only whitespace.")
    article_id = make_article_id(str(path), content)
    if is_html:
        return Article(article_id, str(path), html=content)
    return Article(article_id, str(path), text=content)


def _read_jsonl(path: Path) -> Iterator[Article | ReadError]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            source = f"{path}:{number}"
            if len(raw) > config.MAX_FILE_BYTES:
                yield _too_large(source, f"line of {len(raw):,} bytes")
                continue
            line = decode_bytes(raw).strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                yield ReadError(source, "bad_json", f"{source}: not valid JSON ({err.msg}).")
                continue
            if not isinstance(record, dict):
                yield ReadError(source, "bad_record", f"{source}: expected a JSON object.")
                continue
            yield _article_from_record(record, source)


def _read_csv(path: Path) -> Iterator[Article | ReadError]:
    """Rows as articles, streamed: each line is decoded on its own (UTF-8, else
    cp1252), so a CSV of any size is read in constant memory."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open("rb") as handle:
        reader = csv.DictReader(decode_bytes(raw) for raw in handle)
        fields = {name.strip().lower() for name in reader.fieldnames or []}
        if not fields & {"text", "html"}:
            yield ReadError(
                str(path), "missing_column",
                f"{path}: a CSV of articles needs a 'text' or 'html' column; "
                f"found {sorted(fields) or 'no header'}.",
            )
            return
        for number, row in enumerate(reader, start=2):
            source = f"{path}:{number}"
            size = sum(len(value) for value in row.values() if isinstance(value, str))
            if size > config.MAX_FILE_BYTES:
                yield _too_large(source, f"row of {size:,} characters")
                continue
            record = {(k or "").strip().lower(): v for k, v in row.items()}
            yield _article_from_record(record, source)


def _too_large(source: str, what: str) -> ReadError:
    return ReadError(
        source, "too_large",
        f"{source}: a {what} is over the {config.MAX_FILE_BYTES:,} limit for one article "
        "(config.MAX_FILE_BYTES); it is skipped, the rest is read.",
    )


def _article_from_record(record: dict, source: str) -> Article | ReadError:
    text, html = _field(record, "text"), _field(record, "html")
    if not text.strip() and not html.strip():
        return ReadError(source, "missing_text", f"{source}: the record has no 'text' or 'html'.")
    content = text or html
    article_id = _field(record, "id") or make_article_id(source, content)
    return Article(
        article_id=article_id,
        source=source,
        text=text or None,
        html=None if text else html,
        title=_field(record, "title"),
        url=_field(record, "url"),
        date=_field(record, "date"),
        site=_field(record, "source"),
    )


def _field(record: dict, key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)


def _has_line(source: str) -> bool:
    head, _, tail = source.rpartition(":")
    return bool(head) and tail.isdigit()


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
