"""Clients out as CSV and vCard, open follow-ups out as an iCalendar file.

The complete, lossless export is callsheet/1 JSON (callsheet.models.exchange.export_json); these formats carry
what other tools understand: an address book (vCard 3.0, read by phones and mail clients),
a spreadsheet (CSV with one row per client), a calendar (VTODO per open follow-up, with a
stable UID so re-importing into a calendar updates rather than duplicates).
"""

from __future__ import annotations

import csv
from typing import IO

from callsheet.models.store.tables import Client, Email, FollowUp, Phone

CSV_HEADER = [
    "name",
    "salutation",
    "language",
    "company",
    "status",
    "phones",
    "emails",
    "tags",
    "notes",
    "rapport",
]


def _contact_points() -> tuple[dict, dict]:
    phones: dict[int, list] = {}
    emails: dict[int, list] = {}
    for phone in Phone.select().order_by(Phone.id):
        phones.setdefault(phone.client_id, []).append(phone)
    for email in Email.select().order_by(Email.id):
        emails.setdefault(email.client_id, []).append(email)
    return phones, emails


def write_csv(stream: IO[str]) -> int:
    phones, emails = _contact_points()
    writer = csv.writer(stream)
    writer.writerow(CSV_HEADER)
    count = 0
    for client in Client.select().where(Client.archived_at.is_null()).order_by(Client.name_key):
        writer.writerow(
            [
                client.name,
                client.salutation,
                client.language,
                client.company,
                client.status,
                "; ".join(p.raw for p in phones.get(client.id, [])),
                "; ".join(e.address for e in emails.get(client.id, [])),
                ", ".join(client.tags),
                client.notes,
                client.rapport,
            ]
        )
        count += 1
    return count


def write_vcf(stream: IO[str]) -> int:
    # deferred: slow to import, and only this path needs it
    import vobject

    phones, emails = _contact_points()
    count = 0
    for client in Client.select().where(Client.archived_at.is_null()).order_by(Client.name_key):
        card = vobject.vCard()
        card.add("fn").value = client.name
        parts = client.name.rsplit(" ", 1)
        card.add("n").value = vobject.vcard.Name(
            family=parts[-1], given=parts[0] if len(parts) > 1 else ""
        )
        if client.company:
            card.add("org").value = [client.company]
        for phone in phones.get(client.id, []):
            tel = card.add("tel")
            tel.value = phone.e164
            kind = {"mobile": "CELL", "work": "WORK", "home": "HOME"}.get(phone.kind)
            if kind:
                tel.type_param = kind
        for email in emails.get(client.id, []):
            item = card.add("email")
            item.value = email.address
            if email.kind in ("work", "home"):
                item.type_param = email.kind.upper()
        if client.notes:
            card.add("note").value = client.notes
        if client.tags:
            card.add("categories").value = list(client.tags)
        stream.write(card.serialize())
        count += 1
    return count


def write_ics(stream: IO[str]) -> int:
    # deferred: slow to import, and only this path needs it
    from icalendar import Calendar, Todo

    calendar = Calendar()
    calendar.add("prodid", "-//callsheet//follow-ups//EN")
    calendar.add("version", "2.0")
    count = 0
    for follow_up in (
        FollowUp.select(FollowUp, Client)
        .join(Client)
        .where(FollowUp.done_at.is_null())
        .order_by(FollowUp.due_at)
    ):
        todo = Todo()
        todo.add("uid", f"follow-up-{follow_up.id}@callsheet")
        todo.add("summary", f"{follow_up.client.name}: {follow_up.text}")
        todo.add("due", follow_up.due_at)
        todo.add("dtstamp", follow_up.due_at)
        todo.add("status", "NEEDS-ACTION")
        calendar.add_component(todo)
        count += 1
    stream.write(calendar.to_ical().decode("utf-8"))
    return count
