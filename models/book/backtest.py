"""``callsheet risk --backtest``: the book read in four set-based queries (signals,
hostile and tense conversations, invoices, payments), then replayed in memory with no
look-ahead by :mod:`callsheet.models.risk.backtest` (which says what is scored, against
what, and how the figures are made)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from callsheet.models.book.scoring import current_model
from callsheet.models.risk.backtest import (
    OUTCOMES,
    Backtest,
    History,
    ReplayInvoice,
    replay,
    summarise,
)
from callsheet.models.risk.evidence import SignalEvent, ToneEvent
from callsheet.models.risk.vocabulary import TONE_FACTORS
from callsheet.models.store.db import database
from callsheet.models.store.tables import Interaction, Invoice, Payment, Signal
from callsheet.models.values.validate import InputError


def histories() -> dict[int, History]:
    """Every client's recorded history (signals, tones, invoices with their payments)."""
    book: dict[int, History] = defaultdict(History)
    moment = datetime.fromtimestamp
    query = Signal.select(Signal.client, Signal.at, Signal.kind)
    for client_id, at, kind in database.execute(query).fetchall():
        book[client_id].signals.append(SignalEvent(moment(at, UTC), kind))
    query = Interaction.select(Interaction.client, Interaction.occurred_at, Interaction.tone).where(
        Interaction.tone.in_(list(TONE_FACTORS))
    )
    for client_id, at, tone in database.execute(query).fetchall():
        book[client_id].tones.append(ToneEvent(moment(at, UTC), tone))
    parts: dict[int, list[tuple[date, int]]] = defaultdict(list)
    day = Invoice.issued.python_value
    query = Payment.select(Payment.invoice, Payment.paid_on, Payment.amount_cents)
    for invoice_id, paid_on, cents in database.execute(query).fetchall():
        parts[invoice_id].append((day(paid_on), cents))
    query = Invoice.select(
        Invoice.client,
        Invoice.id,
        Invoice.number,
        Invoice.amount_cents,
        Invoice.currency,
        Invoice.issued,
        Invoice.due,
        Invoice.paid,
        Invoice.disputed,
    )
    for (
        client_id,
        invoice_id,
        number,
        cents,
        currency,
        issued,
        due,
        paid,
        disputed,
    ) in database.execute(query).fetchall():
        book[client_id].invoices.append(
            ReplayInvoice(
                number,
                cents,
                currency,
                day(issued),
                day(due),
                day(paid),
                bool(disputed),
                tuple(parts.get(invoice_id, ())),
            )
        )
    return {client_id: history.sort() for client_id, history in book.items()}


def backtest(
    outcome: str, now: datetime, since: date | None = None, zone: datetime | None = None
) -> Backtest:
    """The replay's figures for ``outcome`` (late, late30, disputed, any) as of ``now``;
    days start at midnight in ``zone``'s time zone (default: the local one)."""
    if outcome not in OUTCOMES:
        raise InputError("--outcome", f"one of {', '.join(OUTCOMES)}")
    like = now.astimezone(zone.tzinfo) if zone is not None else now.astimezone()
    today = like.date()
    if since is not None and since > today:
        raise InputError("--since", f"{since} is after today")
    cases, unknown = replay(histories(), outcome, today, since, like, current_model())
    return summarise(cases, outcome, today, since, unknown)
