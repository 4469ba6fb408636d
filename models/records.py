"""Correcting what was recorded: edit and delete every record, partial payments, cadences.

Everything a consultant records (log entries with their signals, invoices and their
payments, time entries, follow-ups, agreements) can be changed or removed here. Each
change is one transaction that validates before it writes, then refreshes the client's
derived columns (last contact, stored risk) through :mod:`models.clients` and
:mod:`models.scoring`, so risk, triage and the call sheet follow at once.

Every edit and delete returns a :class:`Change` that can be undone (the dashboard keeps a
short stack of them for the session): it holds the rows as they were, and undoing writes
them back with their original ids, children included (an entry's signals, an invoice's
payments, the invoices and time entries an agreement was linked to).

Creating records (log entries, invoices, follow-ups, agreements) stays in
:mod:`models.clients`; this module adds what corrects and completes them, the reading of
natural dates in the user's language (``vineri``, ``w piątek``, ``next monday``), and the
"stay in touch every N days" cadence.

(Over 450 lines on purpose: edit, delete and undo for six record kinds share one change-and-
undo representation and one refresh of derived columns; split by kind they would repeat it.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import IntegrityError, Model, fn

from models import validate
from models.clients import refresh_risk
from models.db import database
from models.entities import (
    CONTACT_CHANNELS,
    Agreement,
    Client,
    FollowUp,
    Interaction,
    Invoice,
    Payment,
    Signal,
    TimeEntry,
)
from models.text import money_text
from models.validate import InputError
from models.when import WhenError, parse_when, to_zone, utcnow


class RecordNotFound(LookupError):
    """No record of that kind has the id the user gave (like an unknown client: exit 1)."""


#: The languages natural dates are read in (dateparser guesses among these only: fast, and
#: "luni" is Romanian Monday, not something else). The user's own language comes first.
DATE_LANGUAGES = ("en", "ro", "pl", "ru")


def natural_moment(
    text: str, now: datetime | None = None, *, prefer: str = "future", tz: str = "local"
) -> datetime:
    """A moment typed the way people say it, in English, Romanian, Polish or Russian.

    ISO dates and callsheet's own forms ("yesterday 14:30", "2 hours ago") are read first;
    then ``dateparser`` reads "vineri", "w piątek", "в пятницу", "next monday", "3
    decembrie". ``prefer`` says which way a bare weekday points (follow-ups: the coming
    one; log entries: the last one). A day without a time of day means 09:00 ahead, noon
    behind. Raises :class:`WhenError` naming the text when nothing reads it.
    """
    now = now or utcnow()
    try:
        return parse_when(text, now, tz)
    except WhenError:
        pass
    import dateparser  # lazily: it takes a while to import, and `callsheet who` never needs it

    local_now = to_zone(now, tz)
    parsed = dateparser.parse(
        text.strip(),
        languages=list(DATE_LANGUAGES),
        settings={
            "PREFER_DATES_FROM": "past" if prefer == "past" else "future",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise WhenError(
            f"cannot read the date {text!r}: use 2026-11-27, 'tomorrow 10:00', "
            "'next monday', 'vineri', 'w piątek' or 'в пятницу'"
        )
    if parsed.time() == time(0) and not any(ch.isdigit() for ch in text):
        parsed = parsed.replace(hour=9 if prefer != "past" else 12)
    wall = parsed.astimezone() if tz == "local" else parsed.replace(tzinfo=local_now.tzinfo)
    return wall.astimezone(now.tzinfo).replace(microsecond=0)


def natural_date(text: str, now: datetime | None = None, *, prefer: str = "future") -> date:
    """A calendar date typed in any of the languages :func:`natural_moment` reads."""
    raw = (text or "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return to_zone(natural_moment(raw, now, prefer=prefer)).date()


# -- undo -------------------------------------------------------------------------------


@dataclass
class Change:
    """One edit or delete, with what it takes to put things back as they were."""

    #: what happened, in words for a notification ("deleted the call of 24 Nov")
    description: str
    client_id: int
    #: the rows as they were (model, column values), parents before children
    before: list[tuple[type[Model], dict]] = field(default_factory=list)
    #: rows the change created, removed again by an undo (model, id)
    created: list[tuple[type[Model], int]] = field(default_factory=list)
    #: links the change cut (an agreement's invoices and time entries): model, field, ids
    links: list[tuple[type[Model], str, int, list[int]]] = field(default_factory=list)
    #: children the change rewrote (an entry's signals): model, parent field, parent id;
    #: an undo removes the current ones before the old ones in ``before`` come back
    replaced: list[tuple[type[Model], str, int]] = field(default_factory=list)

    def undo(self, now: datetime | None = None) -> None:
        """Write the rows back as they were, in one transaction, and refresh the client.

        Raises :class:`InputError` (and writes nothing) when that is no longer possible:
        the client, or the record a row belonged to, was deleted since.
        """
        try:
            self._undo(now)
        except IntegrityError:
            raise InputError(
                "undo", f"cannot undo ({self.description}): what it belonged to is gone"
            ) from None

    def _undo(self, now: datetime | None) -> None:
        with database.atomic():
            for model, row_id in reversed(self.created):
                model.delete().where(model._meta.primary_key == row_id).execute()
            for model, parent_field, parent_id in self.replaced:
                model.delete().where(getattr(model, parent_field) == parent_id).execute()
            for model, values in self.before:
                key = model._meta.primary_key
                updated = (
                    model.update({k: v for k, v in values.items() if k != key.name})
                    .where(key == values[key.name])
                    .execute()
                )
                if not updated:
                    model.insert(**values).execute()
            for model, field_name, target, ids in self.links:
                if ids:
                    model.update({field_name: target}).where(model.id.in_(ids)).execute()
            client = Client.get_or_none(Client.id == self.client_id)
            if client is not None:
                _refresh_contact(client, now or utcnow())


def _row(instance: Model) -> tuple[type[Model], dict]:
    return type(instance), dict(instance.__data__)


def _get(model: type[Model], record_id: int | str, what: str) -> Model:
    try:
        number = int(str(record_id).lstrip("#"))
    except ValueError:
        raise InputError("id", f"{record_id!r} is not a {what} id") from None
    record = model.get_or_none(model.id == number)
    if record is None:
        raise RecordNotFound(f"no {what} #{number}")
    return record


def _refresh_contact(client: Client, now: datetime) -> None:
    """Recompute the client's last contact from the log (notes are not contact), then risk."""
    latest = Interaction.select(fn.MAX(Interaction.occurred_at)).where(
        (Interaction.client == client.id) & Interaction.channel.in_(CONTACT_CHANNELS)
    )
    client.last_contact_at = Interaction.occurred_at.python_value(latest.scalar())
    client.save(only=[Client.last_contact_at])
    refresh_risk(client, now)


