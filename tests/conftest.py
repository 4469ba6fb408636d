"""Fixtures shared by the whole suite: a real database per test, and the real CLI.

The suite runs twice in ``make test``: on SQLite files (the default), and with
``CALLSHEET_TEST_BACKEND=postgresql`` against a real PostgreSQL server that the run starts
itself (tests/pg_server.py) and stops at the end. In that second pass ``db_path`` is the URL
of a fresh, empty database, and tests marked ``sqlite_only`` (file modes, WAL, the online
backup API, restore of a file) are left out; if the server cannot be started, every test of
the pass is reported as skipped with the reason.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
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


BACKEND = os.environ.get("CALLSHEET_TEST_BACKEND", "sqlite")


def pytest_collection_modifyitems(config, items):
    other = "postgresql_only" if BACKEND == "sqlite" else "sqlite_only"
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker(other) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A PostgreSQL server for this test run, stopped when the run ends."""
    from tests.pg_server import PgServer, Unavailable

    try:
        server = PgServer.start()
    except Unavailable as error:
        pytest.skip(f"PostgreSQL server could not be started: {error}")
    yield server
    server.stop()


@pytest.fixture
def new_store(tmp_path, request):
    """Make another empty store of the backend under test: a file path, or a database URL."""
    names = iter(range(1, 1000))

    def make(name: str | None = None):
        if BACKEND == "postgresql":
            return request.getfixturevalue("pg_server").new_database()
        return tmp_path / (name or f"store-{next(names)}.db")

    return make


@pytest.fixture
def db_path(tmp_path, request):
    """The store a test works on: ``tmp_path/callsheet.db``, or a fresh PostgreSQL database."""
    if BACKEND == "postgresql":
        return request.getfixturevalue("pg_server").new_database()
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
    from callsheet.tui.cli import main

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
