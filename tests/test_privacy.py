"""Privacy: what callsheet writes is readable by its owner only, and `forget` leaves no trace.

Before: `export -o` and `facts -o` files were 0644 while the database was 0600, and a deleted
client lived on in every backup (and in the main file only because this machine's SQLite
happened to be built with secure delete). Then (issue 22): the full-text index kept her
words (lower-cased, folded tokens) in its segments, VACUUM copied them into the database and
the rewritten backups; a forget cut short left the backups holding her for good; on
PostgreSQL "forgot" was said with the table files still holding everything.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import psycopg
import pytest

from callsheet.models.store.backups import backups_folder, daily_backup
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.values.text import fold
from tests.tui_helpers import running, wait_for

sqlite_only = pytest.mark.sqlite_only

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


@sqlite_only
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


@sqlite_only
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


@sqlite_only
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


# -- issue 22: the text index, every case, partial files, resumable, PostgreSQL -------------

#: Her words, distinctive enough that a hit can only be her: name, phone, e-mail, the note,
#: log summaries (diacritics included, which the index folds).
HER = {
    "name": "Zorvexa Plimbuth",
    "phone": "+40 721 999 888",
    "email": "zorvexa@plimbuth.example",
    "notes": "Qwibblenote Ștrăvolt despre contract",
    "log": ["Glorpentry Frumzak meeting", "Țîrcăvizor call about Blorfquist"],
}
WORDS = (
    "Zorvexa",
    "Plimbuth",
    "zorvexa@plimbuth.example",
    "40721999888",
    "721 999 888",
    "Qwibblenote",
    "Ștrăvolt",
    "Glorpentry",
    "Frumzak",
    "Țîrcăvizor",
    "Blorfquist",
)


def _tokens() -> set[bytes]:
    """Each word as typed, lower-cased, upper-cased and folded (what the index stores)."""
    forms = set()
    for word in WORDS:
        for form in (word, word.lower(), word.upper(), fold(word)):
            forms.add(form.encode("utf-8"))
    return forms


def _hits(files) -> dict[str, int]:
    """How many times any form of any of her words occurs, per file (only files with hits)."""
    found = {}
    for path in files:
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # a running server rewrites its own files (pg_internal.init)
            continue
        count = sum(data.count(token) for token in _tokens())
        if count:
            found[str(path)] = count
    return found


def _every_file(root: Path, leave_out: Path | None = None) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p != leave_out]


def _demo_book_with_her(cli) -> None:
    assert cli("demo", "--clients", "40", "--interactions", "800")[0] == 0
    args = ["--phone", HER["phone"], "--email", HER["email"], "--notes", HER["notes"]]
    assert cli("add", HER["name"], *args)[0] == 0
    for summary in HER["log"]:
        assert cli("log", "Zorvexa", summary)[0] == 0
    assert cli("add", "Referred Person", "--referred-by", HER["name"])[0] == 0


def _copies_of_every_kind(cli, db_path: Path) -> None:
    """A manual backup, the daily copy, a restore's kept-aside copy, and a daily copy cut
    short (the ``.partial`` a full disk left behind before issue 22)."""
    assert cli("backup")[0] == 0
    open_database(db_path)
    daily = daily_backup(db_path)
    close_database()
    assert daily is not None
    manual = next(backups_folder(db_path).glob("callsheet-*.db"))
    assert cli("restore", str(manual))[0] == 0
    cut_short = daily.parent / ".callsheet-2026-01-01.db.partial"
    cut_short.write_bytes(db_path.read_bytes()[: 64 * 1024])


@sqlite_only
def test_forget_leaves_none_of_her_words_in_any_case_in_the_db_wal_backups_or_partials(
    cli, db_path, tmp_path
):
    _demo_book_with_her(cli)
    _copies_of_every_kind(cli, db_path)
    elsewhere = tmp_path / "usb-stick.db"
    assert cli("backup", str(elsewhere))[0] == 0
    before = _hits(_every_file(tmp_path, elsewhere))
    # the database, the manual, daily and kept-aside copies and the partial all hold her
    assert len(before) >= 5, before
    print(f"files holding her before: {len(before)} ({sum(before.values())} hits)")

    code, out, err = cli("forget", "Zorvexa", "--yes")
    assert code == 0, err
    assert "forgot Zorvexa Plimbuth" in out and "3 backup(s) rewritten" in out

    assert _hits(_every_file(tmp_path, elsewhere)) == {}  # every form, every file: 0 hits
    assert not list(tmp_path.rglob("*.partial*"))
    assert not list(tmp_path.rglob("*forget-pending*"))  # the erasure is complete
    assert cli("search", "Glorpentry")[0] == 1  # the index no longer answers for her
    names = [c["name"] for c in cli.json("list", "--json")]
    assert "Referred Person" in names and HER["name"] not in names
    assert cli("doctor")[0] == 0


@sqlite_only
def test_a_forget_cut_short_is_finished_by_the_next_forget_backups_included(cli, db_path, tmp_path):
    _demo_book_with_her(cli)
    _copies_of_every_kind(cli, db_path)
    manual = next(backups_folder(db_path).glob("callsheet-*.db"))
    # One copy cannot be opened for writing (its -wal name is taken by a folder): the
    # erasure stops there, as it did on a nearly full disk.
    blocker = manual.with_name(manual.name + "-wal")
    blocker.mkdir()

    code, out, err = cli("forget", "Zorvexa", "--yes")
    assert code == 3, (out, err)
    assert "not finished" in err and "run again" in err
    assert list(_hits([manual])) == [str(manual)]  # she is still in that backup
    assert HER["name"] not in [c["name"] for c in cli.json("list", "--json")]
    code, out, _ = cli("doctor")
    assert code == 1 and "erasure(s) by `callsheet forget` were cut short" in out
    sidecar = db_path.with_name(f".{db_path.name}.forget-pending")
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    assert _hits([sidecar]) == {}  # what to erase is kept as hashes, never her words

    blocker.rmdir()
    code, out, err = cli("forget", "Zorvexa", "--yes")  # "no client matches" before
    assert code == 0, err
    assert "finished an earlier, unfinished erasure" in out
    assert _hits(_every_file(tmp_path)) == {}
    assert not sidecar.exists()
    code, out, _ = cli("doctor")
    assert code == 0 and "cut short" not in out


@pytest.fixture
def small_disk(tmp_path):
    """A 1.5 MB tmpfs for the backups folder (the suite runs as root); unmounted after."""
    import subprocess

    mount = tmp_path / "small-disk"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1536k,mode=0700", "tmpfs", str(mount)], check=True
    )
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


@sqlite_only
def test_a_forget_cut_short_by_a_full_disk_is_finished_once_there_is_room(
    cli, db_path, tmp_path, small_disk
):
    """Before: exit 3, the client deleted, the backups not scrubbed, and the retry said
    "no client matches": the backups kept her for good."""
    (db_path.parent / "backups").symlink_to(small_disk, target_is_directory=True)
    _demo_book_with_her(cli)
    assert cli("backup")[0] == 0
    filler = small_disk / "filler"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)  # the disk fills up with other things
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)

    code, _, err = cli("forget", "Zorvexa", "--yes")
    assert code == 3 and "full" in err and "not finished" in err
    assert HER["name"] not in [c["name"] for c in cli.json("list", "--json")]
    assert _hits(_every_file(small_disk))  # the backup still holds her

    filler.unlink()  # room again
    code, out, err = cli("forget", "Zorvexa", "--yes")
    assert code == 0, err
    assert "finished an earlier, unfinished erasure" in out
    assert _hits(_every_file(tmp_path)) == {}
    assert cli("doctor")[0] == 0


@pytest.mark.postgresql_only
def test_forget_on_postgresql_rewrites_the_tables_and_says_what_the_server_keeps(
    cli, db_path, pg_server
):
    _demo_book_with_her(cli)
    # as autovacuum does at its own moment: the planner's statistics now sample her rows
    # (pg_statistic's file held 12 of her words after a forget that did not replace them)
    with psycopg.connect(str(db_path), autocommit=True) as connection:
        connection.execute("ANALYZE")
    pg_server._admin("CHECKPOINT")  # her rows reach the table files
    tables = pg_server.data / "base"
    before = _hits(_every_file(tables))
    assert before, "the table files hold her before"

    code, out, err = cli("forget", "Zorvexa", "--yes")
    assert code == 0, err
    assert "forgot Zorvexa Plimbuth" in out
    assert "write-ahead log" in out and "replica" in out and "pg_dump" in out
    assert "VACUUM (FULL) not allowed" not in err  # the role owns its tables

    pg_server._admin("CHECKPOINT")  # VACUUM FULL's old files are removed at a checkpoint
    assert _hits(_every_file(tables)) == {}
    # The server's own write-ahead log still has her, as the command said: reported, not
    # asserted away (it is recycled by the server, out of callsheet's reach).
    wal = _hits(_every_file(pg_server.data / "pg_wal"))
    assert HER["name"] not in [c["name"] for c in cli.json("list", "--json")]
    print(
        f"table files holding her before: {len(before)} ({sum(before.values())} hits); "
        f"pg_wal files after forget: {len(wal)} ({sum(wal.values())} hits)"
    )
