"""Stored risk: every client's score kept current without rereading the log.

The dashboard lists 10,000 clients from ``Client.risk_score``/``risk_band`` alone. Those
columns are refreshed for one client whenever their events change (every write in
:mod:`callsheet.models.book.clients` calls :func:`refresh_client`), in bulk after an import or the demo
(:func:`refresh_all`), and as time passes (:func:`refresh_stale`, which the dashboard runs
from a worker, so old events fade while it stays open). Only signal rows, invoices and the
hostile or tense conversations of the last few months are read (not the whole million-row
log); interaction summaries are joined in only when a score must be explained.

It also gathers what the stance weighs (:func:`explain`, :func:`risk_all`): revenue paid,
referrals given (logged, and clients in the book who name them), and the years together
(:func:`client_since`); and answers "what if these invoices were paid" without storing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from peewee import JOIN, Value, chunked, fn

from callsheet.models.book import risk_cache
from callsheet.models.config import ConfigError
from callsheet.models.risk.model import (
    DEFAULT_MODEL,
    TONE_HORIZON_HALF_LIVES,
    InvoiceFact,
    Risk,
    RiskModel,
    SignalEvent,
    ToneEvent,
    WhatIf,
    band_of,
    model_with,
    paid_now,
    risk_of,
    scores_at,
    trend,
    unpaid_numbers,
)
from callsheet.models.risk.vocabulary import TONE_FACTORS
from callsheet.models.store.db import database, execute_many
from callsheet.models.store.tables import (
    Agreement,
    Client,
    Interaction,
    Invoice,
    Payment,
    RiskCache,
    Signal,
    TimeEntry,
)
from callsheet.models.values.validate import InputError

_model: RiskModel = DEFAULT_MODEL
#: a signal or a tone, as the risk model reads it
E = TypeVar("E", SignalEvent, ToneEvent)


def configure(config) -> None:
    """Apply the ``[risk]`` table of config.toml (raises ConfigError naming a bad entry)."""
    global _model
    try:
        _model = model_with(
            getattr(config, "risk", None),
            getattr(config, "currency", "EUR"),
            getattr(config, "rates", None),
        )
    except ValueError as error:
        raise ConfigError(f"config.toml: {error}") from None


def current_model() -> RiskModel:
    """The model in use: the defaults with config.toml's overrides."""
    return _model


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


# The three readers below fetch plain rows and convert the epoch seconds themselves:
# peewee's per-row conversion was half the time of `callsheet risk --json` at 10,000 clients.


def _signals_for(
    client_ids: Iterable[int] | None, with_summaries: bool
) -> dict[int, list[SignalEvent]]:
    if with_summaries:
        query = Signal.select(Signal.client, Signal.at, Signal.kind, Interaction.summary).join(
            Interaction
        )
    else:
        query = Signal.select(Signal.client, Signal.at, Signal.kind, Value(""))
    return _events_by_client(query, Signal.client, client_ids, SignalEvent)


def _tones_for(
    client_ids: Iterable[int] | None, as_of: datetime, with_summaries: bool, weeks_back: int = 1
) -> dict[int, list[ToneEvent]]:
    """The hostile and tense conversations recent enough to count at ``as_of`` or up to
    ``weeks_back`` weeks before it; older tone is forgotten (see callsheet.models.risk.model)."""
    summary = Interaction.summary if with_summaries else Value("")
    recent = None
    for tone, kind in TONE_FACTORS.items():
        horizon = TONE_HORIZON_HALF_LIVES * _model.table[kind].half_life_days + 7 * weeks_back
        clause = (Interaction.tone == tone) & (
            Interaction.occurred_at >= as_of - timedelta(days=horizon)
        )
        recent = clause if recent is None else recent | clause
    query = Interaction.select(
        Interaction.client, Interaction.occurred_at, Interaction.tone, summary
    ).where(recent)
    return _events_by_client(query, Interaction.client, client_ids, ToneEvent)


