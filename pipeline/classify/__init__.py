"""Stage 4, classify: sentences in, a label and a probability per class out.

Takes sentence texts; gives a table of ``label``, ``confidence`` and
``p_<label>`` columns from one scikit-learn ``Pipeline`` (features ->
logistic regression), saved and loaded as a model folder whose hash is
checked before unpickling. Training on a user's own labels lives here too.

Modules: ``model`` (features, the pipeline, saving and loading),
``cue_lexicons`` and ``cue_gate`` (the guide's rules as cue features, and
running only the cues a sentence could match), ``train`` (fit, evaluate,
sample sentences for labeling).
"""

from .model import ModelLoadError, build_model, load_model, predict_table, save_model
from .train import evaluate_model, read_labeled, train_and_save

__all__ = ["ModelLoadError", "build_model", "evaluate_model", "load_model", "predict_table",
           "read_labeled", "save_model", "train_and_save"]
