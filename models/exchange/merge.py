"""Importing checked clients: each one added, merged into a stored client, or named.

:func:`import_document` takes a callsheet/1 document (from a file, or built by
:mod:`callsheet.models.exchange.importers` from vCard or CSV), checks all of it with :mod:`callsheet.models.exchange.document`
and only then writes, in one transaction through the write path's bulk half
(:mod:`callsheet.models.book.bulk_writes`): a bad file changes nothing. What is stored is looked up once
(:class:`callsheet.models.book.contact_points.Owners`), and new clients are inserted in batches.

A client in the file that matches one already stored is merged into it rather than
duplicated: new phones, e-mails and history are added, empty fields are filled, entries
already present are not added twice. A match is the same phone (E.164, or the same digits
for a number kept as typed), else the same e-mail, else, for a client with neither, the
same name (compared without case and extra spaces). Every merge is reported with whom it
merged and why, so importing the same file twice adds nothing and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peewee import chunked

from callsheet.models.book import bulk_writes as bulk
from callsheet.models.book.bulk_writes import CleanClient
from callsheet.models.book.contact_points import Owners, add_contact_points
from callsheet.models.exchange.document import FormatError, check_document
from callsheet.models.store.db import database
from callsheet.models.store.tables import Client
from callsheet.models.values.text import counted
from callsheet.models.values.when import utcnow

__all__ = ["FormatError", "ImportReport", "import_document"]


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    #: "name in the file -> #id stored name (same phone +40...)"
    merged: list[str] = field(default_factory=list)
    interactions: int = 0
    skipped: list[str] = field(default_factory=list)
    #: kept with a remark: a phone kept as typed, a card read without its END line
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: set for time-tracker imports, which add time entries rather than clients
    time_entries: int | None = None

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        if self.time_entries is not None:
            entries = counted(self.time_entries, "time entry", "time entries")
            return f"{verb} {entries} for {counted(len(self.merged), 'client')}"
        text = (
            f"{verb} {counted(len(self.added), 'client')}, merged {len(self.merged)} into "
            f"existing ones, {counted(self.interactions, 'log entry', 'log entries')}"
        )
        if self.skipped:
            text += f"; skipped {counted(len(self.skipped), 'bad client')}"
        if self.warnings:
            text += f"; {counted(len(self.warnings), 'warning')}"
        return text


def import_document(
    document: Any,
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
    region: str | None = None,
    default_currency: str = "EUR",
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    places: list[str] | None = None,
) -> ImportReport:
    """Import a callsheet/1 document: all of it, or (with ``skip_bad``) its good clients.

    ``places`` names where each client came from ("card 12 (line 140)", "line 7") when the
    document was made from another format, so problems point into the user's file.

    Raises :class:`FormatError` listing every problem when anything is bad and ``skip_bad``
    is off; nothing is written then. With ``dry_run`` nothing is written either, and the
    report says what would change.
    """
    now = now or utcnow()
    cleaned, problems = check_document(
        document, region=region, default_currency=default_currency, places=places, now=now
    )
    if problems and not skip_bad:
        raise FormatError(problems)
    report = ImportReport(dry_run=dry_run, skipped=problems)
    with database.atomic() as transaction:
        _write(cleaned, report, now, progress)
        if dry_run:
            transaction.rollback()
    return report


def _has_more(clean: CleanClient) -> bool:
    """Whether ``clean`` brings more than its fields and contact points (a vCard does not)."""
    return bool(
        clean.interactions
        or clean.agreements
        or clean.invoices
        or clean.time_entries
        or clean.follow_ups
        or clean.referred_by
    )


def _write(cleaned: list[CleanClient], report: ImportReport, now: datetime, progress) -> None:
    """Add or merge each client in file order; new ones go in batches (lookups loaded once)."""
    owners = Owners.load()
    new = bulk.NewClients(owners, now)
    touched: list[tuple[Client | int, CleanClient]] = []

    def insert_held() -> None:
        stored = new.flush()
        more = [client_id for client_id, clean in stored if _has_more(clean)]
        loaded = {
            c.id: c
            for batch in chunked(more, 500)
            for c in Client.select().where(Client.id.in_(batch))
        }
        for client_id, clean in stored:
            client = loaded.get(client_id)
            if client is not None:
                report.interactions += _add_history(client, clean, set())
            touched.append((client or client_id, clean))

    for done, clean in enumerate(cleaned, 1):
        report.warnings.extend(clean.warnings)
        found, why = owners.match(clean.phones, clean.emails, clean.fields["name"])
        if found is not None and new.pending(found):  # the same person twice in this file
            insert_held()
            found, why = owners.match(clean.phones, clean.emails, clean.fields["name"])
        if found is None:
            report.added.append(clean.fields["name"])
            if new.add(clean):
                insert_held()
        else:
            client = Client.get_by_id(found)
            bulk.fill_empty_fields(client, clean.fields, now)
            report.merged.append(f"{clean.fields['name']} -> #{client.id} {client.name} ({why})")
            add_contact_points(client, clean.phones, clean.emails)
            owners.claim_all(client.id, clean.phones, clean.emails)
            known = bulk.known_interactions(client) if clean.interactions else set()
            report.interactions += _add_history(client, clean, known)
            touched.append((client, clean))
        if progress:
            progress(done, len(cleaned))
    insert_held()
    # Referrers may come later in the file than the clients they referred.
    for client, clean in touched:
        if clean.referred_by and isinstance(client, Client) and client.referred_by_id is None:
            bulk.link_referrer(client, clean.referred_by, text_if_unknown=False)
    bulk.refresh_derived((c if isinstance(c, int) else c.id for c, _ in touched), now)


def _add_history(client: Client, clean: CleanClient, known: set) -> int:
    """The log, money, plans and referrer ``clean`` brings, beyond what ``client`` has;
    returns how many log entries were added."""
    if not _has_more(clean):
        return 0
    added = bulk.add_interactions(client, clean.interactions, known)
    bulk.add_money_and_plans(
        client, clean.agreements, clean.invoices, clean.time_entries, clean.follow_ups
    )
    if clean.referred_by:
        bulk.link_referrer(client, clean.referred_by)
    return added