# -- log entries ------------------------------------------------------------------------


def get_interaction(entry_id: int | str) -> Interaction:
    return _get(Interaction, entry_id, "log entry")


def edit_interaction(
    interaction: Interaction,
    *,
    at: datetime | None = None,
    channel: str | None = None,
    direction: str | None = None,
    minutes: int | str | None = ...,  # type: ignore[assignment]
    tone: str | None = ...,  # type: ignore[assignment]
    summary: str | None = None,
    signals: Sequence[str] | None = None,
    now: datetime | None = None,
) -> Change:
    """Correct a log entry; ``signals`` given replace its signals. Unnamed fields stay."""
    now = now or utcnow()
    changes: dict = {}
    if at is not None:
        changes["occurred_at"] = at
    if channel is not None:
        changes["channel"] = validate.channel(channel)
    if direction is not None:
        changes["direction"] = validate.direction(direction)
    if minutes is not ...:
        changes["duration_min"] = validate.minutes(minutes)
    if tone is not ...:
        changes["tone"] = validate.tone(tone)
    if summary is not None:
        changes["summary"] = summary
    clean_signals = (
        None if signals is None else list(dict.fromkeys(validate.signal(s) for s in signals))
    )
    with database.atomic():
        before = [_row(interaction), *(_row(s) for s in interaction.signals)]
        for name, value in changes.items():
            setattr(interaction, name, value)
        interaction.save()
        kinds = clean_signals
        if kinds is None:
            kinds = [s.kind for s in Signal.select().where(Signal.interaction == interaction.id)]
        # Signals repeat the entry's moment for the risk engine: rewrite them together.
        Signal.delete().where(Signal.interaction == interaction.id).execute()
        if kinds:
            Signal.insert_many(
                [
                    {
                        "interaction": interaction.id,
                        "client": interaction.client_id,
                        "kind": kind,
                        "at": interaction.occurred_at,
                    }
                    for kind in kinds
                ]
            ).execute()
        _refresh_contact(interaction.client, now)
    return Change(
        f"edited log entry #{interaction.id}",
        interaction.client_id,
        before,
        replaced=[(Signal, "interaction", interaction.id)],
    )


