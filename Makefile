# One task runner for the project. `make demo` and `make test` are the README's
# two set-up commands: each creates .venv and installs what it needs itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint types unit workflows docs install browser bench clean fuzz

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
	@echo "demo: lint finds no errors in the example records"
	@rm -rf .demo && mkdir -p .demo
	@echo
	@echo "demo: the regression tier against support-agent 1.4.0, the version of INC-2026-0005"
	@echo "demo: EXPECTED: its 3 refund-policy cases FAIL below; that is the bug, caught by its cases"
	@echo "$(BIN)/pytest evals/ -q --tier regression --agent-version 1.4.0 --junitxml .demo/before-1.xml"
	@# pytest exits 1 when tests fail, as they must here; anything else stops the demo.
	@$(BIN)/pytest evals/ -q --no-header --tier regression --agent-version 1.4.0 --junitxml .demo/before-1.xml; \
		status=$$?; if [ $$status -ne 1 ]; then echo "demo: expected failures on 1.4.0, but pytest exited $$status" >&2; exit 1; fi
	@echo "demo: as expected, the cases of INC-2026-0005 failed on 1.4.0"
	@for run in 2 3; do $(BIN)/pytest evals/ -qq --tb=no --tier regression --agent-version 1.4.0 --junitxml .demo/before-$$run.xml >/dev/null; \
		[ $$? -eq 1 ] || { echo "demo: run $$run on 1.4.0 did not fail as expected" >&2; exit 1; }; done
	@echo
	@echo "demo: the same cases against 1.4.1, the fix"
	$(BIN)/pytest evals/ -q --no-header --tier regression --agent-version 1.4.1 --junitxml .demo/after-1.xml
	@for run in 2 3; do $(BIN)/pytest evals/ -qq --tb=no --tier regression --agent-version 1.4.1 --junitxml .demo/after-$$run.xml >/dev/null; done
	@echo
	@echo "demo: which support-agent cases fail before the fix and pass after it, over 3 runs each (dry run: nothing is written)"
	$(BIN)/incidentkit verify --agent support-agent \
		--before .demo/before-1.xml --before .demo/before-2.xml --before .demo/before-3.xml \
		--after .demo/after-1.xml --after .demo/after-2.xml --after .demo/after-3.xml
	@echo
	@echo "demo: reproduce INC-2026-0005 offline: its case run 10 times against support-agent 1.4.0"
	$(BIN)/incidentkit reproduce refund-policy-no-retroactive-promise --runs 10 --agent-version 1.4.0 --yes
	@echo
	@echo "demo: eval coverage per incident"
	$(BIN)/incidentkit coverage
	@echo
	@echo "demo: the site, built into .demo/site"
	$(BIN)/incidentkit build --site-dir .demo/site
	@echo
	@echo "demo: done. Next: '$(BIN)/incidentkit --help', or start your own repository: README.md, 'Start your own incident repository'"

lint: $(STAMP)
	$(BIN)/ruff check tooling tests bench
	$(BIN)/ruff format --check tooling tests bench

types: $(STAMP)
	$(BIN)/mypy

# Chromium for the browser tests (best effort: they skip with a reason without it)
browser:
	@.ci/install-chromium

# The suite in parallel (pytest-xdist, at most 4 workers); the fuzz test alone
# afterwards, so the budget and the number of cases it ran stay in the log.
unit: $(STAMP) browser
	$(BIN)/pytest -n auto --maxprocesses 4 --ignore tests/test_fuzz.py
	$(BIN)/pytest tests/test_fuzz.py

# zizmor and check-jsonschema (offline) over .github/ and action.yml
workflows: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" .ci/check-workflows

# Reference pages generated from the code (a test fails when they are stale)
docs: $(STAMP)
	$(BIN)/python -m incidentkit.docs

test: lint types workflows unit

# The property-based robustness test with a long budget (`make test` runs 12 repositories).
fuzz: $(STAMP)
	INCIDENTKIT_FUZZ_EXAMPLES=$${INCIDENTKIT_FUZZ_EXAMPLES:-500} $(BIN)/pytest tests/test_fuzz.py -s -p no:cacheprovider

# Speed and memory at 1k and 10k incidents, as ratios to floors (docs/benchmarks.md).
# Quick run: BENCH_SIZES=1000 BENCH_RUNS=3 make bench
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
