# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck pytest bench sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP) $@

## Install and open the app on the bundled standard and question bank.
run: $(STAMP)
	$(BIN)/discussion

## Install dev tools, lint, type-check and run the whole test suite (real audio included).
test: $(DEV_STAMP)
	$(BIN)/ruff check discussion tests scripts
	$(BIN)/ruff format --check discussion tests scripts
	$(BIN)/mypy discussion tests scripts
	scripts/test-audio.sh run $(BIN)/pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check discussion tests scripts
	$(BIN)/ruff format --check discussion tests scripts

typecheck: $(DEV_STAMP)
	$(BIN)/mypy discussion tests scripts

pytest: $(DEV_STAMP)
	scripts/test-audio.sh run $(BIN)/pytest -q

## Benchmarks: writes .bench/results.json and prints a table.
bench: $(DEV_STAMP)
	scripts/test-audio.sh run $(BIN)/python -m scripts.bench

## Regenerate the sample discussion record in transcripts/.
sample: $(DEV_STAMP)
	scripts/test-audio.sh run $(BIN)/python -m scripts.make_sample

clean:
	rm -rf $(VENV) .bench .mypy_cache .pytest_cache .ruff_cache build dist
