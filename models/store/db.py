"""Where callsheet meets its database: the model base, the column types, the backends' ways.

Every model binds to ``database`` (a Peewee ``DatabaseProxy``); :mod:`callsheet.models.store.opening` chooses
the engine (an SQLite file, the embedded default, or a PostgreSQL server named by a URL),
initialises the proxy and brings the schema up to date. This module holds the model base,
the column types and what differs between the two backends once a store is open (SQLite's
pragmas, bulk statements, id sequences). How a window learns that another process
committed is :mod:`callsheet.models.store.watch`; copies and their checks are
:mod:`callsheet.models.store.backups`; owner-only files :mod:`callsheet.models.store.files`.
It imports neither the models nor the migrations.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peewee import Database, DatabaseProxy, Field, Model, SqliteDatabase

database = DatabaseProxy()

#: A second writer waits this long for the lock before SQLite gives up (milliseconds).
BUSY_TIMEOUT_MS = 10_000

#: Applied to every SQLite connection (peewee runs them on each new connection, so the
#: dashboard's worker threads get them too). The journal mode is not among them: it is written
#: into the file, so :mod:`callsheet.models.store.opening` switches it to WAL once, after it has checked that the
#: file is one this callsheet may change. WAL lets the dashboard read while the command line
#: writes; secure_delete overwrites deleted content, so a forgotten client leaves no bytes.
#: synchronous=FULL: in WAL mode SQLite then fsyncs the WAL at every commit, so what we report
#: saved is on stable storage. NORMAL syncs only at checkpoints, which a dashboard that keeps
#: its connections open all day may not reach for hours: a power cut 3 s after "Logged call"
#: lost 3/3 such saves (and 5/5 command-line writes made while it was open); FULL lost none
#: (tests/test_faults_power.py, ``python -m bench power``). It costs one fsync per commit.
PRAGMAS = {
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "synchronous": "full",
    # macOS: fsync reaches the drive but not past its cache; F_FULLFSYNC does (no-op elsewhere)
    "fullfsync": 1,
    # 8 MB per connection: each dashboard worker thread has one (32 MB each put the
    # dashboard at 290 MB peak at 100,000 clients); the OS file cache holds the rest
    "cache_size": -8_000,
    "temp_store": "memory",
    "secure_delete": 1,
}


class DatabaseError(Exception):
    """The store cannot be used (unreachable, newer schema, not callsheet's, unreadable)."""


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class TypedField(Field):
    """A column type of our own; to the type checker, what an instance holds is its value.

    peewee is read as untyped (see pyproject's mypy section), so without this a model's
    ``client.updated_at = now`` would look like replacing the field itself.
    """

    if TYPE_CHECKING:

        def __get__(self, instance: Any, owner: Any) -> Any: ...

        def __set__(self, instance: Any, value: Any) -> None: ...


class UtcDateTimeField(TypedField):
    """A moment in time, stored as whole seconds since the epoch (UTC).

    Integers keep the million-row log small and its indexes fast; values come back as
    timezone-aware UTC datetimes, and naive datetimes are refused rather than guessed at.
    """

    field_type = "BIGINT"  # INTEGER (64-bit) on SQLite; BIGINT on PostgreSQL, past 2038

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, int):
            return value
        if value.tzinfo is None:
            raise ValueError(f"{self.name}: a naive datetime has no timezone: {value!r}")
        return int(value.timestamp())

    def python_value(self, value):
        if value is None or isinstance(value, datetime):  # aggregates may arrive converted
            return value
        return datetime.fromtimestamp(int(value), tz=UTC)


class IsoDateField(TypedField):
    """A calendar date (no time of day), stored as ISO text so that it sorts and reads well."""

    field_type = "TEXT"

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            return date.fromisoformat(value).isoformat()
        return value.isoformat()

    def python_value(self, value):
        if value is None:
            return None
        return date.fromisoformat(value)


def read_snapshot():
    """A transaction that only reads: one consistent view that never blocks a writer.

    SQLite stores open with write transactions that take the lock at BEGIN (see
    :mod:`callsheet.models.store.opening`); a long read such as an export must not hold that lock.
    """
    db = database.obj
    if isinstance(db, SqliteDatabase):
        return db.atomic(lock_type="DEFERRED")
    return db.atomic()


def close_database() -> None:
    """Close this thread's connection, if one is open."""
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()


def is_sqlite(db: Database | None = None) -> bool:
    """Whether the open store (or ``db``) is an SQLite file, the embedded default."""
    return isinstance(db or database.obj, SqliteDatabase)


def sqlite_path(db: Database | None = None) -> Path | None:
    """The file behind the open SQLite store, or None on a server database."""
    db = db or database.obj
    return Path(db.database) if isinstance(db, SqliteDatabase) else None


def sync_id_sequences(*models: type[Model]) -> None:
    """After rows were inserted with explicit ids (bulk loads), let new rows continue after them.

    SQLite picks the next id from the table itself; PostgreSQL draws it from a sequence,
    which explicit ids do not advance.
    """
    db = database.obj
    if isinstance(db, SqliteDatabase):
        return
    for model in models:
        primary_key = model._meta.primary_key
        assert primary_key, f"{model.__name__} has no primary key"
        table, column = model._meta.table_name, primary_key.column_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"'
        )


def execute_many(sql: str, rows: list[tuple]) -> None:
    """Run one statement for many rows, with ``?`` placeholders, on either backend.

    For bulk updates (10,000 stored scores) a prepared statement run many times is far
    cheaper than building one peewee query per row.
    """
    db = database.obj
    if not isinstance(db, SqliteDatabase):
        sql = sql.replace("?", "%s")
    cursor = db.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()
