"""The dashboard's actions on captured entries (models/capture): suggested signals
confirmed or dismissed, and mail captured on demand. A mixin of DashboardScreen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from callsheet.tui.messages import ClientsAddedOrRemoved, Notice
from callsheet.tui.screens.keys import keys_of

if TYPE_CHECKING:
    from callsheet.tui.screens.dashboard.host import DashboardHost
else:  # the host is for the type checker: at run time the mixin's base stays object
    DashboardHost = object

_key = keys_of("dashboard", show=False)

#: the dashboard's keys for captured entries (ids ``dashboard.*`` like the rest)
CAPTURE_BINDINGS = [
    _key(
        "v",
        "confirm_suggestions",
        "Confirm suggestions",
        "Confirm the suggested signals (?) of the log entry: they count from now on",
    ),
    _key(
        "V",
        "dismiss_suggestions",
        "Dismiss suggestions",
        "Dismiss the suggested signals (?) of the log entry for good",
    ),
    _key(
        "M",
        "capture_mail",
        "Capture mail",
        "Log mail with clients from mail_paths and [[sync.imap]] (callsheet mail)",
    ),
]


class CaptureActions(DashboardHost):
    """``v`` / ``V`` on suggestions, ``M`` to read mail now."""

    def action_confirm_suggestions(self) -> None:
        self._answer_suggestions(confirm=True)

    def action_dismiss_suggestions(self) -> None:
        self._answer_suggestions(confirm=False)

    def _answer_suggestions(self, confirm: bool) -> None:
        """The suggestion under the triage cursor; else the entry under the log cursor, else
        the newest one with suggestions."""
        if self.pane.in_triage:
            item = self.pane.attention.current
            if item is not None and item.kind == "suggestion" and item.ref:
                self._resolve_suggestions(item.ref, confirm)
                return
        row = self.log_view.current
        if row is None or not row.suggested:
            row = next((r for r in self.log_view.rows if r.suggested), None)
        if row is None:
            self.notify("Nothing suggested in this client's log.", severity="warning")
            return
        self._resolve_suggestions(row.id, confirm)

    @work(thread=True, group="write", exit_on_error=False)
    def _resolve_suggestions(self, interaction_id: int, confirm: bool) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.clients import resolve_suggestions
        from callsheet.models.store.tables import Interaction

        entry = Interaction.get_or_none(Interaction.id == interaction_id)
        if entry is None:
            return
        kinds = ", ".join(kind.replace("_", " ") for kind in entry.suggested_signals)
        if confirm:
            resolve_suggestions(entry, confirm=None)
        else:
            resolve_suggestions(entry, dismiss=None)
        self._post_client_changed(entry.client_id)
        self.post_message(Notice(f"{'Confirmed' if confirm else 'Dismissed'}: {kinds}"))

    def action_capture_mail(self) -> None:
        config = self.app.config
        if not config.mail_paths and not config.sync.get("imap"):
            self.notify(
                "Set mail_paths or [[sync.imap]] (and my_addresses) in config.toml first.",
                severity="warning",
            )
            return
        self.notify("Reading mail...")
        self._capture_mail(list(config.mail_paths), list(config.my_addresses))

    @work(thread=True, exclusive=True, group="capture", exit_on_error=False)
    def _capture_mail(self, paths: list[str], me: list[str]) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.capture.imap import capture_configured
        from callsheet.models.capture.mail import capture_mail

        missing = [p for p in paths if not Path(p).expanduser().exists()]
        if missing:
            self.post_message(Notice(f"mail_paths: {missing[0]} does not exist", "error"))
            return
        added = messages = unreadable = 0
        failed: list[str] = []
        if paths:
            report = capture_mail(paths, me)
            added, messages, unreadable = len(report.added), report.messages, len(report.broken)
        # each [[sync.imap]] folder; one that fails is named, the others still run
        for _url, outcome in capture_configured(self.app.config.sync.get("imap", []), me):
            if isinstance(outcome, Exception):
                failed.append(str(outcome))
            else:
                added += len(outcome.added)
                messages += outcome.messages
                unreadable += len(outcome.broken)
        self.post_message(ClientsAddedOrRemoved())
        message = f"Mail: {added:,} new log entries from {messages:,} messages"
        if unreadable:
            message += f"; {unreadable} unreadable"
        if failed:
            message += f"; {len(failed)} IMAP folder not read: {failed[0]}"
        self.post_message(Notice(message, "error" if failed else "information"))
