# frostpage: `make serve` to preview, `make test` to test, `make build` to publish.
# Every target creates .venv (and reinstalls when pyproject.toml changes).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
STAMP  := $(VENV)/.installed

.PHONY: serve build check test lint new bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/frostpage serve --port $(PORT)

build: $(STAMP)
	$(BIN)/python freeze.py

check: $(STAMP)
	$(BIN)/frostpage check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

new: $(STAMP)
	$(BIN)/frostpage new "$(title)"

clean:
	rm -rf build .build-* .frostpage-cache
