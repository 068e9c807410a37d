# dianpu — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export PORT

.PHONY: install demo test test-sqlite test-postgres lint bench screenshots messages browser-deps clean help

help:
	@echo "make demo         install, create the demo store (SQLite under var/), start web + worker"
	@echo "make test         install and run every test, on SQLite and on PostgreSQL"
	@echo "make install      the install step alone (.venv, Python packages, npm packages, assets)"
	@echo "make bench        every benchmark (ONLY=name for one); figures in bench/results/"
	@echo "make screenshots  README screenshots into docs/screenshots/"

$(VENV)/.installed: pyproject.toml frontend/package.json frontend/package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev]"
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
	$(PY) scripts/build_assets.py
	$(PY) scripts/compile_messages.py

demo: install
	bash scripts/demo.sh

browser-deps:
	@bash scripts/browser_deps.sh

# ruff check, ruff format --check, mypy (strict on domain/ and services), lint-imports.
lint: install
	bash scripts/lint.sh

test: install browser-deps lint
	bash scripts/test.sh

test-sqlite: install
	bash scripts/test.sh sqlite

test-postgres: install
	bash scripts/test.sh postgres

# Every benchmark; each writes bench/results/<name>.json and prints its table. One alone:
# `make bench ONLY=pricing`. analytics seeds 1M orders + 10M events (tens of minutes, once).
BENCHES ?= run storefront checkout pricing import_products inventory payments fulfillment seed_demo analytics console finance
bench: install
	@set -e; for b in $(if $(ONLY),$(ONLY),$(BENCHES)); do echo "=== bench/$$b.py"; $(PY) bench/$$b.py; done

screenshots: install browser-deps
	$(PY) scripts/screenshots.py

messages:
	bash scripts/make_messages.sh

clean:
	rm -rf $(VENV) frontend/node_modules dianpu/static/vendor
