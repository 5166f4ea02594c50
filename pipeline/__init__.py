"""claims-pipeline: what governments say about human rights, sentence by sentence.

The stages, each usable on its own from Python::

    from pipeline import clean_text, load_nlp, load_model, run, read_table
"""

__version__ = "0.1.0"

from .classify import load_model, predict_table
from .clean import clean_html, clean_text
from .explore import load_run
from .parse import load_nlp
from .runner import run
from .save import read_table

__all__ = ["__version__", "clean_html", "clean_text", "load_model", "load_nlp", "load_run",
           "predict_table", "read_table", "run"]
