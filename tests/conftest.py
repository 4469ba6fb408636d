"""Fixtures shared by the whole suite: a real SQLite file per test, and the real CLI."""

from __future__ import annotations

import json
import time

import pytest

from models.db import close_database, open_database
from tests.clock import NOW  # noqa: F401 (older tests import NOW from here)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch):
    """No test reads the user's real config or database, and times read in one zone."""
    monkeypatch.setenv("CALLSHEET_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("CALLSHEET_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("CALLSHEET_REGION", "RO")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("TZ", "Europe/Bucharest")
    time.tzset()
    yield
    close_database()
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "callsheet.db"


@pytest.fixture
def db(db_path):
    """An open, migrated database in a real file under tmp_path."""
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def cli(db_path, capsys):
    """Run ``callsheet ARGS --db <test db>`` through the real entry point.

    Returns (exit code, stdout, stderr); ``cli.json(...)`` parses stdout as JSON.
    """
    from tui.cli import main

    def run(*args: str, db: bool = True):
        argv = [*args, "--db", str(db_path)] if db else list(args)
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code
        close_database()
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    def run_json(*args: str):
        code, out, err = run(*args)
        assert code == 0, err
        return json.loads(out)

    run.json = run_json
    return run
