"""claims-pipeline: what governments say about human rights, sentence by sentence.

One subpackage per stage, data flowing one way::

    run.read -> clean -> parse (spaCy) -> classify (scikit-learn) -> run.save

``pipeline.run`` also runs the stages over files in chunks, with workers or
Dask; ``pipeline.notebook`` holds the notebooks' helpers; ``cli`` and
``config`` sit at the top. The stages, each usable on its own from Python::

    from pipeline import clean_text, load_nlp, load_model, predict_table, run, read_table
"""

__version__ = "0.1.0"

from .classify import load_model, predict_table
from .clean import clean_html, clean_text
from .notebook.explore import load_run
from .parse import load_nlp
from .run import read_table, run

__all__ = ["__version__", "clean_html", "clean_text", "load_model", "load_nlp", "load_run",
           "predict_table", "read_table", "run"]
