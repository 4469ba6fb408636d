"""The dashboard's forms: a client, a log entry, a follow-up, an invoice, a payment, time spent.

Each is a :class:`~callsheet.tui.screens.form_screen.FormScreen` (one save path, busy retry, errors
under their field); the record forms of the records screen are in record_forms.py, the
field widget and the signal picker in tui/widgets/.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select

from callsheet.models.values.dates import read_date, read_moment
from callsheet.models.values.phones import example_hint
from callsheet.models.values.terms import CHANNELS, DIRECTIONS, STATUSES, TONES
from callsheet.models.values.validate import InputError
from callsheet.tui.screens.form_screen import AboutClientForm, FormScreen, Saved, options
from callsheet.tui.widgets.field import Field
from callsheet.tui.widgets.signal_picker import SignalPicker

# --- clients -------------------------------------------------------------------------------


class ClientForm(FormScreen):
    """Add a client, or edit one (``client_id``)."""

    def __init__(
        self, client_id: int | None = None, phone: str = "", region: str | None = None
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.phone = phone
        self.phone_region = region
        self.client = None

    def form_title(self) -> str:
        return "Edit client" if self.client_id else "New client"

    def load(self):
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.tables import Client

        return Client.get_or_none(Client.id == self.client_id) if self.client_id else None

    def shown(self, client) -> dict[str, object]:
        # derived columns (last contact, stored risk) are not fields: never written from here
        return {
            "name": client.name,
            "salutation": client.salutation,
            "language": client.language,
            "company": client.company,
            "status": client.status,
            "phone": ", ".join(p.raw for p in client.phones),
            "email": ", ".join(e.address for e in client.emails),
            "tags": ", ".join(client.tags),
            "rapport": client.rapport,
            "notes": client.notes,
        }

    def fields(self) -> ComposeResult:
        client = self.client = self.load()
        shown = self.remember(client) or {
            "name": "",
            "salutation": "",
            "language": "",
            "company": "",
            "status": "prospect",
            "phone": self.phone,
            "email": "",
            "tags": "",
            "rapport": "",
            "notes": "",
        }
        yield Field("Name", Input(str(shown["name"]), id="name"), "name")
        with Horizontal(classes="row"):
            yield Field(
                "Greeting (salutation)",
                Input(str(shown["salutation"]), placeholder="e.g. dl. Ionescu"),
                "salutation",
            )
            yield Field(
                "Language", Input(str(shown["language"]), placeholder="e.g. ro"), "language"
            )
        yield Field("Company", Input(str(shown["company"])), "company")
        yield Field(
            "Status",
            Select(options(STATUSES), value=str(shown["status"]), allow_blank=False),
            "status",
        )
        yield Field(
            "Phones (comma-separated)",
            Input(str(shown["phone"]), placeholder=example_hint(self.phone_region)),
            "phone",
        )
        yield Field("E-mails (comma-separated)", Input(str(shown["email"])), "email")
        yield Field("Tags (comma-separated)", Input(str(shown["tags"])), "tags")
        yield Field("What works with this person", Input(str(shown["rapport"])), "rapport")
        yield Field("Notes", Input(str(shown["notes"])), "notes")

    def save(self) -> Saved:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import clients as ops

        split = lambda text: [part.strip() for part in text.split(",") if part.strip()]  # noqa: E731
        values: dict[str, Any] = dict(
            name=self.value("name"),
            salutation=self.value("salutation"),
            language=self.value("language"),
            company=self.value("company"),
            status=self.value("status"),
            tags=split(self.value("tags")),
            rapport=self.value("rapport"),
            notes=self.value("notes"),
        )
        phones, emails = split(self.value("phone")), split(self.value("email"))
        if self.client is None:
            client = ops.add_client(
                phones=phones, emails=emails, region=self.phone_region, **values
            )
            return Saved(client.id, f"Added {client.name}", added=True)
        # only what the user changed: a field left alone keeps what another window wrote
        changed = {name: value for name, value in values.items() if self.changed(name)}
        if changed or self.changed("phone") or self.changed("email"):
            ops.update_client(
                self.client,
                phones=phones if self.changed("phone") else None,
                emails=emails if self.changed("email") else None,
                region=self.phone_region,
                version=self.edit_version(),
                **changed,
            )
        return Saved(self.client.id, f"Saved {self.client.name}")


# --- the log -------------------------------------------------------------------------------


class InteractionForm(AboutClientForm):
    """Log a call, email, meeting, message or note (defaults: now, call, in)."""

    HEADING = "Log an interaction with {name}"

    def __init__(
        self, client_id: int, client_name: str, *, prefill: dict[str, str] | None = None
    ) -> None:
        super().__init__(client_id, client_name)
        #: fields filled in before the user types (a call that just ended: its minutes)
        self.prefill = prefill or {}

    def fields(self) -> ComposeResult:
        given = self.prefill.get
        yield Field(
            "What happened",
            Input(
                given("summary", ""),
                id="summary",
                placeholder="e.g. wants a mobile version in the same budget",
            ),
            "summary",
        )
        with Horizontal(classes="row"):
            yield Field(
                "Channel",
                Select(options(CHANNELS), value=given("channel", "call"), allow_blank=False),
                "channel",
            )
            yield Field(
                "Direction",
                Select(options(DIRECTIONS), value=given("direction", "in"), allow_blank=False),
                "direction",
            )
            yield Field("Tone", Select(options(TONES), prompt="—"), "tone")
        with Horizontal(classes="row"):
            yield Field(
                "When",
                Input(given("when", "now"), placeholder="now, yesterday 14:30, 2026-11-22T10:00"),
                "when",
            )
            yield Field(
                "Minutes (optional)",
                Input(given("minutes", ""), placeholder="empty: not recorded"),
                "minutes",
            )
        yield Field(
            "Signals (focus here, then press a key to toggle)",
            SignalPicker(id="signals"),
            "signals",
        )

    def save(self) -> Saved:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import clients as ops
        from callsheet.models.store.tables import Client

        now = self.app.now()
        at = read_moment(
            self.value("when"), "when", now, prefer="past", required=False, happened=True
        )
        client = Client.get_by_id(self.client_id)
        signals = tuple(self.query_one(SignalPicker).chosen)
        ops.log_interaction(
            client,
            channel=self.value("channel"),
            direction=self.value("direction"),
            summary=self.value("summary"),
            at=at,
            minutes=self.value("minutes"),
            tone=self.value("tone") or None,
            signals=signals,
            now=now,
        )
        return Saved(client.id, f"Logged {self.value('channel')} with {client.name}", signals)


class FollowUpForm(AboutClientForm):
    HEADING = "Follow-up with {name}"

    def fields(self) -> ComposeResult:
        yield Field(
            "What to do", Input(id="text", placeholder="e.g. call back about the proposal"), "text"
        )
        yield Field("Due", Input("tomorrow 10:00"), "due")

    def save(self) -> Saved:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import clients as ops
        from callsheet.models.store.tables import Client

        due = read_moment(self.value("due"), "due", self.app.now(), prefer="future")
        client = Client.get_by_id(self.client_id)
        ops.add_follow_up(client, due, self.value("text"))
        return Saved(client.id, f"Follow-up added for {client.name}")


class InvoiceForm(AboutClientForm):
    HEADING = "Invoice for {name}"

    def __init__(self, client_id: int, client_name: str, currency: str = "EUR") -> None:
        super().__init__(client_id, client_name)
        self.currency = currency

    def fields(self) -> ComposeResult:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.values.when import to_zone

        today = to_zone(self.app.now()).date()
        with Horizontal(classes="row"):
            yield Field(
                "Number", Input(id="number", placeholder=f"e.g. {today.year}-001"), "number"
            )
            yield Field("Amount", Input("", placeholder="e.g. 1200.50"), "amount")
            yield Field("Currency", Input(self.currency), "currency")
        with Horizontal(classes="row"):
            yield Field("Issued", Input(today.isoformat()), "issued")
            yield Field("Due", Input((today + timedelta(days=14)).isoformat()), "due")
            yield Field("Paid on (empty: unpaid)", Input(""), "paid")

    def save(self) -> Saved:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import clients as ops
        from callsheet.models.store.tables import Client

        now = self.app.now()
        client = Client.get_by_id(self.client_id)
        ops.add_invoice(
            client,
            number=self.value("number"),
            amount=self.value("amount"),
            currency=self.value("currency"),
            issued=read_date(self.value("issued"), "issued", now, prefer="past", required=True),
            due=read_date(self.value("due"), "due", now),
            paid=read_date(self.value("paid"), "paid", now, prefer="past"),
            default_currency=self.currency,
            now=now,
        )
        return Saved(client.id, f"Invoice {self.value('number')} recorded")


class PaymentForm(AboutClientForm):
    """Record a payment on one of the client's unpaid invoices: the only one is chosen
    already, the amount starts at what is still owed on it, and a smaller amount is a part
    payment (the invoice stays unpaid for the rest)."""

    HEADING = "Payment from {name}"

    def fields(self) -> ComposeResult:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.records import remaining_cents
        from callsheet.models.store.tables import Invoice
        from callsheet.models.values.text import money_text
        from callsheet.models.values.when import day_text, to_zone

        unpaid = (
            Invoice.select()
            .where((Invoice.client == self.client_id) & Invoice.paid.is_null())
            .order_by(Invoice.due)
        )
        #: invoice id -> what is still owed on it, as the amount field shows it
        self.owed: dict[str, str] = {}
        options = []
        for i in unpaid:
            remaining = remaining_cents(i)
            self.owed[str(i.id)] = money_text(remaining).replace(",", "")
            part = f" of {money_text(i.amount_cents)}" if remaining != i.amount_cents else ""
            options.append(
                (
                    f"{i.number}: {money_text(remaining)}{part} {i.currency} owed"
                    + (f", due {day_text(i.due, self.app.now())}" if i.due else ""),
                    str(i.id),
                )
            )
        only = options[0][1] if len(options) == 1 else Select.NULL
        yield Field(
            "Invoice",
            Select(
                options,
                prompt="no unpaid invoices" if not options else "choose",
                value=only,
                id="invoice",
            ),
            "invoice",
        )
        with Horizontal(classes="row"):
            yield Field(
                "Amount (less: a part payment)",
                Input(self.owed.get(str(only), ""), placeholder="what was paid", id="amount"),
                "amount",
            )
            yield Field("Paid on", Input(to_zone(self.app.now()).date().isoformat()), "paid")

    def on_select_changed(self, event: Select.Changed) -> None:
        """Another invoice chosen: the amount shows what is owed on it."""
        if event.select.id == "invoice" and event.value is not Select.NULL:
            self.query_one("#amount", Input).value = self.owed.get(str(event.value), "")

    def save(self) -> Saved:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.records import add_payment
        from callsheet.models.store.tables import Invoice
        from callsheet.models.values.when import to_zone

        if not self.value("invoice"):
            raise InputError("invoice", "choose the invoice that was paid")
        if not self.value("amount").strip():
            raise InputError("amount", "how much was paid? (all that is owed is the default)")
        invoice = Invoice.get_by_id(int(self.value("invoice")))
        now = self.app.now()
        paid_on = read_date(self.value("paid"), "paid", now, prefer="past", required=True)
        # as record_payment refused it before (the records' add_payment does not check)
        if paid_on > to_zone(now).date() + timedelta(days=1):
            raise InputError(
                "paid", f"{paid_on} is in the future: record a payment once it is made"
            )
        add_payment(invoice, amount=self.value("amount"), paid_on=paid_on, now=now)
        fresh = Invoice.get_by_id(invoice.id)
        if fresh.paid is None:
            return Saved(self.client_id, f"Part payment on invoice {invoice.number} recorded")
        return Saved(self.client_id, f"Invoice {invoice.number} marked paid")


class TimeEntryForm(AboutClientForm):
    HEADING = "Time spent for {name}"

    def fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Field("Started", Input("today 09:00"), "start")
            yield Field(
                "Minutes", Input("", id="minutes", placeholder="needed, e.g. 90"), "minutes"
            )
        yield Field("Note", Input(""), "note")

    def save(self) -> Saved:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import clients as ops
        from callsheet.models.store.tables import Client

        client = Client.get_by_id(self.client_id)
        start = read_moment(self.value("start"), "start", self.app.now(), prefer="past")
        ops.add_time_entry(
            client, started_at=start, minutes=self.value("minutes"), note=self.value("note")
        )
        return Saved(client.id, f"{self.value('minutes')} minutes recorded")
