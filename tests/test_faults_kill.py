"""SIGKILL at random moments: of an import, of a burst of log writes, of a restore.

After every kill the database passes SQLite's integrity check, every write the killed
process had acknowledged (committed and reported) is there, and an import is all or
nothing. Trials are few so `make test` stays quick; bench/ can run more. The random
moments come from a seeded generator so a failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from callsheet.models.store.db import close_database
from tests.commands import CALLSHEET, callsheet

TRIALS = int(os.environ.get("CALLSHEET_KILL_TRIALS", "4"))


def _kill_after(process: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _killed_at_random(args: list[str], store: Path, rng: random.Random, window) -> None:
    """Run ``callsheet ARGS --db STORE``, SIGKILL it at a random moment within ``window``
    seconds, and check the store it leaves passes the integrity check."""
    process = subprocess.Popen(
        [CALLSHEET, *args, "--db", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _kill_after(process, rng.uniform(*window))
    assert integrity_problems(store) == []


def integrity_problems(path: Path) -> list[str]:
    """SQLite's integrity check, opened read-write as callsheet would open it (recovering a
    hot journal or WAL the killed process left; a read-only check cannot recover)."""
    connection = sqlite3.connect(str(path))
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return [] if rows == [("ok",)] else [row[0] for row in rows]


def _count(db_path: Path, sql: str) -> int:
    connection = sqlite3.connect(str(db_path))
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def empty_store(db, db_path):
    close_database()  # the killed processes have the file to themselves
    return db_path


def test_an_import_killed_at_random_moments_is_all_or_nothing(empty_store, tmp_path):
    document = {
        "format": "callsheet/1",
        "clients": [
            {
                "name": f"Imported {n:04d}",
                "emails": [f"c{n}@example.com"],
                "interactions": [
                    {"at": f"2026-10-{d + 1:02d}T10:00:00+00:00", "channel": "call", "summary": "x"}
                    for d in range(5)
                ],
            }
            for n in range(400)
        ],
    }
    source = tmp_path / "book.json"
    source.write_text(json.dumps(document))
    rng = random.Random(13)
    seen = []
    template = tmp_path / "empty.db"
    shutil.copy(empty_store, template)
    for _ in range(TRIALS):
        shutil.copy(template, empty_store)  # each trial starts empty: re-importing adds nothing
        _killed_at_random(["import", str(source)], empty_store, rng, (0.3, 2.5))
        clients = _count(empty_store, "SELECT count(*) FROM client")
        interactions = _count(empty_store, "SELECT count(*) FROM interaction")
        assert (clients, interactions) in {(0, 0), (400, 2000)}  # never half an import
        seen.append(clients)
    print(f"import kills: clients after each kill {seen}")
    # and the file imports cleanly afterwards, adding nothing twice
    result = subprocess.run(
        [CALLSHEET, "import", str(source), "--db", str(empty_store)], capture_output=True
    )
    assert result.returncode == 0
    assert _count(empty_store, "SELECT count(*) FROM client") == 400


BURST = """
import sys
from datetime import UTC, datetime, timedelta
from callsheet.models.store.opening import open_database
from callsheet.models.book import clients as ops
open_database(sys.argv[1])
client = ops.add_client(sys.argv[2])
start = datetime(2026, 11, 1, tzinfo=UTC)
for n in range(100000):
    entry = ops.log_interaction(client, summary=f"burst {n}", at=start + timedelta(minutes=n), now=start + timedelta(days=100))
    print(entry.id, flush=True)  # acknowledged: committed before it is printed
"""


def test_log_bursts_killed_at_random_moments_keep_every_acknowledged_write(empty_store):
    rng = random.Random(7)
    acknowledged: list[int] = []
    for trial in range(TRIALS):
        process = subprocess.Popen(
            [sys.executable, "-c", BURST, str(empty_store), f"Burst {trial}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        _kill_after(process, rng.uniform(0.8, 2.0))
        acknowledged += [int(line) for line in process.stdout.read().split() if line.isdigit()]
        process.stdout.close()
        assert integrity_problems(empty_store) == []
    assert acknowledged, "the bursts wrote nothing before being killed"
    connection = sqlite3.connect(str(empty_store))
    try:
        stored = {row[0] for row in connection.execute("SELECT id FROM interaction")}
    finally:
        connection.close()
    assert set(acknowledged) <= stored
    print(f"log bursts: {len(acknowledged)} acknowledged, {len(stored)} stored")


def test_a_restore_killed_at_random_moments_leaves_the_old_or_the_new_database(
    empty_store, tmp_path
):
    callsheet("add", "Old Client", db=empty_store)
    backup = tmp_path / "big-backup.db"
    callsheet("demo", "--clients", "300", "--interactions", "20000", db=backup)
    rng = random.Random(21)
    outcomes = []
    for _ in range(TRIALS):
        _killed_at_random(["restore", str(backup)], empty_store, rng, (0.15, 0.7))
        names = _count(empty_store, "SELECT count(*) FROM client WHERE name = 'Old Client'")
        total = _count(empty_store, "SELECT count(*) FROM client")
        assert (names, total) in {(1, 1), (0, 300)}
        outcomes.append(total)
        for kept in tmp_path.glob("callsheet.before-restore-*.db"):
            assert integrity_problems(kept) == []
    print(f"restore kills: {outcomes}")
