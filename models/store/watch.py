"""How a window learns that another process committed: ``PRAGMA data_version`` on SQLite,
LISTEN/NOTIFY on PostgreSQL (schema step 2's triggers notify at every commit).
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from peewee import Database, SqliteDatabase

from callsheet.models.store.db import database


class ChangeWatcher:
    """Tells whether another connection (the CLI, another window) committed since last asked.

    SQLite: ``PRAGMA data_version`` only means something compared on one connection, so the
    watcher keeps its own. PostgreSQL: the watcher's own connection LISTENs on the channel
    that schema step 2's triggers notify at every commit. Either way ``changed()`` may be
    called from a poll thread while the UI thread calls ``close()``; a lock keeps the
    connection from being closed under a running query.
    """

    CHANNEL = "callsheet_changes"

    _connection: Any

    def __init__(self) -> None:
        self._lock = threading.Lock()
        db = database.obj
        self._sqlite = isinstance(db, SqliteDatabase)
        if self._sqlite:
            self._connection = sqlite3.connect(db.database, check_same_thread=False)
            self._last = self._data_version()
        else:
            # deferred: the optional PostgreSQL driver, loaded only for a server
            import psycopg

            self._connection = psycopg.connect(**_pg_connect_params(db), autocommit=True)
            self._connection.execute(f"LISTEN {self.CHANNEL}")
            self._last = 0

    def _data_version(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def changed(self, wait: float = 0.0) -> bool:
        """Whether another connection committed since the last call.

        ``wait`` (PostgreSQL): block up to that many seconds for a notification, returning
        as soon as one arrives (the ring watch of tui/ringing.py); SQLite answers at once.
        """
        with self._lock:
            if self._connection is None:
                return False
            if self._sqlite:
                version = self._data_version()
                changed, self._last = version != self._last, version
                return changed
            # Drain what arrived since the last call; several commits count as one change.
            return any(True for _ in self._connection.notifies(timeout=wait, stop_after=1000))

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _pg_connect_params(db: Database) -> dict:
    params = dict(db.connect_params)
    params["dbname"] = db.database
    params.pop("prefer_psycopg3", None)
    return params
