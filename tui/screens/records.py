"""Correcting what was recorded: one client's records, snooze and undo.

``RecordsScreen`` (``r`` on the dashboard) lists a client's follow-ups, agreements,
invoices with their payments, time entries and newest log entries; every record can be
edited (``e``), deleted (``x``) and the last change undone (``u``), follow-ups snoozed
(``z``) or done (``c``), invoices paid in part (``p``) or disputed (``!``), agreements
closed (``c``) or added (``A``). Changes go through :mod:`callsheet.models.book.records` in thread
workers; each returns a ``Change`` kept on the session's undo stack
(:func:`undo_stack`), which the dashboard's ``u`` also reads.

The edit forms are tui/screens/record_forms.py; ``v`` shows a long entry in ``$PAGER``
(tui/widgets/editor_text.py).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, TypeVar, cast

from rich.segment import Segment
from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from callsheet.models.book.records import RecordLine, client_records, snooze_until
from callsheet.models.values.text import printable
from callsheet.models.values.validate import InputError
from callsheet.tui.screens import record_forms
from callsheet.tui.screens.form_screen import AboutClient, Saved
from callsheet.tui.screens.keys import keys_of
from callsheet.tui.screens.record_forms import CSS
from callsheet.tui.widgets.editor_text import show_in_pager
from callsheet.tui.widgets.row_list import RowList

if TYPE_CHECKING:
    from textual.binding import Binding

    from callsheet.tui.app import CallsheetApp

_key = keys_of("records")
_snooze_key = keys_of("snooze")

#: How many changes ``u`` can take back in one session.
UNDO_DEPTH = 30


def undo_stack(app) -> list:
    """The session's changes that can be undone, newest last (shared by every screen)."""
    stack = getattr(app, "_record_changes", None)
    if stack is None:
        stack = app._record_changes = []
    return stack


def remember(app, change) -> None:
    stack = undo_stack(app)
    stack.append(change)
    del stack[:-UNDO_DEPTH]


class ScreenActions(Provider):
    """The command palette on this module's screens: every action of the screen shown."""

    def _actions(self):
        screen = self.screen
        seen = set()
        # every binding of these screens is a Binding (made by keys_of), none a bare tuple
        for binding in cast("list[Binding]", screen.BINDINGS):
            if binding.action in seen:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.app.get_key_display(binding)
            title = f"{binding.description} ({key})"
            yield title, binding.tooltip or binding.description, binding.action

    async def discover(self) -> Hits:
        for title, help_text, action in self._actions():
            yield DiscoveryHit(title, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._actions():
            if (score := matcher.match(title)) > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.screen.run_action, action),
                    help=help_text,
                )


# -- the list ---------------------------------------------------------------------------

#: kind -> the word shown; its colour is the component class ``record--<kind>`` (records.tcss)
_KIND_LABEL = {
    "follow_up": "follow-up",
    "agreement": "agreement",
    "invoice": "invoice",
    "payment": "payment",
    "time": "time",
    "entry": "log",
}


#: kind -> what a message calls one record of it
_KIND_SAID = {
    "follow_up": "the follow-up",
    "agreement": "the agreement",
    "invoice": "invoice",
    "payment": "the payment",
    "time": "the time entry",
    "entry": "the log entry",
}
#: the table a change's first row is in -> the kind of record it lists as
_KIND_OF_TABLE = {
    "FollowUp": "follow_up",
    "Agreement": "agreement",
    "Invoice": "invoice",
    "Payment": "payment",
    "TimeEntry": "time",
    "Interaction": "entry",
}
#: how much of a record's text a message quotes
SAID_WIDTH = 60


def said_of(row: RecordLine) -> str:
    """One record named in a message: its kind and its text, cut to ``SAID_WIDTH``
    ('the log entry “2026-11-20 14:30 call in: Wants a discount”')."""
    text = " ".join(printable(row.text).split()).removeprefix("↳ ")
    if len(text) > SAID_WIDTH:
        text = text[: SAID_WIDTH - 1].rstrip() + "…"
    return f"{_KIND_SAID[row.kind]} “{text}”"


def restored_by(change) -> tuple[str, int] | None:
    """The record an undo of ``change`` brings back (kind, id): its first row as it was."""
    for model, values in getattr(change, "before", []):
        kind = _KIND_OF_TABLE.get(model.__name__)
        if kind is not None and "id" in values:
            return kind, values["id"]
    return None


