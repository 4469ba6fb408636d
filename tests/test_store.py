"""The store: schema versions, file mode, normalisation, constraints, soft delete."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from peewee import IntegrityError

from callsheet.models.book import clients as ops
from callsheet.models.store.db import DatabaseError, close_database
from callsheet.models.store.migrations import CURRENT_VERSION
from callsheet.models.store.migrations import stored_version as schema_version
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import Client, Interaction, Phone, Signal
from callsheet.models.values.validate import InputError
from tests.conftest import NOW


@pytest.mark.sqlite_only
def test_a_new_database_is_private_to_its_owner(db_path):
    open_database(db_path)
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


@pytest.mark.sqlite_only
def test_an_empty_file_is_migrated_to_the_current_schema(db_path):
    db_path.touch()
    db = open_database(db_path)
    assert schema_version(db) == CURRENT_VERSION
    assert {"client", "interaction", "signal", "invoice", "follow_up"} <= set(db.get_tables())


def test_reopening_a_database_keeps_its_data_and_version(db_path):
    open_database(db_path)
    ops.add_client("Ana Pop", now=NOW)
    close_database()
    db = open_database(db_path)
    assert schema_version(db) == CURRENT_VERSION
    assert [c.name for c in Client.select()] == ["Ana Pop"]


@pytest.mark.sqlite_only
def test_a_database_from_a_newer_callsheet_is_refused(db_path):
    connection = sqlite3.connect(db_path)
    connection.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    connection.close()
    with pytest.raises(DatabaseError, match="newer"):
        open_database(db_path)


@pytest.mark.sqlite_only
def test_a_foreign_sqlite_file_is_not_taken_over(db_path):
    connection = sqlite3.connect(db_path)
    connection.execute("CREATE TABLE recipes (id INTEGER)")
    connection.close()
    with pytest.raises(DatabaseError, match="not callsheet"):
        open_database(db_path)


@pytest.mark.sqlite_only
def test_wal_mode_and_foreign_keys_are_on(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_phones_typed_differently_are_stored_as_e164_and_kept_as_typed(db):
    client = ops.add_client(
        "Ion Ionescu", phones=["0721 234 567", "+40 (744) 555-010"], region="RO", now=NOW
    )
    stored = {(p.e164, p.raw) for p in client.phones}
    assert stored == {("+40721234567", "0721 234 567"), ("+40744555010", "+40 (744) 555-010")}


def test_the_same_number_in_two_formats_is_kept_once(db):
    client = ops.add_client("Ion", phones=["0721 234 567", "0040721234567"], region="RO", now=NOW)
    assert [p.e164 for p in client.phones] == ["+40721234567"]


def test_a_bad_phone_saves_nothing_and_names_the_field(db):
    with pytest.raises(InputError) as error:
        ops.add_client("Ion", phones=["0721 234 567", "12"], region="RO", now=NOW)
    assert error.value.field == "phone"
    assert Client.select().count() == 0


def test_a_national_number_without_a_region_is_explained(db):
    with pytest.raises(InputError, match="default_region"):
        ops.add_client("Ion", phones=["0721 234 567"], region=None, now=NOW)


def test_emails_are_validated_and_lower_cased(db):
    client = ops.add_client("Ana", emails=["Ana.Pop@Example.RO"], now=NOW)
    assert [e.address for e in client.emails] == ["ana.pop@example.ro"]
    with pytest.raises(InputError) as error:
        ops.add_client("Bad", emails=["ana@"], now=NOW)
    assert error.value.field == "email"


def test_unknown_status_is_refused(db):
    with pytest.raises(InputError, match="status"):
        ops.add_client("Ana", status="vip", now=NOW)


def test_a_phone_row_must_belong_to_a_client(db):
    with pytest.raises(IntegrityError):
        Phone.create(client=999, e164="+40721234567", raw="x")


def test_a_log_entry_with_an_unknown_signal_saves_nothing(db):
    client = ops.add_client("Ana", now=NOW)
    with pytest.raises(InputError, match="signal"):
        ops.log_interaction(client, signals=["rude", "grumpy"], now=NOW)
    assert Interaction.select().count() == 0


def test_logging_records_signals_and_the_last_contact(db):
    client = ops.add_client("Ana", now=NOW)
    ops.log_interaction(
        client, summary="shouted", signals=["rude", "aggressive", "rude"], at=NOW, now=NOW
    )
    assert sorted(s.kind for s in Signal.select()) == ["aggressive", "rude"]
    assert Client.get_by_id(client.id).last_contact_at == NOW


def test_archiving_hides_but_keeps_the_history(db):
    client = ops.add_client("Ana", now=NOW)
    ops.log_interaction(client, summary="hello", now=NOW)
    ops.set_archived(client, True, now=NOW)
    with pytest.raises(ops.ClientNotFound):
        ops.find_client("Ana", include_archived=False)
    assert ops.find_client("Ana").archived
    assert Interaction.select().where(Interaction.client == client).count() == 1
    ops.set_archived(client, False, now=NOW)
    assert not ops.find_client("Ana", include_archived=False).archived


def test_deleting_a_client_removes_their_history(db):
    client = ops.add_client("Ana", phones=["+40721234567"], now=NOW)
    ops.log_interaction(client, signals=["rude"], now=NOW)
    ops.delete_client(client)
    assert (
        Interaction.select().count() == 0
        and Signal.select().count() == 0
        and Phone.select().count() == 0
    )


def test_clients_are_found_by_id_exact_name_or_unique_prefix(db):
    ana = ops.add_client("Ana Pop", now=NOW)
    ops.add_client("Andrei Pop", now=NOW)
    assert ops.find_client(str(ana.id)).name == "Ana Pop"
    assert ops.find_client("ana pop").id == ana.id
    assert ops.find_client("andr").name == "Andrei Pop"
    with pytest.raises(ops.ClientNotFound, match="several"):
        ops.find_client("an")
    with pytest.raises(ops.ClientNotFound, match="no client"):
        ops.find_client("Zed")


def test_a_prefix_with_sql_wildcards_matches_literally(db):
    ops.add_client("100% Design", now=NOW)
    ops.add_client("100 Apples", now=NOW)
    assert ops.find_client("100%").name == "100% Design"


def test_a_database_made_by_schema_v1_still_opens_and_reads(tmp_path):
    """tests/fixtures/schema-v1.db is frozen: every later schema must migrate it, not break it."""
    import shutil
    from pathlib import Path

    from callsheet.models.exchange.export_json import client_record

    copy = tmp_path / "v1.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-v1.db", copy)
    db = open_database(copy)
    assert schema_version(db) == CURRENT_VERSION
    ion = ops.find_client("Ion Ionescu")
    record = client_record(ion)
    assert record["salutation"] == "dl. Ionescu" and len(record["interactions"]) == 3


# -- backups and restore (issue 22): nothing overwritten, nothing that only looks like one --


def _marker_tables(path) -> set[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'marker_%'"
        ).fetchall()
    finally:
        connection.close()
    return {row[0] for row in rows}


@pytest.mark.sqlite_only
def test_restores_in_the_same_second_each_keep_their_own_copy_of_the_database(db_path):
    """Before: the kept-aside copy was named to the second and overwritten (6/10 lost)."""
    from callsheet.models.store.backups import backup, restore

    open_database(db_path)
    ops.add_client("Ana Pop", now=NOW)
    source = backup()
    close_database()
    trials = 40
    for trial in range(trials):  # well within a few seconds: many share a second
        connection = sqlite3.connect(db_path)  # what the database holds just before
        connection.execute(f'CREATE TABLE "marker_{trial}" (x)')
        connection.commit()
        connection.close()
        restore(source, db_path)
    kept = sorted(db_path.parent.glob("callsheet.before-restore-*.db"))
    assert len(kept) == trials  # one copy per restore: 0 overwritten
    markers = [_marker_tables(copy) for copy in kept]
    assert sorted(m for found in markers for m in found) == sorted(
        f"marker_{trial}" for trial in range(trials)
    )  # each copy holds exactly what the database was before its own restore


@pytest.fixture
def tiny_disk(tmp_path):
    """A 200 kB tmpfs (root: this suite runs as root), unmounted in teardown."""
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k,mode=0700", "tmpfs", str(mount)], check=True
    )
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def _fill_book(db_path) -> None:
    open_database(db_path)
    for number in range(300):  # a book bigger than the tiny disk
        ops.add_client(f"Client {number:03d} " + "x" * 600, now=NOW)
    close_database()


@pytest.mark.sqlite_only
def test_a_backup_on_a_full_disk_leaves_nothing_and_doctor_stays_honest(db_path, tiny_disk, cli):
    """Before: a 0-byte callsheet-*.db, and doctor said "last backup 0 days ago", healthy."""
    _fill_book(db_path)
    backups = db_path.parent / "backups"
    backups.symlink_to(tiny_disk, target_is_directory=True)  # the backups folder is full
    code, _, err = cli("backup")
    assert code == 3 and "disk full" in err, err
    assert list(tiny_disk.iterdir()) == []  # no 0-byte backup, no partial
    code, out, _ = cli("doctor")
    assert "last backup none" in out and "no backup yet" in out

    from callsheet.models.store.backups import daily_backup
    from callsheet.models.store.db import DatabaseError

    open_database(db_path)
    with pytest.raises(DatabaseError, match="disk full"):
        daily_backup(db_path)
    close_database()
    assert [p for p in tiny_disk.rglob("*") if p.is_file()] == []  # no .partial left
    code, _, err = cli("backup", str(tiny_disk / "named.db"))
    assert code == 3 and "disk full" in err and not (tiny_disk / "named.db").exists()


@pytest.mark.sqlite_only
def test_doctor_names_empty_and_unreadable_backups_and_ignores_partials(db_path, cli):
    open_database(db_path)
    ops.add_client("Ana Pop", now=NOW)
    close_database()
    assert cli("backup")[0] == 0
    backups = db_path.parent / "backups"
    (backups / "callsheet-20260101-000000.db").touch()  # what a full disk used to leave
    (backups / "callsheet-20260102-000000.db").write_bytes(b"not a database at all" * 10)
    (backups / ".callsheet-20260103-000000.db.123.partial").write_bytes(b"half")
    code, out, _ = cli("doctor")
    assert code == 1
    assert "callsheet-20260101-000000.db is empty (0 bytes)" in out
    assert "callsheet-20260102-000000.db is not an SQLite database" in out
    assert "partial" not in out and "2 problem(s) found" in out
    assert cli("backup")[0] == 0  # the next backup clears what an earlier one left
    assert not list(backups.glob(".*.partial"))
