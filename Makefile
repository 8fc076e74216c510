# Every target creates the virtual environment it needs on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE   ?= .

.PHONY: serve build check test bench screenshots translations clean

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

serve: $(VENV)/.runtime
	$(BIN)/python build.py serve --site $(SITE)

build: $(VENV)/.runtime
	$(BIN)/python build.py build --site $(SITE)

check: $(VENV)/.runtime
	$(BIN)/python build.py check --site $(SITE)

test: $(VENV)/.dev
	$(BIN)/python -m pytest -q

bench: $(VENV)/.dev
	$(BIN)/python bench/bench.py

screenshots: $(VENV)/.dev
	$(BIN)/python tests/screenshots.py

# The interface strings of layouts/ and explainers/ into locales/messages.pot, and every language's .po brought up
# to date with it (translate the new entries, then commit both; a build compiles the .po in memory).
translations: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _ -k ngettext:1,2 -k N_ -k Nn_:1,2 --no-location --sort-output --width 100 \
		--ignore-dirs '.* _* node_modules bench tests public' --project "Annotated explainers" -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --width 100

clean:
	rm -rf public .cache .pytest_cache .hypothesis bench/out screenshots
	find . -name __pycache__ -prune -not -path './$(VENV)/*' -exec rm -rf {} +