class RecordList(RowList[RecordLine]):
    """One line per record: its kind in colour, then its text exactly as typed."""

    COMPONENT_CLASSES = RowList.COMPONENT_CLASSES | {f"record--{kind}" for kind in _KIND_LABEL}

    def row_segments(self, row: RecordLine, width: int) -> list[Segment]:
        style = self.get_component_rich_style(f"record--{row.kind}", partial=True)
        return [Segment(f" {_KIND_LABEL[row.kind]:<10} ", style), Segment(printable(row.text))]


Result = TypeVar("Result")


class PaletteScreen(Screen[Result]):
    """A full screen over the dashboard whose command palette offers its own actions."""

    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    CSS_PATH = CSS
    COMMANDS = {ScreenActions}


class RecordsScreen(AboutClient, PaletteScreen[Saved | None]):
    """Everything recorded about one client, to correct, complete or delete."""

    BINDINGS = [
        _key("escape", "close", "Back", "Back to the dashboard"),
        _key("e,enter", "edit", "Edit", "Edit the record"),
        _key("x,delete", "delete", "Delete", "Delete (u undoes)"),
        _key("u", "undo", "Undo", "Undo the last change"),
        _key("z", "snooze", "Snooze", "Snooze a follow-up"),
        _key("c", "complete", "Done/close", "Mark a follow-up done, close an agreement"),
        _key("p", "pay", "Pay", "Record a payment, in full or part"),
        _key("exclamation_mark", "dispute", "Dispute", "Mark an invoice disputed, or not"),
        _key("A", "add_agreement", "Agreement", "Add one", name="agreement"),
        _key("v", "view", "View", "Read the record in $PAGER"),
        _key("C", "cadence", "Cadence", "Stay in touch every N days"),
        _key("question_mark", "help", "Help", "Every key"),
    ]

    def __init__(self, client_id: int, client_name: str, entry_id: int | None = None) -> None:
        super().__init__(client_id, client_name)
        #: a log entry to put the cursor on (a search hit), listed even if it is old
        self.entry_id = entry_id
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="records"):
            yield Static(Text(f"Records of {self.client_name}", style="bold"), id="records-title")
            yield RecordList(id="record-list")
        yield Footer()

    @property
    def record_list(self) -> RecordList:
        return self.query_one(RecordList)

    def on_mount(self) -> None:
        self.record_list.empty_text = "Nothing recorded yet."
        self.record_list.focus()
        self.load(("entry", self.entry_id) if self.entry_id else None)

    @work(thread=True, exclusive=True, group="records-load")
    def load(self, keep: tuple[str, int] | None = None) -> None:
        lines = client_records(self.client_id, also_entry=self.entry_id)
        self.app.call_from_thread(self._show, lines, keep)

    def _show(self, lines: list[RecordLine], keep) -> None:
        records = self.record_list
        current = records.current
        keep = keep or ((current.kind, current.id) if current else None)
        if any((line.kind, line.id) == keep for line in lines):
            records.set_rows(lines, keep=keep, key=lambda r: (r.kind, r.id))
        else:  # the record went (deleted): the cursor stays where it was, on the next one
            records.set_rows(lines)
        self.app.mark("records")

    def _current(self, *kinds: str) -> RecordLine | None:
        row = self.record_list.current
        if row is None or (kinds and row.kind not in kinds):
            names = " or ".join(_KIND_LABEL[k] for k in kinds) if kinds else "record"
            self.notify(f"Select a {names} first.", severity="warning")
            return None
        return row

    # -- running a change ------------------------------------------------------------------
    @work(thread=True, group="records-write")
    def run_change(self, change_of, done: str, keep: tuple[str, int] | None = None) -> None:
        """Run ``change_of()`` (returns a callsheet.models.book.records.Change), remember it, reload."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.busy import DatabaseBusy, patiently

        try:
            change = patiently(change_of)  # waits out another program's write, then gives up
        except (InputError, LookupError, DatabaseBusy) as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._changed, change, done, keep)

    def _changed(self, change, done: str, keep: tuple[str, int] | None = None) -> None:
        if change is not None:
            remember(self.app, change)
        self.changed = True
        self.notify(done, timeout=4, markup=False)
        self.load(keep)

    def _form_closed(self, saved) -> None:
        if saved is not None:
            self._changed(getattr(saved, "change", None), saved.what)

    # -- actions ---------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(Saved(self.client_id, "Records updated") if self.changed else None)

    def action_edit(self) -> None:
        if not (row := self._current()):
            return
        form = record_forms.EDIT_FORMS.get(row.kind)
        if form is None:
            self.notify("A payment is corrected by deleting it and paying again.")
            return
        self.app.push_screen(form(self.client_id, self.client_name, row.id), self._form_closed)

    def action_delete(self) -> None:
        if not (row := self._current()):
            return
        getter, _edit, deleter = record_forms.KINDS[row.kind]
        self.run_change(lambda: deleter(getter(row.id)), f"Deleted {said_of(row)}. u undoes it.")

    def action_undo(self) -> None:
        stack = undo_stack(self.app)
        if not stack:
            self.notify("Nothing to undo.", severity="warning")
            return
        change = stack.pop()
        # the cursor goes to the record the undo brings back (a delete's, a correction's)
        self.run_change(
            lambda: change.undo(self.app.now()) and None,
            f"Undone: {change.description}",
            keep=restored_by(change),
        )

    def action_snooze(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import records

        if not (row := self._current("follow_up")):
            return

        def snoozed(until) -> None:
            if until is not None:
                self.run_change(
                    lambda: records.snooze_follow_up(records.get_follow_up(row.id), until),
                    f"Snoozed until {until.astimezone():%a %d %b %H:%M}",
                )

        self.app.push_screen(SnoozeScreen(), snoozed)

    def action_complete(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import records

        if not (row := self._current("follow_up", "agreement")):
            return
        if row.kind == "agreement":
            self.run_change(
                lambda: records.close_agreement(records.get_agreement(row.id)),
                "Agreement closed as done.",
            )
            return
        now = self.app.now()

        def toggle():
            follow_up = records.get_follow_up(row.id)
            return records.edit_follow_up(follow_up, done_at=None if follow_up.done_at else now)

        self.run_change(toggle, "Follow-up done (or reopened).")

    def action_pay(self) -> None:
        if row := self._current("invoice"):
            self.app.push_screen(
                record_forms.PaymentPartForm(self.client_id, self.client_name, row.id),
                self._form_closed,
            )

    def action_dispute(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import records

        if not (row := self._current("invoice")):
            return

        def toggle():
            invoice = records.get_invoice(row.id)
            return records.edit_invoice(invoice, disputed=not invoice.disputed, now=self.app.now())

        self.run_change(toggle, "Dispute flag changed.")

    def action_add_agreement(self) -> None:
        self.app.push_screen(
            record_forms.AgreementForm(self.client_id, self.client_name), self._form_closed
        )

    def action_cadence(self) -> None:
        self.app.push_screen(
            record_forms.CadenceForm(self.client_id, self.client_name), self._form_closed
        )

    def action_help(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.dialogs import HelpScreen

        self.app.push_screen(HelpScreen(self.app.key_help(self)))

    def action_view(self) -> None:
        if not (row := self._current()):
            return
        try:
            show_in_pager(self.app, row.full or row.text)
        except Exception as error:  # noqa: BLE001 - headless, or no pager installed
            self.notify(f"Cannot open $PAGER: {error}", severity="error", markup=False)


class SnoozeScreen(ModalScreen):
    """When a follow-up should come back: ``t`` tomorrow, ``w`` next week, or a typed date."""

    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    BINDINGS = [
        _snooze_key("escape", "cancel", "Cancel", "Keep the due date"),
        _snooze_key("t", "choose('tomorrow')", "Tomorrow", "09:00", name="tomorrow"),
        _snooze_key("w", "choose('next week')", "Next week", "Monday", name="week"),
    ]
    AUTO_FOCUS = ""
    CSS_PATH = CSS

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(Text("Snooze until…", style="bold"), classes="form-title")
            yield Static("t  tomorrow 09:00     w  next Monday 09:00     or type a date:")
            yield Input(placeholder="vineri, w piątek, в пятницу, 2026-12-01 10:00", id="until")
            yield Static("", id="form-error", classes="field-error")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_choose(self, word: str) -> None:
        # While the date field has focus it takes t and w as letters (it handles keys first).
        self._resolve(word)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._resolve(event.value)

    def _resolve(self, text: str) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.values.validate import InputError

        try:
            self.dismiss(snooze_until(text, self.app.now(), field="until"))
        except InputError as error:
            self.query_one("#form-error", Static).update(Text(str(error)))