def _events_by_client(
    query, client_field, client_ids: Iterable[int] | None, event: Callable[[datetime, str, str], E]
) -> dict[int, list[E]]:
    """``query``'s rows (client id, epoch seconds, kind, summary) as ``event``s grouped by
    client, for ``client_ids`` only (``client_field`` names the client) or every client."""
    if client_ids is not None:
        query = query.where(client_field.in_(list(client_ids)))
    grouped: dict[int, list[E]] = defaultdict(list)
    moment = datetime.fromtimestamp
    for client_id, at, kind, summary in database.execute(query).fetchall():
        grouped[client_id].append(event(moment(at, UTC), kind, summary or ""))
    return grouped


def _invoices_for(client_ids: Iterable[int] | None) -> dict[int, list[InvoiceFact]]:
    query = Invoice.select(
        Invoice.client,
        Invoice.number,
        Invoice.amount_cents,
        Invoice.currency,
        Invoice.issued,
        Invoice.due,
        Invoice.paid,
        Invoice.disputed,
    )
    if client_ids is not None:
        query = query.where(Invoice.client.in_(list(client_ids)))
    # Partly paid invoices count with what remains of them (an invoice paid in full keeps
    # its whole amount: that is what was paid late or on time).
    part_paid = (
        Payment.select(Invoice.id, fn.SUM(Payment.amount_cents).cast("BIGINT"))
        .join(Invoice)
        .where(Invoice.paid.is_null())
        .group_by(Invoice.id)
    )
    if client_ids is not None:
        part_paid = part_paid.where(Invoice.client.in_(list(client_ids)))
    paid_so_far = dict(part_paid.tuples())
    query = query.select_extend(Invoice.id)
    grouped: dict[int, list[InvoiceFact]] = defaultdict(list)
    day = Invoice.issued.python_value
    for row in database.execute(query).fetchall():
        client_id, number, cents, currency, issued, due, paid, disputed, invoice_id = row
        if invoice_id in paid_so_far and paid is None:
            cents -= paid_so_far[invoice_id]
        grouped[client_id].append(
            InvoiceFact(number, cents, currency, day(issued), day(due), day(paid), bool(disputed))
        )
    return grouped


def client_since(client: Client) -> datetime:
    """When the relationship began: the earliest of the record's creation, the first contact,
    the first invoice, agreement or time entry (an imported client's record is new, but its
    invoices may go back years)."""
    return _since(client.created_at, _first_dates([client.id]).get(client.id))


def _since(created_at: datetime, first: datetime | None) -> datetime:
    return created_at if first is None else min(created_at, first)


def _local_midnight(day) -> datetime:
    """A day's start in the local zone (an invoice is issued on a day, not at a moment)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime(day.year, day.month, day.day).astimezone()


def _first_dates(client_ids: list[int] | None) -> dict[int, datetime]:
    """Per client, the earliest of its first contact, invoice, agreement and time entry."""
    firsts: dict[int, datetime] = {}

    def keep(client_id: int, moment: datetime | None) -> None:
        if moment is not None and (client_id not in firsts or moment < firsts[client_id]):
            firsts[client_id] = moment

    for column, as_moment in (
        (Interaction.occurred_at, _moment),
        (TimeEntry.started_at, _moment),
        (Invoice.issued, _local_midnight),
        (Agreement.start, _local_midnight),
    ):
        table = column.model
        query = table.select(table.client, fn.MIN(column)).group_by(table.client)
        if client_ids is not None:
            query = query.where(table.client.in_(client_ids))
        for client_id, first in database.execute(query).fetchall():
            if first is not None:
                keep(client_id, as_moment(first))
    return firsts


def _referred(client_ids: list[int] | None) -> dict[int, int]:
    """How many clients in the book each client referred."""
    query = (
        Client.select(Client.referred_by, fn.COUNT(Client.id))
        .where(Client.referred_by.is_null(False))
        .group_by(Client.referred_by)
    )
    if client_ids is not None:
        query = query.where(Client.referred_by.in_(client_ids))
    return dict(database.execute(query).fetchall())


def _one_client(client: Client, as_of: datetime) -> tuple[Risk, list, list, list]:
    """The client's risk with its evidence, and the events it was computed from."""
    signals = _signals_for([client.id], True)[client.id]
    tones = _tones_for([client.id], as_of, True)[client.id]
    invoices = _invoices_for([client.id])[client.id]
    risk = risk_of(
        signals,
        invoices,
        as_of,
        _model,
        tones=tones,
        status=client.status,
        since=client_since(client),
        referred=_referred([client.id]).get(client.id, 0),
    )
    return risk, signals, tones, invoices


