"""The dashboard knows where it stands: a store that went away is never written "blind".

SQLite: the file deleted (with its -wal and -shm) or replaced by another file while the
dashboard is open. A save is refused with a notice in the form, the typing kept, no
"Logged call" toast, and nothing written anywhere; the poll puts up a notice that stays.
PostgreSQL: the server restarted under an open dashboard. A save made while it is down
waits in its form ("Server unreachable, retrying…") and is stored exactly once when the
server is back ("saved after reconnecting"); the LISTEN connection comes back too.
Real files under tmp_path, a real server (tests/pg_server.py), a real dashboard (Pilot).
"""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.store.opening import still_there
from callsheet.models.store.tables import Interaction
from callsheet.tui.screens.form_screen import FormScreen
from tests.clock import NOW
from tests.conftest import BACKEND
from tests.tui_helpers import running, settle, wait_for

TYPED = "Typed after the file went away"


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def form_notice(form) -> str:
    return str(form.query_one("#form-error").render())


def summaries(path) -> list[str]:
    connection = sqlite3.connect(str(path))
    try:
        return [row[0] for row in connection.execute("SELECT summary FROM interaction")]
    finally:
        connection.close()


def delete_store(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        target = f"{path}{suffix}"
        if os.path.exists(target):
            os.unlink(target)


def replace_store(path, tmp_path) -> None:
    """What a sync tool or ``cp other.db callsheet.db`` over a rename does: a new inode."""
    other = tmp_path / "other.db"
    shutil.copyfile(path, other)
    os.replace(other, path)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("how", ["deleted", "replaced"])
async def test_a_save_into_a_deleted_or_replaced_file_is_refused_and_the_typing_kept(
    db, db_path, tmp_path, how
):
    ops.add_client("Ana Pop", status="active", now=NOW)
    async with running() as (app, pilot):
        assert app.screen.selected_client_id
        if how == "deleted":
            delete_store(db_path)
        else:
            replace_store(db_path, tmp_path)
        await pilot.press("l", *TYPED)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: "deleted or replaced" in form_notice(form),
            timeout=10,
            what="the refusal in the form",
        )
        await settle(pilot)
        assert app.screen is form  # still open, still holding what was typed
        assert form.query_one("#field-summary").widget.value == TYPED
        assert "nothing saved" in form_notice(form)
        assert not any("Logged" in text for text in toasts(app))
        # a second try is refused the same way (not "Logged" on another connection)
        await pilot.press("ctrl+s")
        await pilot.pause(0.5)
        await settle(pilot)
        assert app.screen is form
        assert not any("Logged" in text for text in toasts(app))
        # the poll noticed too, with a notice that stays
        await pilot.press("escape")
        await wait_for(
            pilot,
            lambda: any("deleted or replaced" in text for text in toasts(app)),
            timeout=10,
            what="the poll's notice",
        )
        notice = next(n for n in app._notifications if "deleted or replaced" in str(n.message))
        assert notice.timeout >= 3600
    if how == "deleted":
        assert not db_path.exists()  # no empty file made in its place either
    else:
        assert TYPED not in summaries(db_path)


@pytest.mark.sqlite_only
async def test_callsheets_own_restore_keeps_the_file_and_saves_go_on(db, db_path, tmp_path):
    """restore copies into the live file (same inode): not "replaced", the save goes through."""
    from callsheet.models.store.backups import backup_to, restore

    ops.add_client("Ana Pop", status="active", now=NOW)
    backup = backup_to(tmp_path / "copy.db")
    async with running() as (app, pilot):
        restore(backup, db_path)
        await pilot.press("l", *TYPED)
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form, timeout=10, what="saved")
        await settle(pilot)
        assert any("Logged" in text for text in toasts(app))
    assert summaries(db_path).count(TYPED) == 1


@pytest.mark.postgresql_only
async def test_a_save_while_the_server_restarts_is_stored_once_when_it_is_back(
    db, db_path, pg_server
):
    ops.add_client("Ana Pop", status="active", now=NOW)
    async with running() as (app, pilot):
        assert app.screen.selected_client_id
        pg_server.stop_server()
        try:
            await pilot.press("l", *TYPED)
            form = app.screen
            await pilot.press("ctrl+s")
            await wait_for(
                pilot,
                lambda: "Server unreachable, retrying" in form_notice(form),
                timeout=20,
                what="the retrying notice in the form",
            )
            assert app.screen is form
            await pilot.press("escape")  # asks first: the entry is not dropped on one key
            assert app.screen is form and form.pending
            assert "escape again discards" in form_notice(form)
            await pilot.press("ctrl+q")  # so does quitting
            await pilot.pause(0.2)
            assert app.is_running and app.screen is form
            assert any("quit again to lose it" in text for text in toasts(app))
            await wait_for(
                pilot,
                lambda: any("Server unreachable" in text for text in toasts(app)),
                timeout=20,
                what="the poll's notice",
            )
        finally:
            pg_server.start_server()
        await wait_for(pilot, lambda: app.screen is not form, timeout=60, what="saved")
        await wait_for(
            pilot,
            lambda: any("saved after reconnecting" in text for text in toasts(app)),
            timeout=10,
            what="the saved-after-reconnecting toast",
        )
        await wait_for(
            pilot,
            lambda: any("Reconnected to the server" in text for text in toasts(app)),
            timeout=60,
            what="the watcher reconnected",
        )
        await settle(pilot)
    still_there()  # this thread's connection died with the server too: replaced here
    stored = [i.summary for i in Interaction.select()]
    assert stored.count(TYPED) == 1


@pytest.mark.postgresql_only
async def test_backends_terminated_by_the_server_are_replaced_before_a_save(db, db_path, pg_server):
    """pg_terminate_backend (what a restart does to each connection, server still up)."""
    ops.add_client("Ana Pop", status="active", now=NOW)
    async with running() as (app, pilot):
        pg_server.terminate_connections(db.database)
        await pilot.press("l", *TYPED)
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form, timeout=30, what="saved")
        await settle(pilot)
        assert any("Logged" in text for text in toasts(app))
    assert BACKEND == "postgresql"
    still_there()
    assert [i.summary for i in Interaction.select()].count(TYPED) == 1


@pytest.mark.postgresql_only
def test_a_read_after_the_server_ended_the_connection_runs_on_a_new_one(db, pg_server):
    from callsheet.models.store.tables import Client

    ops.add_client("Ana Pop", now=NOW)
    pg_server.terminate_connections(db.database)
    assert Client.select().count() == 1  # no "terminating connection" for a read


@pytest.mark.postgresql_only
def test_a_connection_lost_inside_a_transaction_is_not_replayed_on_a_new_one(db, pg_server):
    """What the transaction sent went with the dead connection: its next statement fails
    rather than running alone on a new connection (half a transaction committed)."""
    from peewee import OperationalError

    from callsheet.models.store.tables import Client

    ops.add_client("Ana Pop", now=NOW)
    with pytest.raises(OperationalError), db.atomic():
        Client.update(name="Half a transaction").execute()
        pg_server.terminate_connections(db.database)
        Client.update(name="The other half").execute()
    still_there()
    assert [c.name for c in Client.select()] == ["Ana Pop"]
