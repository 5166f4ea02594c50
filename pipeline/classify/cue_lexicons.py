"""The classifier's cue lexicons: the annotation guide's decision rules as
regular expressions over normalised (lower-case, plain-quote) text.

Kept apart from ``model.py`` because they are data a researcher reads and
extends (a new rebuttal word, a non-human-rights use of "rights"), while
``model.py`` is the machinery. A fitted model stores its compiled
patterns, so editing these lists changes only models trained afterwards.
"""

from __future__ import annotations

# Words a rebuttal is aimed at. Rejecting one of these answers an accusation
# (`denial`); rejecting an action instead is a protest (`other`, guide
# "Protests are not denials").
_REBUT_VERB = (r"(?:reject\w*|den(?:y|ies|ied|ial)|refut\w*|rebut\w*|dismiss\w*|oppos\w*|"
               r"condemn\w*|deplor\w*|protest\w*)")
_ACCUSATION = (r"(?:reports?|allegations?|alleg\w*|accusations?|accus\w*|claims?|criticism|"
               r"criticis\w*|criticiz\w*|smears?|slander\w*|lies|rumou?rs?|disinformation|"
               r"narratives?|remarks|assertions?|charges?|statements?|comments?|attacks?|hype|"
               r"resolutions?)")
_UNTRUE = (r"(?:groundless|baseless|unfounded|false|untrue|lies|fabricat\w*|not true|no basis|"
           r"not objective|nonsense|absurd|distort\w*)")

