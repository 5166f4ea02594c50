"""Helpers for the retraining notebook: train on your own labels and compare.

The notebook calls one of these per cell (see ``explore.py`` for why). They
reuse ``classify/train.py`` (holdout split, class weights, evaluation, learning
curve) and ``classify.save_model``, so a model retrained here is the same
kind of folder ``claims train`` writes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from itertools import cycle
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from .. import config
from ..classify.model import predict_table, save_model
from ..classify.train import (
    HOLDOUT_FOLDS,
    evaluate_model,
    fit_model,  # noqa: F401  (re-exported: the notebook imports only this module)
    holdout_split,
    learning_curve,
    training_card,
)
from .explore import new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

#: Shares of the training data for the learning curve, spaced evenly on a log
#: axis; the full share comes from the retrained model itself, so the curve
#: costs less than half of one more fit (the notebook test must stay quick).
CURVE_FRACTIONS: tuple[float, ...] = (0.1, 0.3)


def comparison_split(shipped: pd.DataFrame, yours: pd.DataFrame, card: Mapping, *,
                     random_state: int = config.RANDOM_STATE
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training rows and a fixed holdout on which old and new models are fair.

    The holdout is the shipped model's own holdout (the documents its card
    lists, which it never saw) plus a seeded, document-grouped fifth of your
    labels. Everything else trains the new model. A ``part`` column says
    whose rows they are, so scores can be read per part.

    Args:
        shipped: ``train.read_labeled`` of ``data/labeled``.
        yours: ``train.read_labeled`` of your labeled file.
        card: the shipped model's card (``load_model()[1]``).
    """
    held = set(card.get("holdout_groups", []))
    if not held:
        raise ValueError("The model card lists no 'holdout_groups'; retrain that model with "
                         "`claims train` so it records its holdout.")
    shipped = shipped.assign(part="shipped")
    yours = yours.assign(part="yours")
    in_holdout = shipped["group"].isin(held)
    train, holdout = [shipped[~in_holdout]], [shipped[in_holdout]]
    if yours["group"].nunique() >= HOLDOUT_FOLDS:
        train_idx, holdout_idx = holdout_split(yours, random_state=random_state)
        train.append(yours.iloc[train_idx])
        holdout.append(yours.iloc[holdout_idx])
    else:
        logger.warning("Only %d documents of your labels: all of them train, none are held out "
                       "(a holdout needs %d).", yours["group"].nunique(), HOLDOUT_FOLDS)
        train.append(yours)
    holdout_rows = pd.concat(holdout, ignore_index=True)
    train_rows = pd.concat(train, ignore_index=True)
    # The same sentence on both sides would flatter the new model.
    train_rows = train_rows[~train_rows["text"].isin(holdout_rows["text"])]
    return train_rows.reset_index(drop=True), holdout_rows


def compare_models(models: Mapping[str, Pipeline], holdout: pd.DataFrame) -> pd.DataFrame:
    """Scores of each model on the whole holdout and on each part of it.

    Returns:
        One row per (model, part): ``n``, ``macro_f1``, ``accuracy``, ``ece``
        and ``f1_<label>``.
    """
    parts = [("all", holdout), *holdout.groupby("part", sort=True)] if "part" in holdout \
        else [("all", holdout)]
    rows = []
    for name, model in models.items():
        for part, rows_of_part in parts:
            report = evaluate_model(model, rows_of_part)
            rows.append({"model": name, "part": part, "n": report["n"],
                         "macro_f1": report["macro_f1"], "accuracy": report["accuracy"],
                         "ece": report["ece"],
                         **{f"f1_{label}": scores["f1"]
                            for label, scores in report["per_class"].items()}})
    return pd.DataFrame(rows).set_index(["model", "part"])


