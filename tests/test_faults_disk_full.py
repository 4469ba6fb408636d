"""A full disk during a write: one line saying so (exit 3), nothing saved, the typing kept.

Real full disks: a tmpfs of 4 MB mounted under tmp_path, filled to the last byte by a
filler file. SQLite then fails the commit ("database or disk is full") and rolls it back
itself, after which peewee's own rollback used to surface as "cannot rollback - no
transaction is active"; opening a store whose WAL index cannot grow fails as "disk I/O
error" (SQLITE_IOERR_SHMSIZE). Needs root to mount; elsewhere skipped with the reason.
"""

from __future__ import annotations

import errno
import sqlite3
import subprocess

import pytest
from peewee import OperationalError

from callsheet.models.book import clients as ops
from callsheet.models.store.busy import DISK_FULL, is_disk_full
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.tui.screens.forms import InteractionForm
from callsheet.tui.widgets.field import Field
from tests.commands import CALLSHEET
from tests.tui_helpers import running, wait_for

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of its own, unmounted at the end."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        close_database()
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder) -> None:
    """Write until the file system refuses: no byte is left."""
    with open(folder / "filler", "wb", buffering=0) as filler:  # nothing left to flush
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


def entries(db) -> list[str]:
    connection = sqlite3.connect(str(db))
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [row[0] for row in connection.execute("SELECT summary FROM interaction")]
    finally:
        connection.close()


def log(db, text: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CALLSHEET, "log", "Ana Pop", text, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("dashboard_open", [True, False], ids=["store-open", "store-closed"])
def test_a_write_on_a_full_disk_says_disk_full_and_saves_nothing(small_disk, dashboard_open):
    db = small_disk / "callsheet.db"
    open_database(db)
    ops.add_client("Ana Pop")
    if not dashboard_open:  # the last connection closes: WAL and its index go away
        close_database()
    fill(small_disk)

    result = log(db, "Promised to pay Friday " + "x" * 3000)

    assert result.returncode == 3
    assert result.stderr == f"callsheet: {DISK_FULL}\n"
    close_database()
    (small_disk / "filler").unlink()
    assert entries(db) == []
    assert log(db, "Promised to pay Friday").returncode == 0  # space again: it saves
    assert entries(db) == ["Promised to pay Friday"]


async def test_the_dashboard_says_disk_full_and_keeps_what_was_typed(small_disk):
    db = small_disk / "callsheet.db"
    open_database(db)
    ops.add_client("Ana Pop")
    typed = "Promised to pay Friday " + "x" * 3000
    async with running() as (app, pilot):
        fill(small_disk)
        await pilot.press("l")
        form = app.screen
        assert isinstance(form, InteractionForm)
        summary = form.query_one("#field-summary", Field).widget
        summary.value = typed
        await pilot.press("ctrl+s")
        error = form.query_one("#form-error")
        await wait_for(pilot, lambda: "Disk full" in str(error.render()), what="the notice")

        assert str(error.render()).startswith("Disk full: nothing was saved.")
        assert app.screen is form and summary.value == typed
        (small_disk / "filler").unlink()
        await pilot.press("ctrl+s")  # room again: the same entry saves
        await wait_for(pilot, lambda: app.screen is not form, what="the form to close")
    close_database()
    assert entries(db) == [typed]


def test_a_full_disk_is_told_apart_from_other_database_errors():
    try:  # as peewee leaves it: the failed rollback raised while handling SQLITE_FULL
        try:
            raise OperationalError("database or disk is full")
        except OperationalError:
            raise OperationalError("cannot rollback - no transaction is active") from None
    except OperationalError as error:
        hidden = error
    assert hidden.__context__ is not None
    assert is_disk_full(hidden)
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert not is_disk_full(OperationalError("cannot rollback - no transaction is active"))
    assert not is_disk_full(OperationalError("no such table: client"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
