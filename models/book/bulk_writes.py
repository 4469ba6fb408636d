"""The write path's bulk half: what an import writes, many rows a statement.

:mod:`callsheet.models.exchange.merge` and :mod:`callsheet.models.exchange.importers` call these inside their one import
transaction, so a bad file or a crash leaves nothing half-written; every other write goes
through :mod:`callsheet.models.book.clients`. New clients are inserted a few hundred at a time with their
phones and e-mails (:class:`NewClients`), what is already stored is looked up once
(:class:`callsheet.models.book.contact_points.Owners`), and last contact and risk are refreshed once per
touched client at the end. Portable peewee calls only: the store also runs on PostgreSQL.

It also owns :func:`refresh_derived`, the one function every write path (one client or ten
thousand) calls to bring a client's derived columns, last contact and stored risk, up to
date with their records.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from peewee import PostgresqlDatabase, chunked, fn

from callsheet.models.book.contact_points import Owners, insert_contact_points
from callsheet.models.book.finding import name_key
from callsheet.models.book.scoring import refresh_client, refresh_clients
from callsheet.models.store import tables as entities
from callsheet.models.store.db import database
from callsheet.models.store.tables import Client, Interaction, Signal
from callsheet.models.values.terms import CONTACT_CHANNELS

#: Above every stored id: the place-holder ids of clients an import has not inserted yet.
_PROVISIONAL = 1 << 62


@dataclass
class CleanClient:
    """One checked client, ready for :mod:`callsheet.models.exchange.merge` to write."""

    place: str
    fields: dict
    phones: list  # (e164 or unverified key, raw, kind)
    emails: list  # (address, kind)
    referred_by: str | None
    archived: datetime | None
    interactions: list = field(default_factory=list)
    """(at, channel, direction, minutes, tone, summary, signals, capture fields)"""
    agreements: list = field(default_factory=list)
    invoices: list = field(default_factory=list)
    time_entries: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    #: what was kept or dropped with a remark (a phone kept as typed)
    warnings: list[str] = field(default_factory=list)


class NewClients:
    """The clients an import adds, held back and inserted a few hundred a statement.

    Each one is known to ``owners`` at once under a provisional id, so a later card with
    the same phone matches it; :meth:`pending` says the match must be inserted first.
    """

    def __init__(self, owners: Owners, now: datetime, size: int = 500):
        self.owners, self.now, self.size = owners, now, size
        self.held: list[tuple[int, CleanClient]] = []
        self.count = 0

    def add(self, clean: CleanClient) -> bool:
        """Hold ``clean`` (a :class:`callsheet.models.exchange.document.CleanClient`); True when a batch is full."""
        provisional = _PROVISIONAL + self.count
        self.count += 1
        self.owners.claim_all(provisional, clean.phones, clean.emails, clean.fields["name"])
        self.held.append((provisional, clean))
        return len(self.held) >= self.size

    def pending(self, client_id: int) -> bool:
        return client_id >= _PROVISIONAL

    def flush(self) -> list[tuple[int, CleanClient]]:
        """Insert the held clients with their phones and e-mails: (stored id, clean) each."""
        if not self.held:
            return []
        rows = [client_row(clean.fields, self.now, clean.archived) for _, clean in self.held]
        ids = _insert_returning_ids(Client, rows)
        stored = []
        for (provisional, clean), row, client_id in zip(self.held, rows, ids, strict=True):
            keys = [("phone", p[0]) for p in clean.phones] + [("email", e[0]) for e in clean.emails]
            self.owners.rename(provisional, client_id, [*keys, ("name", row["name_key"])])
            stored.append((client_id, clean))
        insert_contact_points((client_id, c.phones, c.emails) for client_id, c in stored)
        self.held = []
        return stored


def add_signals(interaction_id: int, client_id: int, kinds: Sequence[str], at: datetime) -> None:
    """The signals of one log entry, in one statement."""
    if kinds:
        Signal.insert_many(
            [
                {"interaction": interaction_id, "client": client_id, "kind": kind, "at": at}
                for kind in kinds
            ]
        ).execute()


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert rows of ``model``, returning their ids in order (RETURNING where the store has it).

    The rows of one call have the same keys. SQLite 3.35+ takes 32,766 variables a statement.
    """
    db = database.obj
    if isinstance(db, PostgresqlDatabase) or sqlite3.sqlite_version_info >= (3, 35):
        ids: list[int] = []
        for batch in chunked(rows, 500):
            ids += [
                row[0] for row in model.insert_many(batch).returning(model.id).tuples().execute()
            ]
        return ids
    return [model.insert(**row).execute() for row in rows]


