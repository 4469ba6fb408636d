# The two commands: `make run` and `make test`. Both create .venv when it is missing and
# reinstall when pyproject.toml changes, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench screenshots demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/callsheet

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

screenshots: $(STAMP)
	$(BIN)/python -m tui.screenshots

demo: $(STAMP)
	$(BIN)/callsheet demo

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
