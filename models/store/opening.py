"""Opening the store: one setting, a file path or a database URL, checked and brought up to date.

``--db`` and ``CALLSHEET_DB`` take either a path to an SQLite file (the embedded default:
nothing has to run) or a URL, ``sqlite:///path`` or ``postgresql://user:pass@host:port/db``
for a consultant who works from two machines or with an assistant. :func:`open_store` is the
one way in: it parses the setting, connects, refuses a database it must not touch (made by a
newer callsheet, not callsheet's) *before* writing anything to it, then migrates.

It also answers, for the all-day dashboard, whether the store is still the one it opened
(:func:`still_there`: the same file, a live server connection) before a save.

Passwords never leave this module: every message names the store through :func:`describe`,
and every driver error passes through :func:`mask_secrets`, which masks every form a secret
takes in a URL or a connection string: ``user:pass@``, ``?password=``, ``sslpassword=``,
``passfile=``, percent-encoded keys and values, and the password as the driver decoded it.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from peewee import Database, SqliteDatabase

from callsheet.models.store.db import PRAGMAS, DatabaseError, close_database, database
from callsheet.models.store.files import create_private_file
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


MASK = "***"
#: a URL anywhere in a text: scheme://everything up to white space or a quote
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]*")
#: key=value in a URL query or a libpq connection string (``password='x y'`` too)
_KEY_VALUE = re.compile(
    r"(?P<key>[A-Za-z0-9_%.-]+)(?P<eq>\s*=\s*)(?P<value>'(?:[^'\\]|\\.)*'|[^\s&;#]*)"
)


def _is_secret_key(key: str) -> bool:
    # password, sslpassword, passfile, pass%77ord ...: anything about a pass is masked
    return "pass" in unquote(key).lower()


def _mask_pairs(text: str) -> str:
    def one(match: re.Match) -> str:
        if not _is_secret_key(match["key"]):
            return match[0]
        return f"{match['key']}{match['eq']}{MASK}"

    return _KEY_VALUE.sub(one, text)


def _mask_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    first_at = rest.find("@")
    if first_at != -1 and not any(mark in rest[:first_at] for mark in "/?#"):
        # userinfo ends at the last "@" before the path: a password may hold an "@" itself
        ends = [i for i in (rest.find(c, first_at) for c in "/?#") if i != -1]
        authority_end = min(ends) if ends else len(rest)
        at = rest.rfind("@", 0, authority_end)
        userinfo, rest = rest[:at], rest[at:]
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":" + MASK
        rest = userinfo + rest
    return f"{scheme}://{_mask_pairs(rest)}"


def mask_secrets(text: str, url: str | None = None) -> str:
    """``text`` with every secret masked: in each URL it holds, in key=value pairs, and the
    passwords of ``url`` wherever they appear (raw, decoded, re-encoded)."""
    for secret in _secrets_of(url):
        text = text.replace(secret, MASK)
    text = _URL.sub(lambda match: _mask_url(match[0]), text)
    return _mask_pairs(text)


def _secrets_of(url: str | None) -> list[str]:
    if not url or "://" not in url:
        return []
    found: list[str] = []
    rest = url.split("://", 1)[1]
    first_at = rest.find("@")
    if first_at != -1:
        userinfo = rest[: rest.rfind("@")]
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    try:
        parts = urlsplit(url)
        if parts.password:
            found.append(parts.password)
        query = parts.query
    except ValueError:
        query = url.split("?", 1)[1] if "?" in url else ""
    for pair in re.split("[&;]", query):
        key, _, value = pair.partition("=")
        if value and _is_secret_key(key):
            found.append(value)
    forms = {form for raw in found for form in (raw, unquote(raw), quote(unquote(raw), safe=""))}
    # longest first, so a secret inside another is not left half shown; 3 characters at least,
    # so a one-letter password does not mask every "a" in the message
    return sorted((f for f in forms if len(f) >= 3), key=len, reverse=True)


def mask_password(url: str) -> str:
    """``postgresql://ana:secret@host/db?password=x`` -> ``postgresql://ana:***@host/db?password=***``."""
    return mask_secrets(url, url)


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
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port that is not a number raises here, not later
    except ValueError as error:  # "[::1/db": an unclosed IPv6 address, a port "abc"
        raise DatabaseError(
            f"--db: {mask_password(text)}: {mask_secrets(str(error), text)}"
        ) from None
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
        # An empty server database is set up on first use, by any command (doctor
        # included, which otherwise never migrates): there is nothing in it to change.
        first_use = version == 0 and target.backend == "postgresql" and not db.get_tables()
        if (migrate or first_use) and version < CURRENT_VERSION:
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
    return mask_secrets(text, target.url)


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
        _remember_file(db, path)
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
    # a restarted server closes every connection, and the dashboard's worker threads (a
    # pool: they live all day) each keep theirs: replace a dead one when it is next used
    reconnecting = type(type(db).__name__, (ReconnectsWhenIdle, type(db)), {})
    db = reconnecting(db.database, autoconnect=True, **db.connect_params)
    database.initialize(db)
    db.callsheet_target = target  # named (masked) when a reconnect fails
    try:
        db.connect(reuse_if_open=True)
    except Exception as error:
        db.close()
        raise DatabaseError(
            f"{target.describe()}: cannot connect ({_reason(error, target)})"
        ) from error
    return db


