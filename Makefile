# The two commands of the README's quick start; CI runs `make test` (see .ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo

.PHONY: demo test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install touchpath and build the demo workspace (a clinic and an electronics shop).
demo: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/touchpath demo $(DEMO_DIR) --force

# Install everything the tests need and run the whole suite: lint, types, tests.
test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(MAKE) lint
	$(BIN)/pytest

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
