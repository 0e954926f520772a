# Académie IA Santé — developer commands. `make test` is the CI entry point.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: venv js ralph run cluster test lint demo bench clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# Clients nobody here wrote, used by the tests (each test skips with a reason when its client is missing):
# gift-pegjs run with node (tests/test_gift.py), Ralph's LRS in a virtual environment of its own
# (tests/test_lrs.py; its FastAPI pins a Starlette older than Streamlit's, see requirements-ralph.txt).
js: tests/js/node_modules/.package-lock.json

tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund

RALPH_VENV := .venv-ralph

ralph: $(RALPH_VENV)/.installed

$(RALPH_VENV)/.installed: requirements-ralph.txt
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/python -m pip install --quiet -r requirements-ralph.txt
	touch $@

TEST_CLIENTS := ralph $(if $(shell command -v npm),js)

run: venv
	$(PY) -m academy db upgrade
	MALLOC_ARENA_MAX=2 $(PY) -m streamlit run asgi.py --server.port $(PORT) --browser.gatherUsageStats false

# Several replicas behind HAProxy (needs PostgreSQL in ACADEMY_DATABASE_URL and `apt-get install haproxy`).
REPLICAS ?= 2
cluster: venv
	$(PY) -m academy serve --replicas $(REPLICAS) --port $(PORT)

test: venv $(TEST_CLIENTS)
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
	$(PY) -m bench $(if $(FULL),--full)

clean:
	rm -rf $(VENV) $(RALPH_VENV) tests/js/node_modules .pytest_cache .ruff_cache
