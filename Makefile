# make run   - the application with web, worker, beat and demo data
# make test  - the whole test suite against real PostgreSQL, Redis and Celery
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup browser lint bench bench-ingest clean-var

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

browser:
	sh scripts/install-browser.sh

run: setup
	$(BIN)/python -m config.stack run

test: setup browser
	$(BIN)/python -m config.stack test $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Benchmarks are scripts in benchmarks/ that print figures; `make bench` runs them all.
bench: setup
	$(BIN)/python -m config.stack bench $(BENCH)

bench-ingest: setup
	$(BIN)/python -m config.stack bench ingest

clean-var:
	rm -rf var
