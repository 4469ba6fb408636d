"""Correcting what was recorded: one client's records, their edit forms, snooze and undo.

``RecordsScreen`` (``r`` on the dashboard) lists a client's follow-ups, agreements,
invoices with their payments, time entries and newest log entries; every record can be
edited (``e``), deleted (``x``) and the last change undone (``u``), follow-ups snoozed
(``z``) or done (``c``), invoices paid in part (``p``) or disputed (``!``), agreements
closed (``c``) or added (``A``). Changes go through :mod:`models.records` in thread
workers; each returns a ``Change`` kept on the session's undo stack
(:func:`undo_stack`), which the dashboard's ``u`` also reads.

Multi-line fields (a summary, a scope) are ``TextArea`` widgets: ``ctrl+e`` hands the text
to ``$EDITOR`` and takes back what was saved; ``v`` shows a long entry in ``$PAGER``.

(Over 450 lines on purpose: the records screen and its edit forms for six record kinds, which
share one save, undo and refresh path.)
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from datetime import date
from functools import partial
from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Select, Static, TextArea

from models.entities import AGREEMENT_STATUSES, CHANNELS, DIRECTIONS, TONES
from models.records import RecordLine
from models.text import printable
from models.validate import InputError
from tui.screens.forms import Field, FormScreen, Saved, SignalPicker
from tui.widgets.row_list import RowList

CSS = Path(__file__).resolve().parent.parent / "styles" / "records.tcss"

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


def external_command(variable: str, fallback: str) -> list[str]:
    """The user's $PAGER / $EDITOR as an argument list (they may carry options: "less -R")."""
    return shlex.split(os.environ.get(variable) or fallback)


def edit_in_editor(app, text: str) -> str | None:
    """Hand ``text`` to $EDITOR in a private temporary file; return what was saved, or None."""
    fd, path = tempfile.mkstemp(prefix="callsheet-", suffix=".txt")  # 0600 by mkstemp
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        with app.suspend():
            result = subprocess.run([*external_command("EDITOR", "vi"), path], check=False)
        if result.returncode != 0:
            return None
        with open(path, encoding="utf-8") as handle:
            return handle.read().rstrip("\n")
    finally:
        os.unlink(path)


def show_in_pager(app, text: str) -> None:
    """Show ``text`` in $PAGER (less by default) with the dashboard suspended."""
    with app.suspend():
        subprocess.run(external_command("PAGER", "less"), input=text.encode("utf-8"), check=False)


class EditorTextArea(TextArea):
    """A multi-line field; ``ctrl+e`` edits its text in $EDITOR."""

    BINDINGS = [
        Binding(
            "ctrl+e",
            "external_edit",
            "Edit in $EDITOR",
            id="text_area.external_edit",
            tooltip="Edit this text in your $EDITOR",
        )
    ]

    @property
    def value(self) -> str:
        return self.text

    def action_external_edit(self) -> None:
        try:
            edited = edit_in_editor(self.app, self.text)
        except Exception as error:  # noqa: BLE001 - no terminal to suspend, no editor found
            self.notify(f"Cannot open $EDITOR: {error}", severity="error", markup=False)
            return
        if edited is not None:
            self.text = edited


class ScreenActions(Provider):
    """The command palette on this module's screens: every action of the screen shown."""

    def _actions(self):
        screen = self.screen
        seen = set()
        for binding in screen.BINDINGS:
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

_KIND_LABEL = {
    "follow_up": ("follow-up", "#e5c07b"),
    "agreement": ("agreement", "#61afef"),
    "invoice": ("invoice", "#98c379"),
    "payment": ("payment", "#98c379"),
    "time": ("time", "#abb2bf"),
    "entry": ("log", "#c678dd"),
}


class RecordList(RowList[RecordLine]):
    """One line per record: its kind in colour, then its text exactly as typed."""

    def row_segments(self, row: RecordLine, width: int) -> list[Segment]:
        label, colour = _KIND_LABEL[row.kind]
        return [
            Segment(f" {label:<10} ", Style(color=colour, bold=True)),
            Segment(printable(row.text)),
        ]


