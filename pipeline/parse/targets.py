"""Whom a speaker's sentence is aimed at: what they reject, whom they address,
with whom they pledge to work.

Part of the parse stage, called by ``attribution.py`` for sentences that
have a speaker. Kept apart because targets answer a different question than
speakers (the object side of the speech act, not its subject) and have their
own word lists.
"""

from __future__ import annotations

from itertools import pairwise

from spacy.tokens import Token

from .sentence_views import (
    NAME_ENTITY_LABELS,
    PRONOUNS,
    SUBJECT_DEPS,
    SentenceView,
    is_noun,
    is_pronoun,
    is_verb,
    phrase,
    strip_possessive,
    verb_forms,
)

#: Verbs whose object is the target: rejected, or addressed.
REJECTION_FORMS = verb_forms("reject deny refute dismiss oppose condemn criticize criticise "
                             "accuse denounce slam protest") | {"accept"}
ADDRESS_FORMS = verb_forms("tell inform urge ask brief thank invite call warn remind request "
                           "commend welcome recognize recognise acknowledge appreciate praise "
                           "congratulate respond reply")
#: Appraisal verbs aim at the owner of what they appraise ("welcomed Arvania's decision").
APPRAISAL_FORMS = verb_forms("commend welcome recognize recognise acknowledge appreciate "
                             "praise congratulate")
#: Nouns naming an accusation: "the report is biased" rebuts the report.
ACCUSATION_NOUNS = frozenset(
    "report reports claim claims allegation allegations accusation accusations criticism "
    "criticisms statement statements remarks assertion assertions rumour rumours rumor "
    "rumors characterisation characterization resolution view views article articles "
    "information".split())
#: Heads of "with X" that make X a partner ("cooperation with", "work with").
PARTNER_HEADS = frozenset(
    "cooperate cooperating cooperation work working dialogue dialogues partnership hands "
    "relations exchange exchanges share sharing engage engagement talks consult consultations "
    "continue coordinate coordination".split())
_WITH = frozenset({"with"})


def find_target(sentence: SentenceView, verb: Token | None) -> str:
    """What the speaker rejects or rebuts, whom they address, or their partner.

    In that order: the speech verb's own rejection ("rejected X"), another
    rejection, an accusation the sentence rebuts ("the report is biased"),
    "in response to X", the addressee ("urged X", "told X"), the partner
    ("cooperation with X"). Rejections inside relative clauses are someone
    else's ("a statement by X, which accused Y") and are skipped.
    """
    acts = [t for t, tag, dep in zip(sentence.tokens, sentence.tags, sentence.deps)
            if (is_verb(tag, dep) or dep == "ROOT") and dep != "relcl"
            and (dep != "acl" or _has_subject(t))]
    if verb is not None and verb in acts:
        acts.remove(verb)
        acts.insert(0, verb)
    rejected = next((o for o in (_rejected(a) for a in acts if a is verb or _own_act(a))
                     if o is not None), None)
    if rejected is not None:
        return phrase(rejected)
    rebutted = _rebutted(sentence, verb)
    if rebutted:
        return rebutted
    response = _in_response_to(sentence)
    if response:
        return response
    addressed = next((a for a in map(_addressee, acts) if a), "")
    return addressed or _partner(sentence)


def _rebutted(sentence: SentenceView, verb: Token | None) -> str:
    """An accusation the sentence is about: a headline's "Accusations ...", or
    a subject naming one ("the report is biased")."""
    speaker_subject = [c for c in verb.children if c.dep_ in SUBJECT_DEPS] if verb else []
    for token, lower, dep in zip(sentence.tokens, sentence.lowers, sentence.deps):
        if dep == "ROOT" and lower in ACCUSATION_NOUNS and sentence.headline:
            return phrase(token)  # "Accusations of ... 'pure fabrication': ministry"
        if dep in ("nsubj", "nsubjpass") and token not in speaker_subject:
            accusation = _accusation_in(token)
            if accusation is not None:
                return phrase(accusation)
    return ""


def _has_subject(token: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def _own_act(token: Token) -> bool:
    """A verb the speaker does themselves ("we reject"), not one they report of
    others ("her husband had criticised ...")."""
    subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    return not subjects or subjects[0].lower_ in PRONOUNS


def _rejected(token: Token) -> Token | None:
    if token.lower_ not in REJECTION_FORMS:
        return None
    if token.lower_ == "accept" and not any(c.dep_ == "neg" for c in token.children):
        return None
    return _object(token)


def _addressee(token: Token) -> str:
    if token.lower_ not in ADDRESS_FORMS:
        return ""
    obj = _object(token)
    if obj is None:
        return ""
    if token.lower_ in APPRAISAL_FORMS:  # a party, not the thing praised
        owner = [c for c in obj.children if c.dep_ == "poss" and not is_pronoun(c)]
        if owner:
            return strip_possessive(phrase(owner[0]))
        return phrase(obj) if obj.ent_type_ in NAME_ENTITY_LABELS else ""
    return phrase(obj)


def _object(verb: Token) -> Token | None:
    """The direct object, or the object of 'on'/'to' ('called on X', 'responded to X')."""
    for child in verb.children:
        if child.dep_ in ("dobj", "dative"):
            return None if is_pronoun(child) else child
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("on", "to"):
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects and not is_pronoun(objects[0]):
                return objects[0]
        if child.dep_ == "xcomp" and child.lower_ in ACCUSATION_NOUNS:
            return child  # headline parse: "responds to report on ..."
        if child.dep_ in ("ccomp", "xcomp") and child.lower_ not in ACCUSATION_NOUNS:
            subjects = [g for g in child.children if g.dep_ == "nsubj"]
            if subjects and verb.lower_ in ADDRESS_FORMS and subjects[0].lower_ not in PRONOUNS:
                return subjects[0]  # "urged the US to stop ..." parsed as a clause
    return None


def _accusation_in(subject: Token) -> Token | None:
    """An accusation noun heading the subject or named in it ("the practices
    described in the report"), not an owner ("the report's author")."""
    for token in subject.subtree:
        if token.lower_ in ACCUSATION_NOUNS and is_noun(token) \
                and token.dep_ != "poss":
            return token
    return None


def _in_response_to(sentence: SentenceView) -> str:
    for (word, following_word), following in zip(pairwise(sentence.lowers),
                                                 sentence.tokens[1:]):
        if word == "response" and following_word == "to":
            objects = [c for c in following.children if c.dep_ == "pobj"]
            if objects:
                return phrase(objects[0])
    return ""


def _partner(sentence: SentenceView) -> str:
    for token in sentence.where(_WITH):
        if token.dep_ == "prep":
            head = token.head
            heads = {head.lower_, *(c.lower_ for c in head.children if c.dep_ == "dobj")}
            if head.dep_ in ("dobj", "pobj", "compound"):  # "share experience with X"
                heads.add(head.head.lower_)
            objects = [c for c in token.children if c.dep_ == "pobj"]
            if heads & PARTNER_HEADS and objects and not is_pronoun(objects[0]):
                return phrase(objects[0])
    return ""
