"""The persons an article names: their full names, their roles, and how a
subject becomes a readable name.

Part of the parse stage, used by ``attribution.py``: a speaker found as
"Hang", "the spokesperson" or "she" is reported under the full name of the
person the article introduced ("Spokesperson Le Thi Thu Hang of the Ministry
of Foreign Affairs"), with that mention's role.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc, Span, Token

from .sentence_views import NAME_ENTITY_LABELS, phrase, strip_possessive

ROLE_NOUNS = frozenset(
    "spokesperson spokesman spokeswoman minister ambassador official president premier envoy "
    "delegate representative diplomat secretary chairman chairwoman commissioner rapporteur "
    "director chief head author deputy leader coordinator adviser advisor pm fm".split())
#: Role words that mean the same job ("the spokesman" is the spokesperson).
ROLE_SYNONYMS = {"spokesman": "spokesperson", "spokeswoman": "spokesperson",
                 "advisor": "adviser", "chairwoman": "chairman"}
_TITLE_MODIFIERS = frozenset("foreign deputy vice prime general senior special chief".split())
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. dr dr. h.e. he madam sir".split())
#: "Spokesperson Dao Thi Minh Nguyet of the Ministry ...": a title and a
#: capitalised name, for names the entity recognizer misses.
_ROLE_TITLES = ("Spokesperson|Spokesman|Spokeswoman|Minister|Ambassador|President|Premier|"
                "Secretary|Director|Director-General|Deputy|Envoy|Commissioner|Rapporteur|"
                "Chairman|Chairwoman|Representative|Coordinator|Adviser|Advisor")
TITLED_NAME = re.compile(
    r"(?P<role>(?:[A-Z][\w’'-]*[ \t]+)*?(?:" + _ROLE_TITLES + r"))[ \t]+"
    r"(?P<name>[A-Z][a-z]+(?:-[A-Za-z]+)?(?:[ \t]+[A-Z][a-z]+(?:-[A-Za-z]+)?){1,4})\b"
    r"(?P<of>[ \t]+of[ \t]+(?:the[ \t]+)?[A-Z][\w’'-]*"
    r"(?:[ \t]+(?:of[ \t]+|and[ \t]+)?[A-Z][\w’'-]*)*)?")


_PROPER_TAGS = frozenset({"NNP", "NNPS"})
_COMMON_TAGS = frozenset({"NN", "NNS"})


class People:
    """The persons an article names: full names by every part, and their roles."""

    def __init__(self, doc: Doc, text: str) -> None:
        self.names: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.order: list[str] = []
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                self._remember(strip_titles(strip_possessive(ent.text)), _role_of(ent))
        # Names the entity recognizer misses ("Spokesperson Dao Thi Minh Nguyet of ...").
        for match in TITLED_NAME.finditer(text):
            role = " ".join((match.group("role") + (match.group("of") or "")).split())
            self._remember(strip_titles(match.group("name")), role)
        #: (token index, full name) of every mention of a person introduced by a
        #: full name, in text order (a lone "Spurs" tagged PERSON is left out).
        self.mentions = [(ent.start, name) for ent in doc.ents if ent.label_ == "PERSON"
                         for name in [self.full_name(ent.text)] if name in self.roles]

    def _remember(self, full: str, role: str) -> None:
        if len(full.split()) < 2 or any(full in known for known in self.order):
            return
        for token in full.split():
            self.names.setdefault(token, full)
        self.order.append(full)
        self.roles[full] = role

    def full_name(self, name: str) -> str:
        name = strip_titles(strip_possessive(name))
        if name.isupper() and name.title().split()[-1] in self.names:
            name = name.title()  # a transcript's "MS. LANE:" (not "NATO")
        if name in self.roles:
            return name
        for known in self.order:  # an entity that ran on: "Nguyet of the Ministry"
            if name.startswith(known + " ") or name.endswith(" " + known):
                return known
        last = name.split()[-1] if name else ""
        return self.names.get(name, self.names.get(last, name)) if len(name.split()) <= 2 \
            and any(w in self.names for w in name.split()) else name

    def last_named(self, before: int) -> str:
        """The person the text named last before token ``before`` (with 0, the
        first it named; '' if none): whom a "he" or "she" stands for when
        nobody has spoken yet."""
        if before == 0:
            return self.mentions[0][1] if self.mentions else ""
        index = bisect_left(self.mentions, (before, ""))
        return self.mentions[index - 1][1] if index else ""

    def named_between(self, start: int, end: int) -> list[tuple[int, str]]:
        """(token index, full name) of the persons named from token ``start`` to before ``end``."""
        return self.mentions[bisect_left(self.mentions, (start, "")):
                             bisect_left(self.mentions, (end, ""))]

    def holder_of(self, role_word: str, prefer: str = "") -> str:
        """The person whose role is ``role_word`` ("spokesperson"), the current one first."""
        word = ROLE_SYNONYMS.get(role_word, role_word)
        def holds(person: str) -> bool:
            role = self.roles.get(person, "").lower()
            words = [ROLE_SYNONYMS.get(w, w) for w in re.findall(r"[\w-]+", role)]
            return word in words
        if prefer and holds(prefer):
            return prefer
        return next((person for person in self.order if holds(person)), "")

    def is_person(self, speaker: str) -> bool:
        words = speaker.lower().split()
        return speaker in self.roles or (bool(words) and words[-1] in ROLE_NOUNS)


def name_of(head: Token) -> str:
    """A readable name for a subject: the entity it belongs to, else its noun phrase."""
    subtree = list(head.subtree)
    entity = _entity_of(head)
    if entity is not None and entity.label_ in NAME_ENTITY_LABELS:
        return entity.text
    for child in head.children:  # "the group's director, Leila Marsh"
        if child.dep_ == "appos" and (child.ent_type_ == "PERSON" or (
                child.tag_ in _PROPER_TAGS and head.tag_ in _COMMON_TAGS)):
            entity = _entity_of(child)  # a name read as a place ("Lina Park") is still one
            return entity.text if entity is not None else phrase(child)
    words = [t for t in subtree if t.i <= head.i and t.dep_ in
             ("det", "compound", "amod", "poss", "case", "flat", "nmod", "nummod", "predet")
             or t.i == head.i]
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "for", "from"):
            words.extend(child.subtree)
    return " ".join(t.text for t in words).replace(" 's", "'s").replace(" ’s", "’s")


def _entity_of(token: Token) -> Span | None:
    """The entity a token belongs to, from its IOB tags (no scan of ``doc.ents``)."""
    if not token.ent_type_:
        return None
    doc, start, end = token.doc, token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type_)


def strip_titles(name: str) -> str:
    """'Spokesperson Le Thi Thu Hang' -> 'Le Thi Thu Hang'; 'Mr. Anh' -> 'Anh'."""
    words = name.split()
    def is_title(position: int) -> bool:
        word = words[position].lower()
        return word in ROLE_NOUNS | HONORIFICS or (
            word in _TITLE_MODIFIERS and position + 1 < len(words) and is_title(position + 1))
    while len(words) > 1 and is_title(0) and not all(map(is_title, range(1, len(words)))):
        words = words[1:]
    return " ".join(words)


def _role_of(ent: Span) -> str:
    """The job title around a person's mention: 'Spokesperson Hang of the Ministry
    of Foreign Affairs', 'Irena Kostova, Director-General of ...', 'its director, Marsh'."""
    root = ent.root
    words = [t.text for t in _title_before(ent)] + [w for w in ent.text.split()[:-1]
                                                    if w.lower() in ROLE_NOUNS][:1]
    role = " ".join(words).replace(" 's", "'s").replace(" ’s", "’s")
    for child in root.rights:
        if child.dep_ == "appos" or (child.dep_ == "prep" and child.lower_ in ("of", "from")):
            tail = phrase(child)
            role = f"{role}, {tail}" if child.dep_ == "appos" and role else f"{role} {tail}"
            break
    if not role.strip() and root.dep_ == "appos":
        role = phrase(root.head, stop=ent.start)
    return role.strip(" ,")


def _title_before(ent: Span) -> list[Token]:
    """The title written just before a name: the run of capitalised words (with
    'of', 'for', 'the', "'s") that holds a role word ('Vice Minister of Public
    Security', "Vietnam's Foreign Ministry spokesperson")."""
    run: list[Token] = []
    index = ent.start - 1
    while index >= ent.sent.start:
        token = ent.doc[index]
        if token.is_title or token.is_upper or token.lower_ in ROLE_NOUNS \
                or token.lower_ in ("of", "for", "the", "'s", "’s", "and"):
            run.insert(0, token)
            index -= 1
        else:
            break
    while run and (run[0].lower_ in ("of", "for", "the", "and", "'s", "’s")
                   or run[0].lower_ in HONORIFICS):
        run.pop(0)
    while run and run[-1].lower_ in HONORIFICS:
        run.pop()
    if not any(t.lower_ in ROLE_NOUNS for t in run):
        return []
    return run