def delete_interaction(interaction: Interaction, now: datetime | None = None) -> Change:
    """Remove a log entry and its signals (undoable)."""
    with database.atomic():
        before = [_row(interaction), *(_row(s) for s in interaction.signals)]
        client = interaction.client
        interaction.delete_instance(recursive=True)
        _refresh_contact(client, now or utcnow())
    return Change(f"deleted log entry #{interaction.id}", client.id, before)


# -- invoices and payments --------------------------------------------------------------


def get_invoice(invoice_id: int | str) -> Invoice:
    return _get(Invoice, invoice_id, "invoice")


def paid_cents(invoice: Invoice) -> int:
    """What has been paid of the invoice so far (all of it once it is marked paid)."""
    if invoice.paid is not None and not invoice.payments.exists():
        return invoice.amount_cents
    return int(
        Payment.select(fn.COALESCE(fn.SUM(Payment.amount_cents), 0))
        .where(Payment.invoice == invoice.id)
        .scalar()
    )


def remaining_cents(invoice: Invoice) -> int:
    """What is still owed on the invoice: overdue money is this, not the whole amount."""
    return max(invoice.amount_cents - paid_cents(invoice), 0)


def _settle(invoice: Invoice) -> None:
    """Mark the invoice fully paid on the day its parts covered it, or unpaid if they don't."""
    payments = list(
        Payment.select(Payment.amount_cents, Payment.paid_on)
        .where(Payment.invoice == invoice.id)
        .order_by(Payment.paid_on, Payment.id)
    )
    if not payments:
        return
    total, settled_on = 0, None
    for payment in payments:
        total += payment.amount_cents
        if total >= invoice.amount_cents:
            settled_on = payment.paid_on
            break
    invoice.paid = settled_on
    invoice.save(only=[Invoice.paid])


def edit_invoice(
    invoice: Invoice,
    *,
    number: str | None = None,
    amount: str | int | float | None = None,
    currency: str | None = None,
    issued: date | None = None,
    due: date | None = ...,  # type: ignore[assignment]
    paid: date | None = ...,  # type: ignore[assignment]
    disputed: bool | None = None,
    agreement: Agreement | None = ...,  # type: ignore[assignment]
    now: datetime | None = None,
) -> Change:
    """Correct an invoice's number, amount, dates, currency, dispute flag or agreement."""
    before = [_row(invoice), *(_row(p) for p in invoice.payments)]
    if number is not None:
        if not str(number).strip():
            raise InputError("number", "an invoice needs a number")
        invoice.number = str(number).strip()
    if amount is not None:
        invoice.amount_cents = validate.cents(amount)
        if invoice.amount_cents <= 0:
            raise InputError("amount", "an invoice amount must be above 0")
    if currency is not None:
        invoice.currency = validate.currency(currency, invoice.currency)
    if issued is not None:
        invoice.issued = issued
    if due is not ...:
        invoice.due = due
    if paid is not ...:
        invoice.paid = paid
    if disputed is not None:
        invoice.disputed = disputed
    if agreement is not ...:
        invoice.agreement = agreement
    if invoice.due and invoice.due < invoice.issued:
        raise InputError("due", f"due date {invoice.due} is before the issue date {invoice.issued}")
    with database.atomic():
        invoice.save()
        if amount is not None:
            _settle(invoice)
        refresh_risk(invoice.client, now or utcnow())
    return Change(f"edited invoice {invoice.number}", invoice.client_id, before)


