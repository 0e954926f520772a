# Académie IA Santé — developer commands. `make test` is the CI entry point.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv js run test lint demo bench clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# JavaScript clients the tests run with node (gift-pegjs); skipped by those tests when node is absent.
js: tests/js/node_modules/.package-lock.json

tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund

run: venv
	$(PY) -m academy db upgrade
	$(PY) -m streamlit run app.py --server.port 8501 --browser.gatherUsageStats false

test: venv
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m academy check content

demo: venv
	$(PY) -m academy db upgrade
	$(PY) -m academy demo

bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
