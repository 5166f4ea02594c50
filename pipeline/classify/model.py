"""Stage 4, classify: label sentences with a scikit-learn model.

The model is one ``Pipeline`` (normalise -> features -> logistic regression),
fitted, saved and loaded as one object. Texts are normalised once (lower
case, plain quotes, no markdown or links), then three feature blocks read
them: TF-IDF word n-grams, TF-IDF character n-grams within words, and cue
lexicons that carry the guide's decision rules (rebuttal words, what is
being rebutted, pledge phrases, human-rights vocabulary) to phrasings the
training data never showed.

A model on disk is a folder: ``model.joblib`` and ``model_card.json``. The
card holds the file's SHA-256 and the library versions it was made with;
loading checks both *before* unpickling, because unpickling runs code.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
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
from sklearn.preprocessing import FunctionTransformer, normalize

from .. import config
from .cue_gate import CueGate
from .cue_lexicons import CUE_PAIRS, CUES, HEAD_CUES

MODEL_FILE = "model.joblib"
CARD_FILE = "model_card.json"

_CLAUSE_END = re.compile(r"[,;:]")

# Typographic characters real pages use and the hand-written training data
# does not; mapped to what the training data has ("don’t" -> "don't").
_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                        "\u2014": " - ", "\u00a0": " ", "\u2026": "...", "*": " "})
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The one form every feature reads: lower case, plain quotes and dashes,
    no accents, markdown emphasis or links, single spaces."""
    text = _URL.sub(" ", _MARKDOWN_LINK.sub(r"\1", str(text))).translate(_PLAIN)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return _SPACES.sub(" ", text).strip().lower()


def normalise_texts(texts: Iterable[str]) -> list[str]:
    return [normalise_text(text) for text in texts]


def word_ngrams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams of one word padded with spaces, exactly as
    scikit-learn's ``char_wb`` analyzer makes them."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        if len(padded) <= n:  # a short word counts once, whole
            grams.append(padded)
            break
        grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


class CharNgramTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF of character n-grams within words, for normalised text.

    The numbers of ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)``,
    made faster: each distinct word's n-gram columns are found once and
    cached, so a sentence costs a few dictionary look-ups instead of building
    and looking up every n-gram string in pure Python.

    Args:
        ngram_range: smallest and largest n-gram length.
        min_df: n-grams in fewer training texts than this (a count) are dropped.
    """

    def __init__(self, ngram_range: tuple[int, int] = config.CHAR_NGRAM_RANGE, min_df: int = 2):
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, X: Sequence[str], y: Sequence[str] | None = None) -> CharNgramTfidf:
        grams_of: dict[str, list[str]] = {}
        document_frequency: Counter[str] = Counter()
        for text in X:
            seen: set[str] = set()
            for word in text.split():
                grams = grams_of.get(word)
                if grams is None:
                    grams = grams_of[word] = word_ngrams(word, self.ngram_range)
                seen.update(grams)
            document_frequency.update(seen)
        kept = sorted(g for g, n in document_frequency.items() if n >= self.min_df)
        self.vocabulary_ = {gram: column for column, gram in enumerate(kept)}
        # scikit-learn's smoothed idf: as if one more document held every n-gram.
        frequency = np.array([document_frequency[gram] for gram in kept], dtype=np.float64)
        self.idf_ = np.log((1.0 + len(X)) / (1.0 + frequency)) + 1.0
        self._columns: dict[str, list[int]] = {}
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        # Counts are (texts x distinct words) @ (distinct words x n-grams):
        # Python touches each word once, sparse algebra does the rest.
        word_ids: dict[str, int] = {}
        indices: list[int] = []
        indptr = [0]
        for text in X:
            for word in text.split():
                indices.append(word_ids.setdefault(word, len(word_ids)))
            indptr.append(len(indices))
        words = sp.csr_matrix((np.ones(len(indices)), indices, indptr),
                              shape=(len(indptr) - 1, len(word_ids)))
        matrix = (words @ self._word_grams(word_ids)).tocsr()
        matrix.sum_duplicates()
        matrix.data = (np.log(matrix.data) + 1.0) * self.idf_[matrix.indices]
        return normalize(matrix, copy=False)

    def _word_grams(self, words: Iterable[str]) -> sp.csr_matrix:
        """One row per word: how often each n-gram column occurs in it."""
        columns = self.__dict__.setdefault("_columns", {})
        if len(columns) > config.NGRAM_CACHE_WORDS:
            columns.clear()
        indices: list[int] = []
        indptr = [0]
        for word in words:
            found = columns.get(word)
            if found is None:
                found = columns[word] = self._word_columns(word)
            indices.extend(found)
            indptr.append(len(indices))
        return sp.csr_matrix((np.ones(len(indices)), indices, indptr),
                             shape=(len(indptr) - 1, len(self.idf_)))

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        names = np.empty(len(self.vocabulary_), dtype=object)
        for gram, column in self.vocabulary_.items():
            names[column] = gram
        return names

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_columns"}

    def _word_columns(self, word: str) -> list[int]:
        vocabulary = self.vocabulary_
        return [vocabulary[g] for g in word_ngrams(word, self.ngram_range) if g in vocabulary]


class CueFeatures(TransformerMixin, BaseEstimator):
    """Cue-lexicon features per (normalised) text, as a sparse matrix: log of
    1 + matches per cue; one 0/1 column per pair of cues that co-occur; and
    the head cues counted again in the sentence's opening words.

    Args:
        weight: multiplier that sets how much the cues count next to the
            L2-normalised n-gram features.
        cues: name -> regex; ``None`` means ``CUES``. Copied into the fitted
            model, so a saved model keeps the cues it was trained with.
        pairs: cue pairs for co-occurrence columns; ``None`` means ``CUE_PAIRS``.
        head_cues: cues counted again in the opening; ``None`` means ``HEAD_CUES``.
        head_words: length of the opening (see ``opening``).
    """

    def __init__(self, weight: float = config.CUE_WEIGHT, cues: dict[str, str] | None = None,
                 pairs: Sequence[tuple[str, str]] | None = None,
                 head_cues: Sequence[str] | None = None, head_words: int = config.HEAD_WORDS):
        self.weight = weight
        self.cues = cues
        self.pairs = pairs
        self.head_cues = head_cues
        self.head_words = head_words

    def fit(self, X: Sequence[str], y: Sequence[str] | None = None) -> CueFeatures:
        cues = CUES if self.cues is None else self.cues
        pairs = CUE_PAIRS if self.pairs is None else self.pairs
        head = HEAD_CUES if self.head_cues is None else self.head_cues
        for parameter, named in (("pairs", {n for pair in pairs for n in pair}), ("head_cues", head)):
            unknown = sorted(set(named) - set(cues))
            if unknown:
                raise ValueError(f"The {parameter!r} parameter of CueFeatures must name cues in "
                                 f"'cues'. Got unknown {unknown} instead.")
        names = list(cues)
        self.names_ = (names + [f"{a}&{b}" for a, b in pairs]
                       + [f"head_{name}" for name in head])
        self.patterns_ = [re.compile(cues[name]) for name in names]
        self.pair_index_ = [(names.index(a), names.index(b)) for a, b in pairs]
        self.head_index_ = [names.index(name) for name in head]
        self.n_features_in_ = 1
        return self

    def counts(self, X: Sequence[str], which: Sequence[int] | None = None) -> np.ndarray:
        """Matches per cue (rows: texts, columns: ``CUES`` order or the cues
        numbered in ``which``), before scaling."""
        gate = self._gate(which)
        counts = np.zeros((len(X), len(gate.patterns)), dtype=np.float64)
        for row, text in enumerate(X):
            for column, count in gate.count(text).items():
                counts[row, column] = count
        return counts

    def _gate(self, which: Sequence[int] | None) -> CueGate:
        """The word gate for the patterns counted (built on first use, so
        models saved before it existed get one too)."""
        gates = self.__dict__.setdefault("_gates", {})
        key = None if which is None else tuple(which)
        if key not in gates:
            patterns = self.patterns_ if which is None else [self.patterns_[i] for i in which]
            gates[key] = CueGate(patterns)
        return gates[key]

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_gates"}

    def __setstate__(self, state: dict) -> None:
        # Models saved before pairs and head cues existed: give them the
        # parameters they were fitted with (none), so get_params and repr work.
        defaults = {"pairs": (), "head_cues": (), "head_words": config.HEAD_WORDS}
        super().__setstate__({**defaults, **state})

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        counts = self.counts(X)
        # Models saved before pairs and head cues existed lack these attributes.
        columns = [np.log1p(counts)]
        columns += [(np.minimum(counts[:, a], counts[:, b]) > 0)[:, None]
                    for a, b in getattr(self, "pair_index_", ())]
        if getattr(self, "head_index_", None):
            heads = [opening(text, self.head_words) for text in X]
            columns.append(np.log1p(self.counts(heads, self.head_index_)))
        return sp.csr_matrix(np.hstack(columns) * self.weight)

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        return np.array([f"cue_{name}" for name in getattr(self, "names_", CUES)])


def opening(text: str, words: int) -> str:
    """The sentence's first clause (up to a comma, semicolon or colon), at most
    ``words`` words: where English news sentences put their main clause."""
    return " ".join(_CLAUSE_END.split(text, maxsplit=1)[0].split()[:words])


def build_model(*, C: float = config.CLASSIFIER_C, cue_weight: float = config.CUE_WEIGHT,
                char_ngram_range: tuple[int, int] = config.CHAR_NGRAM_RANGE,
                class_weight: dict[str, float] | str | None = "balanced",
                random_state: int = config.RANDOM_STATE) -> Pipeline:
    """The unfitted classifier: normalised text into n-gram and cue features
    into logistic regression."""
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                  lowercase=False)),
        ("chars", CharNgramTfidf(ngram_range=char_ngram_range, min_df=2)),
        ("cues", CueFeatures(weight=cue_weight)),
    ])
    classifier = LogisticRegression(C=C, class_weight=class_weight, solver=config.CLASSIFIER_SOLVER,
                                    max_iter=config.CLASSIFIER_MAX_ITER, random_state=random_state)
    return Pipeline([("normalise", FunctionTransformer(normalise_texts)),
                     ("features", features), ("classifier", classifier)])


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
    _forget_object_ids(model)
    joblib.dump(model, folder / MODEL_FILE, compress=3)
    card = {**card, "labels": [str(c) for c in model.classes_],
            "versions": library_versions(), "sha256": file_sha256(folder / MODEL_FILE)}
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return card


def _forget_object_ids(model: Pipeline) -> None:
    """Drop the memory addresses scikit-learn's vectorizers keep (a cache that
    says "stop words already checked"), so the same data and seed give the
    same model file, byte for byte, in any process."""
    for estimator in [model, *model.get_params(deep=True).values()]:
        if isinstance(estimator, BaseEstimator):
            estimator.__dict__.pop("_stop_words_id", None)


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

    from .. import __version__

    return {"claims-pipeline": __version__, "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "pandas": pd.__version__, "joblib": joblib.__version__,
            "spacy": spacy.__version__, "python": platform.python_version()}


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])
