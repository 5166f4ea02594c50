"""Hard-wrapped text (archives, bulletins, markdown exports) is joined back
into paragraphs before cleaning; any other text is left alone."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean.cleaner import clean_text
from pipeline.clean.unwrap import unwrap_hard_wraps, wrap_width

READOUT = [
    "Readout of the Foreign Minister's Call with the Minister of Foreign Affairs of Norland",
    ("The Foreign Minister spoke by phone today with her Norlandic counterpart about the "
    "humanitarian situation in the border provinces. She stressed the government's commitment "
    "to working with Norland and the United Nations to reopen the crossings for aid convoys."),
    ("The two ministers agreed to hold the next round of their human rights dialogue in the "
    "spring and to exchange views on the protection of journalists before then. They also "
    "discussed trade, energy security and the upcoming regional summit."),
    "###",
]


def wrapped(paragraphs: list[str], width: int = 72) -> str:
    return "\n\n".join(textwrap.fill(p, width=width) for p in paragraphs)


@pytest.mark.parametrize("width", [60, 72, 78, 80])
def test_unwrap_joins_each_wrapped_paragraph_into_one_line(width):
    text = wrapped(READOUT, width)
    assert wrap_width(text.split("\n")) is not None
    assert unwrap_hard_wraps(text) == "\n\n".join(READOUT)


def test_unwrap_keeps_short_lines_list_items_and_markdown_breaks():
    body = wrapped(READOUT[1:3])
    text = f"Statement by the spokesperson  \n10:15 A.M.\n\n{body}\n- first point\n- second point"
    unwrapped = unwrap_hard_wraps(text).split("\n")
    assert unwrapped[:2] == ["Statement by the spokesperson  ", "10:15 A.M."]
    assert unwrapped[3:] == [READOUT[1], "", READOUT[2], "- first point", "- second point"]


def test_unwrap_joins_a_sentence_that_goes_on_after_a_dash():
    # Wrapping can put an em dash at the start of a line; with a lower-case
    # word after it the sentence goes on, while a dash after a closed line
    # still opens a list item.
    sentence = ("The ministers will meet again in the spring, and the working group on "
                "labour rights will report to them before the end of the year on the "
                "inspections it has carried out since the agreement was signed in June")
    text = wrapped([sentence]) + "\n— and the next round will follow in the autumn.\n— an item"
    unwrapped = unwrap_hard_wraps(text).split("\n")
    assert unwrapped == [sentence + " — and the next round will follow in the autumn.",
                         "— an item"]


@pytest.mark.parametrize("text", [
    "",
    "Home\nNews\nWorld\nSport\nWeather",  # a menu: short lines
    "\n".join([READOUT[1], READOUT[2], READOUT[1]]),  # a block per line
    # A block per line whose sentences are about as long as a wrapped line:
    # they end with full stops, wrapped lines mostly do not.
    ("Port rules\nThe minister said on Tuesday that new rules would protect workers in ports.\n"
    "Unions welcomed the decision but said they would watch how it is applied.\n"
    "Officials expect the first inspections to begin before the end of the year.\n"
    "Appendix:\nSuggest to a friend"),
    "Share:\nFacebook\nTwitter\n\nRelated news\nMinister visits the capital for talks",
])
def test_unwrap_leaves_texts_that_are_not_wrapped(text):
    assert unwrap_hard_wraps(text) == text


def test_unwrap_lets_the_cleaner_keep_a_wrapped_readout():
    """Wrapped at 72, the readout's lines used to be judged one by one."""
    cleaned = clean_text(wrapped(READOUT))
    assert cleaned.title == READOUT[0]
    assert list(cleaned.paragraphs) == READOUT[1:3]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab c.-\n"), max_size=90), max_size=30))
def test_unwrap_only_turns_newlines_into_spaces(lines):
    text = "\n".join(lines)
    unwrapped = unwrap_hard_wraps(text)
    assert unwrapped.split() == text.split()


def test_unwrap_typeset_records_and_page_breaks_inside_a_sentence():
    """Scanned records are typeset in proportional fonts (line lengths vary,
    so the next word often would have fitted) and break pages mid-sentence."""
    text = ("The session opened with a minute of silence for the victims of the flood in the\n"
            "northern provinces. Since the last session of this Assembly we have seen a\n"
            "number of elections held peacefully, and the delegation of Norland wishes to\n"
            "thank every observer mission that took part. What is\n"
            "\n"
            "needed now is patience, serious patience, and the will to keep talking to one\n"
            "another about the rights of minorities and the protection of journalists.\n"
            "\n"
            "Our second point concerns the budget.")
    paragraphs = unwrap_hard_wraps(text).split("\n")
    assert len(paragraphs) == 3 and paragraphs[1] == ""
    assert "we have seen a number of elections" in paragraphs[0]
    assert "What is needed now is patience" in paragraphs[0]
    assert paragraphs[2] == "Our second point concerns the budget."
