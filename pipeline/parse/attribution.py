"""Who is speaking in each sentence, in what role, and against or with whom.

Part of the parse stage; works on spaCy's dependency parse and entities.
The verb list (``speech_acts.py``) covers the register of ministry and state-media text
(affirmed, stressed, reiterated, rejected, underlined, pledged), which
general quote extractors lack. For each sentence, in order:

1. a transcript turn ("Q:", "A:", "Ambassador Reyes:") names the speaker
   until the next turn; "A:" is the person named in the title;
2. a page whose title is a person's statement, speech, remarks, briefing or
   press conference is that person's words throughout;
3. a headline's colon ("...: Spokesperson", "Spokesman: ...") or "says X";
4. "According to X, ..." names X;
5. the subject of a reporting verb, in either order ("X said ...",
   "..., emphasized the spokesperson"), of "X made the statement", or of a
   pledge ("X stands ready to ...");
6. a pronoun stands for a person its sentence named before it, else the
   person the previous sentence has as its subject, else the current
   speaker; a bare role ("the minister") for the person of the article who
   holds it;
7. a sentence inside an open quotation, or later in the same paragraph,
   keeps the current speaker; sentences before a closing "..., she noted"
   in their paragraph are hers too, and so is a quotation followed by a
   short tag of its own ("“...”" / "Holmes testified.").

A reporting verb inside quotation marks is the quoted words, not an
attribution (``quotes.py``).

Names are given in full ("Hang" after "Le Thi Thu Hang" becomes the latter)
and a person's role comes from the mention that names them ("Spokesperson
of the Ministry of Foreign Affairs"). The target is what a rejection is
aimed at, the accusation a sentence rebuts, the addressee of a call, or
the partner of a pledge; it is only looked for when someone is speaking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .. import config
from .people import HONORIFICS, ROLE_NOUNS, TITLED_NAME, People, strip_titles
from .quotes import (
    OPEN_QUOTES,
    ends_quote,
    is_quoted,
    quote_open_after,
    quoted_ranges,
    wholly_quoted,
)
from .sentence_views import (
    PRONOUNS,
    SentenceView,
    sentence_views,
    strip_possessive,
    verb_forms,
)
from .speech_acts import according_to, verb_subject
from .targets import find_target

#: Verbs of a bare tag after a quotation ("Holmes testified.", "a reporter asked."):
#: they introduce words; stance verbs (rejected, denied) answer them instead.
TAG_VERBS = verb_forms("say tell add ask testify write explain note reply answer continue "
                       "insist argue warn recall")
#: A tag is short: a subject, the verb, perhaps a listener ("told reporters on Monday").
MAX_TAG_WORDS = 8
PERSON_PRONOUNS = frozenset("he she i".split())
#: Pronouns that may stand for the person the previous sentence is about.
THIRD_PERSON_PRONOUNS = frozenset("he she".split())
#: Lower-case words that can stand alone as a headline's source ("...: ministry").
SOURCE_NOUNS = ROLE_NOUNS | frozenset(
    "ministry government office council committee commission embassy agency union group "
    "court police army party delegation mission experts".split())
_NAME_PARTICLES = frozenset({"of", "the", "for", "and", "de", "van", "von", "bin", "al", "da", "du"})
_HEADLINE_TAIL = re.compile(r":\s*(?P<who>[\w .'’-]{1,40})$")
_HEADLINE_HEAD = re.compile(r"^(?P<who>[A-Z][\w.'’-]*(?: [\w.'’-]+){0,3})\s*:\s+\S")
_HEADLINE_SAYS = re.compile(r",?\s+says\s+(?P<who>[\w .'’-]{1,40})$")
# "Name: ...", "Q: ...", and the bare "Q What ..." of US government transcripts.
_TURN = re.compile(r"^\s*(?:(?P<who>Q|Question|A|Answer|[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4})"
                   r"\s*[:：]\s|(?P<bare>Q)\s+(?=[A-Z\"“‘']))")
_QUESTION_TURNS = frozenset({"q", "question"})
_ANSWER_TURNS = frozenset({"a", "answer"})
_ASKERS = frozenset({"reporter", "journalist", "correspondent", config.QUESTIONER_SPEAKER})
#: Titles of a text that is one person's words: "Statement by ...", "Remarks by ...",
#: "... Spokesperson X's Regular Press Conference" (not "X's statement sparks anger").
_SPEECH_TITLE = re.compile(
    r"^(?:(?:full )?(?:transcript|text) of (?:the )?)?(?:[\w.'’-]+ ){0,2}"
    r"(?:statement|remarks|speech|address|press conference|briefing)\b"
    r"|['’]s (?:regular |daily )?(?:press conference|press briefing|briefing|remarks)\b",
    re.IGNORECASE)
#: A person described by age ("the 56-year-old", as ``name_of`` reads it: "The 56 old").
_DESCRIPTOR = re.compile(r"(?:\d+|year)[- ]+old$", re.IGNORECASE)
_PUNCT_TAGS = frozenset({".", ",", ":", "``", "''", "-LRB-", "-RRB-", "HYPH", "NFP", "_SP"})
_BY_BEFORE = re.compile(r"\b(by|with|from)\b[^,:;]*$", re.IGNORECASE)
_INTERVIEW_TITLE = re.compile(r"\binterview\b", re.IGNORECASE)


@dataclass(frozen=True)
class Attribution:
    """Who speaks in a sentence ('' for narration), their role, and their target."""

    speaker: str = ""
    role: str = ""
    target: str = ""


def find_speakers(doc: Doc, sentences: Sequence[Span], *, title: str = "") -> list[str]:
    """One speaker name per sentence ('' where nobody is speaking)."""
    return [a.speaker for a in find_attributions(doc, sentences, title=title)]


def find_attributions(doc: Doc, sentences: Sequence[Span], *, title: str = "",
                      text: str | None = None) -> list[Attribution]:
    """Speaker, role and target of every sentence of one article.

    ``text`` is ``doc.text`` when the caller has it already (spaCy rebuilds
    it from the tokens on every access).
    """
    if not sentences:
        return []
    text = doc.text if text is None else text
    views = sentence_views(doc, sentences, text)
    people = People(doc, text)
    has_title = bool(title) and views[0].text.strip() == title.strip()
    page, answerer = _page_speakers(views[0], people) if has_title else ("", "")
    turns = _turn_speakers(views, answerer, people)
    speakers, verbs = _Reader(people).read(views, turns, page, has_title)
    attributions = []
    for view, speaker, verb in zip(views, speakers, verbs):
        asking = speaker.lower() in _ASKERS or view.text.rstrip().endswith("?")
        target = find_target(view, verb) if speaker and not asking else ""
        attributions.append(Attribution(speaker, people.roles.get(speaker, ""), target))
    return attributions


class _Reader:
    """Reads an article's sentences in order, keeping the current speaker."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.current = ""
        self.person = ""
        self.position = 0
        self.in_quote = False  # a quotation is open at the start of this sentence
        self.speakers: list[str] = []
        self.named: list[bool] = []  # the sentence names its speaker itself
        self.quote_start = 0  # where the quotation open at this sentence began
        self.closed_quote: tuple[int, int] | None = None  # the last one closed at a sentence end
        self.previous: SentenceView | None = None  # the sentence read before this one

    def read(self, sentences: Sequence[SentenceView], turns: list[str | None], page: str,
             has_title: bool) -> tuple[list[str], list[Token | None]]:
        verbs: list[Token | None] = []
        in_quote = False
        paragraph_start = 0
        for position, sentence in enumerate(sentences):
            self.position = position
            if sentence.new_paragraph:
                paragraph_start = position
            in_quote = in_quote and not sentence.new_paragraph
            self.in_quote = in_quote
            if not in_quote:
                self.quote_start = position
            headline = sentence.headline or (has_title and position == 0)
            explicit, verb = _explicit(sentence, headline, in_quote)
            verbs.append(verb)
            if turns[position] is not None or (page and position > 0):
                speaker = turns[position] if turns[position] is not None else page
                named = self._resolve(explicit, sentence) if explicit and not turns[position] \
                    else ""
                if named in self.people.roles:  # a statement reporting another person
                    speaker = named
                self.current = speaker or self.current
            elif explicit:
                speaker = self._named(sentence, explicit, verb, in_quote, paragraph_start)
            elif in_quote or sentence.text.lstrip()[:1] in OPEN_QUOTES:
                speaker = self.current
            elif position > paragraph_start and not headline and not _narrates(sentence) \
                    and not _is_aside(sentence.text):
                speaker = self.speakers[-1]
            else:
                speaker = ""
            self._close_quote(sentence.text, in_quote)
            in_quote = quote_open_after(sentence.text, in_quote)
            self.previous = sentence
            self.speakers.append(speaker)
            self.named.append(bool(explicit))
        return self.speakers, verbs

    def _named(self, sentence: SentenceView, explicit: str, verb: Token | None, in_quote: bool,
               paragraph_start: int) -> str:
        """The speaker a sentence names, given also to the words it closes:
        the quotation that ends here ("...,” she said"), a quotation just
        before a bare tag ("Holmes testified."), or the paragraph's opening
        sentences before a trailing "..., she noted"."""
        speaker = self._resolve(explicit, sentence, verb)
        if not speaker:
            return speaker
        self.current = speaker
        self.person = speaker if self.people.is_person(speaker) else self.person
        if in_quote:
            self._give(self.quote_start, speaker)
        elif self.closed_quote and self.closed_quote[1] == self.position - 1 \
                and _is_tag(sentence, verb):
            self._give(self.closed_quote[0], speaker)
        elif verb is not None and _trails(sentence, verb):
            _fill_back(self.speakers, paragraph_start, speaker)
        return speaker

    def _named_before(self, sentence: SentenceView, before: int) -> str:
        """The last person this sentence names, outside quotation marks, before token ``before``."""
        quoted = quoted_ranges(sentence.text, self.in_quote)
        offset, doc = sentence.span.start_char, sentence.span.doc
        names = [name for index, name in self.people.named_between(sentence.span.start, before)
                 if not is_quoted(doc[index].idx - offset, quoted)]
        return names[-1] if names else ""

    def _subject_person(self, sentence: SentenceView) -> str:
        """The person named as the subject of a sentence's main verb
        ("Morrison was the third witness ..."): the one a "he" or "she" of the
        next sentence most likely stands for, before an earlier speaker."""
        root = sentence.span.root
        for subject in (c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")):
            named = self.people.named_between(subject.left_edge.i, subject.right_edge.i + 1)
            if named:
                return named[0][1]
        return ""

    def _give(self, start: int, speaker: str) -> None:
        """Sentences from ``start`` on that named nobody themselves are ``speaker``'s."""
        for index in range(start, len(self.speakers)):
            if not self.named[index]:
                self.speakers[index] = speaker

    def _close_quote(self, text: str, in_quote: bool) -> None:
        """Remember a quotation that closes at the end of this sentence."""
        if ends_quote(text) and not quote_open_after(text, in_quote):
            self.closed_quote = (self.quote_start, self.position)

    def _resolve(self, name: str, sentence: SentenceView, verb: Token | None = None) -> str:
        """A name in full; a pronoun, bare role or descriptor ("the
        56-year-old") as the person it stands for: a person the sentence named
        before it ("Graham, ..., she said"), else the person the previous
        sentence has as its subject ("Morrison was the third witness. He
        said ..."), else the current speaker, else the
        last person who spoke, else the last person the text named (for a
        descriptor, the first: "the 56-year-old" is the story's subject)."""
        words = name.lower().split()
        descriptor = bool(_DESCRIPTOR.search(name))
        if (words[-1] in PERSON_PRONOUNS and len(words) == 1) or descriptor:
            start = sentence.span.start
            here = self._named_before(sentence, verb.i if verb is not None else start)
            if here and not descriptor:
                return here
            about = self._subject_person(self.previous) \
                if self.previous is not None and words[-1] in THIRD_PERSON_PRONOUNS else ""
            if about:
                return about
            if self.people.is_person(self.current):
                return self.current
            return self.person or self.people.last_named(0 if descriptor else start)
        if words[-1] in PRONOUNS and len(words) == 1:
            return self.current
        if words[-1] in ROLE_NOUNS and not any(w in self.people.names for w in name.split()):
            holder = self.people.holder_of(words[-1], prefer=self.current)
            return holder or name
        return self.people.full_name(name)


def _narrates(sentence: SentenceView) -> bool:
    """A simple-past sentence with no first person ("The march ended at noon"):
    the writer narrating, so the previous speaker is not carried over. Words
    carried on from a speaker stay in the present ("It ignores the facts")."""
    return sentence.span.root.tag_ == "VBD" and not any(
        w in ("we", "our", "i", "my", "us") for w in sentence.lowers)


def _is_aside(text: str) -> bool:
    """A sentence in brackets, "(Cooperman is the investor who ...)": the
    writer's aside, not the speaker's words carried on."""
    stripped = text.strip().rstrip(".")
    return stripped.startswith("(") and stripped.endswith(")")


def _fill_back(speakers: list[str], start: int, speaker: str) -> None:
    """Unattributed sentences opening a paragraph that ends '..., she noted' are hers."""
    for index in range(start, len(speakers)):
        if speakers[index]:
            return
    speakers[start:] = [speaker] * (len(speakers) - start)


def _trails(sentence: SentenceView, verb: Token) -> bool:
    """An attribution after what was said ("..., she noted"), with no quotation marks."""
    return verb.i - sentence.span.start > len(sentence.tokens) / 2 and not any(
        c in sentence.text for c in "“”\"")


def _is_tag(sentence: SentenceView, verb: Token | None) -> bool:
    """A bare attribution after a quotation: "Holmes testified.", "a reporter asked."."""
    words = sum(1 for tag in sentence.tags if tag not in _PUNCT_TAGS)
    return verb is not None and verb.lower_ in TAG_VERBS and words <= MAX_TAG_WORDS \
        and not any(c in sentence.text for c in "“”\"")


def _explicit(sentence: SentenceView, headline: bool, in_quote: bool
              ) -> tuple[str, Token | None]:
    """The speaker a sentence names itself, and the verb that names it.
    Words inside quotation marks name nobody: they are the quotation."""
    if headline:
        who = _headline_speaker(sentence.text)
        if who:
            return who, None
    if wholly_quoted(sentence.text, in_quote):
        return "", None
    quoted = quoted_ranges(sentence.text, in_quote)
    start = sentence.span.start_char
    def outside(token: Token) -> bool:
        return not quoted or not is_quoted(token.idx - start, quoted)
    according = according_to(sentence, outside)
    if according:
        return according, None
    return verb_subject(sentence, outside)


def _page_speakers(title: SentenceView, people: People) -> tuple[str, str]:
    """(speaker of the whole page, answerer of "A:" turns) from a title such as
    "Spokesperson Zhou Lihua's Regular Press Conference" or "Interview with ..."."""
    text = title.text
    names = [(ent.start_char - title.span.start_char, ent.text) for ent in title.span.ents
             if ent.label_ == "PERSON"]
    names += [(m.start("name"), m.group("name")) for m in TITLED_NAME.finditer(text)]
    persons = [people.full_name(strip_possessive(name)) for start, name in sorted(names)
               if _BY_BEFORE.search(text[:start]) or strip_possessive(name) != name
               or text[start + len(name):start + len(name) + 2] in ("'s", "’s")]
    if not persons:
        return "", ""
    if _SPEECH_TITLE.search(text):
        return persons[0], persons[0]
    if _INTERVIEW_TITLE.search(text):
        return "", persons[0]
    return "", ""


def _turn_speakers(sentences: Sequence[SentenceView], answerer: str,
                   people: People) -> list[str | None]:
    """The speaker of each sentence's transcript turn, None outside any turn.

    A page is a transcript only with two turns or more; a headline ("FM Wang
    Yi: Root of the issue lies in security") is never a turn.
    """
    turns: list[str | None] = []
    current: str | None = None
    markers = 0
    for sentence in sentences:
        if sentence.new_paragraph and not sentence.headline:
            match = _TURN.match(sentence.text)
            label = match.group("who") or match.group("bare") if match else None
            who = _turn_owner(label, answerer, people) if label else None
            markers += who is not None
            current = who if who is not None else current
        turns.append(current)
    return turns if markers >= config.MIN_TRANSCRIPT_TURNS else [None] * len(sentences)


def _turn_owner(label: str, answerer: str, people: People) -> str | None:
    lowered = label.lower()
    if lowered in _QUESTION_TURNS:
        return config.QUESTIONER_SPEAKER
    if lowered in _ANSWER_TURNS:
        return answerer
    words = lowered.split()
    if words[-1] in _ASKERS:
        return label
    name = strip_titles(label)
    if name in people.names or name in people.roles or (words[0] in ROLE_NOUNS | HONORIFICS
                                                        and len(words) > 1):
        return people.full_name(name)
    return None


def _headline_speaker(text: str) -> str:
    """'...: Spokesperson', '...: ministry', '..., says minister', 'Spokesman: ...'."""
    text = text.strip()
    for pattern in (_HEADLINE_TAIL, _HEADLINE_SAYS, _HEADLINE_HEAD):
        match = pattern.search(text)
        who = match.group("who").strip() if match else ""
        words = who.split()
        if 0 < len(words) <= 4 and (who[0].isupper() or words[-1].lower() in SOURCE_NOUNS) \
                and (pattern is not _HEADLINE_HEAD or _names_someone(words)):
            return who
    return ""


def _names_someone(words: Sequence[str]) -> bool:
    """A headline's "X: ..." head names a speaker ("Chinese FM", "Spokesperson
    Li"), not a topic ("Flu season in 2024", "Trade talks")."""
    return not any(c.isdigit() for word in words for c in word) and not any(
        word.islower() and word not in _NAME_PARTICLES for word in words[1:])
