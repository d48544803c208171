# Everyday commands. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: help setup assets run test lint format migrate-check clean bench

help:
	@echo "make run      set up, load the demo region into SQLite and run the service"
	@echo "make test     set up and run the tests (TEST_DATABASE_URL=... for PostgreSQL)"
	@echo "make lint     ruff check, format check and mypy"
	@echo "make format   ruff format and fix"
	@echo "make bench    every page under load beside /healthz, on PostgreSQL (BENCH_DATABASE_URL=...)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@command -v npm >/dev/null || { echo "Node.js and npm are needed for the GOV.UK Frontend assets"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

peerchallenge/static/css/app.css: node_modules/.package-lock.json $(wildcard assets/*)
	npm run --silent build

setup: $(VENV)/.installed peerchallenge/static/css/app.css

assets: peerchallenge/static/css/app.css

run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask authorities load
	$(BIN)/flask seed-demo
	@echo
	@echo "peerchallenge is starting at http://$(HOST):$(PORT)/ (press Ctrl+C to stop)"
	@echo
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Tests run in parallel, one worker per CPU (each with its own database); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto

test: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Not part of CI: seeds the national demo into a PostgreSQL database and loads every page (under 10 minutes).
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/peerchallenge_bench

bench: setup
	$(BIN)/python benchmarks/load.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules peerchallenge/static instance .pytest_cache .ruff_cache .mypy_cache
