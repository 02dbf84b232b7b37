# The two commands of the README's quick start; CI runs `make test` (see .ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo

.PHONY: demo test lint i18n

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install touchpath, build the demo workspace (an electronics shop and a clinic) and serve
# it as the web app; the address and the demo login are printed. PORT=8001 to change it.
PORT ?= 8000
demo: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/touchpath demo $(DEMO_DIR) --force
	$(BIN)/touchpath --workspace $(DEMO_DIR) serve --port $(PORT)

# Install everything the tests need and run the whole suite: lint, types, tests.
test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	# the browser tests drive Debian's Chromium (Playwright cannot download one here);
	# the report tests turn PDFs into pictures and text with poppler's pdftoppm/pdftotext
	test -x /usr/bin/chromium -a -x /usr/bin/pdftoppm || \
		(apt-get update -qq && apt-get install -y -qq chromium poppler-utils)
	$(MAKE) lint
	$(BIN)/pytest

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# Refresh the message catalogues after changing texts; then translate the new
# entries in src/touchpath/locale/ru/LC_MESSAGES/touchpath.po and run it again.
LOCALE := src/touchpath/locale
i18n: $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
		--project touchpath -o $(LOCALE)/touchpath.pot src/touchpath
	test -f $(LOCALE)/ru/LC_MESSAGES/touchpath.po || \
		$(BIN)/pybabel init -i $(LOCALE)/touchpath.pot -d $(LOCALE) -D touchpath -l ru
	$(BIN)/pybabel update --no-fuzzy-matching -i $(LOCALE)/touchpath.pot -d $(LOCALE) -D touchpath
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D touchpath