def delete_invoice(invoice: Invoice, now: datetime | None = None) -> Change:
    """Remove an invoice and its payments (undoable)."""
    with database.atomic():
        before = [_row(invoice), *(_row(p) for p in invoice.payments)]
        client = invoice.client
        invoice.delete_instance(recursive=True)
        refresh_risk(client, now or utcnow())
    return Change(f"deleted invoice {invoice.number}", client.id, before)


def add_payment(
    invoice: Invoice,
    *,
    amount: str | int | float | None = None,
    paid_on: date,
    note: str = "",
    now: datetime | None = None,
) -> tuple[Payment, Change]:
    """Record a payment (all that remains when ``amount`` is None); settle the invoice when covered."""
    remaining = remaining_cents(invoice)
    if remaining <= 0:
        raise InputError("amount", f"invoice {invoice.number} is already paid in full")
    cents = remaining if amount in (None, "") else validate.cents(amount)
    if cents <= 0:
        raise InputError("amount", "a payment must be above 0")
    if cents > remaining:
        raise InputError(
            "amount",
            f"{money_text(cents)} is more than the {money_text(remaining)} "
            f"{invoice.currency} still owed on invoice {invoice.number}",
        )
    with database.atomic():
        before = [_row(invoice)]
        payment = Payment.create(
            invoice=invoice, amount_cents=cents, paid_on=paid_on, note=note.strip()
        )
        _settle(invoice)
        refresh_risk(invoice.client, now or utcnow())
    change = Change(
        f"recorded a payment on invoice {invoice.number}",
        invoice.client_id,
        before,
        created=[(Payment, payment.id)],
    )
    return payment, change


def get_payment(payment_id: int | str) -> Payment:
    return _get(Payment, payment_id, "payment")


def delete_payment(payment: Payment, now: datetime | None = None) -> Change:
    with database.atomic():
        invoice = payment.invoice
        before = [_row(invoice), _row(payment)]
        payment.delete_instance()
        if invoice.payments.exists():
            _settle(invoice)
        else:
            invoice.paid = None
            invoice.save(only=[Invoice.paid])
        refresh_risk(invoice.client, now or utcnow())
    return Change(f"deleted a payment on invoice {invoice.number}", invoice.client_id, before)


def payments_of(invoice: Invoice | int) -> list[Payment]:
    return list(Payment.select().where(Payment.invoice == invoice).order_by(Payment.paid_on))


# -- follow-ups -------------------------------------------------------------------------


def get_follow_up(follow_up_id: int | str) -> FollowUp:
    return _get(FollowUp, follow_up_id, "follow-up")


def edit_follow_up(
    follow_up: FollowUp,
    *,
    due_at: datetime | None = None,
    text: str | None = None,
    done_at: datetime | None = ...,  # type: ignore[assignment]
) -> Change:
    """Change a follow-up's text, due moment or done state."""
    before = [_row(follow_up)]
    if text is not None:
        if not text.strip():
            raise InputError("text", "a follow-up needs a text")
        follow_up.text = text.strip()
    if due_at is not None:
        follow_up.due_at = due_at
    if done_at is not ...:
        follow_up.done_at = done_at
    with database.atomic():
        follow_up.save()
    return Change(f"changed follow-up #{follow_up.id}", follow_up.client_id, before)