#: Cue lexicons, matched on normalised (lower-case) text: each becomes one
#: feature (log of 1 + matches). They encode the guide's rules, not any
#: corpus, so they hold on unseen sites.
CUES: dict[str, str] = {
    "negation": r"\b(?:not|no|never|nobody|none|neither|nor|without)\b|n't\b",
    "rebuttal": (
        r"\b(?:reject\w*|den(?:y|ies|ied)|refut\w*|rebut\w*|groundless|baseless|unfounded|"
        r"fabricat\w*|slander\w*|smear\w*|lies|distort\w*|biased|disinformation|"
        r"untrue|false(?:ly|hood)?|misleading|hyp(?:e|ing)|oppos\w*|condemn\w*|"
        r"not objective|not reflect\w*|irresponsible|malicious\w*)\b"
    ),
    "rebut_verb": rf"\b{_REBUT_VERB}\b",
    "accusation": rf"\b{_ACCUSATION}\b|\b(?:critics?|lie|rhetoric|fake news|hyping)\b",
    "answered": (rf"\b{_REBUT_VERB}\b(?:\W+\w+){{0,5}}?\W+{_ACCUSATION}\b|"
                 rf"\b{_ACCUSATION}\b(?:\W+\w+){{0,8}}?\W+{_UNTRUE}\b"),
    "falsity": (
        r"\b(?:groundless|baseless|unfounded|fabricat\w*|slander\w*|smear\w*|lies|distort\w*|"
        r"disinformation|untrue|false(?:ly|hood)?|misleading|not objective|not reflect\w*|no basis|"
        r"nothing but|sheer|ulterior motives?|malicious\w*|irresponsible|not true|"
        r"far from the truth|biased|prejudice\w*|ideological bias|hyp(?:e|ing)|so-called)\b"
    ),
    "action": (
        r"\b(?:moves?|sanctions?|proposals?|decisions?|visits?|sales?|tariffs?|"
        r"embargo\w*|bills?|legislation|measures?|deployments?|provocations?|aggression|"
        r"invasion|occupation|"
        r"export controls?|reforms?|agreements?|jurisdiction|blockade|war|annexation|imposition|"
        r"unilateral\w*|hegemon\w*|force)\b"
    ),
    "no_violation": (
        r"\b(?:no one|nobody|no (?:individual|person|citizen|journalist|one)s?)\b[^.;]{0,60}?"
        r"\b(?:arrest|detain|prosecut|tried|punish|jail|imprison|persecut|suppress|harass)\w*|"
        r"\bthere (?:are|is) no (?:political prisoners?|so-called)\b"
    ),
    "violation": (
        r"\b(?:abuses?|crackdown|persecut\w*|repress\w*|tortur\w*|genocide|forced labou?r|camps?|"
        r"arbitrar\w*|violat\w* (?:of )?human rights|human rights violations?|detain\w*|detention|"
        r"arrest\w*|jail\w*|imprison\w*|suppress\w*|oppress\w*|censor\w*)\b"
    ),
    "critics": (r"\b(?:critics|activists|rights groups|watchdogs?|human rights groups|ngos?|"
                r"opposition|dissidents?|advocates|campaigners)\b"),
    "interference": (
        r"\b(?:internal affairs|interfer\w*|meddl\w*|politici[sz]\w*|double standards?|"
        r"pretext|sovereignty|pressure)\b"
    ),
    "pressure_rhetoric": (
        r"\b(?:politici[sz]\w*|double standards?|pretext|under the (?:guise|pretext|banner|cover)|"
        r"interfer\w* (?:in|with) (?:\w+ )?(?:internal affairs|domestic affairs)|meddl\w*|"
        r"internal affairs|smear campaign|use of human rights|using human rights|lectur\w*|"
        r"dictat\w* to|in (?:a|the) (?:best )?position to (?:judge|dictate|comment)|"
        r"no jurisdiction|credibility)\b"
    ),
    "sovereignty": (r"\b(?:sovereignty|non-interference|territorial integrity|pressure|"
                    r"self-determination|principles? of|charter)\b"),
    "lawful": (
        r"\b(?:in (?:strict )?accordance with (?:the )?laws?|violat\w* (?:the )?laws?|"
        r"law-breaking|broke the law|criminal\w*|legal procedures?|lawful\w*)\b"
    ),
    "pledge": (
        r"\b(?:agree[ds]?|agreement|ready|readiness|willing\w*|pledg\w*|commit\w*|vow\w*|"
        r"will (?:continue|work|strengthen|deepen|enhance|expand|promote|hold|exchange|"
        r"cooperate|further)|continue to (?:work|deepen|strengthen|enhance|expand|promote)|"
        r"work (?:together|closely|with)|join hands|next round|look(?:s|ing)? forward|"
        r"attach\w* (?:\w+ )?importance to|top priority|implement\w* (?:the )?(?:\w+ )?consensus|"
        r"(?:stay|keep|remain|are|is) in (?:close )?(?:contact|communication|touch))\b"
    ),
    "cooperation": (
        r"\b(?:cooperat\w*|co-operat\w*|dialogues?|partner\w*|collaborat\w*|bilateral|"
        r"multilateral|exchange\w* (?:of )?views|consultations?|engage\w*|mutual\w*|"
        r"relations|ties|friendship|solidarity)\b"
    ),
    "rights": (
        r"\b(?:rights?|freedoms?|liberties|equality|dignity|democra\w*|religio\w*|belief|"
        r"expression|press|minorit\w*|gender|labou?r|vulnerable|disabilit\w*|child\w*)\b"
    ),
    "human_rights": (
        r"\b(?:human rights?|fundamental freedoms?|freedom of (?:religion|belief|religious belief|"
        r"expression|speech|the press|assembly|association|worship|movement)|press freedom|"
        r"religious freedom|rights of (?:women|children|the child|persons|minorities|ethnic|"
        r"workers|people|the people|citizens|migrants|refugees|indigenous|all)|gender equality|"
        r"women's rights|civil rights|political rights|labou?r rights|rights and freedoms|"
        r"right to (?:life|education|health|work|development|vote|food|housing|subsistence))\b"
    ),
    # "Rights" and "protection" that are not human rights (data card).
    "other_rights": (
        r"\b(?:rights and interests|sovereign rights?|property rights|intellectual property|"
        r"broadcast\w* rights|freedom of navigation|navigation freedom|consumers?|investors?|"
        r"companies|enterprises|protect\w* (?:the )?(?:environment|interests|economy|country|"
        r"borders|sovereignty|planet|oceans?|security)|national interests?|development path)\b"
    ),
    "protection": (
        r"\b(?:protect\w*|guarantee\w*|ensur\w*|promot\w*|respect\w*|uphold\w*|safeguard\w*|"
        r"enshrin\w*|achievements?|progress|improv\w*|recogni[sz]\w*|acknowledg\w*|"
        r"appreciat\w*|commend\w*|welcom\w*)\b"
    ),
    "future": r"\b(?:will|shall|would|going to|intend\w*|plan\w*|ready to)\b",
    "first_plural": r"\b(?:we|our|us|ours)\b",
    "others": (r"\b(?:you|your|they|them|their|some (?:people|countries|politicians|media)|"
               r"certain (?:countries|politicians|media|individuals|people))\b"),
    "question": r"\?\s*$|^\s*(?:q|question)\s*:",
    "numbers": r"\d",
}

#: Pairs of cues whose co-occurrence in a sentence is one more feature: the
#: same rebuttal verb answers an accusation (denial) or protests an action
#: (other); a linear model cannot tell these apart from the counts alone.
CUE_PAIRS: tuple[tuple[str, str], ...] = (("rebut_verb", "accusation"), ("rebut_verb", "action"))

#: Cues counted a second time in the sentence's opening (``opening``): the
#: guide labels a sentence by its main clause, so "we reject the report" up
#: front weighs more than a rebuttal word in a trailing clause.
HEAD_CUES: tuple[str, ...] = ("rebut_verb", "accusation", "answered", "falsity", "pledge",
                              "cooperation", "protection", "rights", "human_rights", "negation",
                              "action", "future")
