"""Helpers for the exploration notebook: look at a run's tables.

The notebooks in ``notebooks/`` call one of these per cell and only show the
result, so everything worth testing lives here (cookiecutter-data-science:
"notebooks are for exploration, source files are for repetition"). Tables
come from ``save.read_table``. The retraining notebook's helpers are in
``retraining.py``.

Plots return matplotlib ``Figure`` objects made without pyplot, so they show
once in Jupyter, never leak global state into tests, and can be saved with
``fig.savefig``. matplotlib is imported only when a plot is drawn: it comes
with the ``notebooks`` and ``test`` extras, not with the pipeline.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from .. import config
from ..run.runner import run
from ..run.save import read_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

#: The articles shipped in ``data/raw``: what the notebooks run on by default.
SAMPLE_ARTICLES = config.PROJECT_DIR / "data" / "raw"
#: One colour per label, shared by the plots and the displaCy rendering so a
#: label looks the same everywhere (ColorBrewer Set1, readable for most
#: colour-blind readers; `other` stays grey because it is the background).
LABEL_COLORS: dict[str, str] = {"cooperation_pledge": "#4daf4a", "denial": "#e41a1c",
                                "rights_claim": "#377eb8", "other": "#bdbdbd"}
#: The words that decided a label (the ``trigger`` columns), in Set1's orange.
TRIGGER_COLOR = "#ff7f00"
#: Columns another stage may add (who is targeted, the trigger words...):
#: shown in the tables below when a run has them, skipped when it does not.
OPTIONAL_COLUMNS: tuple[str, ...] = ("speaker", "speaker_role", "target", "trigger",
                                     "rights_topics")


@dataclass(frozen=True)
class RunTables:
    """The tables of one finished run (``claims run --out DIR``)."""

    folder: Path
    sentences: pd.DataFrame
    articles: pd.DataFrame
    errors: pd.DataFrame
    manifest: dict

    @property
    def labels(self) -> list[str]:
        """The model's labels: from the manifest, else the ``p_<label>`` columns."""
        labels = self.manifest.get("model", {}).get("labels")
        return [str(label) for label in labels] if labels else \
            [c.removeprefix("p_") for c in self.sentences.columns if c.startswith("p_")]


def sample_run(out: str | Path | None = None, **run_options) -> Path:
    """Run the pipeline on the shipped sample articles and return the folder.

    Args:
        out: output folder; a new temporary folder when None, so a notebook
            never writes into the repository.
        **run_options: passed to ``runner.run`` (``model_path``, ``fmt``...).
    """
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="claims-run-"))
    run([SAMPLE_ARTICLES], out, **run_options)
    return out


def load_run(folder: str | Path) -> RunTables:
    """Load every table of a run, whatever format it was written in."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    return RunTables(folder, read_table(folder), read_table(folder, "articles"),
                     read_table(folder, "errors"), manifest)


# -- counts ------------------------------------------------------------------

def article_source(articles: pd.DataFrame) -> pd.Series:
    """Where each article came from: its site, else its URL's host, else its file.

    Plain-text pages carry neither site nor URL, so the input file name is
    the best name left (without the ``:LINE`` of JSONL/CSV records).
    """
    site = articles["site"].fillna("").astype(str)
    host = articles["url"].fillna("").astype(str).map(lambda url: urlparse(url).netloc)
    file = articles["source"].fillna("").astype(str).map(_file_name)
    return site.where(site != "", host.where(host != "", file))


def label_counts_by_source(tables: RunTables) -> pd.DataFrame:
    """Sentences per label (columns) for every source (rows), most first."""
    sources = pd.Series(article_source(tables.articles).to_numpy(),
                        index=tables.articles["article_id"])
    frame = tables.sentences.assign(source=tables.sentences["article_id"].map(sources))
    counts = _count(frame, "source", tables.labels)
    return counts.loc[counts.sum(axis=1).sort_values(ascending=False, kind="stable").index]


def label_counts_over_time(tables: RunTables, freq: str = "M") -> pd.DataFrame:
    """Sentences per label (columns) per period (rows), gaps filled with zeros.

    Articles without a readable date are left out; empty periods stay in, so
    the time axis is honest.
    """
    dates = pd.to_datetime(tables.articles["date"], errors="coerce", format="mixed", utc=True)
    dates = dates.dt.tz_localize(None)  # pages mix time zones; a month is a month
    periods = pd.Series(dates.dt.to_period(freq).to_numpy(), index=tables.articles["article_id"])
    frame = tables.sentences.assign(period=tables.sentences["article_id"].map(periods))
    frame = frame.dropna(subset=["period"])
    counts = _count(frame, "period", tables.labels)
    if counts.empty:
        return counts
    every = pd.period_range(counts.index.min(), counts.index.max(), freq=freq)
    counts = counts.reindex(every, fill_value=0)
    counts.index = counts.index.astype(str)
    return counts


def _count(frame: pd.DataFrame, by: str, labels: Sequence[str]) -> pd.DataFrame:
    counts = pd.crosstab(frame[by], frame["label"]) if len(frame) else pd.DataFrame()
    return counts.reindex(columns=list(labels), fill_value=0).rename_axis(index=by, columns=None)


def plot_label_counts(counts: pd.DataFrame, *, title: str = "",
                      horizontal: bool = False) -> Figure:
    """Stacked bars of a counts table (rows = bars, columns = labels)."""
    figure = new_figure(figsize=(8, max(3.0, 0.35 * len(counts))) if horizontal else (9, 4))
    axes = figure.subplots()
    shown = counts.iloc[::-1] if horizontal else counts  # largest at the top
    shown.plot(kind="barh" if horizontal else "bar", stacked=True, ax=axes, width=0.8,
               color=[LABEL_COLORS.get(label, "#999999") for label in counts.columns])
    axes.set_title(title)
    axes.set_xlabel("sentences" if horizontal else "")
    axes.set_ylabel("" if horizontal else "sentences")
    # Outside the axes: inside, the legend hides the tallest bars.
    axes.legend(title="label", fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


# -- sentences ---------------------------------------------------------------

def strongest_sentences(tables: RunTables, label: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` sentences the model is surest carry ``label``, with who said them.

    Shows the speaker, and the target and other attribution columns when the
    run has them, plus the article's title for context.
    """
    if label not in tables.labels:
        raise ValueError(f"The 'label' parameter must be one of {tables.labels}. "
                         f"Got {label!r} instead.")
    chosen = tables.sentences[tables.sentences["label"] == label]
    chosen = chosen.nlargest(n, f"p_{label}").rename(columns={f"p_{label}": "p"})
    titles = tables.articles.set_index("article_id")["title"]
    chosen = chosen.assign(title=chosen["article_id"].map(titles))
    extra = [c for c in OPTIONAL_COLUMNS if c in chosen.columns]
    return chosen[["p", "text", *extra, "title", "article_id"]].reset_index(drop=True)