# -- is the store still the one we opened? (the all-day dashboard asks before every save) --
#
# SQLite keeps writing to a file that was deleted (its inode lives on while a connection
# holds it) and a worker thread that connects later opens whatever is at the path now, or
# creates an empty file there: either way a save would be acknowledged and found nowhere.
# So the file's identity (device, inode) is noted when the store is opened and compared
# with the path before a save. callsheet's own ``restore`` copies into the live file
# (callsheet.models.store.backups), which keeps the inode: only someone else's delete or move trips this.
# A PostgreSQL server that restarted closes every connection; a thread's dead connection is
# replaced here, before the transaction starts, so a save is never half-sent.


class StoreGone(DatabaseError):
    """The SQLite file the dashboard opened was deleted or replaced behind its back."""


class ServerUnreachable(DatabaseError):
    """The PostgreSQL server does not answer (restarted, network down): nothing was sent."""


#: what a refused save says (the dashboard's form and its persistent notice)
GONE = "the database file was deleted or replaced: nothing saved"


if TYPE_CHECKING:  # to the type checker, the mixin is the database it is mixed into
    from peewee import PostgresqlDatabase as _Host
else:
    _Host = object


class ReconnectsWhenIdle(_Host):
    """Mixed into the PostgreSQL database: a connection the server closed is replaced, but
    only where nothing can be lost or done twice.

    Outside a transaction: before a statement on a connection known dead, and after a
    ``SELECT`` that failed because it died (a read, run again on the new one). ``BEGIN``
    likewise (nothing of the transaction was sent yet). Inside a transaction never: its
    statements went to the dead server and the failure goes up, as peewee's own
    ``ReconnectMixin`` does; unlike it, dead is told by psycopg's ``broken``/``closed``
    flags rather than by matching messages. A server still down raises ServerUnreachable.
    """

    def execute_sql(self, sql, params=None):
        idle = not self.in_transaction()
        if idle and connection_lost(self):
            _reconnect(self)
        try:
            return super().execute_sql(sql, params)
        except Exception:
            if not (idle and connection_lost(self)):
                raise
            _reconnect(self)
            if not str(sql).lstrip()[:6].upper() == "SELECT":
                raise  # a write outside a transaction may have happened: not run twice
            return super().execute_sql(sql, params)

    def begin(self, *args, **kwargs):
        if connection_lost(self):
            _reconnect(self)
        try:
            return super().begin(*args, **kwargs)
        except Exception:
            if not connection_lost(self):
                raise
            _reconnect(self)
            return super().begin(*args, **kwargs)


def _remember_file(db: SqliteDatabase, path: Path) -> None:
    found = os.stat(path)
    db.callsheet_file = (found.st_dev, found.st_ino)


def still_there(db: Database | None = None) -> None:
    """Raise unless the open store can take a write now.

    SQLite: :class:`StoreGone` when the path no longer names the file that was opened
    (deleted, or replaced by another file). PostgreSQL: this thread's connection is checked
    with a round trip and, if the server closed it, replaced by a new one;
    :class:`ServerUnreachable` when that fails. Reads nothing of the data, writes nothing.
    """
    db = db or database.obj
    if isinstance(db, SqliteDatabase):
        opened = getattr(db, "callsheet_file", None)
        if opened is None:
            return
        try:
            found = os.stat(db.database)
        except FileNotFoundError:
            raise StoreGone(f"{db.database}: {GONE}") from None
        if (found.st_dev, found.st_ino) != opened:
            raise StoreGone(f"{db.database}: {GONE}")
        return
    if not db.is_closed() and not connection_lost(db):
        try:
            db.execute_sql("SELECT 1")
            return
        except Exception:  # noqa: BLE001 - any failure of a bare round trip: reconnect
            pass
    _reconnect(db)


def connection_lost(db: Database | None = None) -> bool:
    """Whether this thread's server connection is dead (psycopg marks it broken or closed)."""
    db = db or database.obj
    if isinstance(db, SqliteDatabase) or db.is_closed():
        return False
    connection = db._state.conn
    return bool(getattr(connection, "broken", False) or getattr(connection, "closed", False))


def _reconnect(db: Database) -> None:
    try:
        if not db.is_closed():
            # the dead connection: nothing to roll back, close it without asking the server
            with contextlib.suppress(Exception):
                db._state.conn.close()
            db._state.reset()
        db.connect()
        db.execute_sql("SELECT 1")
    except Exception as error:
        with contextlib.suppress(Exception):
            db._state.reset()
        url = getattr(db, "callsheet_target", None)
        where = url.describe() if isinstance(url, Target) else "the database server"
        raise ServerUnreachable(f"{where}: server unreachable ({_first_line(error)})") from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