class RecordsScreen(Screen[Saved | None]):
    """Everything recorded about one client, to correct, complete or delete."""

    CSS_PATH = CSS
    COMMANDS = {ScreenActions}

    BINDINGS = [
        Binding("escape", "close", "Back", id="records.close", tooltip="Back to the dashboard"),
        Binding("e,enter", "edit", "Edit", id="records.edit", tooltip="Edit the record"),
        Binding("x,delete", "delete", "Delete", id="records.delete", tooltip="Delete (u undoes)"),
        Binding("u", "undo", "Undo", id="records.undo", tooltip="Undo the last change"),
        Binding("z", "snooze", "Snooze", id="records.snooze", tooltip="Snooze a follow-up"),
        Binding(
            "c",
            "complete",
            "Done/close",
            id="records.complete",
            tooltip="Mark a follow-up done, close an agreement",
        ),
        Binding("p", "pay", "Pay", id="records.pay", tooltip="Record a payment, in full or part"),
        Binding(
            "exclamation_mark",
            "dispute",
            "Dispute",
            id="records.dispute",
            tooltip="Mark an invoice disputed, or not",
        ),
        Binding("A", "add_agreement", "Agreement", id="records.agreement", tooltip="Add one"),
        Binding("v", "view", "View", id="records.view", tooltip="Read the record in $PAGER"),
        Binding(
            "C",
            "cadence",
            "Cadence",
            id="records.cadence",
            tooltip="Stay in touch every N days",
        ),
        Binding("question_mark", "help", "Help", id="records.help", tooltip="Every key"),
    ]

    def __init__(self, client_id: int, client_name: str, entry_id: int | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_name = client_name
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
        from models.records import client_records

        lines = client_records(self.client_id, also_entry=self.entry_id)
        self.app.call_from_thread(self._show, lines, keep)

    def _show(self, lines: list[RecordLine], keep) -> None:
        current = self.record_list.current
        keep = keep or ((current.kind, current.id) if current else None)
        self.record_list.set_rows(lines, keep=keep, key=lambda r: (r.kind, r.id))
        self.app.mark("records")

    def _current(self, *kinds: str) -> RecordLine | None:
        row = self.record_list.current
        if row is None or (kinds and row.kind not in kinds):
            names = " or ".join(_KIND_LABEL[k][0] for k in kinds) if kinds else "record"
            self.notify(f"Select a {names} first.", severity="warning")
            return None
        return row

    # -- running a change ------------------------------------------------------------------
    @work(thread=True, group="records-write")
    def run_change(self, change_of, done: str) -> None:
        """Run ``change_of()`` (returns a models.records.Change), remember it, reload."""
        from models.busy import DatabaseBusy, patiently

        try:
            change = patiently(change_of)  # waits out another program's write, then gives up
        except (InputError, LookupError, DatabaseBusy) as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._changed, change, done)

    def _changed(self, change, done: str) -> None:
        if change is not None:
            remember(self.app, change)
        self.changed = True
        self.notify(done, timeout=4, markup=False)
        self.load()

    def _form_closed(self, saved) -> None:
        if saved is not None:
            self._changed(getattr(saved, "change", None), saved.what)

    # -- actions ---------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(Saved(self.client_id, "Records updated") if self.changed else None)

    def action_edit(self) -> None:
        if not (row := self._current()):
            return
        form = {
            "entry": EntryForm,
            "invoice": InvoiceEditForm,
            "follow_up": FollowUpEditForm,
            "agreement": AgreementForm,
            "time": TimeEditForm,
        }.get(row.kind)
        if form is None:
            self.notify("A payment is corrected by deleting it and paying again.")
            return
        self.app.push_screen(form(self.client_id, self.client_name, row.id), self._form_closed)

    def action_delete(self) -> None:
        if not (row := self._current()):
            return
        from models import records

        getter, deleter = {
            "entry": (records.get_interaction, records.delete_interaction),
            "invoice": (records.get_invoice, records.delete_invoice),
            "payment": (records.get_payment, records.delete_payment),
            "follow_up": (records.get_follow_up, records.delete_follow_up),
            "agreement": (records.get_agreement, records.delete_agreement),
            "time": (records.get_time_entry, records.delete_time_entry),
        }[row.kind]
        label = _KIND_LABEL[row.kind][0]
        self.run_change(lambda: deleter(getter(row.id)), f"Deleted the {label}. u undoes it.")

    def action_undo(self) -> None:
        stack = undo_stack(self.app)
        if not stack:
            self.notify("Nothing to undo.", severity="warning")
            return
        change = stack.pop()
        self.run_change(
            lambda: change.undo(self.app.now()) and None, f"Undone: {change.description}"
        )

    def action_snooze(self) -> None:
        if not (row := self._current("follow_up")):
            return

        def snoozed(until) -> None:
            if until is not None:
                from models import records

                self.run_change(
                    lambda: records.snooze_follow_up(records.get_follow_up(row.id), until),
                    f"Snoozed until {until.astimezone():%a %d %b %H:%M}",
                )

        self.app.push_screen(SnoozeScreen(), snoozed)

    def action_complete(self) -> None:
        if not (row := self._current("follow_up", "agreement")):
            return
        from models import records

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
                PaymentPartForm(self.client_id, self.client_name, row.id), self._form_closed
            )

    def action_dispute(self) -> None:
        if not (row := self._current("invoice")):
            return
        from models import records

        def toggle():
            invoice = records.get_invoice(row.id)
            return records.edit_invoice(invoice, disputed=not invoice.disputed, now=self.app.now())

        self.run_change(toggle, "Dispute flag changed.")

    def action_add_agreement(self) -> None:
        self.app.push_screen(AgreementForm(self.client_id, self.client_name), self._form_closed)

    def action_cadence(self) -> None:
        self.app.push_screen(CadenceForm(self.client_id, self.client_name), self._form_closed)

    def action_help(self) -> None:
        from tui.screens.dialogs import HelpScreen

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

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="snooze.cancel", tooltip="Keep the due date"),
        Binding("t", "choose('tomorrow')", "Tomorrow", id="snooze.tomorrow", tooltip="09:00"),
        Binding("w", "choose('next week')", "Next week", id="snooze.week", tooltip="Monday"),
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
        from models.records import snooze_until
        from models.when import WhenError

        try:
            self.dismiss(snooze_until(text, self.app.now()))
        except WhenError as error:
            self.query_one("#form-error", Static).update(Text(str(error)))


