"""Who is speaking in each sentence: part of the parse stage.

Works on spaCy's dependency parse. The verb list covers the register of
ministry and state-media text (affirmed, stressed, reiterated, rejected,
underlined, pledged), which general quote extractors lack. Rules, in order:

1. "According to X, ..." names X;
2. a reporting verb's subject names the speaker, in either order
   ("X said ...", "..., emphasized the spokesperson");
3. a pronoun or a bare role ("she", "the spokesperson") stands for the
   current speaker of the article;
4. a sentence inside an open quotation keeps the current speaker;
5. a headline ending ": Spokesperson" names its speaker.

Names are given in full: "Hang" after "Le Thi Thu Hang" becomes the latter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

REPORTING_VERBS = frozenset(
    "say tell state affirm stress emphasize emphasise reiterate reject underline underscore "
    "pledge note add claim insist deny declare announce explain warn urge assert argue "
    "maintain confirm point express acknowledge recognize recognise highlight remark "
    "comment respond reply answer report accuse criticize criticise condemn refute "
    "dismiss vow promise ask reaffirm indicate clarify mention".split()
)
_IRREGULAR_FORMS = {"say": ("said",), "tell": ("told",), "write": ("wrote", "written")}


def _inflections(verb: str) -> set[str]:
    """Regular English forms of a verb, so matching needs no lemmatizer
    (dropping it from the spaCy pipeline saves time on every article)."""
    stem = verb[:-1] if verb.endswith("e") else verb
    past = verb + "d" if verb.endswith("e") else (verb[:-1] + "ied" if verb.endswith("y")
                                                  and verb[-2] not in "aeiou" else verb + "ed")
    third = verb[:-1] + "ies" if verb.endswith("y") and verb[-2] not in "aeiou" else (
        verb + "es" if verb.endswith(("s", "sh", "ch", "x")) else verb + "s")
    return {verb, past, third, stem + "ing", *_IRREGULAR_FORMS.get(verb, ())}


REPORTING_FORMS = frozenset(form for verb in REPORTING_VERBS for form in _inflections(verb))
PRONOUNS = frozenset("he she they we i it".split())
ROLE_NOUNS = frozenset(
    "spokesperson spokesman spokeswoman minister ambassador official president "
    "premier envoy delegate representative diplomat secretary chairman chairwoman".split()
)
PERSON_PRONOUNS = frozenset("he she i".split())
SUBJECT_DEPS = frozenset({"nsubj"})
NAME_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_HEADLINE_SPEAKER = re.compile(r":\s*(?P<who>[A-Z][\w .'-]{2,40})$")
_OPEN_QUOTES = "“\""


def find_speakers(doc: Doc, sentences: Sequence[Span], *, title: str = "") -> list[str]:
    """One speaker name per sentence ('' where nobody is speaking)."""
    names: dict[str, str] = {}
    current = ""
    person = ""
    in_quote = False
    speakers = []
    previous = None
    quote_start = 0
    for position, span in enumerate(sentences):
        _remember_names(span, names)
        in_quote = in_quote and not _new_paragraph(previous, span)
        previous = span
        if not in_quote:
            quote_start = position
        explicit = _according_to(span) or _verb_subject(span)
        stands_for = person if _is_person_reference(explicit) else current
        if explicit and _is_reference(explicit) and stands_for:
            speaker = stands_for
        elif explicit:
            speaker = _full_name(explicit, names)
            current = speaker
            person = speaker if speaker in names.values() else person
        elif in_quote or _starts_quote_without_verb(span):
            speaker = current
        elif title and span.text.strip() == title.strip():
            speaker = _headline_speaker(span.text)
        else:
            speaker = ""
        if explicit and explicit.lower() in PRONOUNS and not current:
            speaker = ""
        if explicit and in_quote:
            # "..." she said: the quotation that ends here is hers from its start.
            speakers[quote_start:] = [s or speaker for s in speakers[quote_start:]]
        in_quote = _quote_open_after(span.text, in_quote)
        speakers.append(speaker)
    return speakers


def _is_reference(name: str) -> bool:
    """A pronoun or a bare role ("the spokesperson") that points back to someone."""
    words = name.lower().split()
    return len(words) <= 3 and (words[-1] in PRONOUNS or words[-1] in ROLE_NOUNS)


def _is_person_reference(name: str) -> bool:
    words = name.lower().split()
    return bool(words) and (words[-1] in PERSON_PRONOUNS or words[-1] in ROLE_NOUNS)


def _according_to(span: Span) -> str:
    for token in span:
        if token.lower_ == "according" and token.i + 1 < span.end \
                and token.doc[token.i + 1].lower_ == "to":
            objects = [c for c in token.doc[token.i + 1].children if c.dep_ == "pobj"]
            if objects:
                return _name_of(objects[0])
    return ""


def _verb_subject(span: Span) -> str:
    """The subject of the sentence's main reporting verb, if any."""
    verbs = [t for t in span if t.lower_ in REPORTING_FORMS and t.pos_ in ("VERB", "AUX")]
    verbs.sort(key=lambda t: (t.dep_ != "ROOT", t.head.dep_ != "ROOT", t.i))
    for verb in verbs:
        agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children
                  if g.dep_ == "pobj"]
        subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS] or agents
        if subjects and subjects[0].lower_ not in ("it", "which", "that", "who"):
            return _name_of(subjects[0])
    return ""


def _name_of(head: Token) -> str:
    """A readable name for a subject: the entity it belongs to, else its noun phrase."""
    subtree = list(head.subtree)
    for ent in head.doc.ents:
        if ent.label_ in NAME_ENTITY_LABELS and ent.start <= head.i < ent.end:
            return ent.text
    for ent in head.doc.ents:
        if ent.label_ == "PERSON" and subtree[0].i <= ent.start and ent.end <= subtree[-1].i + 1:
            return ent.text
    words = [t for t in subtree if t.i <= head.i and t.dep_ in
             ("det", "compound", "amod", "poss", "case", "flat", "nmod") or t.i == head.i]
    return " ".join(t.text for t in words).replace(" 's", "'s").replace(" ’s", "’s")


def _remember_names(span: Span, names: dict[str, str]) -> None:
    for ent in span.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            full = _full_name(ent.text, {})
            for token in full.split():
                names.setdefault(token, full)


def _full_name(name: str, names: dict[str, str]) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower() in ROLE_NOUNS:
        words = words[1:]
    name = " ".join(words)
    return names.get(name, name) if len(words) == 1 else name


def _starts_quote_without_verb(span: Span) -> bool:
    text = span.text.lstrip()
    return bool(text) and text[0] in _OPEN_QUOTES and not any(
        t.lower_ in REPORTING_FORMS for t in span)


def _quote_open_after(text: str, was_open: bool) -> bool:
    """Whether a quotation is still open at the end of this sentence."""
    is_open = was_open
    for char in text:
        if char == "“":
            is_open = True
        elif char == "”":
            is_open = False
        elif char == '"':
            is_open = not is_open
    return is_open


def _new_paragraph(previous: Span | None, span: Span) -> bool:
    if previous is None:
        return True
    return "\n" in span.doc.text[previous.end_char:span.start_char]


def _headline_speaker(text: str) -> str:
    match = _HEADLINE_SPEAKER.search(text.strip())
    if match and len(match.group("who").split()) <= 4:
        return match.group("who").strip()
    return ""
