"""The record forms: correct a log entry, an invoice, a follow-up, an agreement or time spent,
pay an invoice in part, set the cadence (opened from the records screen, tui/screens/records.py).

Each ``save()`` goes through :mod:`callsheet.models.book.records` and returns ``Saved`` with the ``change``
the records screen keeps on the session's undo stack. How each kind of record is read,
corrected and deleted is one table, ``KINDS``; a correction form adds only how the record
fills its fields (``fill()``) and how they are read back (``edits()``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Literal, overload

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static, TextArea

from callsheet.models.book import records
from callsheet.models.book.clients import add_agreement
from callsheet.models.store.tables import Agreement, Client
from callsheet.models.values.terms import AGREEMENT_STATUSES, CHANNELS, DIRECTIONS, TONES
from callsheet.models.values.text import money_text
from callsheet.models.values.validate import InputError
from callsheet.models.values.when import WhenError
from callsheet.tui.screens.form_screen import AboutClientForm, Saved, options
from callsheet.tui.widgets.editor_text import EditorTextArea
from callsheet.tui.widgets.field import Field
from callsheet.tui.widgets.signal_picker import SignalPicker

#: the records screen, the search results and these forms
CSS = Path(__file__).resolve().parent.parent / "styles" / "records.tcss"

#: kind of record -> how one is read, corrected and deleted (callsheet.models.book.records)
KINDS: dict[str, tuple[Callable, Callable | None, Callable]] = {
    "entry": (records.get_interaction, records.edit_interaction, records.delete_interaction),
    "invoice": (records.get_invoice, records.edit_invoice, records.delete_invoice),
    "payment": (records.get_payment, None, records.delete_payment),
    "follow_up": (records.get_follow_up, records.edit_follow_up, records.delete_follow_up),
    "agreement": (records.get_agreement, records.edit_agreement, records.delete_agreement),
    "time": (records.get_time_entry, records.edit_time_entry, records.delete_time_entry),
}
#: kind -> the correction form's title, and what is said once it is saved ("{number}": a
#: value saved)
_SAID = {
    "entry": ("Correct a log entry of {name}", "Log entry corrected."),
    "invoice": ("Correct an invoice of {name}", "Invoice {number} corrected."),
    "follow_up": ("Change a follow-up with {name}", "Follow-up changed."),
    "time": ("Correct time spent for {name}", "Time entry corrected."),
}


class RecordForm(AboutClientForm):
    """A form about one record of a client; ``save()`` returns ``Saved`` with a ``change``."""

    AUTO_FOCUS = ".form-body Input, .form-body TextArea, .form-body Select"
    CSS_PATH = CSS
    #: the kind of record (a key of ``KINDS``)
    KIND = ""

    def __init__(self, client_id: int, client_name: str, record_id: int | None = None) -> None:
        super().__init__(client_id, client_name)
        self.record_id = record_id

    def record(self):
        return KINDS[self.KIND][0](self.record_id)

    def value(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}", Field).widget
        if isinstance(widget, TextArea):
            return widget.text
        return super().value(name)

    def saved(self, what: str, change) -> Saved:
        result = Saved(self.client_id, what)
        result.change = change  # type: ignore[attr-defined]
        return result


class CorrectionForm(RecordForm):
    """Correct a record: ``fill()`` shows it in fields, ``edits()`` reads them back."""

    def form_title(self) -> str:
        return _SAID[self.KIND][0].format(name=self.client_name)

    def fields(self) -> ComposeResult:
        yield from self.fill(self.record())

    def fill(self, record) -> ComposeResult:
        raise NotImplementedError

    def edits(self) -> dict:
        """The keyword arguments of the kind's edit function, read from the fields."""
        raise NotImplementedError

    def save(self) -> Saved:
        edit = KINDS[self.KIND][1]
        assert edit is not None
        values = self.edits()
        change = edit(self.record(), **values)
        return self.saved(f"{_SAID[self.KIND][1].format(**values)} u undoes it.", change)


@overload
def _natural_day(text: str, field: str, now, *, required: Literal[True]) -> date: ...
@overload
def _natural_day(text: str, field: str, now, required: bool = False) -> date | None: ...
def _natural_day(text: str, field: str, now, required: bool = False) -> date | None:
    if not text.strip():
        if required:
            raise InputError(field, "a date is needed")
        return None
    try:
        return records.natural_date(text, now)
    except WhenError as error:
        raise InputError(field, str(error)) from None


def _natural_moment(text: str, field: str, now, prefer: str):
    if not text.strip():
        raise InputError(field, "a date is needed")
    try:
        return records.natural_moment(text, now, prefer=prefer)
    except WhenError as error:
        raise InputError(field, str(error)) from None


def _moment_text(moment) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


