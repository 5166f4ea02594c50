"""Which cue regexes can match a text, from its words, before running them.

Counting 25 cues is 37 regex scans per sentence (the head cues run again on
the opening clause), and most scans find nothing: a sentence holds a few
cue words, not 25 kinds. Almost every cue starts with a word boundary and a
literal word start ("reject", "den", "human"), so a cue can only match a
text that has a word beginning with one of those starts. ``CueGate`` reads
the starts out of each compiled pattern once, maps each distinct word to
the cues it could open (cached, like the n-gram columns), and the counter
runs only those regexes. A pattern it cannot read a start from (no leading
``\\b``, a class or repeat first) is always run, so counts never change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from . import config

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

    def candidates(self, text: str) -> frozenset[int] | set[int]:
        """Indices of the patterns worth running on ``text``."""
        by_word = self._by_word
        if len(by_word) > config.NGRAM_CACHE_WORDS:
            by_word.clear()
        found = set(self.always)
        found.update(i for i, substrings in self.substrings
                     if any(substring in text for substring in substrings))
        for word in set(_WORD.findall(text)):
            hits = by_word.get(word)
            if hits is None:
                hits = by_word[word] = frozenset(
                    i for i, starts in self.word_starts if starts and word.startswith(starts))
            found |= hits
        return found
