"""Stage 4, classify: label sentences with a scikit-learn model.

The model is one ``Pipeline`` (features -> logistic regression), fitted,
saved and loaded as one object. Features are TF-IDF word and character
n-grams plus a few cue lexicons (negation, rebuttal words, pledge phrases,
rights vocabulary) that carry the guide's decision rules to phrasings the
training data never showed.

A model on disk is a folder: ``model.joblib`` and ``model_card.json``. The
card holds the file's SHA-256 and the library versions it was made with;
loading checks both *before* unpickling, because unpickling runs code.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from . import config

MODEL_FILE = "model.joblib"
CARD_FILE = "model_card.json"

#: Cue lexicons: each becomes one feature (log of 1 + matches). They encode
#: the guide's rules, not any corpus, so they hold on unseen sites.
CUES: dict[str, str] = {
    "negation": r"\b(?:not|no|never|nobody|none|neither|nor|without)\b|n't\b",
    "rebuttal": (
        r"\b(?:reject\w*|den(?:y|ies|ied)|refut\w*|rebut\w*|groundless|baseless|unfounded|"
        r"fabricat\w*|slander\w*|smear\w*|lies|distort\w*|biased|so-called|disinformation|"
        r"untrue|false(?:ly|hood)?|misleading|hyp(?:e|ing)|oppos\w*|condemn\w*|"
        r"not objective|not reflect\w*|irresponsible|malicious\w*)\b"
    ),
    "no_violation": (
        r"\b(?:no one|nobody|no (?:individual|person|citizen|journalist|one)s?)\b[^.;]{0,60}?"
        r"\b(?:arrest|detain|prosecut|tried|punish|jail|imprison|persecut|suppress|harass)\w*|"
        r"\bthere (?:are|is) no (?:political prisoners?|so-called)\b"
    ),
    "interference": (
        r"\b(?:internal affairs|interfer\w*|meddl\w*|politici[sz]\w*|double standards?|"
        r"pretext|sovereignty|pressure)\b"
    ),
    "lawful": (
        r"\b(?:in (?:strict )?accordance with (?:the )?laws?|violat\w* (?:the )?laws?|"
        r"law-breaking|broke the law|criminal\w*|legal procedures?|lawful\w*)\b"
    ),
    "pledge": (
        r"\b(?:agree[ds]?|agreement|ready|readiness|willing\w*|pledg\w*|commit\w*|vow\w*|"
        r"will (?:continue|work|strengthen|deepen|enhance|expand|promote|hold|exchange|"
        r"cooperate|further)|continue to (?:work|deepen|strengthen|enhance|expand|promote)|"
        r"work (?:together|closely|with)|join hands|next round|look(?:s|ing)? forward)\b"
    ),
    "cooperation": (
        r"\b(?:cooperat\w*|co-operat\w*|dialogues?|partner\w*|collaborat\w*|bilateral|"
        r"multilateral|exchange\w* (?:of )?views|consultations?|engage\w*|mutual\w*)\b"
    ),
    "rights": (
        r"\b(?:rights?|freedoms?|liberties|equality|dignity|democra\w*|religio\w*|belief|"
        r"expression|press|minorit\w*|gender|labou?r|vulnerable|disabilit\w*|child\w*)\b"
    ),
    "protection": (
        r"\b(?:protect\w*|guarantee\w*|ensur\w*|promot\w*|respect\w*|uphold\w*|safeguard\w*|"
        r"enshrin\w*|achievements?|progress|improv\w*|recogni[sz]\w*|acknowledg\w*|"
        r"appreciat\w*|commend\w*|welcom\w*)\b"
    ),
    "future": r"\b(?:will|shall|would|going to|intend\w*|plan\w*|ready to)\b",
    "first_plural": r"\b(?:we|our|us|ours)\b",
    "question": r"\?\s*$|^\s*(?:Q|Question)\s*:",
    "numbers": r"\d",
}


class CueFeatures(TransformerMixin, BaseEstimator):
    """Counts of cue-lexicon matches per text, as a sparse matrix.

    Args:
        weight: multiplier that sets how much the cues count next to the
            L2-normalised n-gram features.
    """

    def __init__(self, weight: float = 0.5):
        self.weight = weight

    def fit(self, X: Sequence[str], y: Sequence[str] | None = None) -> CueFeatures:
        self.patterns_ = [re.compile(p, re.IGNORECASE) for p in CUES.values()]
        self.n_features_in_ = 1
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        counts = np.array([[len(p.findall(text)) for p in self.patterns_] for text in X],
                          dtype=np.float64)
        return sp.csr_matrix(np.log1p(counts) * self.weight)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        return np.array([f"cue_{name}" for name in CUES])


def build_model(*, C: float = config.CLASSIFIER_C, cue_weight: float = 0.5,
                class_weight: dict[str, float] | str | None = "balanced",
                random_state: int = config.RANDOM_STATE) -> Pipeline:
    """The unfitted classifier: n-gram and cue features into logistic regression."""
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                  strip_accents="unicode")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                  sublinear_tf=True, strip_accents="unicode")),
        ("cues", CueFeatures(weight=cue_weight)),
    ])
    classifier = LogisticRegression(C=C, class_weight=class_weight, max_iter=2000,
                                    random_state=random_state)
    return Pipeline([("features", features), ("classifier", classifier)])


def predict_table(model: Pipeline, texts: Sequence[str],
                  review_threshold: float = config.REVIEW_THRESHOLD) -> pd.DataFrame:
    """Labels, top probability, one ``p_<label>`` column per class, and a
    ``needs_review`` flag for sentences whose top probability is low."""
    labels = [str(label) for label in model.classes_]
    if len(texts) == 0:
        columns = ["label", "confidence", *(f"p_{label}" for label in labels), "needs_review"]
        return pd.DataFrame(columns=columns)
    proba = model.predict_proba(list(texts))
    top = proba.argmax(axis=1)
    table = pd.DataFrame({"label": np.asarray(labels, dtype=object)[top],
                          "confidence": proba.max(axis=1)})
    for column, label in enumerate(labels):
        table[f"p_{label}"] = proba[:, column]
    table["needs_review"] = table["confidence"] < review_threshold
    return table


class ModelLoadError(RuntimeError):
    """A model folder is missing, altered, or made with other library versions."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: Pipeline, folder: Path, card: dict) -> dict:
    """Write ``model.joblib`` and its card (with hash and versions) to ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, folder / MODEL_FILE, compress=3)
    card = {**card, "labels": [str(c) for c in model.classes_],
            "versions": library_versions(), "sha256": file_sha256(folder / MODEL_FILE)}
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return card


def load_model(folder: str | Path | None = None) -> tuple[Pipeline, dict]:
    """Load a model folder after checking its hash and library versions.

    Raises:
        ModelLoadError: the folder or a file is missing, the hash differs, or
            scikit-learn's version differs in major.minor from the card's.
    """
    folder = Path(folder or config.DEFAULT_MODEL_DIR)
    card_path, model_path = folder / CARD_FILE, folder / MODEL_FILE
    if not card_path.is_file() or not model_path.is_file():
        raise ModelLoadError(
            f"No model at {folder}: expected {MODEL_FILE} and {CARD_FILE}. "
            "Build the shipped one with `make train` or pass --model PATH.")
    card = json.loads(card_path.read_text())
    actual = file_sha256(model_path)
    if actual != card.get("sha256"):
        raise ModelLoadError(
            f"{model_path} does not match its card: SHA-256 {actual[:12]}… != "
            f"{str(card.get('sha256'))[:12]}…. The file was altered; retrain or restore it.")
    made_with = card.get("versions", {}).get("scikit-learn", "")
    if _minor(made_with) != _minor(sklearn.__version__):
        raise ModelLoadError(
            f"{folder} was made with scikit-learn {made_with}, this is {sklearn.__version__}. "
            "Retrain it (`claims train` / `make train`) with the installed version.")
    return joblib.load(model_path), card


def library_versions() -> dict[str, str]:
    import platform

    import spacy

    from . import __version__

    return {"claims-pipeline": __version__, "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "pandas": pd.__version__, "joblib": joblib.__version__,
            "spacy": spacy.__version__, "python": platform.python_version()}


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])
