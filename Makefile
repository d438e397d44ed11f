# Rasd — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install install-test browser pdf-libs worker server messages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
# axe-core (package.json, pinned in package-lock.json) checks the pages' accessibility in the browser tests.
node_modules/axe-core: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install-test: $(VENV)/.installed-test node_modules/axe-core

## setup: migrate the database and load the reference data, the demo recommendations and the demo users (idempotent)
setup: install pdf-libs
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) setup_demo

## run: set everything up, queue the daily reminders, then serve http://$(HOST):$(PORT) with the task worker beside the web server
run: setup
	$(MANAGE) recover_tasks
	$(MANAGE) schedule_reminders
	@echo
	@echo "Rasd is starting at http://$(HOST):$(PORT)/  (log in with a demo login above; Ctrl-C stops both processes)"
	@echo
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) db_worker --no-startup-delay & worker=$$!; \
	$(MANAGE) runserver --insecure --noreload $(HOST):$(PORT)

## browser: Debian's chromium and Noto fonts for the browser tests (installed when missing and we are root)
browser:
	@if ! command -v chromium >/dev/null || ! dpkg -s fonts-noto-core >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing chromium and fonts-noto-core from Debian's packages…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	  else \
	    echo "chromium (Debian package) is missing: browser tests will fail in CI and be skipped elsewhere."; \
	  fi; \
	fi

## pdf-libs: Pango, which WeasyPrint needs to write the PDF reports (installed when missing and we are root)
pdf-libs:
	@if ! dpkg -s libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Pango for the PDF reports from Debian's packages…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	  else \
	    echo "Pango (libpango-1.0-0, libpangoft2-1.0-0) is missing: PDF reports cannot be written until it is installed."; \
	  fi; \
	fi

## test: install what the tests need and run the whole suite (DATABASE_URL selects PostgreSQL)
test: install-test browser pdf-libs
	$(PY) -m pytest $(PYTEST_ARGS)

## messages: refresh the ar and fr catalogues from the source and compile them
messages: install
	$(MANAGE) makemessages -l ar -l fr --no-location --no-obsolete -i ".venv/*" -i "staticfiles/*"
	$(MANAGE) compilemessages -i .venv

clean:
	rm -rf $(VENV) staticfiles node_modules
