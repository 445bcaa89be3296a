# Two commands on a fresh machine:  `make serve`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup system-deps serve build test lint bench clean

$(BIN)/apwps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

setup: $(BIN)/apwps

# Browser tests drive Debian's Chromium; the engine check runs a private Virtuoso (never the
# system's service); the load benchmarks use wrk and ab.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
	  || ! command -v virtuoso-t >/dev/null || ! command -v isql-vt >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver virtuoso-opensource >/dev/null; fi

serve: setup
	$(BIN)/apwps serve

build: setup
	$(BIN)/apwps build

test: setup system-deps
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check apwps server tests
	$(BIN)/ruff format --check apwps server tests
	$(BIN)/mypy

clean:
	rm -rf dist .pytest_cache .mypy_cache .ruff_cache
