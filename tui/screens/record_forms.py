"""The record forms: correct a log entry, an invoice, a follow-up, an agreement or time spent,
pay an invoice in part, set the cadence (opened from the records screen, tui/screens/records.py).

Each ``save()`` goes through :mod:`models.records` and returns ``Saved`` with the ``change``
the records screen keeps on the session's undo stack.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static, TextArea

from models.entities import AGREEMENT_STATUSES, CHANNELS, DIRECTIONS, TONES
from models.validate import InputError
from tui.screens.forms import AboutClientForm, Field, Saved, SignalPicker
from tui.widgets.editor_text import EditorTextArea

#: the records screen, the search results and these forms
CSS = Path(__file__).resolve().parent.parent / "styles" / "records.tcss"


class RecordForm(AboutClientForm):
    """A form about one record of a client; ``save()`` returns ``Saved`` with a ``change``."""

    AUTO_FOCUS = ".form-body Input, .form-body TextArea, .form-body Select"
    CSS_PATH = CSS

    def __init__(self, client_id: int, client_name: str, record_id: int | None = None) -> None:
        super().__init__(client_id, client_name)
        self.record_id = record_id

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

    HEADING = "Correct a log entry of {name}"

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
    HEADING = "Correct an invoice of {name}"

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

    HEADING = "Payment from {name}"

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
    HEADING = "Change a follow-up with {name}"

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
    HEADING = "Correct time spent for {name}"

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
    HEADING = "Stay in touch with {name}"

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
