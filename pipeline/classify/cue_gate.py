"""Which cue regexes can match a text, from its words, before running them.

Counting 25 cues is 37 regex scans per sentence (the head cues run again on
the opening clause), and most scans find nothing: a sentence holds a few
cue words, not 25 kinds. Almost every cue starts with a word boundary and a
literal word start ("reject", "den", "human"), so a cue can only match a
text that has a word beginning with one of those starts. ``CueGate`` reads
the starts out of each compiled pattern once, maps each distinct word to
the cues it could open (cached, like the n-gram columns), and the counter
tries only those regexes, and only where such a word begins. A pattern
with no literal start (a class or a repeat first, or case-insensitive) is
always run over the whole text, so counts never change; one without a
leading ``\\b`` is tried where its literal start occurs ("n't").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from .. import config

_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
#: Marks a start that is a substring anywhere, not the start of a word.
SUBSTRING = "~"


def word_starts(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """What every match of ``pattern`` begins with, or ``None`` when a match
    could begin otherwise (then the pattern must run on every text).

    A plain string is a word start (the match begins at the start of a word
    that starts so); a string with a leading ``~`` is a substring that a
    match without a leading ``\\b`` begins with (``n't``).

    >>> sorted(word_starts(re.compile(r"\\b(?:reject\\w*|den(?:y|ies))\\b|n't")))
    ['den', 'reject', "~n't"]
    """
    if pattern.flags & re.IGNORECASE:
        return None
    starts = _starts(list(sre_parse.parse(pattern.pattern, pattern.flags).data), False)
    return None if starts is None else frozenset(starts)


def _starts(items: list, at_word_start: bool) -> set[str] | None:
    """Starts of a parsed pattern's items: after a leading ``\\b`` the
    literal word characters, otherwise the literal characters as a substring."""
    prefix = ""
    for position, (op, value) in enumerate(items):
        if op is sre.LITERAL and (not at_word_start or _WORD_CHAR.match(chr(value))):
            prefix += chr(value)
            continue
        if prefix:
            break
        rest = items[position + 1:]
        if op is sre.AT and value is sre.AT_BOUNDARY:
            at_word_start = True
        elif op is sre.SUBPATTERN:
            return _starts(list(value[-1].data) + rest, at_word_start)
        elif op is sre.BRANCH:
            return _union(_starts(list(branch.data) + rest, at_word_start)
                          for branch in value[1])
        else:
            return None
    if not prefix:
        return None
    return {prefix if at_word_start else SUBSTRING + prefix}


def _union(parts: Iterable[set[str] | None]) -> set[str] | None:
    found: set[str] = set()
    for part in parts:
        if part is None:
            return None
        found |= part
    return found


class CueGate:
    """Maps a text to the indices of the patterns that could match it.

    Args:
        patterns: compiled cue patterns, in feature-column order.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]):
        self.patterns = list(patterns)
        starts = [word_starts(pattern) for pattern in patterns]
        self.always = frozenset(i for i, found in enumerate(starts) if found is None)
        gated = [(i, found) for i, found in enumerate(starts) if found is not None]
        self.word_starts = [(i, tuple(s for s in found if not s.startswith(SUBSTRING)))
                            for i, found in gated]
        self.substrings = [(i, [s[1:] for s in found if s.startswith(SUBSTRING)])
                           for i, found in gated if any(s.startswith(SUBSTRING) for s in found)]
        self._by_word: dict[str, frozenset[int]] = {}

    def count(self, text: str) -> dict[int, int]:
        """Matches per pattern in ``text`` (patterns with none left out), as
        ``len(pattern.findall(text))`` counts them.

        A gated pattern is tried only where a match can begin (``starts``).
        Taking those positions in order and skipping the ones inside the
        previous match is how ``findall`` walks the text, so the counts are
        the same; trying two or three positions is what makes it cheaper
        than scanning the whole sentence.
        """
        patterns = self.patterns
        found = {i: n for i in self.always if (n := len(patterns[i].findall(text)))}
        for i, positions in self.starts(text).items():
            if n := _count_from(patterns[i], text, positions):
                found[i] = n
        return found

    def starts(self, text: str) -> dict[int, list[int]]:
        """Where in ``text`` a match of each gated pattern could begin: at
        the words that open it and at its substrings (patterns with no such
        place left out)."""
        found: dict[int, list[int]] = {}
        for i, substrings in self.substrings:
            for substring in substrings:
                at = text.find(substring)
                while at != -1:
                    found.setdefault(i, []).append(at)
                    at = text.find(substring, at + 1)
        for word in _WORD.finditer(text):
            for i in self._opened_by(word.group()):
                found.setdefault(i, []).append(word.start())
        return found

    def _opened_by(self, word: str) -> frozenset[int]:
        """The gated patterns a match of which may begin with ``word`` (cached)."""
        by_word = self._by_word
        hits = by_word.get(word)
        if hits is None:
            if len(by_word) > config.NGRAM_CACHE_WORDS:
                by_word.clear()
            hits = by_word[word] = frozenset(
                i for i, starts in self.word_starts if starts and word.startswith(starts))
        return hits


def _count_from(pattern: re.Pattern[str], text: str, positions: list[int]) -> int:
    """Matches of ``pattern`` beginning at ``positions``, taken left to right
    without overlap, as ``findall`` takes them."""
    if len(positions) > 1:
        positions = sorted(set(positions))
    count, end = 0, 0
    for position in positions:
        if position < end:
            continue
        match = pattern.match(text, position)
        if match:
            count += 1
            end = max(match.end(), position + 1)
    return count
