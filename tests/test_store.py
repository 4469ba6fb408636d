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
