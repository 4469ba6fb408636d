"""Four processes writing 250 log entries each while the dashboard is open and saving too.

Every write is one transaction through the same patient path as the command line, so none
is lost to "database is locked", the file stays sound, and the open dashboard picks the
new clients up without a restart.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, Interaction
from callsheet.tui.screens.form_screen import FormScreen
from tests.clock import NOW
from tests.tui_helpers import running, wait_for

WRITES = 250
WRITERS = 4

WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from callsheet.models.store.busy import patiently
from callsheet.models.store.opening import open_database
from callsheet.models.book import clients as ops
open_database(sys.argv[1])
client = patiently(lambda: ops.add_client(sys.argv[2]))
start = datetime(2026, 11, 1, tzinfo=UTC)
for n in range(int(sys.argv[3])):
    at = start + timedelta(minutes=n)
    patiently(lambda: ops.log_interaction(client, summary=f"write {n}", at=at, now=at))
print("done", flush=True)
"""


async def test_four_writers_and_the_open_dashboard_lose_nothing(db, db_path, monkeypatch):
    monkeypatch.setenv("CALLSHEET_BUSY_TIMEOUT_MS", "200")
    ops.add_client("Ana Pop", status="active", now=NOW)
    async with running() as (app, pilot):
        assert app.screen.selected_client_id
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(db_path), f"Writer {k}", str(WRITES)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for k in range(WRITERS)
        ]
        # the dashboard saves while they write
        await pilot.press("l", *"Saved from the dashboard meanwhile")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, FormScreen), timeout=60, what="form saved"
        )
        for writer in writers:
            out, err = writer.communicate(timeout=240)
            assert writer.returncode == 0 and out.strip() == "done", err[-2000:]
        await wait_for(
            pilot,
            lambda: (
                sum(row.name.startswith("Writer ") for row in app.screen.client_list.all_rows)
                == WRITERS
            ),
            timeout=15,
            what="the writers' clients on the dashboard",
        )
        await app.workers.wait_for_complete()
    for k in range(WRITERS):
        client = Client.get(Client.name == f"Writer {k}")
        assert Interaction.select().where(Interaction.client == client).count() == WRITES
    assert (
        Interaction.select()
        .where(Interaction.summary == "Saved from the dashboard meanwhile")
        .exists()
    )
    connection = sqlite3.connect(str(db_path))
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
