"""The dashboard's reads for the client list and one client's log (callers read them
through :mod:`callsheet.models.book.queries`).

Shaped for speed at 10,000-100,000 clients: the client list is read with four queries
whatever the size (clients, phones, e-mails, money overdue), and a client's log page uses
the ``(client, occurred_at)`` index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from peewee import fn

from callsheet.models.book.scoring import current_model
from callsheet.models.store.db import database
from callsheet.models.store.tables import (
    ENTRY_FIELDS,
    Client,
    Email,
    Interaction,
    Invoice,
    Payment,
    Phone,
    Signal,
)
from callsheet.models.values.money import add, amounts_json, convert
from callsheet.models.values.text import fold


def owed_cents():
    """An unpaid invoice's amount less its partial payments: what is overdue is what remains."""
    # PostgreSQL sums a BIGINT as NUMERIC (a Decimal in Python): cast back to whole cents.
    paid = Payment.select(fn.COALESCE(fn.SUM(Payment.amount_cents), 0).cast("BIGINT")).where(
        Payment.invoice == Invoice.id
    )
    return Invoice.amount_cents - paid


@dataclass(slots=True)
class ClientRow:
    """What the client list shows and filters on, for one client."""

    id: int
    name: str
    company: str
    status: str
    risk_score: int
    risk_band: str
    risk_week_ago: int
    last_contact: int | None  # epoch seconds
    #: the money overdue per currency, largest first (never added across currencies)
    overdue: tuple[tuple[str, int], ...]
    #: what of it the home currency can count: home money plus the others at the user's
    #: ``[rates]`` (for sorting by overdue); a currency with no rate is left out of it
    overdue_home_cents: int
    #: whether some money overdue is in a currency with no rate (so not in the figure above)
    overdue_uncounted: bool
    archived: bool
    #: lower-cased name, company, phones (as typed and as digits) and e-mails
    search: str


_NO_MONEY: tuple[tuple[str, int], ...] = ()


def _overdue_by_client(
    today: date, client_ids: list[int] | None = None
) -> dict[int, dict[str, int]]:
    """Cents overdue per client and currency (every client, or just ``client_ids``)."""
    due_before = today.isoformat()
    owed: dict[int, dict[str, int]] = defaultdict(dict)
    if client_ids is not None:
        # Read these clients' invoices through the client index and sum here: with the
        # conditions in SQL, SQLite's planner walks the (paid, due) index over every
        # overdue invoice in the book (48 ms for one client at 100,000 clients, 0.5 here).
        query = Invoice.select(
            Invoice.client, Invoice.paid, Invoice.due, Invoice.currency, owed_cents()
        ).where(Invoice.client.in_(client_ids))
        for client_id, paid, due, currency, cents in database.execute(query).fetchall():
            if paid is None and due < due_before:
                add(owed[client_id], currency, int(cents))
        return owed
    query = (
        Invoice.select(Invoice.client, Invoice.currency, fn.SUM(owed_cents()).cast("BIGINT"))
        .where(Invoice.paid.is_null() & (Invoice.due < due_before))
        .group_by(Invoice.client, Invoice.currency)
    )
    for client_id, currency, cents in database.execute(query).fetchall():
        add(owed[client_id], currency, int(cents))
    return owed


def _overdue_fields(
    amounts: dict[str, int] | None, home: str, rates: Mapping[str, float]
) -> tuple[tuple[tuple[str, int], ...], int, bool]:
    """(per currency largest first, home cents at the rates, whether some has no rate)."""
    if not amounts:
        return _NO_MONEY, 0, False
    if len(amounts) == 1 and home in amounts:  # the common case: home money only
        return ((home, amounts[home]),), amounts[home], False
    converted = convert(amounts, home, rates)
    per_currency = tuple(amounts_json(amounts).items())
    return per_currency, converted.cents, bool(converted.uncounted)


