# Fact-check desk. `make run` for a first look, `make test` for the suite.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000

.PHONY: run install install-dev test lint format migrations-check check-deploy fuzz-api ci clean bench

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## First run on a fresh machine: SQLite, demo data, development server.
run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST)

## The whole suite (SQLite by default; PostgreSQL when DATABASE_URL points there).
test: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## ruff, the layering contracts (import-linter, pyproject.toml) and mypy with the Django and DRF stubs.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/lint-imports
	DEBUG=1 $(VENV)/bin/mypy

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install-dev
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

check-deploy: install
	DEBUG=0 SECRET_KEY=check-deploy-$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=desk.example.org $(PY) manage.py check --deploy --fail-level WARNING

## schemathesis against /api/schema/ (a throwaway PostgreSQL database factcheck_fuzz).
fuzz-api: install-dev
	scripts/fuzz-api $(VENV) 10

ci: lint migrations-check check-deploy test fuzz-api

clean:
	rm -rf $(VENV) staticfiles test-output .pytest_cache .ruff_cache

## The speed benchmarks at 100,000 claims (PostgreSQL; each builds and drops a throwaway test_ database):
## the export and the pages, importing real pages, gunicorn under load. Rewrites the README's table.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck_bench
bench: install-dev
	mkdir -p .bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) scripts/bench_export.py | tee .bench/scale.txt
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) scripts/bench_import.py | tee .bench/import.txt
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) scripts/loadgen.py | tee .bench/load.txt
	$(PY) scripts/bench_readme.py .bench/scale.txt .bench/import.txt .bench/load.txt