def explain(client: Client | int, as_of: datetime, if_paid: Iterable[str] | None = None) -> Risk:
    """The client's risk as of ``as_of``, with every factor's evidence, stance and advice.

    ``risk.what_if`` is the score as it would be if ``if_paid`` (by default every unpaid
    invoice) were paid today; nothing is stored. Raises InputError naming an invoice number
    the client does not have, or one already paid.
    """
    client = client if isinstance(client, Client) else Client.get_by_id(client)
    risk, signals, tones, invoices = _one_client(client, as_of)
    unpaid = unpaid_numbers(invoices, as_of)
    if if_paid is None:
        numbers = unpaid
    else:
        numbers = tuple(dict.fromkeys(str(n).strip() for n in if_paid))
        for number in numbers:
            if number not in unpaid:
                known = any(i.number == number for i in invoices)
                raise InputError(
                    "--if-paid",
                    f"invoice {number!r} is already paid"
                    if known
                    else f"{client.name} has no invoice {number!r}",
                )
    if numbers:
        paid = paid_now(invoices, numbers, as_of)
        [score] = scores_at(signals, paid, [as_of], _model, tones=tones)
        risk = replace(risk, what_if=WhatIf(numbers, score, band_of(score)))
    return risk


def trend_of(client: Client | int, as_of: datetime, weeks: int = 12) -> list[int]:
    """Weekly scores over the last ``weeks`` weeks, oldest first, for a sparkline."""
    client_id = client if isinstance(client, int) else client.id
    return trend(
        _signals_for([client_id], False)[client_id],
        _invoices_for([client_id])[client_id],
        as_of,
        weeks,
        _model,
        tones=_tones_for([client_id], as_of, False, weeks)[client_id],
    )


def _stored_values(signals, tones, invoices, as_of: datetime, risk: Risk | None = None) -> dict:
    moments = [as_of - timedelta(days=7)] + ([] if risk else [as_of])
    # a week ago always; now too unless the risk just computed has it
    week_ago, *now = scores_at(signals, invoices, moments, _model, tones=tones)
    score = risk.score if risk else now[0]
    return {
        "risk_score": score,
        "risk_band": band_of(score),
        "risk_as_of": as_of,
        "risk_week_ago": week_ago,
    }


def refresh_client(client: Client, now: datetime) -> Risk:
    """Recompute and store one client's risk as of ``now`` (score and the ``risk --json``
    document, see callsheet.models.book.risk_cache); return it (with evidence)."""
    risk, signals, tones, invoices = _one_client(client, now)
    values = _stored_values(signals, tones, invoices, now, risk)
    with database.atomic():
        Client.update(**values).where(Client.id == client.id).execute()
        risk_cache.store([(client.id, risk)], now, _model)
    for key, value in values.items():
        setattr(client, key, value)
    return risk


