# The commands of the README: `make run`, `make test` and the inner loop `make test-fast`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
FAST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

.PHONY: run test test-fast pytest-all lint typecheck pytest bench sample apprentice-wheel clean

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
	$(BIN)/ruff check discussion tests scripts hatch_build.py
	$(BIN)/ruff format --check discussion tests scripts hatch_build.py
	$(BIN)/mypy discussion tests scripts hatch_build.py
	scripts/test-audio.sh run $(MAKE) --no-print-directory pytest-all

# Inside test-audio.sh: the tests needing no sound server on all cores; then the audio tests on 2
# workers, each with a private PulseAudio of its own (tests/conftest.py: some kill and restart
# their sound server on purpose; they mostly wait on real-time sound); then the `serial`
# responsiveness test alone. (Running the first two at once was faster but timed out a tmux test
# on the loaded shared machine.)
pytest-all: $(DEV_STAMP)
	env -u PULSE_SERVER -u DISCUSSION_TEST_PULSE_DIR HYPOTHESIS_PROFILE=full $(BIN)/pytest -q -m "not audio and not serial" -n auto -p no:cacheprovider
	HYPOTHESIS_PROFILE=full $(BIN)/pytest -q -m "audio and not serial" -n 2 -p no:cacheprovider
	HYPOTHESIS_PROFILE=full $(BIN)/pytest -q -m serial -p no:cacheprovider

## The inner loop: the tests that need no real audio, are not slow end-to-end runs and are not
## longer Pilot flows (`ui_flow`: each screen keeps a shorter one here), on all cores
## (pytest-xdist), property tests on a fifth of their examples (HYPOTHESIS_PROFILE=fast).
## PULSE_SERVER is unset so a test that reaches PulseAudio without the `audio` mark fails here,
## not later. `make test` runs everything, with every example. One worker more than the cores:
## tests that wait on real-time fakes, a slow-disk fake or a subprocess leave a core to the
## extra worker, but each worker beyond that made every test dearer (CPU contention stretches
## the polling of the app's threads) and costs about 3 s of CPU collecting every module.
## Measured on two cores in one quiet hour, same tests: -n 2 66.5 s (72 s of CPU), -n 3 58.8 s
## (92 s), -n 4 63.2 s (112 s). worksteal evens the tail.
## Bytecode is written so workers and CLI subprocesses do not recompile.
test-fast: $(DEV_STAMP)
	$(BIN)/ruff check discussion tests scripts hatch_build.py
	env -u PYTHONDONTWRITEBYTECODE -u PULSE_SERVER -u DISCUSSION_TEST_PULSE_DIR HYPOTHESIS_PROFILE=fast $(BIN)/pytest -q -m "not audio and not slow and not ui_flow" -n $(FAST_WORKERS) --dist worksteal

lint: $(DEV_STAMP)
	$(BIN)/ruff check discussion tests scripts hatch_build.py
	$(BIN)/ruff format --check discussion tests scripts hatch_build.py

typecheck: $(DEV_STAMP)
	$(BIN)/mypy discussion tests scripts hatch_build.py

pytest: $(DEV_STAMP)
	scripts/test-audio.sh run $(MAKE) --no-print-directory pytest-all

## Benchmarks: writes .bench/results.json and prints a table.
bench: $(DEV_STAMP)
	scripts/test-audio.sh run $(BIN)/python -m scripts.bench

## The apprentice build: a wheel in dist/apprentice/ with the practice set only (checked: no
## assessment question, probe or look-for in any of its files). `pip install .` builds the
## assessor's app, with both sets.
apprentice-wheel: $(DEV_STAMP)
	$(BIN)/python -m scripts.apprentice_wheel dist/apprentice

## Regenerate the sample discussion record in transcripts/.
sample: $(DEV_STAMP)
	scripts/test-audio.sh run $(BIN)/python -m scripts.make_sample

clean:
	rm -rf $(VENV) .bench .mypy_cache .pytest_cache .ruff_cache build dist
