"""What the dashboard does about a client's records: the records screen, agreements, snooze,
search, undo of corrections, the fact sheet in $PAGER, the greeting to the clipboard.

A mixin of :class:`~callsheet.tui.screens.dashboard.DashboardScreen` (like ClientActions and
CaptureActions); the screens and forms themselves are in tui/screens/records.py,
record_forms.py and search.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import work

from callsheet.tui.screens.keys import keys_of

if TYPE_CHECKING:
    from callsheet.tui.screens.dashboard.host import DashboardHost
else:  # the host is for the type checker: at run time the mixin's base stays object
    DashboardHost = object

_key = keys_of("dashboard", show=False)

RECORD_BINDINGS = [
    _key(
        "r",
        "records",
        "Records",
        "Edit, delete, pay or snooze anything recorded about the client",
        show=True,
    ),
    _key("A", "agreement", "Agreement", "Add an agreement: scope, budget, dates"),
    _key("Z", "snooze", "Snooze", "Snooze the follow-up selected in triage"),
    _key("P", "page_fact_sheet", "Read fact sheet", "Read the fact sheet in $PAGER"),
    _key("y", "copy_greeting", "Copy greeting", "Copy the client's greeting to the clipboard"),
]


class RecordActions(DashboardHost):
    """Records, search and hand-offs, for the dashboard (see the module docstring)."""

    def action_records(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.records import RecordsScreen

        if selected := self._selected():
            self.app.push_screen(RecordsScreen(*selected), self._form_saved)

    def action_agreement(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.record_forms import AgreementForm

        if selected := self._selected():
            self.app.push_screen(AgreementForm(*selected), self._form_saved)

    def open_search(self, text: str) -> None:
        """``?words`` in the filter: the full-text search screen."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(text), self._search_closed)

    def _search_closed(self, hit) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.records import RecordsScreen

        self.pane.filter_input.value = ""
        self.pane.apply_filter("")
        if hit is None:
            self.client_list.focus()
            return
        self.select_client(hit.client_id)
        if hit.entry_id is not None:  # the entry itself, ready to read (v) or correct (e)
            self.app.push_screen(
                RecordsScreen(hit.client_id, hit.client_name, hit.entry_id), self._form_saved
            )

    def action_snooze(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.records import SnoozeScreen

        item = self.pane.attention.current if self.pane.in_triage else None
        if item is None or item.kind != "follow_up":
            self.notify("Select a follow-up in the triage view (t) first.", severity="warning")
            return

        def snoozed(until: datetime | None) -> None:
            if until:
                self.pane.attention.dealt_with(item)  # gone from today: the next is current
                self._snooze(item, until)

        self.app.push_screen(SnoozeScreen(), snoozed)

    @work(thread=True, group="write", exit_on_error=False)
    def _snooze(self, item, until) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.records import snooze_follow_up
        from callsheet.models.store.tables import FollowUp
        from callsheet.tui.screens.records import remember

        follow_up = FollowUp.get_or_none(FollowUp.id == item.ref)
        if follow_up is not None:
            changes: list = []
            if not self._patiently(lambda: changes.append(snooze_follow_up(follow_up, until))):
                return
            self.app.call_from_thread(remember, self.app, changes[-1])
        self._post_client_changed(item.client_id)
        self.app.call_from_thread(
            self.notify, f"Snoozed until {until.astimezone():%a %d %b %H:%M}", markup=False
        )

    def undo_record_change(self) -> None:
        """Undo the session's last correction or delete of a record, if any."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.records import undo_stack

        if not undo_stack(self.app):
            self.notify("Nothing to undo.", severity="warning")
            return
        self._undo_record_change()

    @work(thread=True, group="write", exit_on_error=False)
    def _undo_record_change(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.busy import DatabaseBusy, patiently
        from callsheet.models.values.validate import InputError
        from callsheet.tui.screens.records import undo_stack

        stack = undo_stack(self.app)
        if not stack:
            return
        change = stack.pop()
        try:
            patiently(lambda: change.undo(self.app.now()))
        except (InputError, DatabaseBusy) as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self._post_client_changed(change.client_id)
        self.app.call_from_thread(self.notify, f"Undone: {change.description}", markup=False)

    def action_page_fact_sheet(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.briefing.facts import fact_sheet
        from callsheet.tui.widgets.editor_text import show_in_pager

        if selected := self._selected():
            try:
                show_in_pager(self.app, fact_sheet(selected[0], self.app.now()))
            except Exception as error:  # noqa: BLE001 - headless, or no pager installed
                self.notify(f"Cannot open $PAGER: {error}", severity="error", markup=False)

    def action_copy_greeting(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.tables import Client
        from callsheet.models.values.greeting import greeting_for

        if selected := self._selected():
            client = Client.get_by_id(selected[0])
            greeting = greeting_for(client.language, client.salutation, client.name, self.app.now())
            self.app.copy_to_clipboard(greeting)
            self.notify(f"Copied: {greeting}", markup=False)
