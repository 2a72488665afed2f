# frostpage: `make serve` to preview, `make test` to test, `make build` to publish.
# Each target creates .venv when it is missing, and reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
NPM    ?= npm
# The theme's judges (Nu Html Checker, axe-core, Lighthouse) come from npm; without npm
# the tests that need them are skipped outside CI.
JUDGES := $(if $(shell command -v $(NPM)),node_modules/.installed)

.PHONY: serve build preview check test lint audit screenshots new bench clean

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

node_modules/.installed: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

serve: $(VENV)/.installed
	$(BIN)/frostpage serve --port $(PORT)

build: $(VENV)/.installed
	$(BIN)/python freeze.py

# The built site served as Netlify serves it: _redirects, _headers, netlify.toml, 404.html.
preview: build
	$(BIN)/frostpage preview --port $(PORT)

# The link check and the Nu Html Checker on an existing build/.
check: $(VENV)/.installed node_modules/.installed
	$(BIN)/frostpage check
	node_modules/.bin/vnu --errors-only --skip-non-html build && echo "The Nu Html Checker found no error in build/."

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(JUDGES)
	$(BIN)/pytest

# Lighthouse's four scores for the home page and the longest post with code.
audit: build node_modules/.installed
	$(BIN)/python scripts/audit.py

# The theme's screenshots in the docs (content/docs/img/), light and dark, phone and desktop.
screenshots: build $(VENV)/.installed-test
	$(BIN)/python scripts/screenshots.py

# Benchmarks print figures (1,000 and 10,000 pages; BENCH_SIZES=1000 for a quick run).
$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

# `make new title='…'`: the title reaches frostpage verbatim (make and the shell expand
# nothing in it): its raw value, single-quoted, its own single quotes escaped.
quote = '$(subst ','\'',$(value $(1)))'
new: $(VENV)/.installed
	$(BIN)/frostpage new $(call quote,title) $(if $(value slug),--slug $(call quote,slug)) \
		$(if $(value language),--language $(call quote,language))

clean:
	rm -rf build .build-* .frostpage-cache
