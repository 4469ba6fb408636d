"""The capture schema (migration step 3) and the bulk write path for captured entries."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import peewee
import pytest

from callsheet.models.book import clients as ops
from callsheet.models.capture.store import Captured, save
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import Interaction
from tests.conftest import NOW


def _layout(path: Path, table: str):
    connection = sqlite3.connect(path)
    try:
        columns = connection.execute(f"PRAGMA table_info('{table}')").fetchall()
        indexes = sorted(
            (name, unique, tuple(c[2] for c in connection.execute(f"PRAGMA index_info('{name}')")))
            for _, name, unique, *_ in connection.execute(f"PRAGMA index_list('{table}')")
        )
    finally:
        connection.close()
    return columns, indexes


@pytest.mark.sqlite_only
def test_a_v1_file_migrates_to_the_same_capture_layout_as_a_fresh_database(tmp_path):
    old = tmp_path / "v1.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "schema-v1.db", old)
    fresh = tmp_path / "fresh.db"
    for path in (old, fresh):
        open_database(path)
        close_database()
    for table in ("interaction", "capture_mark"):
        assert _layout(old, table) == _layout(fresh, table)
    columns, indexes = _layout(fresh, "interaction")
    assert {"source", "external_key", "suggested_signals", "dismissed_signals"} <= {
        c[1] for c in columns
    }
    assert ("interaction_client_id_external_key", 1, ("client_id", "external_key")) in indexes


def _entry(client_id, key, hours=0):
    return Captured(
        client_id=client_id,
        at=NOW - timedelta(hours=hours),
        channel="email",
        direction="in",
        summary=f"about {key}",
        source="mail",
        key=key,
    )


def test_saving_captured_entries_skips_those_already_logged_and_repeated(db):
    ion = ops.add_client("Ion", now=NOW)
    first = save([_entry(ion.id, "a", 3), _entry(ion.id, "a", 3), _entry(ion.id, "b", 1)], now=NOW)
    assert [e.key for e in first] == ["a", "b"]
    again = save([_entry(ion.id, "b", 1), _entry(ion.id, "c", 2)], now=NOW)
    assert [e.key for e in again] == ["c"]
    assert Interaction.select().count() == 3
    assert ops.find_client("Ion").last_contact_at == NOW - timedelta(hours=1)


def test_the_same_key_for_two_clients_is_two_entries_but_never_twice_for_one(db):
    ion = ops.add_client("Ion", now=NOW)
    anna = ops.add_client("Anna", now=NOW)
    assert len(save([_entry(ion.id, "m"), _entry(anna.id, "m")], now=NOW)) == 2
    with pytest.raises(peewee.IntegrityError):
        Interaction.create(
            client=ion, occurred_at=NOW, channel="email", external_key="m", summary="copy"
        )


def test_a_dry_run_returns_what_would_be_added_and_writes_nothing(db):
    ion = ops.add_client("Ion", now=NOW)
    would = save([_entry(ion.id, "x")], {"/mail/INBOX": 5}, now=NOW, dry_run=True)
    assert [e.key for e in would] == ["x"]
    assert Interaction.select().count() == 0
    assert ops.find_client("Ion").last_contact_at is None