def plot_confusion_matrices(models: Mapping[str, Pipeline], holdout: pd.DataFrame) -> Figure:
    """One confusion matrix per model on the same holdout, side by side.

    Cells show counts; colour is the share of the true row, so classes of
    different sizes read alike.
    """
    figure = new_figure(figsize=(5.2 * len(models), 4.6))
    for axes, (name, model) in zip(np.atleast_1d(figure.subplots(1, len(models))),
                                   models.items()):
        report = evaluate_model(model, holdout)
        labels = report["confusion_matrix"]["labels"]
        matrix = np.asarray(report["confusion_matrix"]["matrix"])
        shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
        axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        for (i, j), count in np.ndenumerate(matrix):
            axes.text(j, i, str(count), ha="center", va="center",
                      color="white" if shares[i, j] > 0.6 else "black")
        axes.set_xticks(range(len(labels)), [_short(label) for label in labels], rotation=30)
        axes.set_yticks(range(len(labels)), [_short(label) for label in labels])
        axes.set_xlabel("predicted")
        axes.set_ylabel("truth")
        axes.set_title(f"{name}: macro-F1 {report['macro_f1']:.3f} (n={report['n']})")
    return figure


def learning_curve_points(train: pd.DataFrame, holdout: pd.DataFrame, *,
                          full_model: Pipeline | None = None,
                          fractions: Sequence[float] = CURVE_FRACTIONS,
                          random_state: int = config.RANDOM_STATE) -> pd.DataFrame:
    """Macro-F1 on ``holdout`` when training on growing shares of ``train``.

    ``train.learning_curve`` fits each share (rows weighted as in ``fit_model``);
    pass ``full_model`` (the model ``fit_model(train)`` returned) to score the
    full share without fitting it again.
    """
    shares = [f for f in fractions if f < 1] if full_model is not None else list(fractions)
    curve = learning_curve(train, holdout, shares, random_state=random_state)
    if full_model is not None:
        full = {"fraction": 1.0, "n_train": len(train),
                "macro_f1": evaluate_model(full_model, holdout)["macro_f1"]}
        curve = pd.concat([curve, pd.DataFrame([full])], ignore_index=True)
    return curve


def plot_learning_curve(curve: pd.DataFrame,
                        references: Mapping[str, float] | None = None) -> Figure:
    """Macro-F1 against training size, with dashed lines for reference scores."""
    figure = new_figure(figsize=(7, 4))
    axes = figure.subplots()
    axes.plot(curve["n_train"], curve["macro_f1"], marker="o", label="retrained recipe")
    for (name, score), style in zip((references or {}).items(), cycle(("--", ":", "-."))):
        axes.axhline(score, linestyle=style, color="grey", label=f"{name} ({score:.3f})")
    axes.set_xscale("log")
    axes.set_xticks(curve["n_train"], [str(n) for n in curve["n_train"]])
    axes.minorticks_off()
    axes.set_xlabel("training sentences (log scale)")
    axes.set_ylabel("macro-F1 on the fixed holdout")
    axes.legend(loc="lower right")
    return figure


def save_retrained(model: Pipeline, folder: str | Path, train: pd.DataFrame,
                   holdout: pd.DataFrame, *, random_state: int = config.RANDOM_STATE) -> dict:
    """Write the model folder (loadable by ``load_model`` and ``claims run``).

    The card has the fields ``train.train_model`` writes, with this holdout's
    documents and scores, so later evaluations use the same sentences.
    """
    data = pd.concat([train, holdout], ignore_index=True)
    card = {**training_card(model, data, train, holdout, random_state=random_state),
            "holdout": evaluate_model(model, holdout)}
    return save_model(model, Path(folder), card)


def compare_labels(sentences: pd.DataFrame, old_model: Pipeline) -> pd.DataFrame:
    """A run's sentences with the label ``old_model`` gives them as ``old_label``.

    Shows what retraining changed on real articles without parsing them
    twice: only the classifier runs again.
    """
    old = predict_table(old_model, sentences["text"].tolist())
    table = sentences[["article_id", "sentence_index", "text", "label", "confidence"]]
    table = table.reset_index(drop=True).assign(old_label=old["label"].to_numpy(),
                                                 old_confidence=old["confidence"].to_numpy())
    return table.assign(changed=table["label"] != table["old_label"])


def _short(label: str) -> str:
    return label.replace("cooperation_", "").replace("_claim", "")
