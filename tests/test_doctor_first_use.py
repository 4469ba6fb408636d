"""`callsheet doctor` on an empty PostgreSQL database creates the tables, as the README says."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.commands import CALLSHEET

pytestmark = pytest.mark.postgresql_only


def test_doctor_on_a_fresh_server_database_creates_the_tables_and_is_healthy(pg_server):
    url = pg_server.new_database("empty")  # CREATE DATABASE, nothing in it
    result = subprocess.run(
        [CALLSHEET, "doctor", "--json", "--db", url], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr + result.stdout
    health = json.loads(result.stdout)
    assert health["healthy"] and health["schema_version"] == health["current_version"]
    assert health["rows"]["client"] == 0  # the table is there, and empty
    # and the store is usable straight away
    added = subprocess.run(
        [CALLSHEET, "add", "Ana Pop", "--db", url], capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr
