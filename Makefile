# Every target creates the virtual environment it needs on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE   ?= .

.PHONY: serve build check test bench screenshots clean

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

clean:
	rm -rf public .cache .pytest_cache .hypothesis bench/out screenshots
	find . -name __pycache__ -prune -not -path './$(VENV)/*' -exec rm -rf {} +
