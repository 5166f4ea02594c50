# The whole set-up on a fresh machine is `make run` or `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INPUT ?= data/raw
OUT ?= data/processed
MODEL ?= models/claims-v1

.PHONY: install install-test run test train evaluate benchmark lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files make re-runs skip pip when pyproject.toml has not changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/claims run $(INPUT) --out $(OUT) --overwrite

test: install-test
	$(BIN)/python -m pytest

train: install
	$(BIN)/claims train data/labeled --out $(MODEL) --overwrite

evaluate: install
	$(BIN)/python scripts/evaluate_dev.py --model $(MODEL)

# The README's figures: best of 3 rounds, plus memory at 10x the input (~12 min).
BENCH_OPTIONS ?= --repeat 3 --scale 10

benchmark: install
	$(BIN)/python benchmarks/throughput.py $(BENCH_OPTIONS)

lint: install-test
	$(BIN)/python -m pip install --quiet ruff && $(BIN)/ruff check pipeline tests

clean:
	rm -rf $(VENV) build *.egg-info
