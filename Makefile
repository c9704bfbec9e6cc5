# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | md5sum | cut -c1-8)

.PHONY: run test test-fast test-browser demo template bench clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

data/fabrique.duckdb: | $(STAMP)
	$(PY) -m fabrique ensure

## Build the demo database if missing, then serve the dashboard on http://localhost:8501
run: $(STAMP) data/fabrique.duckdb
	$(PY) -m streamlit run app.py

## The whole test suite (browser tests included; they need Debian's chromium)
test: $(STAMP) data/fabrique.duckdb
	$(PY) -m pytest

## Everything except the real-browser tests
test-fast: $(STAMP) data/fabrique.duckdb
	$(PY) -m pytest -m "not browser"

## Only the real-browser tests
test-browser: $(STAMP) data/fabrique.duckdb
	$(PY) -m pytest -m browser

## Rebuild the demo database from scratch
demo: $(STAMP)
	$(PY) -m fabrique demo

template: $(STAMP)
	$(PY) -m fabrique template modele_import_fabrique.xlsx

clean:
	rm -rf $(VENV) data/fabrique.duckdb static/geo
