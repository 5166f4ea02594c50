"""Training and evaluation of the sentence classifier (the retraining loop).

Any label set works: the model learns whatever labels the data carries. A
seeded holdout, grouped by document where the data says which document a
sentence came from (sentences of one article are not independent), is kept
out of training and its ids are saved in the model card, so every later
evaluation of that model is on the same sentences.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from .. import config
from .model import build_model, save_model

logger = logging.getLogger(__name__)

HOLDOUT_FOLDS = 5  # one fold of five: a 20% holdout
CV_FOLDS = 5
#: Bins of the expected calibration error.
ECE_BINS = 10


class TrainingDataError(ValueError):
    """Labeled data that cannot be used, with the file and the reason."""


def read_labeled(paths: Iterable[str | Path], *, text_column: str = "text",
                 label_column: str = "label", weight: float = 1.0) -> pd.DataFrame:
    """Read CSV/JSONL files (or folders of them) of labeled sentences.

    Args:
        weight: how much each of these sentences counts in training (see
            ``config.USER_WEIGHT``); stored in a ``weight`` column.

    Returns a frame with ``text``, ``label``, ``weight`` and ``group`` (the
    document a sentence came from: its ``doc_id`` column, else its file and row).
    """
    frames = []
    for path in _expand(paths):
        frame = pd.read_json(path, lines=True) if path.suffix == ".jsonl" else pd.read_csv(path)
        missing = {text_column, label_column} - set(frame.columns)
        if missing:
            raise TrainingDataError(
                f"{path}: labeled data needs columns {text_column!r} and {label_column!r}; "
                f"missing {sorted(missing)}, found {list(frame.columns)}.")
        frame = frame.rename(columns={text_column: "text", label_column: "label"})
        frame = frame.dropna(subset=["text", "label"])
        groups = frame["doc_id"] if "doc_id" in frame else pd.Series(frame.index, index=frame.index)
        frame["group"] = path.name + ":" + groups.astype(str)
        frame["weight"] = float(weight)
        frames.append(frame)
    if not frames:
        raise TrainingDataError("No labeled data found: pass CSV or JSONL files or folders.")
    data = pd.concat(frames, ignore_index=True)
    data["text"] = data["text"].astype(str).str.strip()
    data["label"] = data["label"].astype(str).str.strip()
    return data[data["text"] != ""].reset_index(drop=True)


def data_hash(data: pd.DataFrame) -> str:
    """SHA-256 of the (text, label) pairs, order-independent."""
    rows = sorted(f"{t}\t{l}" for t, l in zip(data["text"], data["label"]))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def holdout_split(data: pd.DataFrame, *, random_state: int = config.RANDOM_STATE
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/holdout indices, stratified by label and grouped by document."""
    splitter = StratifiedGroupKFold(n_splits=HOLDOUT_FOLDS, shuffle=True,
                                    random_state=random_state)
    train, holdout = next(splitter.split(data["text"], data["label"], data["group"]))
    return train, holdout


def train_model(data: pd.DataFrame, *, random_state: int = config.RANDOM_STATE,
                cv: bool = True, **model_params) -> tuple[Pipeline, dict]:
    """Fit a model on all but the holdout and report on both.

    Returns:
        The fitted pipeline and a card: data sizes and hash, holdout ids and
        scores, cross-validated scores on the training part.
    """
    _check_labels(data)
    train_idx, holdout_idx = holdout_split(data, random_state=random_state)
    train, holdout = data.iloc[train_idx], data.iloc[holdout_idx]
    model = recipe(train, random_state=random_state, **model_params)
    card = training_card(model, data, train, holdout, random_state=random_state)
    fit_params = _sample_weights(train)
    if cv:
        folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=random_state)
        predicted = cross_val_predict(model, train["text"].tolist(), train["label"], cv=folds,
                                      params=fit_params)
        card["cross_validation"] = {"folds": CV_FOLDS,
                                    "macro_f1": float(f1_score(train["label"], predicted,
                                                               average="macro"))}
    model.fit(train["text"].tolist(), train["label"], **fit_params)
    card["holdout"] = evaluate_model(model, holdout)
    return model, card


def recipe(data: pd.DataFrame, *, random_state: int = config.RANDOM_STATE,
           **model_params) -> Pipeline:
    """The shipped recipe, unfitted, with class weights balanced for ``data``."""
    model_params.setdefault("class_weight", class_weights(data["label"]))
    return build_model(random_state=random_state, **model_params)


