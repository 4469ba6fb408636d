"""A database locked by another program for longer than the busy timeout.

Before: `callsheet log` ended in a "database is locked" traceback and the dashboard crashed
while saving (6 of 6 trials, 2 segfaults from the change watcher's shutdown race) and lost
the typed entry. Now both wait, say so, and save once the lock is released.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, Interaction
from callsheet.tui.screens.form_screen import FormScreen
from tests.clock import NOW
from tests.commands import CALLSHEET
from tests.tui_helpers import running, wait_for


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"CALLSHEET_BUSY_TIMEOUT_MS": "100", **extra})
    return env


def _hold_lock(db_path: Path) -> sqlite3.Connection:
    """Take the write lock the way a long import or a backup tool would, and keep it."""
    holder = sqlite3.connect(str(db_path), timeout=5, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE client SET notes = notes")
    return holder


def _log_from_cli(db_path: Path, summary: str, give_up_after_s: str) -> subprocess.Popen:
    """``callsheet log Ana SUMMARY`` in another process, patient for ``give_up_after_s``."""
    return subprocess.Popen(
        [CALLSHEET, "log", "Ana", "--db", str(db_path), summary],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(CALLSHEET_BUSY_LIMIT_S=give_up_after_s),
    )


def _wait_for_line(stream, needle: str, deadline: float) -> str:
    seen = ""
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen += line
        if needle in line:
            return seen
    raise AssertionError(f"never saw {needle!r}; got {seen!r}")


def test_cli_log_waits_for_a_lock_held_past_the_busy_timeout_says_so_and_saves(db, db_path):
    ops.add_client("Ana Pop", now=NOW)
    holder = _hold_lock(db_path)
    try:
        process = _log_from_cli(db_path, "Called while locked", give_up_after_s="60")
        _wait_for_line(process.stderr, "busy", time.monotonic() + 30)
        assert process.poll() is None  # still waiting, not crashed
    finally:
        holder.execute("COMMIT")
        holder.close()
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "logged call with Ana Pop" in out
    assert Interaction.select().where(Interaction.summary == "Called while locked").count() == 1


def test_cli_gives_up_on_a_lock_that_is_never_released_with_exit_3_and_no_traceback(db, db_path):
    ops.add_client("Ana Pop", now=NOW)
    holder = _hold_lock(db_path)
    try:
        process = _log_from_cli(db_path, "Never saved", give_up_after_s="1")
        _, err = process.communicate(timeout=60)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert process.returncode == 3
    lines = err.strip().splitlines()
    assert "Traceback" not in err and len(lines) <= 2
    assert lines[-1].startswith("callsheet:") and "locked" in lines[-1]
    assert Interaction.select().where(Interaction.summary == "Never saved").count() == 0


async def test_dashboard_form_stays_open_while_locked_and_saves_with_the_cli_when_released(
    db, db_path, monkeypatch
):
    monkeypatch.setenv("CALLSHEET_BUSY_TIMEOUT_MS", "100")
    ops.add_client("Ana Pop", status="active", now=NOW)
    async with running() as (app, pilot):
        assert app.screen.selected_client_id
        await pilot.press("l")
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"Typed while the database was locked")
        holder = _hold_lock(db_path)
        cli = None
        try:
            await pilot.press("ctrl+s")
            await wait_for(
                pilot,
                lambda: "busy" in str(form.query_one("#form-error").render()),
                timeout=15,
                what="the busy notice in the form",
            )
            cli = _log_from_cli(db_path, "From the command line", give_up_after_s="60")
            await pilot.press("ctrl+s")  # impatient: a second save must not save twice
            await pilot.pause(1.5)
            # still open, still holding what was typed
            assert app.screen is form
            summary = form.query_one("#field-summary").widget.value
            assert summary == "Typed while the database was locked"
        finally:
            holder.execute("COMMIT")
            holder.close()
        await wait_for(
            pilot, lambda: not isinstance(app.screen, FormScreen), timeout=20, what="form saved"
        )
        _, err = cli.communicate(timeout=30)
        assert cli.returncode == 0, err
        # the saved entry shown in its row and panes before the app closes
        await wait_for(pilot, lambda: app.mark_counts.get("save"), timeout=15, what="save shown")
        await app.workers.wait_for_complete()
    summaries = [i.summary for i in Interaction.select()]
    assert summaries.count("Typed while the database was locked") == 1
    assert summaries.count("From the command line") == 1
    assert Client.select().count() == 1


WATCHER_RACE = """
import sys, threading
from callsheet.models.store.watch import ChangeWatcher
from callsheet.models.store.opening import open_database
open_database(sys.argv[1])
for _ in range(300):
    watcher = ChangeWatcher()
    stop = threading.Event()
    def poll():
        while not stop.is_set():
            watcher.changed()
    thread = threading.Thread(target=poll)
    thread.start()
    watcher.close()
    stop.set()
    thread.join()
print("ok")
"""


def test_closing_the_change_watcher_while_its_poll_thread_asks_never_crashes(db, db_path):
    # In a child process: before the fix this race ended the interpreter with a segfault.
    result = subprocess.run(
        [sys.executable, "-c", WATCHER_RACE, str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
