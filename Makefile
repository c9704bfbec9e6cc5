# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | md5sum | cut -c1-8)

.PHONY: run test test-fast test-browser load load-stress load-scale load-browser demo template bench clean db

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Builds the demo database if missing, and rebuilds any database whose build SQL changed.
db: $(STAMP)
	$(PY) -m fabrique ensure

## Build the demo database if missing, then serve the dashboard on http://localhost:8501
run: db
	$(PY) -m fabrique.serve

## The whole test suite (browser tests included; they need Debian's chromium)
test: $(STAMP) db
	$(PY) -m pytest

## Everything except the real-browser tests
test-fast: $(STAMP) db
	$(PY) -m pytest -m "not browser"

## Only the real-browser tests
test-browser: $(STAMP) db
	$(PY) -m pytest -m browser

## Rebuild the demo database from scratch
demo: $(STAMP)
	$(PY) -m fabrique demo

template: $(STAMP)
	$(PY) -m fabrique template modele_import_fabrique.xlsx

clean:
	rm -rf $(VENV) data/fabrique.duckdb static/geo

# Load tests at the protocol level (Locust over Streamlit's websocket, no browser; see loadtest/).
SESSIONS ?= 50
SECONDS ?= 300
SERVERS ?= 1
SWEEP ?= 1,5,10,25,50
STEP ?= 60

## Capacity: a single session's run, then SESSIONS « people » (5-15 s of thought) for SECONDS on SERVERS
## replicas (nginx in front from 2), an import swapping the database halfway: artifacts/load_report.json
load: $(STAMP)
	$(PY) -m loadtest.run --profile people --sessions $(SESSIONS) --seconds $(SECONDS) --servers $(SERVERS)

## Saturation: no pause, SWEEP session counts for STEP seconds each: artifacts/load_stress.json
load-stress: $(STAMP)
	$(PY) -m loadtest.run --sweep $(SWEEP) --step-seconds $(STEP) --servers $(SERVERS)

## Scale-out: the stress sweep against 1, 2 and 4 replicas behind nginx: artifacts/load_scale.json
load-scale: $(STAMP)
	$(PY) -m loadtest.run --sweep $(SWEEP) --step-seconds $(STEP) --scale 1,2,4

## The browser version: 20 Chromium sessions changing filters for 60 s while an import swaps the database
load-browser: db node_modules/axe-core/axe.min.js
	LOAD_SESSIONS=20 LOAD_SECONDS=60 $(PY) -m pytest tests/browser/test_load.py -s

## Performance benchmark (real browser, demo data at 1x and 100x): writes bench/report.md and bench/report.json
bench: $(STAMP) db
	$(PY) bench/run.py

# Browser tests inject axe-core (accessibility checks): npm installs the version pinned in package-lock.json.
test test-browser: node_modules/axe-core/axe.min.js
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
