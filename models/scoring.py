"""Stored risk: every client's score kept current without rereading the log.

The dashboard lists 10,000 clients from ``Client.risk_score``/``risk_band`` alone. Those
columns are refreshed for one client whenever their events change (every write in
:mod:`models.clients` calls :func:`refresh_client`), in bulk after an import or the demo
(:func:`refresh_all`), and as time passes (:func:`refresh_stale`, which the dashboard runs
from a worker, so old events fade while it stays open). Only signal rows and invoices are
read (a small indexed table, not the million-row log); interaction summaries are joined in
only when a score must be explained.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from peewee import chunked, fn

from models.db import database, execute_many
from models.entities import Client, Interaction, Invoice, Payment, Signal
from models.risk import (
    DEFAULT_TABLE,
    InvoiceFact,
    Risk,
    Rule,
    SignalEvent,
    risk_of,
    table_with,
    trend,
)

_table: Mapping[str, Rule] = DEFAULT_TABLE


def configure(config) -> None:
    """Apply the ``[risk]`` overrides of config.toml (raises ConfigError naming a bad one)."""
    from models.config import ConfigError

    global _table
    try:
        _table = table_with(getattr(config, "risk", None))
    except ValueError as error:
        raise ConfigError(f"config.toml: {error}") from None


def current_table() -> Mapping[str, Rule]:
    """The table in use: the defaults with config.toml's overrides."""
    return _table


def _signals_for(
    client_ids: Iterable[int] | None, with_summaries: bool
) -> dict[int, list[SignalEvent]]:
    if with_summaries:
        query = Signal.select(Signal.client, Signal.at, Signal.kind, Interaction.summary).join(
            Interaction
        )
    else:
        query = Signal.select(Signal.client, Signal.at, Signal.kind)
    if client_ids is not None:
        query = query.where(Signal.client.in_(list(client_ids)))
    grouped: dict[int, list[SignalEvent]] = defaultdict(list)
    for row in query.tuples().iterator():
        grouped[row[0]].append(SignalEvent(row[1], row[2], row[3] if with_summaries else ""))
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
        Payment.select(Invoice.id, fn.SUM(Payment.amount_cents))
        .join(Invoice)
        .where(Invoice.paid.is_null())
        .group_by(Invoice.id)
    )
    if client_ids is not None:
        part_paid = part_paid.where(Invoice.client.in_(list(client_ids)))
    paid_so_far = dict(part_paid.tuples())
    query = query.select_extend(Invoice.id)
    grouped: dict[int, list[InvoiceFact]] = defaultdict(list)
    for row in query.tuples().iterator():
        fact = InvoiceFact(*row[1:-1])
        if row[-1] in paid_so_far and fact.paid is None:
            fact = replace(fact, amount_cents=fact.amount_cents - paid_so_far[row[-1]])
        grouped[row[0]].append(fact)
    return grouped


def explain(client: Client | int, as_of: datetime) -> Risk:
    """The client's risk as of ``as_of``, with every factor's evidence (computed, not stored)."""
    client_id = client if isinstance(client, int) else client.id
    return risk_of(
        _signals_for([client_id], True)[client_id],
        _invoices_for([client_id])[client_id],
        as_of,
        _table,
    )


def trend_of(client: Client | int, as_of: datetime, weeks: int = 12) -> list[int]:
    """Weekly scores over the last ``weeks`` weeks, oldest first, for a sparkline."""
    client_id = client if isinstance(client, int) else client.id
    return trend(
        _signals_for([client_id], False)[client_id],
        _invoices_for([client_id])[client_id],
        as_of,
        weeks,
        _table,
    )


def _stored_values(signals, invoices, as_of: datetime, risk: Risk | None = None) -> dict:
    risk = risk or risk_of(signals, invoices, as_of, _table)
    week_ago = risk_of(signals, invoices, as_of - timedelta(days=7), _table).score
    return {
        "risk_score": risk.score,
        "risk_band": risk.band,
        "risk_as_of": as_of,
        "risk_week_ago": week_ago,
    }


def refresh_client(client: Client, now: datetime) -> Risk:
    """Recompute and store one client's risk as of ``now``; return it (with evidence)."""
    signals, invoices = (
        _signals_for([client.id], True)[client.id],
        _invoices_for([client.id])[client.id],
    )
    risk = risk_of(signals, invoices, now, _table)
    values = _stored_values(signals, invoices, now, risk)
    with database.atomic():
        Client.update(**values).where(Client.id == client.id).execute()
    for key, value in values.items():
        setattr(client, key, value)
    return risk


def _refresh_ids(
    client_ids: list[int] | None, as_of: datetime, progress: Callable[[int, int], None] | None
) -> int:
    signals = _signals_for(client_ids, False)
    invoices = _invoices_for(client_ids)
    ids = (
        client_ids
        if client_ids is not None
        else [row[0] for row in Client.select(Client.id).tuples()]
    )
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
        for batch in chunked(ids, 500):
            rows = []
            for client_id in batch:
                values = _stored_values(
                    signals.get(client_id, []), invoices.get(client_id, []), as_of
                )
                rows.append(
                    (
                        values["risk_score"],
                        values["risk_band"],
                        stored_as_of,
                        values["risk_week_ago"],
                        client_id,
                    )
                )
            execute_many(sql, rows)
            done += len(batch)
            if progress:
                progress(done, len(ids))
    return done


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
    """Recompute the clients whose stored risk is older than ``max_age``; return how many."""
    cutoff = as_of - max_age
    ids = [
        row[0]
        for row in Client.select(Client.id)
        .where(Client.risk_as_of.is_null() | (Client.risk_as_of < cutoff))
        .tuples()
    ]
    if not ids:
        return 0
    for batch in chunked(ids, 5000):
        _refresh_ids(list(batch), as_of, None)
    return len(ids)


def risk_all(
    as_of: datetime, band: str | None = None, include_archived: bool = False
) -> list[tuple[Client, Risk]]:
    """Every client's risk as of ``as_of`` with evidence, highest first (``callsheet risk``)."""
    query = Client.select(Client.id, Client.name, Client.status)
    if not include_archived:
        query = query.where(Client.archived_at.is_null())
    clients = list(query)
    signals = _signals_for(None, True)
    invoices = _invoices_for(None)
    results = []
    for client in clients:
        risk = risk_of(signals.get(client.id, []), invoices.get(client.id, []), as_of, _table)
        if band is None or risk.band == band:
            results.append((client, risk))
    results.sort(key=lambda pair: (-pair[1].score, pair[0].name))
    return results
