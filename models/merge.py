"""Importing checked clients: each one added, merged into a stored client, or named.

:func:`import_document` takes a callsheet/1 document (from a file, or built by
:mod:`models.importers` from vCard or CSV), checks all of it with :mod:`models.document`
and only then writes, in one transaction through the write path in :mod:`models.clients`:
a bad file changes nothing.

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

from models import clients as write
from models.db import database
from models.document import CleanClient, FormatError, check_document
from models.entities import Client, Email, Phone
from models.when import utcnow

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
            return f"{verb} {self.time_entries} time entries for {len(self.merged)} clients"
        text = (
            f"{verb} {len(self.added)} clients, merged {len(self.merged)} into existing ones, "
            f"{self.interactions} log entries"
        )
        if self.skipped:
            text += f"; skipped {len(self.skipped)} bad clients"
        if self.warnings:
            text += f"; {len(self.warnings)} warnings"
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


def _find_existing(clean: CleanClient) -> tuple[Client | None, str]:
    """The stored client ``clean`` is the same person as, and why; else (None, "")."""
    phones = [p[0] for p in clean.phones]
    emails = [e[0] for e in clean.emails]
    if phones:
        match = (
            Phone.select(Phone.client, Phone.e164)
            .where(Phone.e164.in_(phones))
            .order_by(Phone.client)
            .first()
        )
        if match:
            return Client.get_by_id(match.client_id), f"same phone {match.e164.lstrip('?')}"
    if emails:
        match = (
            Email.select(Email.client, Email.address)
            .where(Email.address.in_(emails))
            .order_by(Email.client)
            .first()
        )
        if match:
            return Client.get_by_id(match.client_id), f"same e-mail {match.address}"
    if not phones and not emails:
        # Nothing else to go by: the same name is the same person (and re-importing a file
        # of clients without contact points must not duplicate them).
        match = (
            Client.select()
            .where(Client.name_key == write.name_key(clean.fields["name"]))
            .order_by(Client.id)
            .first()
        )
        if match:
            return match, "same name"
    return None, ""


def _write(cleaned: list[CleanClient], report: ImportReport, now: datetime, progress) -> None:
    touched: list[Client] = []
    for done, clean in enumerate(cleaned, 1):
        report.warnings.extend(clean.warnings)
        client, why = _find_existing(clean)
        if client is None:
            client = write.create_imported(clean.fields, clean.archived, now)
            report.added.append(clean.fields["name"])
            known = set()
        else:
            write.fill_empty_fields(client, clean.fields, now)
            report.merged.append(f"{clean.fields['name']} -> #{client.id} {client.name} ({why})")
            known = write.known_interactions(client)
        write.add_contact_points(client, clean.phones, clean.emails)
        report.interactions += write.add_interactions(client, clean.interactions, known)
        write.add_money_and_plans(
            client, clean.agreements, clean.invoices, clean.time_entries, clean.follow_ups
        )
        if clean.referred_by:
            write.link_referrer(client, clean.referred_by)
        touched.append(client)
        if progress:
            progress(done, len(cleaned))
    # Referrers may come later in the file than the clients they referred.
    for client, clean in zip(touched, cleaned, strict=True):
        if clean.referred_by and client.referred_by_id is None:
            write.link_referrer(client, clean.referred_by, text_if_unknown=False)
    write.refresh_after_import((c.id for c in touched), now)
