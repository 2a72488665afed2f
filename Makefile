# frostpage: `make serve` to preview, `make test` to test, `make build` to publish.
# Each target creates .venv when it is missing, and reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000

.PHONY: serve build check test lint new bench clean

# The site's own needs (what Netlify installs for `make build`)...
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# ...and the tools of the test suite on top.
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

serve: $(VENV)/.installed
	$(BIN)/frostpage serve --port $(PORT)

build: $(VENV)/.installed
	$(BIN)/python freeze.py

check: $(VENV)/.installed
	$(BIN)/frostpage check

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

# Benchmarks print figures (1,000 and 10,000 pages; BENCH_SIZES=1000 for a quick run).
$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

new: $(VENV)/.installed
	$(BIN)/frostpage new "$(title)"

clean:
	rm -rf build .build-* .frostpage-cache