def fit_model(data: pd.DataFrame, *, random_state: int = config.RANDOM_STATE,
              **model_params) -> Pipeline:
    """Fit the shipped recipe on ``data``, each row counted by its ``weight``.

    The one fit every caller shares (``train_model``, learning curves, the
    retraining notebook), so weights are honoured everywhere alike.
    """
    model = recipe(data, random_state=random_state, **model_params)
    return model.fit(data["text"].tolist(), data["label"], **_sample_weights(data))


def training_card(model: Pipeline, data: pd.DataFrame, train: pd.DataFrame,
                  holdout: pd.DataFrame, *, random_state: int = config.RANDOM_STATE) -> dict:
    """The model card's account of training: data sizes, hash, weights, holdout ids.

    Every way of making a model folder (``claims train``, the retraining
    notebook) writes the same fields, so any model can be audited alike.
    """
    card: dict = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_data": {"sha256": data_hash(data), "n_rows": len(data),
                          "n_train": len(train), "n_holdout": len(holdout),
                          "label_counts": data["label"].value_counts().to_dict()},
        "params": {k: v for k, v in model.get_params().items() if k.startswith("classifier__")
                   and isinstance(v, (int, float, str, dict, type(None)))},
        "random_state": random_state,
        "holdout_groups": sorted(holdout["group"].unique().tolist()),
    }
    if _sample_weights(train):
        card["training_data"]["weights"] = train["weight"].value_counts().sort_index().to_dict()
    return card


def _sample_weights(train: pd.DataFrame) -> dict[str, np.ndarray]:
    """Fit parameters giving each row its ``weight``; none when all weigh the same."""
    if "weight" not in train or train["weight"].nunique() <= 1:
        return {}
    return {"classifier__sample_weight": train["weight"].to_numpy(dtype=float)}


def class_weights(labels: pd.Series,
                  factors: dict[str, float] | None = None) -> dict[str, float]:
    """Balanced class weights scaled by ``config.CLASS_WEIGHT_FACTORS``."""
    factors = config.CLASS_WEIGHT_FACTORS if factors is None else factors
    counts = labels.value_counts()
    return {str(label): len(labels) / (len(counts) * count) * factors.get(str(label), 1.0)
            for label, count in counts.items()}


def train_and_save(data: pd.DataFrame, out: Path, **kwargs) -> dict:
    model, card = train_model(data, **kwargs)
    return save_model(model, out, card)


def evaluate_model(model: Pipeline, data: pd.DataFrame) -> dict:
    """Per-class precision/recall/F1, macro-F1, confusion matrix and ECE."""
    labels = [str(label) for label in model.classes_]
    proba = model.predict_proba(data["text"].tolist())
    predicted = np.asarray(labels, dtype=object)[proba.argmax(axis=1)]
    truth = data["label"].to_numpy()
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0)
    return {
        "n": len(data),
        "macro_f1": float(np.mean(f1)),
        "accuracy": float(np.mean(predicted == truth)),
        "per_class": {label: {"precision": float(p), "recall": float(r), "f1": float(f),
                              "support": int(s)}
                      for label, p, r, f, s in zip(labels, precision, recall, f1, support)},
        "confusion_matrix": {"labels": labels,
                             "matrix": confusion_matrix(truth, predicted, labels=labels).tolist()},
        "ece": expected_calibration_error(proba, truth, labels),
        "reliability": reliability_bins(proba, truth, labels),
    }


def reliability_bins(proba: np.ndarray, truth: Sequence[str], labels: Sequence[str],
                     bins: int = ECE_BINS) -> list[dict]:
    """Mean confidence beside accuracy per confidence bin: the reliability curve.

    A calibrated model's points lie on the diagonal; a point below it means
    the model is surer than it is right.
    """
    confidence = proba.max(axis=1)
    correct = np.asarray(labels, dtype=object)[proba.argmax(axis=1)] == np.asarray(truth)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    return [{"low": float(edges[b]), "high": float(edges[b + 1]), "n": int(mask.sum()),
             "confidence": float(confidence[mask].mean()), "accuracy": float(correct[mask].mean())}
            for b in range(bins) if (mask := which == b).any()]


