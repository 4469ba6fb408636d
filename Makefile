# The two commands: `make run` and `make test`. Both create .venv when it is missing and
# reinstall when pyproject.toml changes, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test postgresql bench screenshots demo clean

#: The tests that run a second time against a real PostgreSQL server (the store, the CLI,
#: import/export, concurrency); the server is started by the test run and stopped at its end.
PG_TESTS := tests/test_store.py tests/test_store_backends.py tests/test_cli_records.py \
	tests/test_cli_risk.py tests/test_jsonformat.py tests/test_transfer_formats.py \
	tests/test_queries.py tests/test_scoring.py tests/test_calls.py tests/test_triage.py \
	tests/test_demo.py tests/test_cli_edit.py tests/test_records.py \
	tests/test_capture_store.py tests/test_capture_calendar_calls.py tests/test_capture_suggestions.py \
	tests/test_capture_mail.py tests/test_risk_cache.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/callsheet

# PostgreSQL's server programs for the second pass: Debian's package, installed when missing
# (as root, as on CI). Without them that pass reports its tests as skipped, with the reason.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing PostgreSQL (Debian package) for the tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL is not installed and this user cannot install it"; fi; }

test: $(STAMP) postgresql
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest
	CALLSHEET_TEST_BACKEND=postgresql $(BIN)/python -m pytest $(PG_TESTS)

bench: $(STAMP)
	$(BIN)/python -m bench

screenshots: $(STAMP)
	$(BIN)/python -m tui.screenshots

demo: $(STAMP)
	$(BIN)/callsheet demo

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
