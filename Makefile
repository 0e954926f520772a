# Académie IA Santé — developer commands. `make test` is the CI entry point.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: venv run test lint demo bench clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

run: venv
	$(PY) -m academy db upgrade
	$(PY) -m streamlit run asgi.py --server.port $(PORT) --browser.gatherUsageStats false

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