# -- the forms --------------------------------------------------------------------------


class RecordForm(FormScreen):
    """A form about one record of a client; ``save()`` returns ``Saved`` with a ``change``."""

    AUTO_FOCUS = ".form-body Input, .form-body TextArea, .form-body Select"
    CSS_PATH = CSS

    def __init__(self, client_id: int, client_name: str, record_id: int | None = None) -> None:
        super().__init__()
        self.client_id, self.client_name, self.record_id = client_id, client_name, record_id

    def value(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}", Field).widget
        if isinstance(widget, TextArea):
            return widget.text
        return super().value(name)

    def saved(self, what: str, change) -> Saved:
        result = Saved(self.client_id, what)
        result.change = change  # type: ignore[attr-defined]
        return result


def _natural_day(text: str, field: str, now, required: bool = False) -> date | None:
    from models.records import natural_date
    from models.when import WhenError

    if not text.strip():
        if required:
            raise InputError(field, "a date is needed")
        return None
    try:
        return natural_date(text, now)
    except WhenError as error:
        raise InputError(field, str(error)) from None


def _natural_moment(text: str, field: str, now, prefer: str):
    from models.records import natural_moment
    from models.when import WhenError

    if not text.strip():
        raise InputError(field, "a date is needed")
    try:
        return natural_moment(text, now, prefer=prefer)
    except WhenError as error:
        raise InputError(field, str(error)) from None


def _moment_text(moment) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