#: What `z` offers: words the snooze reads, each a function of "now" (local time).
SNOOZE_CHOICES = ("tomorrow", "next week")


def snooze_until(choice: str, now: datetime | None = None) -> datetime:
    """When a snoozed follow-up comes back: tomorrow 09:00, next Monday 09:00, or a date."""
    now = now or utcnow()
    local = to_zone(now)
    word = choice.strip().lower()
    if word == "tomorrow":
        day = local.date() + timedelta(days=1)
    elif word == "next week":
        day = local.date() + timedelta(days=7 - local.weekday())
    else:
        return natural_moment(choice, now, prefer="future")
    return datetime.combine(day, time(9, 0)).astimezone().astimezone(now.tzinfo)


def snooze_follow_up(follow_up: FollowUp, until: datetime) -> Change:
    return edit_follow_up(follow_up, due_at=until, done_at=None)


def delete_follow_up(follow_up: FollowUp) -> Change:
    with database.atomic():
        before = [_row(follow_up)]
        follow_up.delete_instance()
    return Change(f"deleted follow-up #{follow_up.id}", follow_up.client_id, before)


# -- agreements and time ----------------------------------------------------------------


def get_agreement(agreement_id: int | str) -> Agreement:
    return _get(Agreement, agreement_id, "agreement")


def edit_agreement(
    agreement: Agreement,
    *,
    title: str | None = None,
    scope: str | None = None,
    budget: str | int | float | None = ...,  # type: ignore[assignment]
    currency: str | None = None,
    start: date | None = ...,  # type: ignore[assignment]
    end: date | None = ...,  # type: ignore[assignment]
    status: str | None = None,
) -> Change:
    """Correct an agreement's title, scope, budget, currency, dates or status."""
    before = [_row(agreement)]
    if title is not None:
        if not title.strip():
            raise InputError("title", "an agreement needs a title")
        clash = Agreement.select().where(
            (Agreement.client == agreement.client_id)
            & (Agreement.title == title.strip())
            & (Agreement.id != agreement.id)
        )
        if clash.exists():
            raise InputError("title", f"this client already has an agreement {title.strip()!r}")
        agreement.title = title.strip()
    if scope is not None:
        agreement.scope = scope
    if budget is not ...:
        agreement.budget_cents = None if budget in (None, "") else validate.cents(budget, "budget")
    if currency is not None:
        agreement.currency = validate.currency(currency, agreement.currency)
    if start is not ...:
        agreement.start = start
    if end is not ...:
        agreement.end = end
    if status is not None:
        agreement.status = validate.agreement_status(status)
    if agreement.start and agreement.end and agreement.end < agreement.start:
        raise InputError("end", f"end {agreement.end} is before start {agreement.start}")
    with database.atomic():
        agreement.save()
    return Change(f"edited agreement {agreement.title!r}", agreement.client_id, before)


def close_agreement(agreement: Agreement, status: str = "done") -> Change:
    """Close an agreement as done (or cancelled): the call sheet stops counting its scope."""
    if validate.agreement_status(status) not in ("done", "cancelled"):
        raise InputError("status", "an agreement closes as done or cancelled")
    return edit_agreement(agreement, status=status)


def delete_agreement(agreement: Agreement) -> Change:
    """Remove an agreement; its invoices and time entries stay, unlinked (undo relinks)."""
    with database.atomic():
        before = [_row(agreement)]
        links = [
            (
                Invoice,
                "agreement",
                agreement.id,
                [i.id for i in Invoice.select(Invoice.id).where(Invoice.agreement == agreement)],
            ),
            (
                TimeEntry,
                "agreement",
                agreement.id,
                [
                    t.id
                    for t in TimeEntry.select(TimeEntry.id).where(TimeEntry.agreement == agreement)
                ],
            ),
        ]
        agreement.delete_instance()
    return Change(
        f"deleted agreement {agreement.title!r}", agreement.client_id, before, links=links
    )