def _refresh_ids(
    client_ids: list[int] | None, as_of: datetime, progress: Callable[[int, int], None] | None
) -> int:
    """Store the score, last week's score and the ``risk --json`` document of these clients
    (all: None), computed from one read of their signals, tones and invoices."""
    signals = _signals_for(client_ids, True)
    tones = _tones_for(client_ids, as_of, True)
    invoices = _invoices_for(client_ids)
    first_contacts = _first_dates(client_ids)
    referred = _referred(client_ids)
    query = Client.select(Client.id, Client.status, Client.created_at)
    if client_ids is not None:
        query = query.where(Client.id.in_(client_ids))
    clients = list(query.namedtuples())
    # One prepared UPDATE run with executemany: building 10,000 peewee queries took longer
    # than scoring the clients.
    columns = [Client.risk_score, Client.risk_band, Client.risk_as_of, Client.risk_week_ago]
    sql = (
        f'UPDATE "{Client._meta.table_name}" SET '
        + ", ".join(f'"{field.column_name}" = ?' for field in columns)
        + f' WHERE "{Client.id.column_name}" = ?'
    )
    stored_as_of = Client.risk_as_of.db_value(as_of)
    done = 0
    with database.atomic():
        for batch in chunked(clients, 500):
            rows, risks = [], []
            for client in batch:
                risk = _risk_of_row(
                    client, signals, tones, invoices, first_contacts, referred, as_of
                )
                values = _stored_values(
                    signals.get(client.id, []),
                    tones.get(client.id, []),
                    invoices.get(client.id, []),
                    as_of,
                    risk,
                )
                rows.append(
                    (
                        values["risk_score"],
                        values["risk_band"],
                        stored_as_of,
                        values["risk_week_ago"],
                        client.id,
                    )
                )
                risks.append((client.id, risk))
            execute_many(sql, rows)
            risk_cache.store(risks, as_of, _model)
            done += len(batch)
            if progress:
                progress(done, len(clients))
    return done


def _risk_of_row(client, signals, tones, invoices, first_contacts, referred, as_of) -> Risk:
    """One client's risk from the bulk reads (``client``: a row with id, status, created_at)."""
    since = _since(client.created_at, first_contacts.get(client.id))
    return risk_of(
        signals.get(client.id, []),
        invoices.get(client.id, []),
        as_of,
        _model,
        tones=tones.get(client.id, []),
        status=client.status,
        since=since,
        referred=referred.get(client.id, 0),
    )


def refresh_clients(client_ids: list[int], as_of: datetime) -> int:
    """Recompute these clients' stored risk in bulk (after an import touched them)."""
    done = 0
    for batch in chunked(client_ids, 5000):
        done += _refresh_ids(list(batch), as_of, None)
    return done


def refresh_all(as_of: datetime, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every client's stored risk (after a bulk import or the demo)."""
    return _refresh_ids(None, as_of, progress)


def refresh_stale(as_of: datetime, max_age: timedelta = timedelta(hours=6)) -> int:
    """Recompute the clients whose stored risk is older than ``max_age``, or whose
    ``risk --json`` document is missing or was made by other code or settings (after an
    upgrade, or a change to ``[risk]``); return how many."""
    cutoff = as_of - max_age
    stale = (
        Client.risk_as_of.is_null()
        | (Client.risk_as_of < cutoff)
        | RiskCache.made_by.is_null()
        | (RiskCache.made_by != risk_cache.made_by(_model))
    )
    ids = [
        row[0]
        for row in Client.select(Client.id)
        .join(RiskCache, JOIN.LEFT_OUTER, on=(RiskCache.client == Client.id))
        .where(stale)
        .tuples()
    ]
    if not ids:
        return 0
    for batch in chunked(ids, 5000):
        _refresh_ids(list(batch), as_of, None)
    return len(ids)


def risk_all(
    as_of: datetime,
    band: str | None = None,
    include_archived: bool = False,
    client_ids: list[int] | None = None,
) -> list[tuple[Any, Risk]]:
    """Every client's risk as of ``as_of`` with evidence and stance, highest first
    (``client_ids``: only these).

    Clients come as rows with ``id``, ``name``, ``status`` and ``created_at``.
    """
    query = Client.select(Client.id, Client.name, Client.status, Client.created_at)
    if not include_archived:
        query = query.where(Client.archived_at.is_null())
    if client_ids is not None:
        query = query.where(Client.id.in_(client_ids))
    clients = list(query.namedtuples())  # plain rows: 10,000 model instances cost more
    signals = _signals_for(client_ids, True)
    tones = _tones_for(client_ids, as_of, True)
    invoices = _invoices_for(client_ids)
    first_contacts = _first_dates(client_ids)
    referred = _referred(client_ids)
    results = []
    for client in clients:
        risk = _risk_of_row(client, signals, tones, invoices, first_contacts, referred, as_of)
        if band is None or risk.band == band:
            results.append((client, risk))
    results.sort(key=lambda pair: (-pair[1].score, pair[0].name))
    return results
