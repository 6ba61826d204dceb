# parvis: every developer task is a target here. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/parvis
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2
SCALE ?= small
HOST ?= 127.0.0.1
PORT ?= 8000
# The address links in pages, emails and open data point to: the server `make run` starts.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install run test lint bench ci clean demo reference

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## install: virtual environment, dependencies, migrations, reference data (idempotent)
# The name detector reads only the development sets: it trains on the second core while
# the database is migrated and loaded and the qualifier (which reads the database) trains.
install: $(VENV)/.installed
	@$(MANAGE) train_language --if-stale --only noms & names=$$!; \
	$(MANAGE) migrate --noinput && $(MANAGE) load_reference \
	  && $(MANAGE) train_language --if-stale --only qualification; status=$$?; \
	wait $$names || status=1; exit $$status

## run: install, load demo data, start web server + worker + beat, print the URL and logins
run: install
	SITE_URL=$(SITE_URL) $(MANAGE) seed_demo --scale $(SCALE)
	$(MANAGE) collectstatic --noinput --verbosity 0
	@$(MANAGE) demo_logins --url $(SITE_URL)
	SITE_URL=$(SITE_URL) PORT=$(PORT) HOST=$(HOST) $(BIN)/honcho start -f Procfile

## test: the whole suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set)
test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## lint: ruff, mypy, missing migrations
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src/parvis
	$(MANAGE) makemigrations --check --dry-run

## bench: every benchmark under benchmarks/; figures in benchmarks/results/
bench: install
	$(BIN)/python benchmarks/run.py

ci:
	.ci/run

clean:
	rm -rf $(VENV) var
