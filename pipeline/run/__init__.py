"""Stages 1 and 5, read and save, and the runs that tie the stages together.

Takes files and folders of articles; reads them into records (``read``),
runs chunks of them through clean -> parse -> classify (``chunk``), in
worker processes with resume (``runner``) or on Dask (``distributed``), and
writes atomic parts and the final tables and manifest (``save``).

The attribute ``pipeline.run`` is the function ``run`` (``from pipeline import
run``, the public entry point), so import the modules by ``from pipeline.run
import runner, save``; ``import pipeline.run.runner as runner`` fails.
"""

from .read import Article, ReadError, read_inputs
from .runner import RunError, RunSummary, run
from .save import read_table

__all__ = ["Article", "ReadError", "RunError", "RunSummary", "read_inputs", "read_table", "run"]
