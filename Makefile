# The two commands: `make run` and `make test`. Both create .venv when it is missing and
# reinstall when pyproject.toml changes, so a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every package a set-up installs comes from a lock with versions and hashes (requirements/):
# run.txt is the dashboard's runtime, dev.txt adds the test and development tools. The wheel
# itself keeps pyproject's ranges; `make lock` refreshes the locks, `make test-latest` runs the
# suite on the newest releases those ranges allow, so a breaking release is found by us first.
PIP := $(BIN)/python -m pip install --quiet --require-hashes --no-deps
# The project itself, against what the lock installed: no build in a throwaway environment that
# would fetch an unpinned setuptools. setuptools tells every editable install to beware of a
# folder named like the package in the working directory; there is none (the package is
# callsheet, the folders models/ and tui/), so that notice is silenced.
SELF := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet \
	--no-deps --no-build-isolation
LOCK_TOOL := uv==0.13.8

.PHONY: run test check test-latest lock system-packages bench screenshots demo clean

#: The tests that run a second time against a real PostgreSQL server (the store, the CLI,
#: import/export, concurrency); the server is started by the test run and stopped at its end.
PG_TESTS := tests/test_store.py tests/test_store_backends.py tests/test_cli_records.py \
	tests/test_cli_risk.py tests/test_jsonformat.py tests/test_transfer_formats.py \
	tests/test_queries.py tests/test_scoring.py tests/test_calls.py tests/test_triage.py \
	tests/test_demo.py tests/test_cli_edit.py tests/test_records.py \
	tests/test_capture_store.py tests/test_capture_calendar_calls.py tests/test_capture_suggestions.py \
	tests/test_capture_mail.py tests/test_risk_cache.py tests/test_faults_concurrent.py \
	tests/test_privacy.py tests/test_doctor_first_use.py tests/test_faults_store_gone.py \
	tests/test_tui_current_client.py tests/test_currencies.py tests/test_tui_currencies.py \
	tests/test_rates_import.py tests/test_backtest.py tests/test_tui_score_check.py \
	tests/test_sync_contacts.py tests/test_sync_contacts_servers.py tests/test_sync_contacts_tui.py \
	tests/test_dates_everywhere.py tests/test_cli_clients.py tests/test_phones_region.py \
	tests/test_ring.py tests/test_tui_ring.py \
	tests/test_listen_cli.py tests/test_tui_listen.py \
	tests/test_tui_keys_in_order.py tests/test_tui_slips.py
# issue 25: mail from IMAP (Dovecot)
PG_TESTS += tests/test_capture_imap.py
# issue 25: meetings from a calendar vdir, follow-ups into one
PG_TESTS += tests/test_sync_calendar.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run: requirements/run.txt pyproject.toml | $(BIN)/python
	$(PIP) -r requirements/run.txt
	$(SELF) -e .
	touch $@

$(VENV)/.dev: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(PIP) -r requirements/dev.txt
	$(SELF) -e .
	touch $@

run: $(VENV)/.run
	$(BIN)/callsheet

# The servers the tests run for real, from Debian's packages, installed when missing (as root,
# as on CI): each entry is `program:package`, the program looked for in PATH and in
# PostgreSQL's own folder. Without them the tests that need one report it as skipped, with
# the reason.
TEST_SERVERS := initdb:postgresql dbus-daemon:dbus-daemon dovecot:dovecot-imapd \
	baresip:baresip
system-packages:
	@missing=""; for pair in $(TEST_SERVERS); do prog=$${pair%%:*}; pkg=$${pair#*:}; \
	  command -v $$prog >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/$$prog >/dev/null 2>&1 \
	    || ls /usr/sbin/$$prog >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing the test servers' Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $$missing >/dev/null; \
	  else echo "not installed, and this user cannot install them:$$missing"; fi; fi

test: $(VENV)/.dev system-packages
	$(MAKE) --no-print-directory check BIN=$(BIN)

# The static checks and both passes of the suite, with the tools of the venv BIN.
check:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=.lint $(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest
	CALLSHEET_TEST_BACKEND=postgresql $(BIN)/python -m pytest $(PG_TESTS)

# The suite against the newest releases pyproject's ranges allow, in a venv of its own.
test-latest: system-packages
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip setuptools
	.venv-latest/bin/python -m pip install --quiet --upgrade -e '.[test,bench,postgres]'
	.venv-latest/bin/python -m pip list --format=freeze > .venv-latest/versions.txt
	$(MAKE) --no-print-directory check BIN=.venv-latest/bin

# Refresh the locks from pyproject's ranges (uv resolves for every platform, with hashes).
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet $(LOCK_TOOL)
	.venv-lock/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command 'make lock' pyproject.toml requirements/tools.in \
	  --extra postgres -o requirements/run.txt
	.venv-lock/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command 'make lock' pyproject.toml requirements/tools.in \
	  --extra postgres --extra test --extra bench -c requirements/run.txt -o requirements/dev.txt
	rm -rf .venv-lock

bench: $(VENV)/.dev
	$(BIN)/python -m bench

screenshots: $(VENV)/.dev
	$(BIN)/python -m bench.screenshots

demo: $(VENV)/.run
	$(BIN)/callsheet demo

clean:
	rm -rf $(VENV) .venv-latest .venv-lock *.egg-info .pytest_cache
