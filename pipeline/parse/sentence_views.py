"""What the attribution rules ask of a sentence, computed once per article.

Attribution (``attribution.py``) and targets (``targets.py``) read every
sentence through a dozen rules. spaCy builds a new ``Token`` object on each
``doc[i]`` and rebuilds the text on each ``span.text``, so rules that each
re-walk the sentence made attribution the largest part of the parse stage
after spaCy itself. A ``SentenceView`` holds the sentence's text, its tokens,
their lower-case forms, dependency labels and coarse tags as plain strings
(read from the doc's arrays in one go), and its line position, made once and
shared by all rules. Rules scan the strings and touch a ``Token`` only where
a word could matter.

Also here: the small token helpers both modules use (noun phrases,
pronouns, verb forms without a lemmatizer, coarse word classes from the
tagger's fine tags: the pipeline drops spaCy's ``attribute_ruler``, which
only maps those tags to coarse ones and took 9-12% of spaCy's time).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

PRONOUNS = frozenset("he she they we i it".split())
#: Penn Treebank tags of verbs and auxiliaries (universal VERB and AUX).
VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD", "BES", "HVS"})
#: Tags of nouns and proper nouns (NOUN, PROPN).
NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
#: Tags of pronouns (PRON); so are "nobody"-words tagged NN, and determiners
#: standing alone ("those blaming China", "whatever it is called").
PRONOUN_TAGS = frozenset({"PRP", "PRP$", "WP", "EX"})
_PRONOUN_NOUNS = frozenset("something anyone anything nothing someone everything everyone "
                           "everybody nobody somebody anybody".split())
_AUX_DEPS = frozenset({"aux", "auxpass"})
SUBJECT_DEPS = frozenset({"nsubj"})
NAME_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})

_IRREGULAR_FORMS = {"say": ("said",), "tell": ("told",), "write": ("wrote", "written"),
                    "make": ("made",), "give": ("gave", "given"), "brief": ("briefed",),
                    "refer": ("referred", "referring"), "commit": ("committed", "committing"),
                    "slam": ("slammed", "slamming"), "admit": ("admitted", "admitting")}
_HEADLINE_END = ".?!”\""


@dataclass(frozen=True)
class SentenceView:
    """One sentence with the facts every rule reads.

    ``lowers``, ``deps`` and ``tags`` run parallel to ``tokens``.
    ``headline``: a whole line without final punctuation. ``new_paragraph``:
    the sentence opens a line (the first sentence always does).
    """

    span: Span
    text: str
    tokens: Sequence[Token]
    lowers: Sequence[str]
    deps: Sequence[str]
    tags: Sequence[str]
    headline: bool
    new_paragraph: bool

    def where(self, words: frozenset[str] | set[str]) -> list[Token]:
        """The sentence's tokens whose lower-case form is one of ``words``."""
        return [token for token, lower in zip(self.tokens, self.lowers) if lower in words]


def sentence_views(doc: Doc, sentences: Sequence[Span], text: str) -> list[SentenceView]:
    """Views of an article's sentences (``text`` is ``doc.text``); one walk
    over the doc's tokens."""
    tokens = list(doc)
    strings = doc.vocab.strings
    lowers, deps, tags = ([strings[value] for value in column]
                          for column in doc.to_array(["LOWER", "DEP", "TAG"]).T.tolist())
    views = []
    for position, span in enumerate(sentences):
        start, end = span.start, span.end
        words = [i for i in range(start, end) if not lowers[i].isspace()]
        first = words[0] if words else start
        sentence_text = text[span.start_char:span.end_char]
        views.append(SentenceView(
            span=span, text=sentence_text, tokens=tokens[start:end],
            lowers=lowers[start:end], deps=deps[start:end], tags=tags[start:end],
            headline=_is_headline(tokens, sentence_text.strip(), words),
            new_paragraph=position == 0 or _starts_line(tokens, first)))
    return views


def _is_headline(tokens: Sequence[Token], text: str, words: Sequence[int]) -> bool:
    """``words``: indices of the sentence's non-space tokens."""
    if not text or text[-1] in _HEADLINE_END:
        return False
    return _starts_line(tokens, words[0]) and _ends_line(tokens, words[-1])


def _starts_line(tokens: Sequence[Token], index: int) -> bool:
    return index == 0 or "\n" in tokens[index - 1].whitespace_ or "\n" in tokens[index - 1].text


def _ends_line(tokens: Sequence[Token], index: int) -> bool:
    return index + 1 >= len(tokens) or "\n" in tokens[index].whitespace_ or (
        tokens[index + 1].is_space and "\n" in tokens[index + 1].text)


def verb_forms(words: str) -> frozenset[str]:
    """Every regular form of each verb, so matching needs no lemmatizer
    (dropping it from the spaCy pipeline saves time on every article)."""
    return frozenset(form for verb in words.split() for form in _inflections(verb))


def _inflections(verb: str) -> set[str]:
    stem = verb.removesuffix("e")
    consonant_y = verb.endswith("y") and verb[-2] not in "aeiou"
    past = verb + "d" if verb.endswith("e") else (verb[:-1] + "ied" if consonant_y
                                                  else verb + "ed")
    third = verb[:-1] + "ies" if consonant_y else (
        verb + "es" if verb.endswith(("s", "sh", "ch", "x")) else verb + "s")
    return {verb, past, third, stem + "ing", *_IRREGULAR_FORMS.get(verb, ())}


def phrase(head: Token, stop: int | None = None) -> str:
    """A noun phrase without its relative clauses and trailing punctuation."""
    end = head.right_edge.i + 1
    for child in head.rights:
        if child.dep_ in ("appos", "punct", "advcl"):
            end = min(end, child.left_edge.i)
    for token in head.subtree:  # "a statement by the League, which accused ...": cut
        if token.dep_ == "relcl" and token.i > head.i:
            end = min(end, token.left_edge.i)
    if stop is not None:
        end = min(end, stop)
    span = head.doc[head.left_edge.i:max(end, head.i + 1)]
    return span.text.strip().strip(" ,;:")


def is_verb(tag: str, dep: str) -> bool:
    """A verb or an auxiliary, from the token's tag and dependency label."""
    return tag in VERB_TAGS or (dep in _AUX_DEPS and tag not in ("TO", ""))


def is_noun(token: Token) -> bool:
    return token.tag_ in NOUN_TAGS and token.lower_ not in _PRONOUN_NOUNS


def is_pronoun(token: Token) -> bool:
    """'you', 'her', 'them' are no target; 'US' (the country) is."""
    tag, lower, dep = token.tag_, token.lower_, token.dep_
    return (tag in PRONOUN_TAGS or (tag == "NN" and lower in _PRONOUN_NOUNS)
            or (tag in ("DT", "WDT") and dep not in ("det", "quantmod", ""))
            or (lower in ("this", "that") and dep != "det"))


def strip_possessive(name: str) -> str:
    return re.sub(r"\s*['’]s$", "", name)
