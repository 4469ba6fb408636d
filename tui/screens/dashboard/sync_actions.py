"""``S``: run the syncs ``[sync]`` in config.toml sets up (models/capture/sync_jobs.py) now,
in a worker, with progress in the header; and again every ``every_minutes`` while the
dashboard is open. A mixin of DashboardScreen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from callsheet.tui.messages import ClientsAddedOrRemoved, Notice
from callsheet.tui.screens.keys import keys_of
from callsheet.tui.widgets.header_bar import HeaderBar

if TYPE_CHECKING:
    from callsheet.tui.screens.dashboard.host import DashboardHost
else:  # the host is for the type checker: at run time the mixin's base stays object
    DashboardHost = object

_key = keys_of("dashboard", show=False)

#: the dashboard's key for syncing (id ``dashboard.sync_now``)
SYNC_BINDINGS = [
    _key(
        "S",
        "sync_now",
        "Sync now",
        "Sync now what [sync] in config.toml names: contacts with their vdir",
    ),
]


class SyncActions(DashboardHost):
    """``S`` and the timer of ``every_minutes``."""

    def start_sync_timer(self) -> None:
        minutes = self.app.config.sync_every_minutes
        if minutes:
            self.set_interval(minutes * 60.0, lambda: self._sync_jobs(quiet=True), name="sync")

    def action_sync_now(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.capture.sync_jobs import configured_jobs

        if not configured_jobs(self.app.config):
            self.notify(
                "Nothing to sync: set contacts, calendar or [[sync.imap]] in [sync] of config.toml first.",
                severity="warning",
            )
            return
        self._sync_jobs(quiet=False)

    def show_sync_progress(self, text: str) -> None:
        self.query_one(HeaderBar).show_status(text)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_jobs(self, quiet: bool) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.capture.sync_jobs import configured_jobs

        changed = False
        for job, target in configured_jobs(self.app.config):

            def progress(done: int, total: int, name: str = job.name) -> None:
                self.app.call_from_thread(
                    self.show_sync_progress, f"syncing {name} {done:,}/{total:,}"
                )

            self.app.call_from_thread(self.show_sync_progress, f"syncing {job.name}…")
            try:
                result = job.run(self.app.config, target, progress)
            except Exception as error:  # noqa: BLE001 - one line for the user, the next job runs
                self.post_message(Notice(f"Sync {job.name}: {error}", "error", 10.0))
                continue
            finally:
                self.app.call_from_thread(self.show_sync_progress, "")
            changed = changed or result.changed
            if not quiet or result.changed or result.conflicts:
                if result.conflicts:
                    self.post_message(Notice(result.summary, "warning", 8.0))
                else:
                    self.post_message(Notice(result.summary, "information", 8.0))
        if changed:
            self.post_message(ClientsAddedOrRemoved())