def client_rows(
    today: date, client_ids: list[int] | None = None, limit: int | None = None
) -> list[ClientRow]:
    """Rows for every client (or just ``client_ids``, or the ``limit`` riskiest).

    The money overdue is per currency; its home-currency figure uses the home currency and
    ``[rates]`` of the risk model in force (:func:`callsheet.models.book.scoring.configure`).
    """
    query = Client.select(
        Client.id,
        Client.name,
        Client.company,
        Client.status,
        Client.risk_score,
        Client.risk_band,
        Client.risk_week_ago,
        Client.last_contact_at,
        Client.archived_at,
    )
    if client_ids is not None:
        query = query.where(Client.id.in_(client_ids))
    if limit is not None:
        query = (
            query.where(Client.archived_at.is_null())
            .order_by(Client.risk_score.desc())
            .limit(limit)
        )
    # raw epoch ints: converting 100,000 timestamps to datetimes is wasted work here
    clients = database.execute(query).fetchall()
    ids = [row[0] for row in clients] if (client_ids is not None or limit is not None) else None
    contact = defaultdict(list)
    phones = Phone.select(Phone.client, Phone.e164, Phone.raw)
    emails = Email.select(Email.client, Email.address)
    if ids is not None:
        phones, emails = phones.where(Phone.client.in_(ids)), emails.where(Email.client.in_(ids))
    for client_id, e164, raw in database.execute(phones).fetchall():
        contact[client_id].append(f"{raw} {e164}")
    for client_id, address in database.execute(emails).fetchall():
        contact[client_id].append(address)
    overdue = _overdue_by_client(today, ids)
    model = current_model()
    rows = []
    # each row's status and band would otherwise be a string of its own: 100,000 of each
    words = {word: word for word in ("", "low", "watch", "high")}
    for client_id, name, company, status, score, band, week_ago, last, archived in clients:
        search = fold(" ".join((name, company or "", *contact.get(client_id, ()))))
        rows.append(
            ClientRow(
                client_id,
                name,
                company or "",
                words.setdefault(status, status),
                score,
                words.setdefault(band, band),
                week_ago,
                last,
                *_overdue_fields(overdue.get(client_id), model.home, model.rates),
                archived is not None,
                search,
            )
        )
    return rows


@dataclass(slots=True)
class LogRow:
    id: int
    at: int  # epoch seconds
    channel: str
    direction: str
    duration_min: int | None
    tone: str | None
    summary: str
    signals: tuple[str, ...]
    #: typed, mail, calendar or phone (models/capture)
    source: str = "typed"
    #: signals the text suggests, waiting for the user's yes or no; they do not count
    suggested: tuple[str, ...] = ()


def log_rows(
    client_id: int, limit: int | None = None, before: tuple[int, int] | None = None
) -> list[LogRow]:
    """A client's interactions, newest first (a page of ``limit`` when given).

    ``before`` is the ``(at, id)`` of the last row already shown: pages follow the log's
    order (time, then id), so entries that share a second with the page's last one are
    neither dropped nor repeated.
    """
    query = (
        Interaction.select(
            Interaction.id, *ENTRY_FIELDS, Interaction.source, Interaction.suggested_signals
        )
        .where(Interaction.client == client_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    )
    if before is not None:
        at, interaction_id = before
        # the first term bounds the index range scan; the second breaks ties on id
        query = query.where(
            (Interaction.occurred_at <= at)
            & ((Interaction.occurred_at < at) | (Interaction.id < interaction_id))
        )
    if limit is not None:
        query = query.limit(limit)
    rows = database.execute(query).fetchall()
    if not rows:
        return []
    signals = defaultdict(list)
    signal_query = Signal.select(Signal.interaction, Signal.kind).where(Signal.client == client_id)
    if limit is not None:
        signal_query = signal_query.where(Signal.at >= rows[-1][1])
    for interaction_id, kind in database.execute(signal_query).fetchall():
        signals[interaction_id].append(kind)
    return [
        LogRow(
            i,
            at,
            channel,
            direction,
            minutes,
            tone,
            summary or "",
            tuple(signals.get(i, ())),
            source,
            tuple(suggested.split()) if suggested else (),
        )
        for i, at, channel, direction, minutes, tone, summary, source, suggested in rows
    ]