def client_row(fields: dict, now: datetime, archived: datetime | None = None) -> dict:
    """A new client's row from checked fields: with the name's lookup key, added ``now``."""
    name = {"name_key": name_key(fields["name"])}
    return {**fields, **name, "created_at": now, "updated_at": now, "archived_at": archived}


def fill_empty_fields(client: Client, fields: dict, now: datetime) -> None:
    """Merge: an imported value fills a field the stored client left empty, never replaces."""
    filled = {
        key: value
        for key, value in fields.items()
        if key not in ("name", "status") and value and not getattr(client, key)
    }
    # only the filled fields: never every column of this copy (last contact, stored risk)
    changes = {**filled, "updated_at": now}
    Client.update({**changes, "version": Client.version + 1}).where(
        Client.id == client.id
    ).execute()
    for key, value in changes.items():
        setattr(client, key, value)
    client.version += 1


def link_referrer(client: Client, referred_by: str, *, text_if_unknown: bool = True) -> None:
    """Point ``client`` at the client named ``referred_by``, else keep the name as text."""
    referrer = Client.select().where(Client.name_key == name_key(referred_by)).first()
    if referrer and referrer.id != client.id:
        client.referred_by, client.referred_by_text = referrer, ""
    elif text_if_unknown:
        client.referred_by, client.referred_by_text = None, referred_by
    else:
        return
    client.save(only=[Client.referred_by, Client.referred_by_text])


def add_interactions(client: Client, rows: Sequence[tuple], known: set) -> int:
    """Add (at, channel, direction, minutes, tone, summary, signals, capture) entries not
    yet known.

    ``known`` holds (at, channel, summary) of entries already stored, so the same export
    imported twice adds nothing; it is updated as entries are added. A captured entry
    (``capture["external_key"]``, from mail or a calendar) is also known by its key.
    """
    keys = [row[7]["external_key"] for row in rows if row[7].get("external_key")]
    known_keys: set = set()
    for batch in chunked(keys, 500):
        known_keys.update(
            key
            for (key,) in Interaction.select(Interaction.external_key)
            .where((Interaction.client == client) & Interaction.external_key.in_(batch))
            .tuples()
        )
    entries, signals_of = [], []
    for at, channel, direction, minutes, tone, summary, signals, capture in rows:
        if (at, channel, summary) in known or capture.get("external_key") in known_keys:
            continue
        known.add((at, channel, summary))
        if capture.get("external_key"):
            known_keys.add(capture["external_key"])
        entry = dict(
            zip(_ENTRY_COLUMNS, (at, channel, direction, minutes, tone, summary), strict=True)
        )
        entries.append({"client": client.id, **entry, **capture})
        signals_of.append((signals, at))
    ids = _insert_returning_ids(Interaction, entries)
    for interaction_id, (signals, at) in zip(ids, signals_of, strict=True):
        add_signals(interaction_id, client.id, signals, at)
    return len(ids)


#: The columns of an imported log entry, in the order callsheet.models.exchange.document checks them.
_ENTRY_COLUMNS = ("occurred_at", "channel", "direction", "duration_min", "tone", "summary")


def known_interactions(client: Client) -> set:
    return set(
        Interaction.select(Interaction.occurred_at, Interaction.channel, Interaction.summary)
        .where(Interaction.client == client)
        .tuples()
    )


