"""Hearing the phone: the dashboard's watch on ``ring_event`` rows (``callsheet ring``).

One thread per dashboard keeps its own change watch (models/store/watch.py: SQLite's
``data_version`` read every :data:`SQLITE_POLL_S`, PostgreSQL's LISTEN waited on, so a
notification wakes it at once) and, when another process committed, reads the ring events
stored since the last one it saw (an indexed range on the id). They travel to the screen as
one :class:`RingsArrived`; what the dashboard does with them is
tui/screens/dashboard/ring_actions.py. Rings stored before the dashboard opened are not shown.

Separate from the two-second poll of tui/sync.py, which reloads rows and counts: a ring must
be on screen within a second, and the check costs a pragma or a wait on a socket.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen

    from callsheet.models.capture.ring import Ring

#: how often an SQLite store's ``data_version`` is read (a pragma on an open connection)
SQLITE_POLL_S = 0.1
#: how long one wait for a PostgreSQL notification lasts before the stop flag is looked at
PG_WAIT_S = 0.25
#: after a failure (the server went away, the file is gone): wait, then open a new watch
RETRY_S = 2.0


@dataclass
class RingsArrived(Message):
    """Ring events another process stored, oldest first, with the names of their clients."""

    rings: list[Ring]
    #: client id -> name
    names: dict[int, str] = field(default_factory=dict)
    #: ring id -> the number as shown ("+40 721 234 567")
    shown: dict[int, str] = field(default_factory=dict)
    #: ring id -> the caller's call sheet, read in the same thread (a known caller's ring)
    briefs: dict[int, Any] = field(default_factory=dict)


@dataclass
class LiveCall:
    """One call the dashboard is following, from its first ring to its end."""

    #: what ties a call's events together: the tool's call id, else the number
    key: str
    event: str
    client_id: int | None
    #: the client's name, else the number, else "number withheld"
    name: str
    #: the number as shown ("+40 721 234 567"), or "" when withheld
    number: str
    source: str
    rang_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    #: the screen opened for it (its call sheet, or caller lookup for an unknown number)
    screen: Screen | None = None

    def status(self, now: datetime) -> str:
        """One line for the top of its sheet: ringing, on the call (a timer), ended, missed."""
        number = f" · {self.number}" if self.number else " · number withheld"
        via = f" · via {self.source}" if self.source else ""
        if self.event == "answered" and self.answered_at is not None:
            return f"On the call {clock(now - self.answered_at)}{number}"
        if self.event == "ended":
            took = (
                f" after {clock(self.ended_at - self.answered_at)}"
                if self.answered_at and self.ended_at
                else ""
            )
            return f"Call ended{took}{number}"
        if self.event == "missed":
            return f"Missed call{number} (in triage)"
        return f"Ringing{number}{via}"

    def also(self) -> str:
        """This call as one line on another call's sheet."""
        what = "on the call" if self.event == "answered" else "ringing"
        number = f" · {self.number}" if self.number and self.number != self.name else ""
        return f"Also {what}: {self.name}{number} (escape to reach it)"


def clock(elapsed) -> str:
    """A timer as the phone shows it: 03:12, 1:02:03."""
    seconds = max(int(elapsed.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02}:{rest % 60:02}" if hours else f"{rest // 60:02}:{rest % 60:02}"


class RingWatch:
    """The thread that notices ring events for ``screen`` (see the module docstring)."""

    def __init__(self, screen: Screen, now: Callable[[], datetime]) -> None:
        self.screen = screen
        #: the app's clock (fixed in tests), for the call sheets read ahead
        self.now = now
        self._stop = threading.Event()
        #: the newest ring event seen (None: not read yet)
        self.last_id: int | None = None

    def start(self) -> None:
        # A thread of its own rather than a Textual worker: it lives as long as the screen,
        # and a worker that never completes would hold up whoever waits for the workers.
        self._thread = threading.Thread(
            target=self._watch, name="callsheet ring watch", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it (at most one wait on the store) to let its
        connection go."""
        self._stop.set()
        thread = getattr(self, "_thread", None)
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2 * PG_WAIT_S + 1)

    def _stopped(self) -> bool:
        return self._stop.is_set()

    def _watch(self) -> None:
        # (the numbering plans are read ahead: the first ring does not wait for them)
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        import phonenumbers  # noqa: F401

        # (and the call sheet's modules)
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.briefing import brief, forms  # noqa: F401
        from callsheet.models.capture.ring import last_ring_id
        from callsheet.models.store.db import close_database, is_sqlite
        from callsheet.models.store.watch import ChangeWatcher

        sqlite = is_sqlite()
        watcher: ChangeWatcher | None = None
        try:
            while not self._stopped():
                try:
                    if watcher is None:
                        watcher = ChangeWatcher()  # before reading: no ring after it is missed
                        if self.last_id is None:
                            self.last_id = last_ring_id()
                        changed = True
                    elif sqlite:
                        self._stop.wait(SQLITE_POLL_S)
                        changed = watcher.changed()
                    else:
                        changed = watcher.changed(wait=PG_WAIT_S)
                    if changed:
                        self._read_rings()
                except Exception:  # noqa: BLE001 - the store went away: StoreSync says so
                    if watcher is not None:
                        watcher.close()
                        watcher = None
                    close_database()
                    self._stop.wait(RETRY_S)
        finally:
            if watcher is not None:
                watcher.close()
            close_database()  # this thread's own connection

    def _read_rings(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.capture.ring import rings_after
        from callsheet.models.store.tables import Client
        from callsheet.models.values.phones import pretty

        rings = rings_after(self.last_id or 0)
        if not rings:
            return
        self.last_id = rings[-1].id
        ids = {ring.client_id for ring in rings if ring.client_id is not None}
        names = (
            dict(Client.select(Client.id, Client.name).where(Client.id.in_(ids)).tuples())
            if ids
            else {}
        )
        shown = {
            ring.id: pretty(ring.e164) if ring.e164 and ring.e164.startswith("+") else ring.number
            for ring in rings
        }
        self.screen.post_message(RingsArrived(rings, names, shown, self._briefs(rings)))

    def _briefs(self, rings: list[Ring]) -> dict[int, Any]:
        """The call sheet of each ringing known caller, read here rather than by the sheet's
        own worker once it is open: the sheet is painted whole in its first frame."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.briefing.brief import brief_of

        briefs = {}
        for ring in rings:
            if ring.event == "ringing" and ring.client_id is not None:
                try:
                    briefs[ring.id] = brief_of(ring.client_id, self.now())
                except Exception:  # noqa: BLE001 - (deleted meanwhile): the sheet reads it itself
                    continue
        return briefs
