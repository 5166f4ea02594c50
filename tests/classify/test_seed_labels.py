"""The two seed pages, sentence by sentence, labeled as the annotation guide says.

The seeds are real pages, so their text stays beside the clone
(``../shared/seeds``) and is read at test time; the project holds only our
labels, each with a fingerprint of the sentence it was given to (so a change
in cleaning or sentence splitting shows up as a relabeling task, not as a
silent pass) and the guide's rule that decides it.

The shipped model still mislabels six of the 25 sentences (``shipped_model``
in the JSON says what it answers; docs/measurements.md says why they were
not fixed: every fix measured cost the unread dev half). The test is a
ratchet: any other sentence labeled against the guide fails it, and so does
a fixed one until its ``shipped_model`` entry is removed.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from pipeline.classify.model import predict_table
from pipeline.clean.cleaner import clean_text
from pipeline.parse.nlp import doc_sentences

from ..conftest import DATA, SEEDS

GOLD = json.loads((DATA / "seed_labels.json").read_text(encoding="utf-8"))


def _fingerprint(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed pages are not beside this clone")
@pytest.mark.parametrize("name", sorted(GOLD))
def test_seed_labels_every_sentence_follows_the_guide(name, nlp, model):
    cleaned = clean_text((SEEDS / name).read_text(encoding="utf-8"))
    sentences = doc_sentences(nlp(cleaned.text), title=cleaned.title)
    gold = GOLD[name]
    assert [_fingerprint(s.text) for s in sentences] == [g["fingerprint"] for g in gold], \
        "the seed's sentences changed: relabel them in tests/data/seed_labels.json"
    predicted = predict_table(model, [s.text for s in sentences])["label"].tolist()
    wrong = [(g["index"], g["label"], label, g["why"])
             for g, label in zip(gold, predicted) if label != g["label"]]
    known = [(g["index"], g["label"], g["shipped_model"], g["why"])
             for g in gold if "shipped_model" in g]
    assert wrong == known
