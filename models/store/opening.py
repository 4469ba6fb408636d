"""Opening the store: one setting, a file path or a database URL, checked and brought up to date.

``--db`` and ``CALLSHEET_DB`` take either a path to an SQLite file (the embedded default:
nothing has to run) or a URL, ``sqlite:///path`` or ``postgresql://user:pass@host:port/db``
for a consultant who works from two machines or with an assistant. :func:`open_store` is the
one way in: it parses the setting, connects, refuses a database it must not touch (made by a
newer callsheet, not callsheet's) *before* writing anything to it, then migrates.

Passwords never leave this module: every message names the store through :func:`describe`,
which masks them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, SqliteDatabase

from callsheet.models.store.db import (
    PRAGMAS,
    DatabaseError,
    close_database,
    create_private_file,
    database,
)
from callsheet.models.store.migrations import CURRENT_VERSION, SchemaError, check_version
from callsheet.models.store.migrations import migrate as run_migrations

#: The URL schemes callsheet understands, and the backend each names.
SCHEMES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}

#: How long to wait for a server that does not answer before saying so (seconds).
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class Target:
    """A parsed ``--db`` setting."""

    backend: str  # "sqlite" or "postgresql"
    path: Path | None = None  # SQLite
    url: str | None = None  # PostgreSQL

    def describe(self) -> str:
        """How to name this store in a message: the path, or the URL with its password masked."""
        return str(self.path) if self.path is not None else mask_password(self.url or "")


def mask_password(url: str) -> str:
    """``postgresql://ana:secret@host/db`` -> ``postgresql://ana:***@host/db``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def is_url(value: str) -> bool:
    return "://" in value


def parse_target(value: str | os.PathLike) -> Target:
    """Read a ``--db`` value: a path, or a URL whose scheme callsheet knows."""
    text = os.fspath(value)
    if not is_url(text):
        return Target("sqlite", path=Path(text).expanduser())
    scheme = text.split("://", 1)[0].lower()
    backend = SCHEMES.get(scheme)
    if backend is None:
        known = ", ".join(f"{name}://" for name in SCHEMES)
        raise DatabaseError(
            f"--db: unknown kind of database {scheme!r}; use a file path or {known}"
        )
    if backend == "sqlite":
        # As playhouse.db_url reads it: sqlite:///relative.db, sqlite:////absolute.db
        path = urlsplit(text).path[1:]
        if not path:
            raise DatabaseError("--db: sqlite:/// needs a file path after the three slashes")
        return Target("sqlite", path=Path(path).expanduser())
    parts = urlsplit(text)
    if not parts.path.strip("/"):
        raise DatabaseError(f"--db: {mask_password(text)} names no database (…/DBNAME at the end)")
    return Target("postgresql", url=text)


def open_store(value: str | os.PathLike, *, create: bool = True, migrate: bool = True) -> Database:
    """Open the store ``value`` names, bind the models to it and bring its schema up to date.

    ``create=False`` is for commands that only read: a missing SQLite file is then an error
    rather than a new, empty database under a mistyped name. Raises :class:`DatabaseError`
    with one line naming the store (password masked) for anything that cannot be used.
    """
    target = parse_target(value)
    close_database()
    db: Database
    if target.backend == "sqlite":
        db = _open_sqlite(target, create=create)
    else:
        db = _open_postgresql(target)
    try:
        version = check_version(db)
        if isinstance(db, SqliteDatabase):
            _use_wal(db, target)
        if migrate and version < CURRENT_VERSION:
            run_migrations(db)
    except SchemaError as error:
        db.close()
        raise DatabaseError(f"{target.describe()}: {error}") from error
    except DatabaseError:
        db.close()
        raise
    except Exception as error:  # the driver's own errors: read-only file, lost server, ...
        db.close()
        raise DatabaseError(f"{target.describe()}: {_reason(error, target)}") from error
    return db


def open_database(path: str | os.PathLike, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the store at ``path``; kept for callers that write."""
    return open_store(path, create=True, migrate=migrate)


def _reason(error: BaseException, target: Target) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if target.url:
        password = urlsplit(target.url).password
        if password:
            text = text.replace(password, "***")
    return text


def _open_sqlite(target: Target, *, create: bool) -> SqliteDatabase:
    path = target.path
    assert path is not None
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise DatabaseError(f"{path}: {parent} is a file, not a folder")
            break
    if not path.exists():
        if not create:
            raise DatabaseError(
                f"{path}: no such database (check --db / CALLSHEET_DB; "
                "adding a client creates a new one)"
            )
        try:
            create_private_file(path)
        except OSError as error:
            raise DatabaseError(f"{path}: cannot create the database ({error.strerror})") from error
    # Transactions take the write lock when they begin (BEGIN IMMEDIATE): a deferred one that
    # reads first (as the full-text index's triggers do) cannot wait for another writer in
    # WAL mode and fails at once with "database is locked" instead of queueing.
    db = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False, lock_type="IMMEDIATE")
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        db.get_tables()  # "file is not a database" shows only on the first read
    except Exception as error:
        db.close()
        raise DatabaseError(f"{path}: cannot open as a database ({error})") from error
    return db


def _use_wal(db: SqliteDatabase, target: Target) -> None:
    """Switch a file this callsheet may change to WAL (written into the file, once)."""
    mode = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
    if mode.lower() != "wal":
        db.execute_sql("PRAGMA journal_mode = wal")


def _open_postgresql(target: Target) -> Database:
    try:
        # deferred: the optional PostgreSQL driver, loaded only for a server
        import psycopg  # noqa: F401  (the driver of callsheet[postgres])
    except ImportError as error:
        raise DatabaseError(
            "PostgreSQL needs its driver: pip install 'callsheet[postgres]'"
        ) from error
    # deferred: slow to import, and only this path needs it
    from playhouse.db_url import connect

    try:
        db = connect(
            target.url,
            unquote_password=True,
            unquote_user=True,
            prefer_psycopg3=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            autoconnect=True,
        )
    except Exception as error:  # a malformed URL (bad port, ...)
        raise DatabaseError(f"{target.describe()}: {_reason(error, target)}") from error
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except Exception as error:
        db.close()
        raise DatabaseError(
            f"{target.describe()}: cannot connect ({_reason(error, target)})"
        ) from error
    return db