def get_time_entry(entry_id: int | str) -> TimeEntry:
    return _get(TimeEntry, entry_id, "time entry")


def edit_time_entry(
    entry: TimeEntry,
    *,
    started_at: datetime | None = None,
    minutes: int | str | None = None,
    note: str | None = None,
) -> Change:
    before = [_row(entry)]
    if started_at is not None:
        entry.started_at = started_at
    if minutes is not None:
        clean = validate.minutes(minutes)
        if not clean:
            raise InputError("minutes", "a time entry needs a number of minutes above 0")
        entry.minutes = clean
    if note is not None:
        entry.note = note
    with database.atomic():
        entry.save()
    return Change(f"edited time entry #{entry.id}", entry.client_id, before)


def delete_time_entry(entry: TimeEntry) -> Change:
    with database.atomic():
        before = [_row(entry)]
        entry.delete_instance()
    return Change(f"deleted time entry #{entry.id}", entry.client_id, before)


# -- stay in touch ----------------------------------------------------------------------


def set_cadence(client: Client, days: int | str | None) -> Change:
    """Stay in touch with ``client`` every ``days`` days (None or 0: no cadence)."""
    before: list[tuple[type[Model], dict]] = [
        (Client, {"id": client.id, "cadence_days": client.cadence_days})
    ]
    if days in (None, "", 0, "0"):
        clean = None
    else:
        try:
            clean = int(days)
        except (TypeError, ValueError):
            raise InputError("cadence", f"{days!r} is not a whole number of days") from None
        if not 1 <= clean <= 3650:
            raise InputError("cadence", f"{clean} days is out of range (1 to 3650)")
    with database.atomic():
        Client.update(cadence_days=clean).where(Client.id == client.id).execute()
        client.cadence_days = clean
    return Change(f"cadence of {client.name}", client.id, before)


@dataclass(frozen=True)
class LapsedCadence:
    """A client the consultant meant to contact every ``cadence_days`` days, now overdue."""

    client_id: int
    client_name: str
    cadence_days: int
    #: when the cadence came due: last contact + cadence (epoch seconds; 0 if never contacted)
    due: int
    last_contact: int | None


def lapsed_cadence_query(now: datetime):
    """Clients (id, name, cadence_days, last_contact_at) whose cadence lapsed by ``now``.

    Contact resets the cadence by itself: it counts from ``last_contact_at``, which every
    logged entry moves. Never contacted counts as lapsed. Longest overdue first.
    """
    stamp = int(now.timestamp())
    return (
        Client.select(Client.id, Client.name, Client.cadence_days, Client.last_contact_at)
        .where(
            Client.archived_at.is_null()
            & Client.cadence_days.is_null(False)
            & (
                Client.last_contact_at.is_null()
                | (Client.last_contact_at + Client.cadence_days * 86400 < stamp)
            )
        )
        .order_by(Client.last_contact_at.is_null(False), Client.last_contact_at, Client.id)
    )


def lapsed_cadences(now: datetime) -> list[LapsedCadence]:
    """Clients whose stay-in-touch cadence has lapsed, longest overdue first (triage shows
    them as its "Stay-in-touch cadence lapsed" group)."""
    return [
        LapsedCadence(cid, name, days, (last + days * 86400) if last else 0, last)
        for cid, name, days, last in database.execute(lapsed_cadence_query(now)).fetchall()
    ]


# -- one client's records, for the dashboard's records screen ------------------------------


@dataclass(frozen=True, slots=True)
class RecordLine:
    """One record of a client as the records screen lists it."""

    kind: str  # entry, invoice, payment, follow_up, agreement, time
    id: int
    #: epoch seconds the record is dated at (for sorting within its kind)
    when: int
    #: what the line says, user text included (the screen shows it literally)
    text: str
    #: the whole text, for the pager (a long log entry)
    full: str = ""