class EntryForm(RecordForm):
    """Correct a log entry: text, channel, direction, tone, moment, minutes and signals."""

    def form_title(self) -> str:
        return f"Correct a log entry of {self.client_name}"

    def fields(self) -> ComposeResult:
        from models.records import get_interaction

        entry = get_interaction(self.record_id)
        self._signals = [s.kind for s in entry.signals]
        yield Field(
            "What happened (ctrl+e: $EDITOR)",
            EditorTextArea(entry.summary, id="summary", soft_wrap=True),
            "summary",
        )
        with Horizontal(classes="row"):
            yield Field(
                "Channel",
                Select([(c, c) for c in CHANNELS], value=entry.channel, allow_blank=False),
                "channel",
            )
            yield Field(
                "Direction",
                Select([(d, d) for d in DIRECTIONS], value=entry.direction, allow_blank=False),
                "direction",
            )
            yield Field(
                "Tone",
                Select([(t, t) for t in TONES], prompt="—", value=entry.tone or Select.NULL),
                "tone",
            )
        with Horizontal(classes="row"):
            yield Field("When", Input(_moment_text(entry.occurred_at)), "when")
            yield Field("Minutes", Input(str(entry.duration_min or "")), "minutes")
        yield Field("Signals (focus, then press a key)", SignalPicker(id="signals"), "signals")

    def on_mount(self) -> None:
        self.query_one(SignalPicker).chosen = list(self._signals)
        self.query_one(SignalPicker)._draw()

    def save(self) -> Saved:
        from models import records

        now = self.app.now()
        change = records.edit_interaction(
            records.get_interaction(self.record_id),
            summary=self.value("summary"),
            channel=self.value("channel"),
            direction=self.value("direction"),
            tone=self.value("tone") or None,
            minutes=self.value("minutes"),
            at=_natural_moment(self.value("when"), "when", now, "past"),
            signals=list(self.query_one(SignalPicker).chosen),
            now=now,
        )
        return self.saved("Log entry corrected. u undoes it.", change)


class InvoiceEditForm(RecordForm):
    def form_title(self) -> str:
        return f"Correct an invoice of {self.client_name}"

    def fields(self) -> ComposeResult:
        from models.records import get_invoice
        from models.text import money_text

        invoice = get_invoice(self.record_id)
        with Horizontal(classes="row"):
            yield Field("Number", Input(invoice.number, id="number"), "number")
            yield Field(
                "Amount", Input(money_text(invoice.amount_cents).replace(",", "")), "amount"
            )
            yield Field("Currency", Input(invoice.currency), "currency")
        with Horizontal(classes="row"):
            yield Field("Issued", Input(str(invoice.issued)), "issued")
            yield Field("Due", Input(str(invoice.due or "")), "due")
            yield Field(
                "Disputed",
                Select(
                    [("no", "no"), ("yes", "yes")],
                    value="yes" if invoice.disputed else "no",
                    allow_blank=False,
                ),
                "disputed",
            )

    def save(self) -> Saved:
        from models import records

        now = self.app.now()
        change = records.edit_invoice(
            records.get_invoice(self.record_id),
            number=self.value("number"),
            amount=self.value("amount"),
            currency=self.value("currency"),
            issued=_natural_day(self.value("issued"), "issued", now, required=True),
            due=_natural_day(self.value("due"), "due", now),
            disputed=self.value("disputed") == "yes",
            now=now,
        )
        return self.saved(f"Invoice {self.value('number')} corrected. u undoes it.", change)


class PaymentPartForm(RecordForm):
    """Record a payment of an invoice: all that remains by default, or a part."""

    def form_title(self) -> str:
        return f"Payment from {self.client_name}"

    def fields(self) -> ComposeResult:
        from models.records import get_invoice, remaining_cents
        from models.text import money_text

        invoice = get_invoice(self.record_id)
        remaining = remaining_cents(invoice)
        yield Static(
            Text(f"Invoice {invoice.number}: {money_text(remaining)} {invoice.currency} owed")
        )
        with Horizontal(classes="row"):
            yield Field("Amount", Input(money_text(remaining).replace(",", "")), "amount")
            yield Field("Paid on", Input("today"), "on")
        yield Field("Note", Input(""), "note")

    def save(self) -> Saved:
        from models import records

        now = self.app.now()
        _payment, change = records.add_payment(
            records.get_invoice(self.record_id),
            amount=self.value("amount"),
            paid_on=_natural_day(self.value("on"), "on", now, required=True),
            note=self.value("note"),
            now=now,
        )
        return self.saved("Payment recorded. u undoes it.", change)


class FollowUpEditForm(RecordForm):
    def form_title(self) -> str:
        return f"Change a follow-up with {self.client_name}"

    def fields(self) -> ComposeResult:
        from models.records import get_follow_up

        follow_up = get_follow_up(self.record_id)
        yield Field("What to do", Input(follow_up.text, id="text"), "text")
        yield Field(
            "Due (tomorrow 10:00, next monday, vineri, w piątek)",
            Input(_moment_text(follow_up.due_at)),
            "due",
        )

    def save(self) -> Saved:
        from models import records

        change = records.edit_follow_up(
            records.get_follow_up(self.record_id),
            text=self.value("text"),
            due_at=_natural_moment(self.value("due"), "due", self.app.now(), "future"),
        )
        return self.saved("Follow-up changed. u undoes it.", change)


