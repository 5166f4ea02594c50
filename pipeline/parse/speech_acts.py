"""Which words of a sentence are a speech act, and who performs it.

Part of the parse stage, used by ``attribution.py``: the reporting verbs
(with the register of ministry text: affirmed, stressed, reiterated), a
statement made, a pledge, "according to X", and the senses of those words
that are no speech at all ("added a director", "reported to him"). The
subject found here is turned into a readable name; resolving pronouns and
roles to persons is the reader's job (``attribution.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from spacy.tokens import Token

from .people import name_of
from .sentence_views import SUBJECT_DEPS, SentenceView, is_verb, verb_forms

#: Verbs whose subject is speaking (or stating a position).
REPORTING_VERBS = frozenset(
    "say tell state affirm stress emphasize emphasise reiterate reject underline underscore "
    "pledge note add claim insist deny declare announce explain warn urge assert argue "
    "maintain confirm point express acknowledge recognize recognise highlight remark "
    "comment respond reply answer report accuse criticize criticise condemn refute "
    "dismiss vow promise ask reaffirm indicate clarify mention inform brief welcome "
    "commend praise appreciate thank invite propose suggest request call hope believe "
    "agree protest oppose object voice share write present outline denounce slam "
    "refer testify hint admit concede contend allege tweet quip boast complain caution "
    "predict recall retort lament confess blast".split()
)
REPORTING_FORMS = verb_forms(" ".join(REPORTING_VERBS))
#: A subject that is a statement names its source: "the ministry's statement said".
SOURCE_CARRIERS = frozenset("statement statements report post tweet release letter "
                            "communique communiqué note survey study poll".split())
#: "X made the statement": the subject of these verbs speaks when the object is a statement.
STATEMENT_VERBS = verb_forms("make give deliver issue raise")
STATEMENT_NOUNS = frozenset("statement statements remarks remark comment comments speech "
                            "address announcement concern concerns case cases issue issues "
                            "question questions".split())
#: "X stands ready to ...", "X is willing to ...": the subject pledges.
PLEDGE_ADJECTIVES = frozenset("ready willing committed determined".split())
#: Every word that can head a speech act (``_is_speech_act`` decides).
_SPEECH_WORDS = REPORTING_FORMS | STATEMENT_VERBS | PLEDGE_ADJECTIVES
#: "according to law" cites a rule, not a speaker.
NOT_SOURCES = frozenset("law laws regulations regulation procedures procedure constitution "
                        "rules statistics data figures plan schedule reports".split())
_NOT_SPEAKERS = frozenset("which that who what there you one nobody everyone anyone someone "
                          "everybody somebody anybody nothing".split())
#: Reporting verbs that with a direct object mean something else ("is adding a
#: pioneer as its strategy officer", "has agreed a deal").
_OBJECT_SENSE = verb_forms("add agree")
#: Verbs written before their subject after what was said ("..., said X").
_INVERTING_VERBS = verb_forms("say add write note explain continue")
_INVERSION_MARKS = frozenset({",", "”", '"', "’", "'"})
#: "Vindman reported to him": answered to, said nothing.
_REPORT_TO = verb_forms("report")
#: "continued to insist", "went on to say": verbs whose subject speaks through
#: the reporting verb they govern. Not purpose clauses ("struggled to contend
#: with", "holds an event to highlight").
_SPEECH_CONTROL_VERBS = verb_forms("continue go want")
#: "declined to comment", "refused to say": the subject withholds speech, so
#: nothing is said (narration, ``data/attribution/README.md``).
_WITHHOLDING_VERBS = verb_forms("decline refuse")


def according_to(sentence: SentenceView, outside: Callable[[Token], bool]) -> str:
    for (word, following_word), following in zip(pairwise(sentence.lowers),
                                                 sentence.tokens[1:]):
        if word == "according" and following_word == "to" and outside(following):
            objects = [c for c in following.children if c.dep_ == "pobj"]
            if objects and objects[0].lower_ not in NOT_SOURCES:
                return name_of(_source_of(objects[0]))
    return ""


def verb_subject(sentence: SentenceView, outside: Callable[[Token], bool]
                  ) -> tuple[str, Token | None]:
    """The subject of the sentence's main speech act (a reporting verb, a
    statement made, a pledge) outside quotation marks, and that verb."""
    verbs = [t for t in sentence.where(_SPEECH_WORDS) if _is_speech_act(t) and t.dep_ != "acl"
             and not any(c.dep_ == "neg" for c in t.children) and outside(t)
             and not _withholds_speech(t)]
    verbs.sort(key=lambda t: (t.dep_ in ("relcl", "acl"), t.dep_ != "ROOT",
                              t.head.dep_ != "ROOT", t.i))
    for verb in verbs:
        if verb.lower_ in PLEDGE_ADJECTIVES and verb.dep_ == "amod":
            return name_of(verb.head), verb
        head = verb.head if verb.lower_ in PLEDGE_ADJECTIVES and verb.dep_ != "ROOT" else verb
        agents = [g for c in head.children if c.dep_ == "agent" for g in c.children
                  if g.dep_ == "pobj"]
        subjects = [c for c in head.children if c.dep_ in SUBJECT_DEPS] or agents \
            or _inverted_subject(head)
        if not subjects and _shares_subject(head):
            subjects = [c for c in head.head.children if c.dep_ in SUBJECT_DEPS]
        if sentence.headline and head.tag_ in ("VBN", "VBD") and not agents:
            continue  # headlines speak in the present: "Appeal rejected" is a passive
        if subjects and subjects[0].lower_ not in _NOT_SPEAKERS:
            return name_of(_source_of(subjects[0])), verb
    return "", None


def _withholds_speech(verb: Token) -> bool:
    """A reporting verb whose subject withholds speech: "declined to comment",
    "refused to say when". Nothing is said, so it names no speaker (the
    annotators of real news read such sentences as narration); a verb beside
    it may still speak ("declined to comment, saying the case was closed")."""
    return verb.dep_ == "xcomp" and verb.head.lower_ in _WITHHOLDING_VERBS


def _inverted_subject(verb: Token) -> list[Token]:
    """The speaker of "..., said another witness, Fiona Hill", which the
    parser reads as the verb's object."""
    if verb.lower_ not in _INVERTING_VERBS or verb.i == 0 \
            or verb.doc[verb.i - 1].text not in _INVERSION_MARKS:
        return []
    return [c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i]


