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
"""

from __future__ import annotations

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
