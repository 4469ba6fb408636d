"""The record forms: correct a log entry, an invoice, a follow-up, an agreement or time spent,
pay an invoice in part, set the cadence (opened from the records screen, tui/screens/records.py).

Each ``save()`` goes through :mod:`callsheet.models.book.records` and returns ``Saved`` with the ``change``
the records screen keeps on the session's undo stack. How each kind of record is read,
corrected and deleted is one table, ``KINDS``; a correction form adds only how the record
fills its fields (``shown()`` and ``fill()``) and how they are read back (``edits()``).
A correction saves only the fields the user changed, on the version of the record the form
was opened on (form_screen.py: reload or overwrite when it changed meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static

from callsheet.models.book import records
from callsheet.models.values.dates import read_date, read_moment
from callsheet.models.values.terms import AGREEMENT_STATUSES, CHANNELS, DIRECTIONS, TONES
from callsheet.models.values.validate import InputError
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


#: an edit function's argument -> the field it is read from, where the names differ
_FIELD_OF = {"at": "when", "due_at": "due", "started_at": "start"}


class RecordForm(AboutClientForm):
    """A form about one record of a client; ``save()`` returns ``Saved`` with a ``change``."""

    FIRST_FIELD = ".form-body Input, .form-body TextArea, .form-body Select"
    CSS_PATH = CSS
    #: the kind of record (a key of ``KINDS``)
    KIND = ""

    def __init__(self, client_id: int, client_name: str, record_id: int | None = None) -> None:
        super().__init__(client_id, client_name)
        self.record_id = record_id

    def record(self):
        return KINDS[self.KIND][0](self.record_id)

    def load(self):
        if not self.record_id:
            return None
        try:
            return self.record()
        except records.RecordNotFound:
            return None

    def only_changed(self, values: dict) -> dict:
        """The edit's arguments whose field the user changed (and ``now``): a field left
        alone keeps what another window wrote meanwhile."""
        return {
            name: value
            for name, value in values.items()
            if name == "now" or self.changed(_FIELD_OF.get(name, name))
        }

    def saved(self, what: str, change) -> Saved:
        result = Saved(self.client_id, what)
        result.change = change  # type: ignore[attr-defined]
        return result


class CorrectionForm(RecordForm):
    """Correct a record: ``fill()`` shows it in fields, ``edits()`` reads them back."""

    def form_title(self) -> str:
        return _SAID[self.KIND][0].format(name=self.client_name)

    def fields(self) -> ComposeResult:
        yield from self.fill(self.remember(self.record()), self.record())

    def fill(self, shown: dict, record) -> ComposeResult:
        """The fields showing ``shown`` (this form's :meth:`shown` of ``record``)."""
        raise NotImplementedError

    def edits(self) -> dict:
        """The keyword arguments of the kind's edit function, read from the fields."""
        raise NotImplementedError

    def save(self) -> Saved:
        edit = KINDS[self.KIND][1]
        assert edit is not None
        values = self.edits()
        change = edit(self.record(), version=self.edit_version(), **self.only_changed(values))
        return self.saved(f"{_SAID[self.KIND][1].format(**values)} u undoes it.", change)


def _moment_text(moment) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment else ""


class EntryForm(CorrectionForm):
    """Correct a log entry: text, channel, direction, tone, moment, minutes and signals."""

    KIND = "entry"

    def shown(self, entry) -> dict[str, object]:
        return {
            "summary": entry.summary,
            "channel": entry.channel,
            "direction": entry.direction,
            "tone": entry.tone or "",
            "when": _moment_text(entry.occurred_at),
            "minutes": str(entry.duration_min or ""),
            "signals": tuple(sorted(s.kind for s in entry.signals)),
        }

    def fill(self, shown: dict, entry) -> ComposeResult:
        yield Field(
            "What happened (ctrl+e: $EDITOR)",
            EditorTextArea(shown["summary"], id="summary", soft_wrap=True),
            "summary",
        )
        with Horizontal(classes="row"):
            yield Field(
                "Channel",
                Select(options(CHANNELS), value=shown["channel"], allow_blank=False),
                "channel",
            )
            yield Field(
                "Direction",
                Select(options(DIRECTIONS), value=shown["direction"], allow_blank=False),
                "direction",
            )
            yield Field(
                "Tone",
                Select(options(TONES), prompt="—", value=shown["tone"] or Select.NULL),
                "tone",
            )
        with Horizontal(classes="row"):
            yield Field("When", Input(shown["when"]), "when")
            yield Field("Minutes", Input(shown["minutes"]), "minutes")
        yield Field(
            "Signals (focus, then press a key)",
            SignalPicker(list(shown["signals"]), id="signals"),
            "signals",
        )

    def edits(self) -> dict:
        now = self.app.now()
        return self.values("summary", "channel", "direction") | dict(
            tone=self.value("tone") or None,
            minutes=self.value("minutes"),
            at=read_moment(self.value("when"), "when", now, prefer="past", happened=True),
            signals=list(self.query_one(SignalPicker).chosen),
            now=now,
        )


class InvoiceEditForm(CorrectionForm):
    KIND = "invoice"

    def shown(self, invoice) -> dict[str, object]:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.values.text import money_text

        return {
            "number": invoice.number,
            "amount": money_text(invoice.amount_cents).replace(",", ""),
            "currency": invoice.currency,
            "issued": str(invoice.issued),
            "due": str(invoice.due or ""),
            "disputed": "yes" if invoice.disputed else "no",
        }

    def fill(self, shown: dict, invoice) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Field("Number", Input(shown["number"], id="number"), "number")
            yield Field("Amount", Input(shown["amount"]), "amount")
            yield Field("Currency", Input(shown["currency"]), "currency")
        with Horizontal(classes="row"):
            yield Field("Issued", Input(shown["issued"]), "issued")
            yield Field("Due", Input(shown["due"]), "due")
            yield Field(
                "Disputed",
                Select([("no", "no"), ("yes", "yes")], value=shown["disputed"], allow_blank=False),
                "disputed",
            )

    def edits(self) -> dict:
        now = self.app.now()
        return self.values("number", "amount", "currency") | dict(
            issued=read_date(self.value("issued"), "issued", now, prefer="past", required=True),
            due=read_date(self.value("due"), "due", now),
            disputed=self.value("disputed") == "yes",
            now=now,
        )


class PaymentPartForm(RecordForm):
    """Record a payment of an invoice: all that remains by default, or a part."""

    HEADING = "Payment from {name}"
    KIND = "invoice"

    def fields(self) -> ComposeResult:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.values.text import money_text

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
            paid_on=read_date(self.value("on"), "on", now, prefer="past", required=True),
            note=self.value("note"),
            now=now,
        )
        return self.saved("Payment recorded. u undoes it.", change)