def expected_calibration_error(proba: np.ndarray, truth: Sequence[str],
                               labels: Sequence[str], bins: int = ECE_BINS) -> float:
    """Mean gap between confidence and accuracy, weighted over confidence bins."""
    rows = reliability_bins(proba, truth, labels, bins)
    total = sum(row["n"] for row in rows)
    return float(sum(row["n"] / total * abs(row["confidence"] - row["accuracy"])
                     for row in rows)) if total else 0.0


def learning_curve(data: pd.DataFrame, evaluation: pd.DataFrame,
                   fractions: Sequence[float] = (0.25, 0.5, 0.75, 1.0), *,
                   random_state: int = config.RANDOM_STATE, **model_params) -> pd.DataFrame:
    """Macro-F1 on ``evaluation`` when training on growing shares of ``data``."""
    rows = []
    for fraction in fractions:
        sample = data.sample(frac=fraction, random_state=random_state) if fraction < 1 else data
        model = fit_model(sample, random_state=random_state, **model_params)
        rows.append({"fraction": fraction, "n_train": len(sample),
                     "macro_f1": evaluate_model(model, evaluation)["macro_f1"]})
    return pd.DataFrame(rows)


def format_report(report: dict) -> str:
    """A plain-text table of an evaluation, for the terminal and the README."""
    lines = [f"{'label':<20}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for label, row in report["per_class"].items():
        lines.append(f"{label:<20}{row['precision']:>10.3f}{row['recall']:>8.3f}"
                     f"{row['f1']:>8.3f}{row['support']:>9}")
    lines.append(f"macro-F1 {report['macro_f1']:.3f}   accuracy {report['accuracy']:.3f}   "
                 f"ECE {report['ece']:.3f}   n={report['n']}")
    matrix = report["confusion_matrix"]
    lines.append("confusion (rows = truth, columns = predicted): " + ", ".join(matrix["labels"]))
    lines.extend("  " + " ".join(f"{v:>5}" for v in row) for row in matrix["matrix"])
    if report.get("reliability"):
        lines.append("reliability (mean confidence -> accuracy, n per bin):")
        lines.extend(f"  {row['low']:.1f}-{row['high']:.1f}: {row['confidence']:.2f} -> "
                     f"{row['accuracy']:.2f}  n={row['n']}" for row in report["reliability"])
    return "\n".join(lines)


def _check_labels(data: pd.DataFrame) -> None:
    counts = data["label"].value_counts()
    if len(counts) < 2:
        raise TrainingDataError(f"Training needs at least two labels; got {counts.to_dict()}.")
    thin = counts[counts < HOLDOUT_FOLDS]
    if not thin.empty:
        raise TrainingDataError(
            f"Each label needs at least {HOLDOUT_FOLDS} examples for a stratified holdout; "
            f"too few for {thin.to_dict()}.")


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".csv", ".jsonl")))
        elif path.is_file():
            found.append(path)
        else:
            raise TrainingDataError(f"{path}: no such file or folder.")
    return found


SAMPLE_STRATEGIES = ("uncertain", "random", "per-label")


def sample_for_labeling(sentences: pd.DataFrame, *, n: int = 200, strategy: str = "uncertain",
                        random_state: int = config.RANDOM_STATE) -> pd.DataFrame:
    """Pick sentences of a run for a person to label, with an empty ``label``.

    ``uncertain`` takes the least confident first (where a label teaches the
    model most); ``per-label`` takes an equal share of each predicted label;
    ``random`` is a plain sample, for honest evaluation sets.
    """
    if strategy not in SAMPLE_STRATEGIES:
        raise ValueError(f"The 'strategy' parameter must be one of {SAMPLE_STRATEGIES}. "
                         f"Got {strategy!r} instead.")
    n = min(n, len(sentences))
    if strategy == "uncertain":
        picked = sentences.nsmallest(n, "confidence")
    elif strategy == "random":
        picked = sentences.sample(n=n, random_state=random_state)
    else:
        share = max(1, n // max(sentences["label"].nunique(), 1))
        picked = pd.concat([group.sample(n=min(share, len(group)), random_state=random_state)
                            for _, group in sentences.groupby("label")])
    columns = ["article_id", "sentence_index", "text", "label", "confidence"]
    out = picked[columns].rename(columns={"label": "predicted", "confidence": "predicted_p"})
    return out.assign(label="").reset_index(drop=True)
