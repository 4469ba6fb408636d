"""Modal forms for everything the consultant records, without leaving the keyboard.

(Over 450 lines on purpose: six small forms sharing one save path, busy retry and error
display; one file keeps them comparable. The field widget and the signal picker live in
tui/widgets/.)

Each form validates through the same functions as the command line (models.validate via
models.clients); a bad value is named under its field and nothing is saved until it is
fixed. ``ctrl+s`` saves from any field, ``escape`` cancels. Saving runs in a thread worker
and the form closes with what was saved, so the dashboard can update just that client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from models.entities import CHANNELS, DIRECTIONS, STATUSES, TONES
from models.validate import InputError
from models.when import day_text, to_zone
from tui.messages import ReportsWorkerFailures
from tui.widgets.field import Field  # noqa: F401 (tests and other forms import it from here)
from tui.widgets.signal_picker import SIGNAL_KEYS, SignalPicker  # noqa: F401 (re-exported)


@dataclass
class Saved:
    """What a form saved: the client it concerns, and a word for the notification."""

    client_id: int
    what: str
    signals: tuple[str, ...] = ()
    #: a new client (the dashboard selects them)
    added: bool = False
    #: what the screen that opened the form read back after the write, in the same worker
    #: (see ``FormScreen.read_back``), so that the result shows in one frame
    shown: object = None


class FormScreen(ReportsWorkerFailures, ModalScreen[Saved | None]):
    """A titled form; subclasses give ``fields()`` and ``save()`` (run in a thread)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save and close"),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without saving"),
    ]
    TITLE = "Form"
    #: the first field, not the scrolling body around the fields
    AUTO_FOCUS = ".form-body Input, .form-body Select"
    #: set by the opener: called in the save's worker after a successful write, its result
    #: travels in ``Saved.shown`` (no second worker, no second frame after the form closes)
    read_back: Callable[[Saved], object] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(Text(self.form_title(), style="bold"), classes="form-title")
            with VerticalScroll(classes="form-body"):
                yield from self.fields()
            yield Static("", id="form-error", classes="field-error")
            yield Static(
                Text("ctrl+s save   escape cancel   tab next field", style="dim"),
                classes="form-help",
            )

    def form_title(self) -> str:
        return self.TITLE

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def value(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}", Field).widget
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        return widget.value

    def save(self) -> Saved:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    #: a save is running (perhaps waiting for a locked database): a second ctrl+s must not
    #: start another, or both could commit once the lock goes
    _saving = False

    def action_save(self) -> None:
        if self._saving:
            self._show_busy("Still saving: waiting for the database…")
            return
        self._saving = True
        self.app.mark_start("save")
        for field in self.query(Field):
            field.show_error(None)
        self.query_one("#form-error", Static).update("")
        self._save()

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self) -> None:
        from textual.worker import get_current_worker

        from models.busy import DatabaseBusy, patiently
        from models.when import WhenError

        worker = get_current_worker()

        def busy(waited: float) -> None:
            # the form stays open with everything typed; the save goes through once the
            # other program lets go of the lock
            self.app.call_from_thread(
                self._show_busy,
                f"Database busy (another program is writing), retrying… {waited:.0f} s",
            )

        try:
            saved = patiently(self.save, on_busy=busy, cancelled=lambda: worker.is_cancelled)
        except InputError as error:
            self.app.call_from_thread(self._show_error, error.field, error.message)
        except WhenError as error:
            self.app.call_from_thread(self._show_error, getattr(error, "field", "when"), str(error))
        except DatabaseBusy:
            if not worker.is_cancelled:
                self.app.call_from_thread(
                    self._show_busy,
                    "The database stayed locked by another program; nothing was saved. "
                    "Your entry is still here: ctrl+s tries again, escape discards it.",
                )
        except ValueError as error:
            self.app.call_from_thread(self._show_error, "", str(error))
        except Exception as error:  # noqa: BLE001 - a read-only or damaged file: keep the typing
            self.app.call_from_thread(
                self._show_busy,
                f"Nothing was saved ({type(error).__name__}: {error}). Your entry is still here.",
            )
        else:
            if self.read_back is not None and not worker.is_cancelled:
                try:
                    saved.shown = self.read_back(saved)
                except Exception:  # noqa: BLE001 - the write is done; the opener reloads instead
                    saved.shown = None
            self.app.call_from_thread(self._saved, saved)
            return
        self.app.call_from_thread(self._save_ended)

    def _save_ended(self) -> None:
        self._saving = False

    def _saved(self, saved: Saved) -> None:
        self._saving = False
        if self.is_current:
            self.dismiss(saved)
        else:  # closed while the save waited for the database, and it went through after all
            self.app.notify(f"Saved after all: {saved.what}", markup=False)

    def _show_busy(self, message: str) -> None:
        from contextlib import suppress

        from textual.css.query import NoMatches

        with suppress(NoMatches):  # the form was closed while its save waited for the database
            self.query_one("#form-error", Static).update(Text(message))

    def _show_error(self, field: str, message: str) -> None:
        fields = {f.field_name: f for f in self.query(Field)}
        target = fields.get(field) or fields.get(field.split(".")[0].split("[")[0])
        if target is not None:
            target.show_error(message)
            target.widget.focus()
        else:
            self.query_one("#form-error", Static).update(
                Text(f"{field}: {message}" if field else message)
            )


