"""Shared fixtures: the real spaCy pipeline and the shipped model, loaded once."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.classify.model import load_model
from pipeline.parse.nlp import load_nlp

PROJECT = Path(__file__).resolve().parents[1]
RAW = PROJECT / "data" / "raw"
#: The real labeled sentences beside a clone (measure only; absent in CI).
DEV_SET = PROJECT.parent / "shared" / "corpus" / "dev_labeled.csv"
#: The two real seed pages beside a clone (read at test time, never copied in).
SEEDS = PROJECT.parent / "shared" / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def load_script(name: str) -> ModuleType:
    """A module of ``scripts/`` (not a package), imported from its file."""
    spec = importlib.util.spec_from_file_location(name, PROJECT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


@pytest.fixture(scope="session")
def model():
    return load_model()[0]


@pytest.fixture(scope="session")
def raw_truth() -> dict:
    return json.loads((PROJECT / "data" / "raw_truth.json").read_text())


@pytest.fixture()
def briefing_page() -> str:
    return (DATA / "briefing_page.txt").read_text()
