"""Keeping the all-day dashboard current: the poll, the minute tick, stale scores, the daily copy.

- every ``POLL_SECONDS``: has another process (the CLI in another terminal) committed? Then
  the changed clients' rows and the header counts are re-read and posted as ``StoreChanged``
  (or, when clients were added or removed, the whole list is reloaded); triage, when shown,
  is read again too, even after a write that changed no client row (a follow-up added);
- every ``TICK_SECONDS``: "now" moves on, so relative times, decayed scores and the header
  clock and counts are redrawn (``MinutePassed``), and scores older than six hours are
  recomputed in the background;
- once, a minute in: the daily backup (last seven kept), so it never competes with start-up;
- at each poll, whether the store is still there: an SQLite file deleted or replaced behind
  the dashboard's back gets a notice that stays (saves are refused, callsheet.models.store.opening.still_there);
  a PostgreSQL server that went away is retried with back-off, and the list reloaded once it
  answers (its notifications were lost meanwhile).

Everything here runs in thread workers of the screen it serves and reports by message;
a failure reaches the app's one ``Worker.StateChanged`` handler like any other. What the
dashboard does with those messages is here too (``StaysCurrent``).
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from textual.message import Message

from callsheet.models.store.opening import StoreGone, still_there
from callsheet.models.store.watch import ChangeWatcher
from callsheet.tui.messages import ClientsAddedOrRemoved, CountsLoaded, Notice, StoreChanged
from callsheet.tui.widgets.header_bar import HeaderBar

if TYPE_CHECKING:
    from callsheet.tui.screens.dashboard.host import DashboardHost
else:  # the host is for the type checker: at run time the mixin's base stays object
    DashboardHost = object

POLL_SECONDS = 2.0
TICK_SECONDS = 60.0
#: how long after the minute turns the tick fires: a timer never fires early, but the clock
#: it is measured on may differ from the system's by a few milliseconds
TICK_MARGIN = 0.05
BACKUP_AFTER_SECONDS = 60.0
#: scores (and risk --json documents) are refreshed a little before the CLI stops trusting
#: them (callsheet.models.book.risk_cache.FRESH_FOR, six hours)
STALE_AFTER = timedelta(hours=5, minutes=50)
#: back-off between attempts to reach a server that went away (seconds)
RETRY_FIRST_S, RETRY_MAX_S = 1.0, 30.0
#: a notice that stays until the user dismisses it (Textual counts its timeout in seconds)
PERSISTENT = 24 * 3600.0


@dataclass
class MinutePassed(Message):
    """A minute went by: redraw what depends on "now"."""


def until_next_minute(now: float) -> float:
    """Seconds from ``now`` (epoch) until just after the next minute boundary."""
    return TICK_SECONDS - now % TICK_SECONDS + TICK_MARGIN


class StoreSync:
    """The timers and background jobs that keep ``screen`` in step with the store and the clock."""

    def __init__(self, screen: DashboardHost) -> None:
        self.screen = screen
        self._watcher: ChangeWatcher | None = None
        self._last_poll = time.time()
        self._stale_failed = False
        #: the SQLite file was deleted or replaced (said once, kept on screen)
        self._gone = False
        #: the server went away: when to try the LISTEN connection again, and the next wait
        self._lost = False
        self._retry_at = 0.0
        self._retry_delay = RETRY_FIRST_S
        #: when (epoch) the next minute tick is due: just after a minute turns
        self.next_tick_at = 0.0

    def watch(self) -> None:
        """Start noticing other processes' writes: call before the first read, so none is missed."""
        self._watcher = ChangeWatcher()
        self._last_poll = time.time()

    def start(self) -> None:
        screen = self.screen
        screen.set_interval(POLL_SECONDS, self.poll)
        self._schedule_tick()
        self.refresh_stale_scores()
        self._run(self._read_kept_phones, "kept-phones")
        screen.set_timer(BACKUP_AFTER_SECONDS, self.daily_backup)

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    def _run(self, job, group: str) -> None:
        self.screen.run_worker(job, thread=True, exclusive=True, group=group, exit_on_error=False)

    # -- other processes' writes -----------------------------------------------------------
    def poll(self) -> None:
        self._run(self._check_changes, "poll")

    def _check_changes(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries
        from callsheet.models.store.tables import Client

        if not self._store_still_there() or self._watcher is None:
            return
        try:
            any_change = self._watcher.changed()
        except Exception as error:  # noqa: BLE001 - the server closed the LISTEN connection
            self._lost_server(error)
            return
        if not any_change:
            return
        since = self._last_poll - 5
        self._last_poll = time.time()
        shown = getattr(self.screen, "client_count", None)
        if Client.select().count() != shown:
            self.screen.post_message(ClientsAddedOrRemoved())
            return
        since_dt = datetime.fromtimestamp(since, UTC)
        changed = [
            row[0]
            for row in Client.select(Client.id)
            .where((Client.updated_at >= since_dt) | (Client.risk_as_of >= since_dt))
            .tuples()
        ]
        now = self.screen.app.now()
        # a write that left every client row alone (a follow-up added or done, a payment)
        # still moves the header's counts and triage: posted with no rows to patch
        rows = queries.client_rows(now.date(), client_ids=changed) if changed else []
        self.screen.post_message(StoreChanged(rows, queries.triage_counts(now)))

    def _store_still_there(self) -> bool:
        """False (and a notice that stays until dismissed) once the SQLite file is gone;
        on PostgreSQL, the LISTEN connection is brought back after a server restart."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.db import is_sqlite

        if self._lost:
            self._try_reconnect()
            return False
        if self._gone:
            return False
        if not is_sqlite():  # (the server: the LISTEN connection's failure tells, below)
            return True
        try:
            still_there()
        except StoreGone as error:
            self._gone = True
            self.screen.post_message(
                Notice(
                    f"{str(error).removesuffix(': nothing saved')}. "
                    "Saves are refused from now on; what you type in a form stays there. "
                    "Quit and open the database again.",
                    severity="error",
                    timeout=PERSISTENT,
                )
            )
            return False
        return True

    def _lost_server(self, error: BaseException) -> None:
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        self._lost = True
        self._retry_delay = RETRY_FIRST_S
        #: when (epoch) the next minute tick is due: just after a minute turns
        self.next_tick_at = 0.0
        self._retry_at = time.monotonic() + self._retry_delay
        self.screen.post_message(
            Notice(
                "Server unreachable, retrying… The list is not kept current meanwhile; "
                "a save waits in its form until the server answers.",
                severity="warning",
                timeout=PERSISTENT,
            )
        )

    def _try_reconnect(self) -> None:
        if time.monotonic() < self._retry_at:
            return
        try:
            watcher = ChangeWatcher()
        except Exception:  # noqa: BLE001 - still down: wait longer (back-off)
            self._retry_delay = min(self._retry_delay * 2, RETRY_MAX_S)
            self._retry_at = time.monotonic() + self._retry_delay
            return
        self._watcher, self._lost = watcher, False
        self._last_poll = time.time()
        self.screen.post_message(Notice("Reconnected to the server.", severity="information"))
        # whatever was committed while we were away sent no notification: read it all again
        self.screen.post_message(ClientsAddedOrRemoved())

    # -- the clock -------------------------------------------------------------------------
    def _schedule_tick(self) -> None:
        """The next tick at the next minute boundary, not 60 s after the last: an interval
        from start-up would show 13:36 for up to a minute after the system reached 13:37."""
        now = time.time()
        delay = until_next_minute(now)
        self.next_tick_at = now + delay
        self.screen.set_timer(delay, self.tick)

    def tick(self) -> None:
        self._schedule_tick()
        self.screen.post_message(MinutePassed())
        self.refresh_stale_scores()
        if not gc.isenabled():  # the list never finished loading (an error was reported):
            self.screen.app.settle_heap()  # the collector must not stay off all day

    def refresh_stale_scores(self) -> None:
        self._run(self._refresh_stale_scores, "stale")

    def _refresh_stale_scores(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import scoring
        from callsheet.models.store.busy import is_busy

        try:
            scoring.refresh_stale(self.screen.app.now(), max_age=STALE_AFTER)
        except Exception as error:
            # Locked by another program: the next minute's tick tries again. Anything else
            # (a read-only file) is said once; the scores shown are the stored ones.
            if not is_busy(error) and not self._stale_failed:
                self._stale_failed = True
                self.screen.post_message(
                    Notice(f"Scores could not be refreshed: {error}", severity="warning")
                )

    # -- numbers kept as typed, read once a country is known --------------------------------
    def _read_kept_phones(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.kept_phones import has_kept, normalise_kept
        from callsheet.models.store.busy import is_busy
        from callsheet.models.values.text import counted

        region = self.screen.app.config.default_region
        if not region or not has_kept():
            return
        try:
            done = normalise_kept(region)
        except Exception as error:  # locked by another program: the next start tries again
            if not is_busy(error):
                self.screen.post_message(
                    Notice(f"Phone numbers kept as typed were not read: {error}", "warning")
                )
            return
        if done.read:
            numbers = counted(len(done.read), "phone number")
            self.screen.post_message(
                Notice(f"{numbers} kept as typed now read as numbers in {region}.")
            )
            self.screen.post_message(ClientsAddedOrRemoved())

    # -- the daily copy --------------------------------------------------------------------
    def daily_backup(self) -> None:
        self._run(self._daily_backup, "backup")

    def _daily_backup(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.backups import daily_backup
        from callsheet.models.store.db import database

        daily_backup(database.obj.database)


class StaysCurrent(DashboardHost):
    """The dashboard's side of the sync: what it does when the store or the clock moved.

    A mixin of DashboardScreen; its handlers go by name (``on_minute_passed``) because
    Textual collects ``@on`` handlers only from classes built by its own metaclass.
    """

    def on_store_changed(self, message: StoreChanged) -> None:
        self.client_list.patch(message.rows)
        self.pane.update_title()
        self._show_counts(CountsLoaded(message.counts))
        if self.pane.in_triage:  # triage is re-read too; its cursor stays on the same item
            self.load_attention()
        if self.selected_client_id in {row.id for row in message.rows}:
            self.load_selected(self.selected_client_id)

    def on_clients_added_or_removed(self, message: ClientsAddedOrRemoved) -> None:
        self.load_clients()

    def on_minute_passed(self, message: MinutePassed) -> None:
        self._set_now()
        self.client_list.refresh()
        self.log_view.refresh()
        self.pane.attention.refresh()
        if self._counts is not None:
            self.query_one(HeaderBar).show(self.app.now(), self._counts)  # the clock at once
        self.load_counts()  # and counts that moved with it (follow-ups fall due)

    def _epoch(self) -> float:
        return self.app.now().timestamp()

    def _set_now(self) -> None:
        now = self._epoch()
        for widget in (self.client_list, self.log_view, self.pane.attention):
            widget.now = now