def _when(text: str, field: str, now: datetime) -> datetime | None:
    from models.when import WhenError, parse_when

    if not text.strip():
        return None
    try:
        return parse_when(text, now)
    except WhenError as error:
        raise InputError(field, str(error)) from None


def _day(text: str, field: str, required: bool = False) -> date | None:
    if not text.strip():
        if required:
            raise InputError(field, "a date is needed (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(field, f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _options(values) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


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

    def fields(self) -> ComposeResult:
        from models.entities import Client

        client = self.client = (
            Client.get_or_none(Client.id == self.client_id) if self.client_id else None
        )
        phones = ", ".join(p.raw for p in client.phones) if client else self.phone
        emails = ", ".join(e.address for e in client.emails) if client else ""
        yield Field("Name", Input(client.name if client else "", id="name"), "name")
        with Horizontal(classes="row"):
            yield Field(
                "Greeting (salutation)",
                Input(client.salutation if client else "", placeholder="e.g. dl. Ionescu"),
                "salutation",
            )
            yield Field(
                "Language",
                Input(client.language if client else "", placeholder="e.g. ro"),
                "language",
            )
        yield Field("Company", Input(client.company if client else ""), "company")
        yield Field(
            "Status",
            Select(
                _options(STATUSES), value=client.status if client else "prospect", allow_blank=False
            ),
            "status",
        )
        yield Field(
            "Phones (comma-separated)",
            Input(phones, placeholder="e.g. 0721 234 567, +40 744 555 010"),
            "phone",
        )
        yield Field("E-mails (comma-separated)", Input(emails), "email")
        yield Field(
            "Tags (comma-separated)", Input(", ".join(client.tags) if client else ""), "tags"
        )
        yield Field(
            "What works with this person", Input(client.rapport if client else ""), "rapport"
        )
        yield Field("Notes", Input(client.notes if client else ""), "notes")

    def save(self) -> Saved:
        from models import clients as ops

        split = lambda text: [part.strip() for part in text.split(",") if part.strip()]  # noqa: E731
        values = dict(
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
        ops.update_client(
            self.client, phones=phones, emails=emails, region=self.phone_region, **values
        )
        return Saved(self.client.id, f"Saved {self.client.name}")


# --- the log -------------------------------------------------------------------------------


class InteractionForm(FormScreen):
    """Log a call, email, meeting, message or note (defaults: now, call, in)."""

    def __init__(self, client_id: int, client_name: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_name = client_name

    def form_title(self) -> str:
        return f"Log an interaction with {self.client_name}"

    def fields(self) -> ComposeResult:
        yield Field(
            "What happened",
            Input(id="summary", placeholder="e.g. wants a mobile version in the same budget"),
            "summary",
        )
        with Horizontal(classes="row"):
            yield Field(
                "Channel", Select(_options(CHANNELS), value="call", allow_blank=False), "channel"
            )
            yield Field(
                "Direction",
                Select(_options(DIRECTIONS), value="in", allow_blank=False),
                "direction",
            )
            yield Field("Tone", Select(_options(TONES), prompt="—"), "tone")
        with Horizontal(classes="row"):
            yield Field(
                "When", Input("now", placeholder="now, yesterday 14:30, 2026-11-22T10:00"), "when"
            )
            yield Field(
                "Minutes (optional)", Input("", placeholder="empty: not recorded"), "minutes"
            )
        yield Field(
            "Signals (focus here, then press a key to toggle)",
            SignalPicker(id="signals"),
            "signals",
        )

    def save(self) -> Saved:
        from models import clients as ops
        from models.entities import Client

        at = _when(self.value("when"), "when", self.app.now())
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
            now=self.app.now(),
        )
        return Saved(client.id, f"Logged {self.value('channel')} with {client.name}", signals)


class FollowUpForm(FormScreen):
    def __init__(self, client_id: int, client_name: str) -> None:
        super().__init__()
        self.client_id, self.client_name = client_id, client_name

    def form_title(self) -> str:
        return f"Follow-up with {self.client_name}"

    def fields(self) -> ComposeResult:
        yield Field(
            "What to do", Input(id="text", placeholder="e.g. call back about the proposal"), "text"
        )
        yield Field("Due", Input("tomorrow 10:00"), "due")

    def save(self) -> Saved:
        from models import clients as ops
        from models.entities import Client

        due = _when(self.value("due"), "due", self.app.now())
        if due is None:
            raise InputError("due", "a follow-up needs a due date")
        client = Client.get_by_id(self.client_id)
        ops.add_follow_up(client, due, self.value("text"))
        return Saved(client.id, f"Follow-up added for {client.name}")


class InvoiceForm(FormScreen):
    def __init__(self, client_id: int, client_name: str, currency: str = "EUR") -> None:
        super().__init__()
        self.client_id, self.client_name, self.currency = client_id, client_name, currency

    def form_title(self) -> str:
        return f"Invoice for {self.client_name}"

    def fields(self) -> ComposeResult:
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
        from models import clients as ops
        from models.entities import Client

        client = Client.get_by_id(self.client_id)
        ops.add_invoice(
            client,
            number=self.value("number"),
            amount=self.value("amount"),
            currency=self.value("currency"),
            issued=_day(self.value("issued"), "issued", True),
            due=_day(self.value("due"), "due"),
            paid=_day(self.value("paid"), "paid"),
            default_currency=self.currency,
            now=self.app.now(),
        )
        return Saved(client.id, f"Invoice {self.value('number')} recorded")


class PaymentForm(FormScreen):
    """Mark one of the client's unpaid invoices as paid."""

    def __init__(self, client_id: int, client_name: str) -> None:
        super().__init__()
        self.client_id, self.client_name = client_id, client_name

    def form_title(self) -> str:
        return f"Payment from {self.client_name}"

    def fields(self) -> ComposeResult:
        from models.entities import Invoice
        from models.text import money_text

        unpaid = (
            Invoice.select()
            .where((Invoice.client == self.client_id) & Invoice.paid.is_null())
            .order_by(Invoice.due)
        )
        options = [
            (
                f"{i.number}: {money_text(i.amount_cents)} {i.currency}"
                + (f", due {day_text(i.due, self.app.now())}" if i.due else ""),
                str(i.id),
            )
            for i in unpaid
        ]
        yield Field(
            "Invoice",
            Select(options, prompt="no unpaid invoices" if not options else "choose"),
            "invoice",
        )
        yield Field("Paid on", Input(to_zone(self.app.now()).date().isoformat()), "paid")

    def save(self) -> Saved:
        from models import clients as ops
        from models.entities import Invoice

        if not self.value("invoice"):
            raise InputError("invoice", "choose the invoice that was paid")
        invoice = Invoice.get_by_id(int(self.value("invoice")))
        ops.record_payment(invoice, _day(self.value("paid"), "paid", True), now=self.app.now())
        return Saved(self.client_id, f"Invoice {invoice.number} marked paid")


class TimeEntryForm(FormScreen):
    def __init__(self, client_id: int, client_name: str) -> None:
        super().__init__()
        self.client_id, self.client_name = client_id, client_name

    def form_title(self) -> str:
        return f"Time spent for {self.client_name}"

    def fields(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Field("Started", Input("today 09:00"), "start")
            yield Field(
                "Minutes", Input("", id="minutes", placeholder="needed, e.g. 90"), "minutes"
            )
        yield Field("Note", Input(""), "note")

    def save(self) -> Saved:
        from models import clients as ops
        from models.entities import Client

        client = Client.get_by_id(self.client_id)
        start = _when(self.value("start"), "start", self.app.now())
        if start is None:
            raise InputError("start", "when did the work start?")
        ops.add_time_entry(
            client, started_at=start, minutes=self.value("minutes"), note=self.value("note")
        )
        return Saved(client.id, f"{self.value('minutes')} minutes recorded")
