# One task runner for the project. `make demo` and `make test` are the README's
# two set-up commands: each creates .venv and installs what it needs itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint types unit workflows docs install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/incidentkit lint
	@echo
	@echo "demo: lint is clean on the example records"

lint: $(STAMP)
	$(BIN)/ruff check tooling tests
	$(BIN)/ruff format --check tooling tests

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# zizmor and check-jsonschema (offline) over .github/ and action.yml
workflows: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" .ci/check-workflows

# Reference pages generated from the code (a test fails when they are stale)
docs: $(STAMP)
	$(BIN)/python -m incidentkit.docs

test: lint types workflows unit

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