def review_table(tables: RunTables) -> pd.DataFrame:
    """Sentences flagged ``needs_review``, least confident first, with the
    runner-up label (the choice a person is most likely deciding between)."""
    flagged = tables.sentences[tables.sentences["needs_review"].astype(bool)]
    proba = flagged[[f"p_{label}" for label in tables.labels]].to_numpy()
    order = np.argsort(-proba, axis=1) if len(flagged) else np.zeros((0, 2), dtype=int)
    second = order[:, 1] if proba.shape[1] > 1 else order[:, 0]
    flagged = flagged.assign(
        runner_up=np.asarray(tables.labels, dtype=object)[second],
        runner_up_p=proba[np.arange(len(flagged)), second])
    extra = [c for c in OPTIONAL_COLUMNS if c in flagged.columns]
    columns = ["article_id", "sentence_index", "text", "label", "confidence", "runner_up",
               "runner_up_p", *extra]
    return flagged.sort_values("confidence")[columns].reset_index(drop=True)


def busiest_article(tables: RunTables) -> str:
    """The id of the article with the most non-``other`` sentences: a good first read."""
    claims = tables.sentences[tables.sentences["label"] != "other"]
    counts = claims["article_id"].value_counts()
    if counts.empty:
        return str(tables.articles["article_id"].iloc[0])
    return str(counts.index[0])


def render_article(tables: RunTables, article_id: str) -> str:
    """One article as displaCy HTML: sentences underlined in their label's
    colour (with the confidence), spaCy's entities and the trigger words
    (when the run has them) underneath.

    The cleaned text is rebuilt from the sentences at their offsets (gaps
    become spaces), so entity offsets from the table line up without
    re-running the pipeline. Display it with ``IPython.display.HTML``.

    Raises:
        KeyError: the run has no sentences for ``article_id``.
    """
    from spacy import blank, displacy

    rows = tables.sentences[tables.sentences["article_id"] == article_id]
    if rows.empty:
        raise KeyError(f"No sentences for article {article_id!r} in {tables.folder}; "
                       f"ids look like {tables.articles['article_id'].iloc[:2].tolist()}.")
    rows = rows.sort_values("start_char")
    text = _rebuild_text(rows)
    doc = blank("en").make_doc(text)
    spans, colors = [], {}
    for row in rows.itertuples():
        name = f"{row.label} {row.confidence:.2f}"
        colors[name] = LABEL_COLORS.get(row.label, "#999999")
        spans.append(doc.char_span(row.start_char, row.end_char, name, alignment_mode="expand"))
        for entity in _entities(row.entities):
            spans.append(doc.char_span(entity["start"], entity["end"], entity["label"],
                                       alignment_mode="expand"))
        trigger = _trigger(row)
        if trigger:
            spans.append(doc.char_span(*trigger, "trigger", alignment_mode="expand"))
    doc.spans["sc"] = [span for span in spans if span is not None]
    title = tables.articles.set_index("article_id")["title"].get(article_id, "")
    html = displacy.render(doc, style="span", page=False, jupyter=False,
                           options={"spans_key": "sc", "colors": {**colors, "trigger": TRIGGER_COLOR}})
    return f"<h3>{escape(str(title))}</h3>\n{html}"


def _rebuild_text(rows: pd.DataFrame) -> str:
    chars = [" "] * int(rows["end_char"].max())
    for start, sentence in zip(rows["start_char"], rows["text"]):
        chars[start:start + len(sentence)] = sentence
    return "".join(chars)


def _trigger(row) -> tuple[int, int] | None:
    """The offsets of the words that decided the label, when the run has them
    and they lie inside the sentence (the column is newer than the tables)."""
    start, end = getattr(row, "trigger_start", None), getattr(row, "trigger_end", None)
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return None
    inside = row.start_char <= start < end <= row.end_char
    return (int(start), int(end)) if inside else None


def _entities(value) -> list[dict]:
    """Entities as dicts, from Parquet (array of dicts), JSONL (list) or CSV (JSON text)."""
    if isinstance(value, str):
        value = json.loads(value)
    return [dict(entity) for entity in (value if value is not None else [])]


def _file_name(source: str) -> str:
    path, _, line = source.rpartition(":")
    return Path(path if line.isdigit() and path else source).name


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A matplotlib figure made without pyplot (see the module docstring)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as err:  # matplotlib ships with the notebooks/test extras only
        raise ImportError("Plots need matplotlib: pip install -e '.[notebooks]'.") from err
    return Figure(figsize=figsize, layout="constrained")
