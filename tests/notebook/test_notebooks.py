"""The notebooks run top to bottom in a fresh kernel, show their plots, and
are stored without outputs (they must never rot, nor bloat the repository)."""

from __future__ import annotations

import sys

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline import config
from pipeline.classify.train import HOLDOUT_FOLDS, read_labeled

from ..conftest import PROJECT

NOTEBOOKS = PROJECT / "notebooks"
#: Seconds one cell may take; the slowest (a full pipeline run, a model fit)
#: take about ten on a loaded two-core machine.
CELL_TIMEOUT = 180
#: Plots each notebook must draw (as PNG outputs), so a broken figure fails.
PLOTS = {"explore.ipynb": 2, "retrain.ipynb": 2}
#: A piece of HTML each notebook must show: the displaCy article, the table
#: of labels that changed.
HTML_SHOWN = {"explore.ipynb": 'class="spans"', "retrain.ipynb": "old_label"}


def execute(name: str) -> nbformat.NotebookNode:
    """Run a notebook in a new kernel from notebooks/, plus a last cell that
    prints the kernel's interpreter (it must be this one, with this package)."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    return notebook


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_notebooks_run_top_to_bottom(name, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebooks write only to temp folders
    notebook = execute(name)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code"
               for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= PLOTS[name]
    assert any(HTML_SHOWN[name] in o.get("data", {}).get("text/html", "") for o in outputs)
    assert notebook.cells[-1].outputs[0]["text"].strip() == sys.executable
    assert any(tmp_path.iterdir()), "the notebook wrote nothing to its temporary folder"


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_notebooks_are_stored_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells[0].cell_type == "markdown"  # each opens with what it shows
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_notebooks_user_labels_are_usable_and_new():
    """The retraining example's labels follow the guide's label set, have
    enough of each label for a stratified holdout, and never contradict a
    shipped label for the same sentence."""
    yours = read_labeled([NOTEBOOKS / "my_labels.csv"])
    shipped = read_labeled([config.LABELED_DATA_DIR])
    counts = yours["label"].value_counts()
    assert set(counts.index) == set(config.LABELS) and counts.min() >= HOLDOUT_FOLDS
    assert yours["group"].nunique() >= HOLDOUT_FOLDS and yours["text"].is_unique
    both = yours.merge(shipped, on="text", suffixes=("_yours", "_shipped"))
    assert (both["label_yours"] == both["label_shipped"]).all()