class FollowUpEditForm(CorrectionForm):
    KIND = "follow_up"

    def shown(self, follow_up) -> dict[str, object]:
        return {"text": follow_up.text, "due": _moment_text(follow_up.due_at)}

    def fill(self, shown: dict, follow_up) -> ComposeResult:
        yield Field("What to do", Input(shown["text"], id="text"), "text")
        yield Field(
            "Due (tomorrow 10:00, next monday, vineri, w piątek)", Input(shown["due"]), "due"
        )

    def edits(self) -> dict:
        due_at = read_moment(self.value("due"), "due", self.app.now(), prefer="future")
        return dict(text=self.value("text"), due_at=due_at)


class AgreementForm(RecordForm):
    """Create an agreement (no ``record_id``) or correct one: scope, budget, dates, status."""

    def form_title(self) -> str:
        verb = "Correct an agreement" if self.record_id else "New agreement"
        return f"{verb} with {self.client_name}"

    KIND = "agreement"

    def shown(self, a) -> dict[str, object]:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.values.text import money_text

        return {
            "title": a.title,
            "scope": a.scope,
            "budget": money_text(a.budget_cents).replace(",", "") if a.budget_cents else "",
            "currency": a.currency,
            "status": a.status,
            "start": str(a.start or ""),
            "end": str(a.end or ""),
        }

    def fields(self) -> ComposeResult:
        shown = self.remember(self.record() if self.record_id else None) or {
            "title": "",
            "scope": "",
            "budget": "",
            "currency": self.app.config.currency,
            "status": "active",
            "start": "",
            "end": "",
        }
        yield Field("Title", Input(str(shown["title"]), id="title"), "title")
        yield Field(
            "Scope: what is included (ctrl+e: $EDITOR)",
            EditorTextArea(str(shown["scope"]), id="scope", soft_wrap=True),
            "scope",
        )
        with Horizontal(classes="row"):
            yield Field("Budget", Input(str(shown["budget"]), placeholder="8000"), "budget")
            yield Field("Currency", Input(str(shown["currency"])), "currency")
            yield Field(
                "Status",
                Select(options(AGREEMENT_STATUSES), value=shown["status"], allow_blank=False),
                "status",
            )
        with Horizontal(classes="row"):
            yield Field("Start", Input(str(shown["start"])), "start")
            yield Field("End", Input(str(shown["end"])), "end")

    def save(self) -> Saved:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.clients import add_agreement
        from callsheet.models.store.tables import Agreement, Client

        now = self.app.now()
        values: dict[str, Any] = self.values("scope", "budget", "currency", "status") | dict(
            start=read_date(self.value("start"), "start", now),
            end=read_date(self.value("end"), "end", now),
        )
        if self.record_id:
            change = records.edit_agreement(
                self.record(),
                version=self.edit_version(),
                **self.only_changed(values | {"title": self.value("title")}),
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


class TimeEditForm(CorrectionForm):
    KIND = "time"

    def shown(self, entry) -> dict[str, object]:
        return {
            "start": _moment_text(entry.started_at),
            "minutes": str(entry.minutes),
            "note": entry.note,
        }

    def fill(self, shown: dict, entry) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Field("Started", Input(shown["start"]), "start")
            yield Field("Minutes", Input(shown["minutes"], id="minutes"), "minutes")
        yield Field("Note", Input(shown["note"]), "note")

    def edits(self) -> dict:
        started_at = read_moment(self.value("start"), "start", self.app.now(), prefer="past")
        return self.values("minutes", "note") | dict(started_at=started_at)


class CadenceForm(RecordForm):
    HEADING = "Stay in touch with {name}"

    def fields(self) -> ComposeResult:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.tables import Client

        days = Client.get_by_id(self.client_id).cadence_days
        yield Field(
            "Every how many days? (empty: no cadence)",
            Input(str(days or ""), id="cadence", placeholder="30"),
            "cadence",
        )

    def save(self) -> Saved:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.tables import Client

        change = records.set_cadence(Client.get_by_id(self.client_id), self.value("cadence"))
        return self.saved("Cadence saved.", change)


#: kind -> the form that corrects a record of it (a payment is deleted and paid again)
EDIT_FORMS = {
    form.KIND: form
    for form in (EntryForm, InvoiceEditForm, FollowUpEditForm, AgreementForm, TimeEditForm)
}