def _other_sense(verb: Token) -> bool:
    """A reporting verb used in a sense that is not speech: "added a new
    director", "agreed a deal", "reported to him" (answered to)."""
    lower = verb.lower_
    if lower in _OBJECT_SENSE and any(c.dep_ == "dobj" for c in verb.children) \
            and not _inverted_subject(verb):
        return True
    return lower in _REPORT_TO and not any(c.dep_ in ("ccomp", "dobj") for c in verb.children) \
        and any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children)


def _shares_subject(verb: Token) -> bool:
    """A verb without a subject of its own that speaks with its head's:
    "signed ... and agreed to ...", "declined to comment", "confessed,
    admitting that ...", "revealed it, saying ..."."""
    return verb.dep_ == "conj" or (verb.dep_ == "advcl" and verb.tag_ == "VBG") or (
        verb.dep_ == "xcomp" and verb.head.lower_ in _SPEECH_CONTROL_VERBS)


def _source_of(subject: Token) -> Token:
    """Who a statement subject comes from: "the ministry's statement said",
    "a statement from the embassy said" -> the ministry, the embassy."""
    if subject.lower_ not in SOURCE_CARRIERS:
        return subject
    for child in subject.children:
        if child.dep_ == "poss" and child.tag_ not in ("PRP$",):
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by"):
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects:
                return objects[0]
    return subject


def _is_speech_act(token: Token) -> bool:
    if token.lower_ in REPORTING_FORMS and is_verb(token.tag_, token.dep_):
        return not _other_sense(token)
    if token.lower_ in STATEMENT_VERBS and is_verb(token.tag_, token.dep_):
        return any(c.dep_ == "dobj" and c.lower_ in STATEMENT_NOUNS for c in token.children)
    return token.lower_ in PLEDGE_ADJECTIVES and any(
        c.dep_ in ("xcomp", "prep") for c in token.children)