class EntryForm(CorrectionForm):
    """Correct a log entry: text, channel, direction, tone, moment, minutes and signals."""

    KIND = "entry"

    def fill(self, entry) -> ComposeResult:
        yield Field(
            "What happened (ctrl+e: $EDITOR)",
            EditorTextArea(entry.summary, id="summary", soft_wrap=True),
            "summary",
        )
        with Horizontal(classes="row"):
            yield Field(
                "Channel",
                Select(options(CHANNELS), value=entry.channel, allow_blank=False),
                "channel",
            )
            yield Field(
                "Direction",
                Select(options(DIRECTIONS), value=entry.direction, allow_blank=False),
                "direction",
            )
            yield Field(
                "Tone",
                Select(options(TONES), prompt="—", value=entry.tone or Select.NULL),
                "tone",
            )
        with Horizontal(classes="row"):
            yield Field("When", Input(_moment_text(entry.occurred_at)), "when")
            yield Field("Minutes", Input(str(entry.duration_min or "")), "minutes")
        yield Field(
            "Signals (focus, then press a key)",
            SignalPicker([s.kind for s in entry.signals], id="signals"),
            "signals",
        )

    def edits(self) -> dict:
        now = self.app.now()
        return self.values("summary", "channel", "direction") | dict(
            tone=self.value("tone") or None,
            minutes=self.value("minutes"),
            at=_natural_moment(self.value("when"), "when", now, "past"),
            signals=list(self.query_one(SignalPicker).chosen),
            now=now,
        )


class InvoiceEditForm(CorrectionForm):
    KIND = "invoice"

    def fill(self, invoice) -> ComposeResult:
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

    def edits(self) -> dict:
        now = self.app.now()
        return self.values("number", "amount", "currency") | dict(
            issued=_natural_day(self.value("issued"), "issued", now, required=True),
            due=_natural_day(self.value("due"), "due", now),
            disputed=self.value("disputed") == "yes",
            now=now,
        )


class PaymentPartForm(RecordForm):
    """Record a payment of an invoice: all that remains by default, or a part."""

    HEADING = "Payment from {name}"
    KIND = "invoice"

    def fields(self) -> ComposeResult:
        invoice = self.record()
        remaining = records.remaining_cents(invoice)
        yield Static(
            Text(f"Invoice {invoice.number}: {money_text(remaining)} {invoice.currency} owed")
        )
        with Horizontal(classes="row"):
            yield Field("Amount", Input(money_text(remaining).replace(",", "")), "amount")
            yield Field("Paid on", Input("today"), "on")
        yield Field("Note", Input(""), "note")

    def save(self) -> Saved:
        now = self.app.now()
        _payment, change = records.add_payment(
            self.record(),
            amount=self.value("amount"),
            paid_on=_natural_day(self.value("on"), "on", now, required=True),
            note=self.value("note"),
            now=now,
        )
        return self.saved("Payment recorded. u undoes it.", change)


class FollowUpEditForm(CorrectionForm):
    KIND = "follow_up"

    def fill(self, follow_up) -> ComposeResult:
        yield Field("What to do", Input(follow_up.text, id="text"), "text")
        yield Field(
            "Due (tomorrow 10:00, next monday, vineri, w piątek)",
            Input(_moment_text(follow_up.due_at)),
            "due",
        )

    def edits(self) -> dict:
        due_at = _natural_moment(self.value("due"), "due", self.app.now(), "future")
        return dict(text=self.value("text"), due_at=due_at)


class AgreementForm(RecordForm):
    """Create an agreement (no ``record_id``) or correct one: scope, budget, dates, status."""

    def form_title(self) -> str:
        verb = "Correct an agreement" if self.record_id else "New agreement"
        return f"{verb} with {self.client_name}"

    KIND = "agreement"

    def fields(self) -> ComposeResult:
        a = self.record() if self.record_id else None
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
                    options(AGREEMENT_STATUSES),
                    value=a.status if a else "active",
                    allow_blank=False,
                ),
                "status",
            )
        with Horizontal(classes="row"):
            yield Field("Start", Input(str(a.start or "") if a else ""), "start")
            yield Field("End", Input(str(a.end or "") if a else ""), "end")

    def save(self) -> Saved:
        now = self.app.now()
        values: dict[str, Any] = self.values("scope", "budget", "currency", "status") | dict(
            start=_natural_day(self.value("start"), "start", now),
            end=_natural_day(self.value("end"), "end", now),
        )
        if self.record_id:
            change = records.edit_agreement(self.record(), title=self.value("title"), **values)
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


class TimeEditForm(CorrectionForm):
    KIND = "time"

    def fill(self, entry) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Field("Started", Input(_moment_text(entry.started_at)), "start")
            yield Field("Minutes", Input(str(entry.minutes), id="minutes"), "minutes")
        yield Field("Note", Input(entry.note), "note")

    def edits(self) -> dict:
        started_at = _natural_moment(self.value("start"), "start", self.app.now(), "past")
        return self.values("minutes", "note") | dict(started_at=started_at)


class CadenceForm(RecordForm):
    HEADING = "Stay in touch with {name}"

    def fields(self) -> ComposeResult:
        days = Client.get_by_id(self.client_id).cadence_days
        yield Field(
            "Every how many days? (empty: no cadence)",
            Input(str(days or ""), id="cadence", placeholder="30"),
            "cadence",
        )

    def save(self) -> Saved:
        change = records.set_cadence(Client.get_by_id(self.client_id), self.value("cadence"))
        return self.saved("Cadence saved.", change)


#: kind -> the form that corrects a record of it (a payment is deleted and paid again)
EDIT_FORMS = {
    form.KIND: form
    for form in (EntryForm, InvoiceEditForm, FollowUpEditForm, AgreementForm, TimeEditForm)
}