def add_money_and_plans(client: Client, agreements, invoices, time_entries, follow_ups) -> None:
    """Add the checked agreements, invoices, time entries and follow-ups not yet stored.

    Each is known by what tells it apart for the consultant: an agreement by its title, an
    invoice by its number, time by its start and minutes, a follow-up by its due time and text.
    """
    Agreement, Invoice = entities.Agreement, entities.Invoice
    by_title = {a.title: a for a in Agreement.select().where(Agreement.client == client)}
    for item in _not_stored(Agreement, client, ("title",), agreements):
        by_title[item["title"]] = Agreement.create(client=client, **item)

    def linked(item: dict) -> dict:
        return {**item, "agreement": by_title.get(item["agreement"] or "")}

    for item in _not_stored(Invoice, client, ("number",), invoices):
        row = linked(item)
        parts = row.pop("payments", [])
        invoice = Invoice.create(client=client, **row)
        if (
            parts
        ):  # an invoice paid in parts (callsheet.models.book.records keeps them current afterwards)
            rows = [{"invoice": invoice.id, **part} for part in parts]
            entities.Payment.insert_many(rows).execute()
    for item in _not_stored(entities.TimeEntry, client, ("started_at", "minutes"), time_entries):
        entities.TimeEntry.create(client=client, **linked(item))
    for item in _not_stored(entities.FollowUp, client, ("due_at", "text"), follow_ups):
        entities.FollowUp.create(client=client, **item)


def _not_stored(model, client: Client, key: tuple[str, ...], items: list[dict]):
    """The items whose ``key`` fields match none of the client's stored rows of ``model``
    (nor an earlier item)."""
    if not items:
        return
    columns = [getattr(model, name) for name in key]
    known = set(model.select(*columns).where(model.client == client).tuples())
    for item in items:
        if (found := tuple(item[name] for name in key)) not in known:
            known.add(found)
            yield item


def add_tracked_time(rows: Sequence[tuple[Client, datetime, int, str]]) -> list[Client]:
    """Time entries from a time tracker, each (client, start, minutes, note), unless recorded.

    Returns the client of every entry added (an entry already stored is left alone).
    """
    added = []
    for client, start, minutes, note in rows:
        TimeEntry = entities.TimeEntry
        exists = (
            TimeEntry.select()
            .where(
                (TimeEntry.client == client)
                & (TimeEntry.started_at == start)
                & (TimeEntry.minutes == minutes)
            )
            .exists()
        )
        if not exists:
            TimeEntry.create(client=client, started_at=start, minutes=minutes, note=note)
            added.append(client)
    return added


def refresh_derived(clients: Iterable[Client | int], now: datetime) -> None:
    """The one way a client's derived columns follow their records: last contact (the newest
    call, e-mail, meeting or message; a note is for the consultant and is not contact) and
    the stored risk with its ``risk --json`` document.

    Every write path calls it inside its transaction once a client's records changed (a log
    entry, an invoice, a payment, a correction, an undo, an import); a form never writes
    these columns. Many clients are done a batch at a time, one statement per batch (a
    10,000-card file is one import); a :class:`Client` given alone keeps its copy current.
    """
    given = list(clients)
    ids = list(dict.fromkeys(c if isinstance(c, int) else c.id for c in given))
    for batch in chunked(ids, 500):
        latest = Interaction.select(fn.MAX(Interaction.occurred_at)).where(
            (Interaction.client == Client.id) & Interaction.channel.in_(CONTACT_CHANNELS)
        )
        Client.update(last_contact_at=latest).where(Client.id.in_(batch)).execute()
    if len(given) == 1 and isinstance(given[0], Client):
        client = given[0]
        client.last_contact_at = (
            Client.select(Client.last_contact_at)
            .where(Client.id == client.id)
            .get()
            .last_contact_at
        )
        refresh_client(client, now)
    elif ids:
        refresh_clients(ids, now)
