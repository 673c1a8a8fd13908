# The README names these targets; each bootstraps what it needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
RISKGRAPH := $(VENV)/bin/riskgraph
DEMO_STORE ?= .riskgraph/demo.sqlite
DEMO_USERS ?= .riskgraph/demo-users.json
STORE ?= $(DEMO_STORE)
USERS ?=
PORT ?= 8501

include neo4j/neo4j.mk

.PHONY: setup demo dashboard test test-fast lint typecheck format bench clean

setup:
	@bash scripts/bootstrap.sh

## The main job: ingest the demo estate, print what was ingested and refused, then serve
## the dashboard on 127.0.0.1 with the demo users (README: "Dashboard"; Ctrl-C stops it).
demo: setup
	@mkdir -p $(dir $(DEMO_STORE))
	$(RISKGRAPH) --store $(DEMO_STORE) ingest sample_sboms/
	$(RISKGRAPH) --store $(DEMO_STORE) stats
	$(RISKGRAPH) users add-demo --users $(DEMO_USERS)
	$(RISKGRAPH) --store $(DEMO_STORE) dashboard --users $(DEMO_USERS) --port $(PORT)

## Serve the dashboard on 127.0.0.1:$(PORT) over $(STORE); USERS=FILE for sign-in.
dashboard: setup
	$(RISKGRAPH) --store $(STORE) dashboard --port $(PORT) $(if $(USERS),--users $(USERS))

## The whole test suite (installs and starts what it needs).
test: setup
	bash scripts/test.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) benchmarks/ingest_bench.py

clean:
	rm -rf .riskgraph .pytest_cache .mypy_cache .ruff_cache
