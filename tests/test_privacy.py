"""Privacy: what callsheet writes is readable by its owner only, and `forget` leaves no trace.

Before: `export -o` and `facts -o` files were 0644 while the database was 0600, and a deleted
client lived on in every backup (and in the main file only because this machine's SQLite
happened to be built with secure delete).
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from callsheet.models.store.backups import daily_backup
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from tests.tui_helpers import running, wait_for

SECRETS = (
    b"Zamfira Quuxley",
    b"zamfira quuxley",
    b"zamfira@quux.example",
    b"+40721999888",
    b"0721 999 888",
    b"QXSECRET-dispute-notes",
)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)  # the common default: without care, files come out 0644
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _add_zamfira(cli) -> None:
    assert (
        cli(
            "add",
            "Zamfira Quuxley",
            "--phone",
            "0721 999 888",
            "--email",
            "zamfira@quux.example",
            "--notes",
            "QXSECRET-dispute-notes",
        )[0]
        == 0
    )
    assert cli("log", "Zamfira", "--signal", "rude", "QXSECRET-dispute-notes call")[0] == 0
    assert cli("add", "Other Person", "--referred-by", "Zamfira Quuxley")[0] == 0


def test_every_file_callsheet_writes_is_owner_only_in_owner_only_folders(
    cli, db_path, tmp_path, umask_022
):
    _add_zamfira(cli)
    out = tmp_path / "new" / "exports"
    assert cli("export", "-o", str(out / "all.json"))[0] == 0
    assert cli("export", "--format", "csv", "-o", str(out / "all.csv"))[0] == 0
    assert cli("facts", "Zamfira", "-o", str(tmp_path / "sheets" / "z.md"))[0] == 0
    assert cli("backup")[0] == 0
    open_database(db_path)
    daily = daily_backup(db_path)
    close_database()
    manual = next((db_path.parent / "backups").glob("callsheet-*.db"))
    assert cli("restore", str(manual))[0] == 0
    kept = next(db_path.parent.glob("callsheet.before-restore-*.db"))
    files = [out / "all.json", out / "all.csv", tmp_path / "sheets" / "z.md", manual, daily, kept]
    files.append(db_path)
    assert {str(f): oct(_mode(f)) for f in files} == {str(f): "0o600" for f in files}
    folders = [out, out.parent, tmp_path / "sheets", db_path.parent / "backups", daily.parent]
    assert {str(d): oct(_mode(d)) for d in folders} == {str(d): "0o700" for d in folders}


def _callsheet_files(db_path: Path) -> list[Path]:
    files = [p for p in db_path.parent.glob(db_path.name + "*")]
    files += [p for p in (db_path.parent / "backups").rglob("*") if p.is_file()]
    files += list(db_path.parent.glob("callsheet.before-restore-*"))
    return files


def _traces(files: list[Path]) -> dict[str, list[str]]:
    found = {}
    for path in files:
        data = path.read_bytes()
        hits = [secret.decode() for secret in SECRETS if secret in data]
        if hits:
            found[path.name] = hits
    return found


def test_forget_leaves_no_byte_of_the_client_in_the_database_its_log_or_callsheets_backups(
    cli, db_path, tmp_path, monkeypatch
):
    _add_zamfira(cli)
    assert cli("add", "Keep Me", "--phone", "0744 555 010")[0] == 0
    assert cli("backup")[0] == 0
    open_database(db_path)
    daily_backup(db_path)
    close_database()
    manual = next((db_path.parent / "backups").glob("callsheet-*.db"))
    assert cli("restore", str(manual))[0] == 0  # keeps a copy aside: it holds her too
    elsewhere = tmp_path / "usb-stick.db"
    assert cli("backup", str(elsewhere))[0] == 0
    assert _traces(_callsheet_files(db_path))  # the search does find her before

    monkeypatch.setattr("sys.stdin", io.StringIO("zamfira  QUUXLEY\n"))  # typed, any case
    code, out, err = cli("forget", "Zamfira")
    assert code == 0, err
    assert "forgot Zamfira Quuxley" in out and "3 backup(s) rewritten" in out

    assert _traces(_callsheet_files(db_path)) == {}
    assert _traces([elsewhere])  # a copy elsewhere is out of reach, as the README says
    names = [c["name"] for c in cli.json("list", "--json")]
    assert names == ["Keep Me", "Other Person"]
    other = cli.json("show", "Other Person", "--json")
    assert other.get("referred_by") in (None, "")
    code, _, _ = cli("restore", str(manual))  # the rewritten backup still restores the rest
    assert code == 0 and [c["name"] for c in cli.json("list", "--json")] == names


def test_forget_without_the_typed_name_erases_nothing(cli, monkeypatch):
    _add_zamfira(cli)
    monkeypatch.setattr("sys.stdin", io.StringIO("Zamfira\n"))
    code, _, err = cli("forget", "Zamfira Quuxley")
    assert code == 1 and "nothing was erased" in err
    assert "Zamfira Quuxley" in [c["name"] for c in cli.json("list", "--json")]
    code, out, _ = cli("forget", "Zamfira Quuxley", "--yes", "--json")
    assert code == 0 and '"forgotten": "Zamfira Quuxley"' in out


async def test_the_dashboard_forgets_a_client_after_the_name_is_typed(cli, db_path):
    _add_zamfira(cli)
    open_database(db_path)
    async with running() as (app, pilot):
        dashboard = app.screen
        rows = dashboard.client_list.all_rows
        zamfira = next(r for r in rows if r.name == "Zamfira Quuxley")
        dashboard.select_client(zamfira.id)
        await wait_for(pilot, lambda: dashboard.selected_client_id == zamfira.id, what="select")
        await pilot.press("X")
        await pilot.press(*"zamfira quuxley", "enter")
        await wait_for(
            pilot,
            lambda: all(r.name != "Zamfira Quuxley" for r in dashboard.client_list.all_rows),
            timeout=10,
            what="the client gone from the list",
        )
    close_database()
    assert [c["name"] for c in cli.json("list", "--json")] == ["Other Person"]
    assert _traces(_callsheet_files(db_path)) == {}
