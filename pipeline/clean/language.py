"""Whether a line is English: the cleaner drops lines in another language
(a Vietnamese caption under an English article, a language picker).

Its own module because it is a question about words, not about a page's
furniture: two small word lists and one rule, which the navigation rule of
``cleaner.py`` also reads (a menu row has no English function word).
"""

from __future__ import annotations

import re

#: Below this share of English function words (and with foreign signs) a line
#: is another language. English prose runs at 0.3-0.5; headlines near 0.15.
ENGLISH_FUNCTION_SHARE = 0.1
#: At or above this share a line is English whatever its letters (checked first: it is cheap).
ENGLISH_ENOUGH_SHARE = 0.25
#: Share of non-ASCII letters above which a line is not English...
NON_ASCII_SHARE = 0.2
#: ...and above which, with few English function words, it is not English either.
NON_ASCII_HINT_SHARE = 0.05
#: Fewer letters than this cannot tell a language.
MIN_LETTERS = 3
#: A line with one foreign function word and no English one is foreign when
#: it has at least this many words and is in sentence case.
ONE_FOREIGN_MIN_WORDS = 6

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NON_LETTER_ASCII = re.compile(r"[^A-Za-z]+")
ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an of to in and or for on at by with from as is are was were be been has have had "
    "that this these those it its not no but will would shall should can could said says "
    "he she they we i you his her their our who which what when where while after before "
    "also than more about into over under between against during".split()
)
_FOREIGN_FUNCTION_WORDS = frozenset(
    "le la les des du une et est dans pour que qui sur avec el los las del y en por con una "
    "der die das und ist mit von den zu nicht và của là những các được trong cho với một "
    "il di che della per non da um uma com não yang dan untuk dengan ini itu dari ke pada "
    "juga tidak akan oleh dalam".split()
)


def is_other_language(line: str) -> bool:
    """True when a line is not English: many non-ASCII letters, or few English
    function words beside foreign ones. Names with diacritics inside an English
    sentence stay English because the sentence's function words outweigh them.
    """
    found = WORD.findall(line)
    words = [w.lower() for w in found]
    english = sum(w in ENGLISH_FUNCTION_WORDS for w in words) / max(len(words), 1)
    if english >= ENGLISH_ENOUGH_SHARE:
        return False
    if line.isascii():
        letters, non_ascii = len(_NON_LETTER_ASCII.sub("", line)), 0.0
    else:
        alpha = [c for c in line if c.isalpha()]
        letters = len(alpha)
        non_ascii = sum(not c.isascii() for c in alpha) / max(letters, 1)
    if letters < MIN_LETTERS:
        return False
    foreign = sum(w in _FOREIGN_FUNCTION_WORDS for w in words)
    if non_ascii > NON_ASCII_SHARE:
        return True
    # One foreign function word is enough only in a sentence-case line with
    # no English one (Title Case lines are names and product listings).
    sentence_case = sum(w[:1].isupper() for w in found) * 2 < len(words)
    enough_foreign = foreign >= 2 or (foreign and english == 0
                                      and len(words) >= ONE_FOREIGN_MIN_WORDS and sentence_case)
    return english < ENGLISH_FUNCTION_SHARE and (enough_foreign or non_ascii > NON_ASCII_HINT_SHARE)
