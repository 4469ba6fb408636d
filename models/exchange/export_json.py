"""callsheet/1 out: the one JSON format for ``--json``, ``export`` and test fixtures.

A document is ``{"format": "callsheet/1", "clients": [...]}``; each client object holds the
client's fields and, nested, everything recorded about them (see README, "The callsheet/1
format"). Export streams the document so a million log entries never sit in memory as one
list. Reading a document back is :mod:`callsheet.models.exchange.document` (checking) and :mod:`callsheet.models.exchange.merge`
(writing).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import IO

from peewee import chunked

from callsheet.models.exchange.document import FORMAT
from callsheet.models.store import tables as entities
from callsheet.models.store.db import read_snapshot
from callsheet.models.store.tables import Client, Interaction
from callsheet.models.values.text import json_safe
from callsheet.models.values.when import iso

__all__ = ["FORMAT", "client_record", "client_records_flat", "write_export"]


def _money(amount_cents: int | None):
    if amount_cents is None:
        return None
    whole, part = divmod(amount_cents, 100)
    return whole if part == 0 else amount_cents / 100


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _of(model, client: Client, *order: str):
    """The client's rows of ``model`` in ``order``, then in the order they were stored."""
    columns = [getattr(model, name) for name in order]
    return model.select().where(model.client == client).order_by(*columns, model.id)


def _phone_json(phone: entities.Phone):
    return {"number": phone.raw, "kind": phone.kind} if phone.kind else phone.raw


def _email_json(email: entities.Email):
    return {"address": email.address, "kind": email.kind} if email.kind else email.address


def _referrer_names(clients: Iterable[Client]) -> dict[int, str]:
    ids = {c.referred_by_id for c in clients if c.referred_by_id}
    if not ids:
        return {}
    return dict(Client.select(Client.id, Client.name).where(Client.id.in_(list(ids))).tuples())


def _flat(client: Client, phones, emails, referrers: dict[int, str], with_id: bool) -> dict:
    record = {"id": client.id} if with_id else {}
    record.update(
        name=client.name,
        salutation=client.salutation,
        language=client.language,
        company=client.company,
        status=client.status,
        phones=[_phone_json(p) for p in phones],
        emails=[_email_json(e) for e in emails],
        tags=list(client.tags),
        referred_by=referrers.get(client.referred_by_id) or client.referred_by_text or None,
        notes=client.notes,
        rapport=client.rapport,
        archived=iso(client.archived_at) if client.archived_at else None,
    )
    if client.cadence_days:  # written only when set, like an invoice's payments
        record["cadence_days"] = client.cadence_days
    return record


def client_record(client: Client, nested: bool = True, with_id: bool = False) -> dict:
    """The client's callsheet/1 object; ``nested=False`` leaves out the history."""
    phones = list(_of(entities.Phone, client))
    emails = list(_of(entities.Email, client))
    record = _flat(client, phones, emails, _referrer_names([client]), with_id)
    if nested:
        record.update(_history(client))
    return record


def client_records_flat(query) -> Iterator[dict]:
    """Flat records (with ``id``) for every client of ``query``, in pages of three queries."""
    for page in chunked(query, 2000):
        ids = [c.id for c in page]
        phones: defaultdict[int, list] = defaultdict(list)
        emails: defaultdict[int, list] = defaultdict(list)
        for model, points in ((entities.Phone, phones), (entities.Email, emails)):
            for point in model.select().where(model.client.in_(ids)).order_by(model.id):
                points[point.client_id].append(point)
        referrers = _referrer_names(page)
        for client in page:
            yield _flat(client, phones[client.id], emails[client.id], referrers, True)


def _history(client: Client) -> dict:
    signals = defaultdict(list)
    for signal in _of(entities.Signal, client):
        signals[signal.interaction_id].append(signal.kind)
    interactions = [
        {
            "at": iso(i.occurred_at),
            "channel": i.channel,
            "direction": i.direction,
            "duration_min": i.duration_min,
            "tone": i.tone,
            "signals": signals.get(i.id, []),
            "summary": i.summary,
            **_capture_json(i),
        }
        for i in _of(Interaction, client, "occurred_at")
    ]
    agreements = list(_of(entities.Agreement, client))
    payments = defaultdict(list)  # partial payments; an invoice without any has no key
    Payment, Invoice = entities.Payment, entities.Invoice
    for p in (
        Payment.select()
        .join(Invoice)
        .where(Invoice.client == client)
        .order_by(Payment.paid_on, Payment.id)
    ):
        payments[p.invoice_id].append(
            {"amount": _money(p.amount_cents), "on": _day(p.paid_on), "note": p.note}
        )
    titles = {a.id: a.title for a in agreements}
    return {
        "interactions": interactions,
        "agreements": [
            {
                "title": a.title,
                "scope": a.scope,
                "budget": _money(a.budget_cents),
                "currency": a.currency,
                "start": _day(a.start),
                "end": _day(a.end),
                "status": a.status,
            }
            for a in agreements
        ],
        "invoices": [
            {
                "number": v.number,
                "amount": _money(v.amount_cents),
                "currency": v.currency,
                "issued": _day(v.issued),
                "due": _day(v.due),
                "paid": _day(v.paid),
                "disputed": v.disputed,
                "agreement": titles.get(v.agreement_id),
                **({"payments": payments[v.id]} if v.id in payments else {}),
            }
            for v in _of(Invoice, client, "issued")
        ],
        "time_entries": [
            {
                "start": iso(t.started_at),
                "minutes": t.minutes,
                "note": t.note,
                "agreement": titles.get(t.agreement_id),
            }
            for t in _of(entities.TimeEntry, client, "started_at")
        ],
        "follow_ups": [
            {"due": iso(f.due_at), "text": f.text, "done": iso(f.done_at) if f.done_at else None}
            for f in _of(entities.FollowUp, client, "due_at")
        ],
    }


def _capture_json(interaction: Interaction) -> dict:
    """Written only when set: where a captured entry came from (models/capture), its key
    against duplicates, and suggested signals waiting for the user or dismissed by them."""
    values = {
        "source": interaction.source if interaction.source != "typed" else None,
        "external_key": interaction.external_key,
        "suggested_signals": interaction.suggested_signals,
        "dismissed_signals": interaction.dismissed_signals,
    }
    return {key: value for key, value in values.items() if value}


def write_export(stream: IO[str], progress: Callable[[int, int], None] | None = None) -> int:
    """Write the complete, lossless document to ``stream``; return the number of clients.

    One client at a time, so memory stays flat however long the log is.
    """
    total = Client.select().count()
    stream.write(f'{{"format": "{FORMAT}", "clients": [')
    written = 0
    with read_snapshot():  # one consistent snapshot while the dashboard may be writing
        for client in Client.select().order_by(Client.id).iterator():
            stream.write(",\n  " if written else "\n  ")
            record = client_record(client, nested=True)
            stream.write(json_safe(json.dumps(record, ensure_ascii=False)))
            written += 1
            if progress:
                progress(written, total)
    stream.write("\n]}\n" if written else "]}\n")
    return written
