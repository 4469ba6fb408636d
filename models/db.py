"""The one place where callsheet meets its database.

Every model binds to ``database`` (a Peewee ``DatabaseProxy``), so the engine is chosen in
exactly one spot: :func:`open_database`. Everything SQLite-specific (pragmas, WAL, the file
mode of a new database, ``PRAGMA user_version`` and the online backup API) lives here, so a
server database later means changing this module and nothing else.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from peewee import DatabaseProxy, Field, Model, SqliteDatabase

database = DatabaseProxy()

#: The schema version this callsheet writes; models/migrations.py has one step per version.
SCHEMA_VERSION = 1

#: WAL lets the dashboard read while the command line writes; the busy timeout makes a
#: second writer wait for the lock instead of failing at once.
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    "cache_size": -32_000,  # 32 MB page cache
    "temp_store": "memory",
    # forget (models/forget.py): deleted rows are overwritten with zeros, not left in free pages
    "secure_delete": 1,
}


class DatabaseError(Exception):
    """The database file cannot be used (newer schema, not a callsheet file, unreadable)."""


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class UtcDateTimeField(Field):
    """A moment in time, stored as whole seconds since the epoch (UTC).

    Integers keep the million-row log small and its indexes fast; values come back as
    timezone-aware UTC datetimes, and naive datetimes are refused rather than guessed at.
    """

    field_type = "INTEGER"

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


class IsoDateField(Field):
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


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only: it will hold personal data."""
    from models.files import private_dir

    private_dir(path.parent)  # 0700, whatever the umask
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def open_database(path: str | os.PathLike, *, migrate: bool = True) -> SqliteDatabase:
    """Open (creating if needed) the callsheet database at ``path`` and bind the models to it.

    A new file is created with mode 0600. The schema is brought up to date unless
    ``migrate`` is false. Raises :class:`DatabaseError` for a file that is not a usable
    callsheet database.
    """
    path = Path(path).expanduser()
    if not path.exists():
        _create_private_file(path)
    db = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except Exception as error:  # sqlite3.DatabaseError: file is not a database, etc.
        raise DatabaseError(f"{path}: cannot open as a database ({error})") from error
    # Importing the migrator costs start-up time; only a database that is behind needs it.
    if migrate and schema_version(db) != SCHEMA_VERSION:
        from models.migrations import migrate as run_migrations

        run_migrations(db)
    return db


def close_database() -> None:
    """Close this thread's connection, if one is open."""
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()


def schema_version(db: SqliteDatabase | None = None) -> int:
    db = db or database.obj
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


class ChangeWatcher:
    """Tells whether another connection (the CLI, another window) committed since last asked.

    ``PRAGMA data_version`` only means something compared on one connection, so the
    watcher keeps its own, whichever thread asks.
    """

    def __init__(self) -> None:
        import sqlite3
        import threading

        self._connection = sqlite3.connect(database.obj.database, check_same_thread=False)
        # The poll thread may be asking while the screen unmounts and closes the
        # connection: using a closed sqlite3 connection from another thread crashed the
        # interpreter, so asking and closing take turns, and a closed watcher says "no".
        self._lock = threading.Lock()
        self._closed = False
        self._last = self._version()

    def _version(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        with self._lock:
            if self._closed:
                return False
            version = self._version()
        changed, self._last = version != self._last, version
        return changed

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._connection.close()


def set_schema_version(db: SqliteDatabase, version: int) -> None:
    db.execute_sql(f"PRAGMA user_version = {int(version)}")


def backup_to(dest: str | os.PathLike) -> Path:
    """Write a consistent copy of the open database to ``dest`` (online backup API).

    Safe while other processes read and write: SQLite copies a snapshot page by page.
    """
    import sqlite3

    dest = Path(dest).expanduser()
    if not dest.exists():
        _create_private_file(dest)
    source = database.obj.connection()
    target = sqlite3.connect(str(dest))
    try:
        source.backup(target)
    finally:
        target.close()
    return dest


def integrity_problems(path: str | os.PathLike) -> list[str]:
    """Return SQLite's integrity-check complaints for the file at ``path`` (empty if sound)."""
    import sqlite3

    connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        connection.close()
    return [] if rows == [("ok",)] else [row[0] for row in rows]


def file_schema_version(path: str | os.PathLike) -> int:
    import sqlite3

    connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA user_version").fetchone()[0]
    finally:
        connection.close()
