"""claims-pipeline: what governments say about human rights, sentence by sentence.

The stages, each usable on its own from Python::

    from pipeline import clean_text, load_nlp, load_model, run, read_table
"""

__version__ = "0.1.0"

from .classify import load_model, predict_table  # noqa: E402
from .clean import clean_html, clean_text  # noqa: E402
from .explore import load_run  # noqa: E402
from .parse import load_nlp  # noqa: E402
from .runner import run  # noqa: E402
from .save import read_table  # noqa: E402

__all__ = ["__version__", "clean_html", "clean_text", "load_model", "load_nlp", "load_run",
           "predict_table", "read_table", "run"]
