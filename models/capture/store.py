"""What every capture produces, and the one way it reaches the log.

Parsers (mail, calendar, call log) turn what they read into :class:`Captured` records: pure
values, no database. :func:`match_addresses` and :func:`match_phones` say which clients an
address or number belongs to; :func:`save` writes the records through
:func:`callsheet.models.book.clients.log_captured` and moves the per-folder marks in the same transaction,
so an interrupted run leaves neither half a batch nor a mark past what was saved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from callsheet.models.book.clients import log_captured
from callsheet.models.store.db import database
from callsheet.models.store.tables import CaptureMark, Client, Email, Phone


@dataclass
class Captured:
    """One log entry for one client, as a capture found it."""

    client_id: int
    at: datetime
    channel: str
    direction: str
    summary: str
    source: str
    #: unique per client: capturing the same thing again is recognised by it
    key: str
    minutes: int | None = None
    suggested: list[str] = field(default_factory=list)
    #: a calendar event's occurrence (UID, and RECURRENCE-ID in a series): what stays the
    #: same when the event is moved, so a calendar sync updates the entry it logged
    occurrence: str = ""


def match_addresses() -> dict[str, list[int]]:
    """Every known e-mail address (lower case) and the clients it belongs to."""
    clients: dict[str, list[int]] = defaultdict(list)
    for address, client_id in Email.select(Email.address, Email.client).tuples():
        clients[address.lower()].append(client_id)
    return dict(clients)


def match_phones() -> dict[str, list[int]]:
    """Every known phone number (E.164) and the clients it belongs to."""
    clients: dict[str, list[int]] = defaultdict(list)
    for e164, client_id in Phone.select(Phone.e164, Phone.client).tuples():
        clients[e164].append(client_id)
    return dict(clients)


def client_names(ids) -> dict[int, str]:
    return dict(Client.select(Client.id, Client.name).where(Client.id.in_(list(ids))).tuples())


def load_marks() -> dict[str, int]:
    return dict(CaptureMark.select(CaptureMark.place, CaptureMark.mark).tuples())


def save(
    entries: list[Captured], marks: dict[str, int] | None = None, now=None, dry_run: bool = False
) -> list[Captured]:
    """Log ``entries`` (skipping those already logged) and store ``marks``: one transaction.

    With ``dry_run`` the same writes run and are rolled back, so the entries returned are
    exactly those a real run would add.
    """
    with database.atomic() as transaction:
        added = log_captured(entries, now)
        if dry_run:
            transaction.rollback()
            return added
        for place, mark in (marks or {}).items():
            updated = (
                CaptureMark.update(mark=mark)
                .where((CaptureMark.place == place) & (CaptureMark.mark < mark))
                .execute()
            )
            if not updated and not CaptureMark.select().where(CaptureMark.place == place).exists():
                CaptureMark.create(place=place, mark=mark)
    return added
