# council-modbot: `make demo` runs the whole loop on a simulated platform; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT   ?= 8080

.PHONY: help install demo test test-e2e test-fast lint bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP) ## create the virtual environment and install the project

demo: $(STAMP) ## run the demo: simulated platform, SQLite, clerk's page on http://127.0.0.1:$(PORT)/
	$(BIN)/modbot demo --port $(PORT)

test: $(STAMP) ## run the whole test suite (SQLite and PostgreSQL, browser tests when chromium is installed)
	$(BIN)/python -m pytest -m "not e2e" -p no:cacheprovider

test-fast: $(STAMP) ## the tests without PostgreSQL, browser and slow ones
	$(BIN)/python -m pytest -m "not e2e and not postgres and not browser and not slow" -q

test-e2e: $(STAMP) ## end-to-end tests against real local platform servers
	$(BIN)/python -m pytest -m e2e -p no:cacheprovider

lint: $(STAMP) ## ruff and mypy over bot, adapters, tests and scripts (the packages in pyproject.toml)
	$(BIN)/ruff check bot adapters tests scripts
	$(BIN)/mypy

bench: $(STAMP) ## benchmarks: ingest throughput and idle memory
	$(BIN)/python scripts/bench_ingest.py

clean: ## remove the virtual environment and demo data
	rm -rf $(VENV) data/demo