class AgreementForm(RecordForm):
    """Create an agreement (no ``record_id``) or correct one: scope, budget, dates, status."""

    def form_title(self) -> str:
        verb = "Correct an agreement" if self.record_id else "New agreement"
        return f"{verb} with {self.client_name}"

    def fields(self) -> ComposeResult:
        from models.records import get_agreement
        from models.text import money_text

        a = get_agreement(self.record_id) if self.record_id else None
        yield Field("Title", Input(a.title if a else "", id="title"), "title")
        yield Field(
            "Scope: what is included (ctrl+e: $EDITOR)",
            EditorTextArea(a.scope if a else "", id="scope", soft_wrap=True),
            "scope",
        )
        with Horizontal(classes="row"):
            budget = money_text(a.budget_cents).replace(",", "") if a and a.budget_cents else ""
            yield Field("Budget", Input(budget, placeholder="8000"), "budget")
            yield Field(
                "Currency", Input(a.currency if a else self.app.config.currency), "currency"
            )
            yield Field(
                "Status",
                Select(
                    [(s, s) for s in AGREEMENT_STATUSES],
                    value=a.status if a else "active",
                    allow_blank=False,
                ),
                "status",
            )
        with Horizontal(classes="row"):
            yield Field("Start", Input(str(a.start or "") if a else ""), "start")
            yield Field("End", Input(str(a.end or "") if a else ""), "end")

    def save(self) -> Saved:
        from models import records
        from models.clients import add_agreement
        from models.entities import Agreement, Client

        now = self.app.now()
        values = dict(
            scope=self.value("scope"),
            budget=self.value("budget"),
            currency=self.value("currency"),
            start=_natural_day(self.value("start"), "start", now),
            end=_natural_day(self.value("end"), "end", now),
            status=self.value("status"),
        )
        if self.record_id:
            change = records.edit_agreement(
                records.get_agreement(self.record_id), title=self.value("title"), **values
            )
            return self.saved("Agreement corrected. u undoes it.", change)
        title = self.value("title").strip()
        if Agreement.get_or_none((Agreement.client == self.client_id) & (Agreement.title == title)):
            raise InputError("title", f"this client already has an agreement {title!r}")
        agreement = add_agreement(
            Client.get_by_id(self.client_id),
            title=title,
            default_currency=self.app.config.currency,
            **values,
        )
        change = records.Change(
            f"added agreement {title!r}", self.client_id, created=[(Agreement, agreement.id)]
        )
        return self.saved(f"Agreement {title!r} added.", change)


class TimeEditForm(RecordForm):
    def form_title(self) -> str:
        return f"Correct time spent for {self.client_name}"

    def fields(self) -> ComposeResult:
        from models.records import get_time_entry

        entry = get_time_entry(self.record_id)
        with Horizontal(classes="row"):
            yield Field("Started", Input(_moment_text(entry.started_at)), "start")
            yield Field("Minutes", Input(str(entry.minutes), id="minutes"), "minutes")
        yield Field("Note", Input(entry.note), "note")

    def save(self) -> Saved:
        from models import records

        change = records.edit_time_entry(
            records.get_time_entry(self.record_id),
            started_at=_natural_moment(self.value("start"), "start", self.app.now(), "past"),
            minutes=self.value("minutes"),
            note=self.value("note"),
        )
        return self.saved("Time entry corrected. u undoes it.", change)


class CadenceForm(RecordForm):
    def form_title(self) -> str:
        return f"Stay in touch with {self.client_name}"

    def fields(self) -> ComposeResult:
        from models.entities import Client

        days = Client.get_by_id(self.client_id).cadence_days
        yield Field(
            "Every how many days? (empty: no cadence)",
            Input(str(days or ""), id="cadence", placeholder="30"),
            "cadence",
        )

    def save(self) -> Saved:
        from models import records
        from models.entities import Client

        change = records.set_cadence(Client.get_by_id(self.client_id), self.value("cadence"))
        return self.saved("Cadence saved.", change)
