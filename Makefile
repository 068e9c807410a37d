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
	@echo "make bench        benchmarks against a real server; figures in bench/results/"
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

lint: install
	$(VENV)/bin/lint-imports

test: install browser-deps lint
	bash scripts/test.sh

test-sqlite: install
	bash scripts/test.sh sqlite

test-postgres: install
	bash scripts/test.sh postgres

bench: install
	$(PY) bench/run.py

screenshots: install browser-deps
	$(PY) scripts/screenshots.py

messages:
	bash scripts/make_messages.sh

clean:
	rm -rf $(VENV) frontend/node_modules dianpu/static/vendor