def client_records(
    client_id: int, entries: int = 200, also_entry: int | None = None
) -> list[RecordLine]:
    """A client's open follow-ups, agreements, invoices with payments, time and newest log.

    Grouped by kind in the order a consultant corrects them most; log entries last, the
    newest ``entries`` of them (the dashboard's log pane pages through the rest), and
    ``also_entry`` (a search hit) even when it is older.
    """
    from models.text import money_text

    def stamp(day: date | None) -> int:
        return int(datetime.combine(day, time(12)).timestamp()) if day else 0

    lines: list[RecordLine] = []
    for f in FollowUp.select().where(FollowUp.client == client_id).order_by(FollowUp.due_at):
        state = "done" if f.done_at else f"due {to_zone(f.due_at):%Y-%m-%d %H:%M}"
        lines.append(RecordLine("follow_up", f.id, int(f.due_at.timestamp()), f"{state}: {f.text}"))
    for a in Agreement.select().where(Agreement.client == client_id).order_by(Agreement.id):
        budget = f", {money_text(a.budget_cents)} {a.currency}" if a.budget_cents else ""
        dates = f", {a.start or '…'} to {a.end or '…'}" if a.start or a.end else ""
        lines.append(
            RecordLine(
                "agreement", a.id, stamp(a.start), f"{a.title} ({a.status}{budget}{dates})", a.scope
            )
        )
    invoices = list(
        Invoice.select().where(Invoice.client == client_id).order_by(Invoice.issued, Invoice.id)
    )
    payments: dict[int, list[Payment]] = {}
    for p in Payment.select().where(Payment.invoice.in_([i.id for i in invoices])):
        payments.setdefault(p.invoice_id, []).append(p)
    for i in invoices:
        paid = sum(p.amount_cents for p in payments.get(i.id, []))
        if i.paid:
            state = f"paid {i.paid}"
        elif paid:
            state = f"{money_text(i.amount_cents - paid)} still owed, due {i.due or '—'}"
        else:
            state = f"unpaid, due {i.due or '—'}"
        disputed = ", DISPUTED" if i.disputed else ""
        lines.append(
            RecordLine(
                "invoice",
                i.id,
                stamp(i.issued),
                f"{i.number}: {money_text(i.amount_cents)} {i.currency}, {state}{disputed}",
            )
        )
        for p in sorted(payments.get(i.id, []), key=lambda p: (p.paid_on, p.id)):
            note = f" ({p.note})" if p.note else ""
            lines.append(
                RecordLine(
                    "payment",
                    p.id,
                    stamp(p.paid_on),
                    f"  ↳ {money_text(p.amount_cents)} {i.currency} paid {p.paid_on}{note}",
                )
            )
    for t in TimeEntry.select().where(TimeEntry.client == client_id).order_by(TimeEntry.started_at):
        lines.append(
            RecordLine(
                "time",
                t.id,
                int(t.started_at.timestamp()),
                f"{to_zone(t.started_at):%Y-%m-%d %H:%M} {t.minutes} min {t.note}",
            )
        )
    kinds: dict[int, list[str]] = {}
    log = list(
        Interaction.select()
        .where(Interaction.client == client_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(entries)
    )
    if also_entry is not None and all(e.id != also_entry for e in log):
        log += list(
            Interaction.select().where(
                (Interaction.id == also_entry) & (Interaction.client == client_id)
            )
        )
    for s in Signal.select(Signal.interaction, Signal.kind).where(
        Signal.interaction.in_([e.id for e in log])
    ):
        kinds.setdefault(s.interaction_id, []).append(s.kind)
    for e in log:
        tags = f" [{', '.join(kinds[e.id])}]" if kinds.get(e.id) else ""
        lines.append(
            RecordLine(
                "entry",
                e.id,
                int(e.occurred_at.timestamp()),
                f"{to_zone(e.occurred_at):%Y-%m-%d %H:%M} {e.channel} {e.direction}: "
                f"{e.summary}{tags}",
                e.summary,
            )
        )
    return lines
