"""The public imports users' scripts and notebooks rely on."""

from __future__ import annotations

import importlib

import pytest

import pipeline


def test_layout_public_names_import_from_the_top():
    from pipeline import (  # noqa: F401
        clean_html,
        clean_text,
        load_model,
        load_nlp,
        load_run,
        predict_table,
        read_table,
        run,
    )

    assert callable(run) and run.__module__ == "pipeline.run.runner"


@pytest.mark.parametrize("stage", ["clean", "parse", "classify", "run", "notebook"])
def test_layout_every_stage_is_a_subpackage_that_says_what_it_does(stage):
    module = importlib.import_module(f"pipeline.{stage}")
    assert module.__file__.endswith("__init__.py")
    assert len((module.__doc__ or "").split()) > 20
    for name in getattr(module, "__all__", []):
        assert hasattr(module, name), f"pipeline.{stage}.{name}"


def test_layout_run_modules_import_beside_the_run_function():
    from pipeline.run import runner, save

    assert runner.run is pipeline.run
    assert callable(save.read_table)
