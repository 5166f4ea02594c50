"""Speakers, roles and targets (pipeline/parse/attribution.py) with the real spaCy
pipeline, on pages written for these tests, plus the quality gate on the
hand-labeled attribution set and the new columns in every output format."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import config
from pipeline.parse.attribution import find_attributions
from pipeline.parse.nlp import doc_sentences
from pipeline.run import save
from pipeline.run.runner import run
from pipeline.run.save import read_table

from ..conftest import PROJECT

#: Measured on data/attribution: speaker 0.975, target 0.969; the issue asks for 0.90.
SPEAKER_ACCURACY_FLOOR = 0.90
TARGET_ACCURACY_FLOOR = 0.90

STATEMENT_PAGE = (
    "Nobody is jailed for a blog post: Spokesperson\n"
    "Spokesperson Tran Bao Ngoc of the Ministry of Foreign Affairs rejected the annual report "
    "of the Eastern Liberty Forum on Tuesday.\n"
    "Ngoc said the report relies on rumours. It ignores the country's progress.\n"
    "The forum published its report last month.\n"
    "The courts work independently. Every defendant has a lawyer, she noted.\n"
    "“We call on the forum to take an objective view,” the spokesperson added.\n"
    "Ngoc reiterated that the country stands ready to continue dialogue with the European "
    "Union."
)


def _speakers(nlp, text: str, title: str = "") -> dict[str, tuple[str, str, str]]:
    sentences = doc_sentences(nlp(text), title=title)
    return {s.text: (s.speaker, s.speaker_role, s.target) for s in sentences}


def _row(rows: dict, start: str) -> tuple[str, str, str]:
    return next(value for text, value in rows.items() if text.startswith(start))


def test_attribution_empty_input(nlp):
    doc = nlp("")
    assert find_attributions(doc, []) == []
    assert doc_sentences(doc) == []


def test_attribution_full_name_role_and_headline(nlp):
    rows = _speakers(nlp, STATEMENT_PAGE, title=STATEMENT_PAGE.split("\n")[0])
    full, role = "Tran Bao Ngoc", "Spokesperson of the Ministry of Foreign Affairs"
    assert _row(rows, "Nobody is jailed")[:2] == (full, role)  # the headline's role, named
    assert _row(rows, "Spokesperson Tran Bao Ngoc") == (
        full, role, "the annual report of the Eastern Liberty Forum")
    assert _row(rows, "Ngoc said")[0] == full
    assert _row(rows, "“We call on")[0] == full
    assert _row(rows, "Ngoc reiterated")[0] == full


def test_attribution_carry_over_stays_in_its_paragraph(nlp):
    rows = _speakers(nlp, STATEMENT_PAGE, title=STATEMENT_PAGE.split("\n")[0])
    assert _row(rows, "It ignores")[0] == "Tran Bao Ngoc"  # same paragraph: still hers
    assert _row(rows, "The forum published") == ("", "", "")  # new paragraph: narration
    # "..., she noted" closing a paragraph attributes its opening sentence too.
    assert _row(rows, "The courts work")[0] == "Tran Bao Ngoc"


@pytest.mark.parametrize("text, speaker", [
    ("According to the labour ministry, 400 unions registered last year.", "the labour ministry"),
    ("“The claims are false,” insisted Deputy Minister Hugo Sandberg.", "Hugo Sandberg"),
    ("The accusations are baseless, Ambassador Lina Osei told the council.", "Lina Osei"),
    ("Officials from three embassies have asked to visit the prison.",
     "Officials from three embassies"),
    ("The court did not respond to a request for comment.", ""),
    ("The hearing lasted two hours.", ""),
    # Headlines: "X: ..." names a speaker only when X reads as a name or role.
    ("Deputy FM Osei: Dialogue with the council will go on", "Osei"),
    ("Flu season in the north: hospitals open new wards", ""),
    ("COVID-19 rules: schools reopen on Monday", ""),
])
def test_attribution_reporting_patterns(nlp, text, speaker):
    (sentence,) = doc_sentences(nlp(text))
    assert sentence.speaker == speaker


@pytest.mark.parametrize("text, target", [
    ("The ministry dismissed claims by certain foreign media.", "claims by certain foreign media"),
    ("Minister Paula Reyes said the report was biased.", "the report"),
    ("The spokesman urged the US to stop interfering.", "the US"),
    ("The delegation welcomed Norland's decision to free the prisoners.", "Norland"),
    ("The minister said the country is ready to work with the UN.", "the UN"),
    (("The spokesman was responding to a statement by the Workers' League, which accused "
      "the police of abuses."), "a statement by the Workers' League"),
    ("The report was published in May.", ""),
])
def test_attribution_targets(nlp, text, target):
    (sentence,) = doc_sentences(nlp(text))
    assert sentence.target == target


def test_attribution_transcript_turns_and_title_speaker(nlp):
    text = ("Foreign Ministry Spokesperson Petra Lind's Regular Press Conference on 2 May\n"
            "The foreign minister will visit Chile next week.\n"
            "Q: A rights group says bloggers were arrested. What is your comment?\n"
            "A: These allegations are groundless.\n"
            "Bloggers are free to write what they want.\n"
            "Q: Will the dialogue with the EU resume?\n"
            "A: We stand ready to work with the EU side.")
    sentences = doc_sentences(nlp(text), title=text.split("\n")[0])
    speakers = [s.speaker for s in sentences]
    asker, lind = config.QUESTIONER_SPEAKER, "Petra Lind"
    assert speakers == ["", lind, asker, asker, lind, lind, asker, lind]
    assert sentences[4].target == "These allegations"
    assert sentences[7].target == "the EU side"
    assert sentences[2].target == ""  # journalists ask; they target nobody


def test_attribution_capital_turns_and_bare_q_of_us_transcripts(nlp):
    """US government transcripts write "MS. LANE:" and "Q" without a colon;
    the journalist's questions must not be put in the secretary's mouth."""
    text = ("Press Briefing by Press Secretary Dana Lane, 3 March\n\n"
            "MS. LANE: Good afternoon. We will start with the summit.\n\n"
            "Q Thank you. Critics say the detentions were unlawful. Your comment?\n\n"
            "MS. LANE: That claim is false.\n\n"
            "Q And on trade?\n\n"
            "MS. LANE: Talks resume next week.")
    sentences = doc_sentences(nlp(text), title=text.split("\n")[0])
    speakers = {s.text: s.speaker for s in sentences}
    asker = config.QUESTIONER_SPEAKER
    assert speakers["MS. LANE: Good afternoon."] == "Dana Lane"
    assert speakers["Critics say the detentions were unlawful."] == asker
    assert speakers["MS. LANE: That claim is false."] == "Dana Lane"
    assert speakers["Q And on trade?"] == asker


def test_attribution_named_turns_and_pronouns(nlp):
    text = ("Remarks by Ambassador Noor Haddad after the council meeting\n"
            "Ambassador Noor Haddad: Good afternoon. We condemned the attack on the aid convoy.\n"
            "Reporter: Is the resolution too weak?\n"
            "Ambassador Noor Haddad: I do not accept that description.")
    rows = _speakers(nlp, text, title=text.split("\n")[0])
    assert _row(rows, "We condemned") == ("Noor Haddad", "Ambassador",
                                          "the attack on the aid convoy")
    assert _row(rows, "Reporter:")[0] == "Reporter"
    assert _row(rows, "Ambassador Noor Haddad: I do not")[2] == "that description"


def test_attribution_quality_gate_on_labeled_pages():
    """scripts/evaluate_attribution.py on the shipped set stays above the floors."""
    result = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "evaluate_attribution.py"), "--json"],
        capture_output=True, text=True, check=True, cwd=PROJECT)
    scores = json.loads(result.stdout)["scores"]["all"]
    assert scores["sentences"] >= 150
    assert scores["speaker_accuracy"] >= SPEAKER_ACCURACY_FLOOR
    assert scores["target_accuracy"] >= TARGET_ACCURACY_FLOOR


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_attribution_columns_in_every_format(tmp_path, fmt):
    page = tmp_path / "in" / "page.txt"
    page.parent.mkdir()
    page.write_text("Ministry rejects report on press freedom\n"
                    "Spokesman Adam Novak rejected the report on press freedom on Monday.\n"
                    "He said journalists work freely and nobody is jailed for reporting.\n"
                    "The weather was warm.\n", encoding="utf-8")
    run([page.parent], tmp_path / "out", fmt=fmt)
    table = read_table(tmp_path / "out")
    new = ["speaker_role", "target", "rights_topics", "trigger", "trigger_start", "trigger_end"]
    assert list(table.columns)[-len(new) - 1:] == ["entities", *new]
    cleaned = "\n".join(page.read_text(encoding="utf-8").strip().split("\n"))
    first = table[table["text"].str.startswith("Spokesman")].iloc[0]
    assert (first["speaker"], first["speaker_role"]) == ("Adam Novak", "Spokesman")
    assert first["target"] == "the report on press freedom"
    assert "press" in list(first["rights_topics"])
    for row in table.itertuples():
        if row.label == "other" or not row.trigger:
            assert row.trigger == "" and pd.isna(row.trigger_start)
        else:
            assert cleaned[int(row.trigger_start):int(row.trigger_end)] == row.trigger


def test_attribution_parts_from_before_the_new_columns_still_finalize(tmp_path):
    """A run resumed after an upgrade: its old parts lack the attribution columns."""
    labels = list(config.LABELS)
    new_schema = save.sentence_schema(labels)
    old_schema = pa.schema([new_schema.field(name) for name in new_schema.names
                            if name not in ("speaker_role", "target", "rights_topics", "trigger",
                                            "trigger_start", "trigger_end")])
    row = {"article_id": "a1", "sentence_index": 0, "text": "Hello.", "start_char": 0,
           "end_char": 6, "label": "other", "confidence": 0.9,
           **{f"p_{label}": 0.25 for label in labels}, "needs_review": False, "speaker": "",
           "entities": []}
    part = tmp_path / save.PARTS_DIR / "0000000-old-000000"
    part.mkdir(parents=True)
    pq.write_table(pa.Table.from_pandas(pd.DataFrame([row]), schema=old_schema,
                                        preserve_index=False), part / "sentences.parquet")
    pq.write_table(save.article_schema(labels).empty_table(), part / "articles.parquet")
    pq.write_table(save.error_schema().empty_table(), part / "errors.parquet")
    save.finalize(tmp_path, labels, "jsonl")
    record = json.loads((tmp_path / "sentences.jsonl").read_text().splitlines()[0])
    assert (record["target"], record["rights_topics"], record["trigger_start"]) == ("", [], None)


@pytest.mark.parametrize("text, speakers", [
    # A call readout: "he" is the president the first sentence is about, not the
    # leader he spoke with (the last person named).
    (("President Mara Lind spoke today with Prime Minister Tomas Berg of Arvania. She "
      "underscored her support for the talks on the border."),
     ["", "Mara Lind"]),
    # Someone who spoke earlier does not outrank the person the text has just
    # turned to, even across a paragraph break.
    (("Omar Reyes said the inquiry was fair.\nDana Holt was the third witness to appear on "
      "Tuesday.\nShe said she had not been told about the search."),
     ["Omar Reyes", "", "Dana Holt"]),
])
def test_attribution_pronoun_stands_for_the_person_the_previous_sentence_is_about(
        nlp, text, speakers):
    assert [s.speaker for s in doc_sentences(nlp(text))] == speakers


def test_attribution_news_titles_and_lone_name_lines_stay_news(nlp):
    """Neither "X's statement sparks ..." nor one "Name: ..." line makes a page
    a speech or a transcript: later narration keeps no speaker."""
    text = ("Minister Karl Weiss's statement sparks anger\n"
            "Karl Weiss: reforms will continue\n"
            "The opposition criticised the statement on Monday.\n"
            "Protesters gathered in the square.")
    speakers = [s.speaker for s in doc_sentences(nlp(text), title=text.split("\n")[0])]
    assert speakers[1:] == ["Karl Weiss", "The opposition", ""]


# Shapes of wire and news copy (issue 18); every sentence written for these tests.
@pytest.mark.parametrize("text, speaker", [
    ("The harbour board's statement said the port would reopen on Friday.", "The harbour board"),
    ("A statement from the embassy said the two reporters would be freed.", "the embassy"),
    # Speech withheld says nothing: narration (data/attribution/README.md); a
    # verb beside it may still speak.
    ("A spokesman for the union declined to comment on the strike.", ""),
    ("The mayor refused to say when the bridge would reopen.", ""),
    ("The mayor declined to comment, saying the inquiry was still open.", "The mayor"),
    ("The union continued to insist that the pay offer was too low.", "The union"),
    ("Arlo Finch confessed to the theft, admitting that he had sold the paintings.", "Arlo Finch"),
    ("The harbour company's director, Lina Park, said the port would reopen.", "Lina Park"),
    # The parser reads the inverted subject as the verb's object.
    (("The mission was run from the capital, said another witness in the inquiry, former "
     "adviser Lena Holm."), "Lena Holm"),
    ("According to a survey by the Civic Rights Institute, few detainees see a lawyer.",
     "the Civic Rights Institute"),
    ("“We got her!” officers said over the radio.", "officers"),
    # Reporting verbs in other senses, and people who are nobody in particular.
    ("Depending on who you ask, the plan is either brave or reckless.", ""),
    ("The bank is adding a new director to its board.", ""),
    ("The club has agreed a deal with the coach.", ""),
    ("The officer reported to the commander every morning.", ""),
])
def test_attribution_news_patterns(nlp, text, speaker):
    (sentence,) = doc_sentences(nlp(text))
    assert sentence.speaker == speaker


@pytest.mark.parametrize("text, start, speaker", [
    # A bare tag after the quotation names its speaker.
    (("The committee heard two witnesses.\n“I then saw the governor sign the order.”\n"
     "Holmes testified."), "“I then saw", "Holmes"),
    # A reporting verb inside the marks is the quotation, not its speaker.
    ("“We were never told about the search,” Farid Haddad said. “Nobody asked us.”",
     "“Nobody asked", "Farid Haddad"),
    # The attribution closing a quotation outranks the speaker carried into it.
    (("Omar Reyes said the march was calm. “We had problems with the buses. Nothing else "
     "happened,” said Lina Park, the organiser."), "“We had problems", "Lina Park"),
    # A pronoun stands for the person its own sentence named before it.
    (("Mira Holt said the law was unfair.\nThe campaign did not convince Dana Roe, a city "
     "official, and she said it should be withdrawn."), "The campaign", "Dana Roe"),
    # An age descriptor is the story's subject.
    (("Tomas Brandt was named coach of the national team on Monday.\nThe 56-year-old said "
     "after his appointment that he was proud."), "The 56-year-old", "Tomas Brandt"),
    # A bracketed aside is the writer's, not the speaker's words carried on.
    ("Leon Marsh said the merger was wrong. (Marsh is the investor who sued the board.)",
     "(Marsh is", ""),
])
def test_attribution_news_speakers_across_sentences(nlp, text, start, speaker):
    assert _row(_speakers(nlp, text), start)[0] == speaker
