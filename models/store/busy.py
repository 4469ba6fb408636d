"""What a write does while another program holds the database's write lock.

SQLite lets one writer at a time. A long import or a backup tool can hold the lock for
longer than the busy timeout, and a deferred transaction that read an older snapshot is
refused at once ("database is locked"). Every write in callsheet is one transaction, so
the answer is always the same: wait a little, tell the person once, and run the whole
transaction again, until a patience limit. This module owns that loop and the two
settings that tune it, both from the environment so tests (and impatient scripts) can
shorten them:

- ``CALLSHEET_BUSY_TIMEOUT_MS``: how long one attempt lets SQLite wait for the lock
  (default 1000 ms, so feedback comes after about a second);
- ``CALLSHEET_BUSY_LIMIT_S``: how long to keep trying before giving up (default 120 s).

It also tells the other failure a write meets that is about the machine, not the data: a
full disk (:func:`is_disk_full`), which every front end reports in the same words
(:data:`DISK_FULL`) and which retrying would not cure.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from callsheet.models.store.db import database

T = TypeVar("T")

DEFAULT_ATTEMPT_MS = 1000
DEFAULT_LIMIT_S = 120.0


class DatabaseBusy(Exception):
    """Another program kept the database locked for longer than we were willing to wait."""


def attempt_ms() -> int:
    """How long one attempt waits for the lock (``CALLSHEET_BUSY_TIMEOUT_MS``)."""
    return _env_number("CALLSHEET_BUSY_TIMEOUT_MS", DEFAULT_ATTEMPT_MS, int)


def limit_seconds() -> float:
    """How long to keep retrying before giving up (``CALLSHEET_BUSY_LIMIT_S``)."""
    return _env_number("CALLSHEET_BUSY_LIMIT_S", DEFAULT_LIMIT_S, float)


def _env_number(name: str, default, kind):
    try:
        value = kind(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= 0 else default


def is_busy(error: BaseException) -> bool:
    """True for SQLite's "database is locked" / "database is busy" (peewee or sqlite3)."""
    # deferred: slow to import, and only this path needs it
    from peewee import OperationalError

    if not isinstance(error, OperationalError | sqlite3.OperationalError):
        return False
    text = str(error).lower()
    return "locked" in text or "busy" in text


#: SQLite's result codes for a full volume (sqlite3 exposes them from Python 3.11 only).
SQLITE_FULL, SQLITE_IOERR_SHMSIZE = 13, 4874

#: What a write that met a full disk says, in the command line and in the dashboard.
DISK_FULL = "disk full: nothing was saved"


def is_disk_full(error: BaseException) -> bool:
    """True when ``error``, or an error it was raised while handling, is a full disk.

    SQLite says "database or disk is full" (SQLITE_FULL) when a commit cannot grow the file
    or its WAL, and rolls the transaction back itself; peewee's rollback that follows then
    fails with "cannot rollback - no transaction is active", which hides the real reason.
    So the chain of errors is searched, not only the last one. Also ENOSPC from the file
    system (a new database file, a backup) and PostgreSQL's disk_full (SQLSTATE 53100).
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        # SQLITE_IOERR_SHMSIZE: the WAL's shared-memory file could not grow, which SQLite's
        # documentation ties to a volume out of space (it is how opening fails on one)
        if getattr(current, "sqlite_errorcode", None) in (SQLITE_FULL, SQLITE_IOERR_SHMSIZE):
            return True
        if getattr(current, "sqlstate", None) == "53100":
            return True
        text = str(current).lower()
        if "database or disk is full" in text or "no space left on device" in text:
            return True
        current = current.__cause__ or current.__context__
    return False


def set_attempt_timeout(ms: int | None = None) -> None:
    """Make this thread's connection wait ``ms`` for the lock per attempt (SQLite only)."""
    # deferred: slow to import, and only this path needs it
    from peewee import SqliteDatabase

    if isinstance(database.obj, SqliteDatabase):
        database.obj.execute_sql(f"PRAGMA busy_timeout = {int(attempt_ms() if ms is None else ms)}")


def patiently(
    write: Callable[[], T],
    *,
    on_busy: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    limit: float | None = None,
) -> T:
    """Run ``write`` (one whole transaction) until it gets through the lock.

    ``on_busy(waited_seconds)`` is called after each refused attempt, so the caller can
    say "database busy, retrying" once or keep a counter. Raises :class:`DatabaseBusy` when
    ``limit`` seconds (default ``CALLSHEET_BUSY_LIMIT_S``) have passed, or when
    ``cancelled()`` says the person gave up; the transaction was rolled back either way.
    """
    limit = limit_seconds() if limit is None else limit
    started = time.monotonic()
    set_attempt_timeout()
    pause = 0.05
    while True:
        try:
            return write()
        except Exception as error:
            if not is_busy(error):
                raise
            # a failed BEGIN/COMMIT can leave the connection inside a transaction
            if not database.obj.is_closed() and database.obj.in_transaction():
                database.obj.rollback()
            waited = time.monotonic() - started
            if waited >= limit or (cancelled is not None and cancelled()):
                raise DatabaseBusy(
                    f"the database is still locked by another program after {waited:.0f} s; "
                    "nothing was written, try again later"
                ) from None
            if on_busy is not None:
                on_busy(waited)
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
