"""Phones and e-mail addresses: cleaned, kept unique per client, and who owns each.

A phone is kept under its E.164 form (or :func:`callsheet.models.values.phones.unverified_key` for a number
an import kept as typed), an address in lower case. One number or address belongs to one
client unless the user says it is shared: two owners make "who is calling" a guess, and a
later JSON round trip would merge the two clients into one. The write path in
:mod:`callsheet.models.book.clients` cleans and checks through here; an import finds the client a card is
the same person as through :class:`Owners`, loaded once for the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from callsheet.models.book.finding import find_by_email, find_by_phone, name_key
from callsheet.models.store.db import execute_many
from callsheet.models.store.tables import Client, Email, Phone
from callsheet.models.values import validate
from callsheet.models.values.validate import InputError


@dataclass
class PhoneInput:
    raw: str
    kind: str = ""


def clean_phones(
    phones: Iterable[str | PhoneInput], region: str | None, kept: dict[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """Phones as (E.164, as typed, kind); strict, except that a number an import kept as
    typed (``kept``: as typed -> its key) may stay when the client is edited."""
    cleaned: dict[str, tuple[str, str, str]] = {}
    for item in phones:
        item = item if isinstance(item, PhoneInput) else PhoneInput(str(item))
        if not item.raw.strip():
            continue
        if kept and item.raw.strip() in kept:
            key = kept[item.raw.strip()]
        else:
            key = validate.phone(item.raw, region)
        cleaned.setdefault(key, (key, item.raw.strip(), item.kind))
    return list(cleaned.values())


def clean_emails(emails: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    """E-mails as (address, kind), checked and lower-cased, each once."""
    cleaned: dict[str, tuple[str, str]] = {}
    for item in emails:
        address, kind = (item, "") if isinstance(item, str) else item
        if not address.strip():
            continue
        normalised = validate.email(address)
        cleaned.setdefault(normalised, (normalised, kind))
    return list(cleaned.values())


def refuse_shared(
    phones: list[tuple[str, str, str]],
    emails: list[tuple[str, str]],
    client: Client | None,
    *,
    allow_phone: bool = False,
    allow_email: bool = False,
) -> None:
    """Refuse a phone or e-mail that already belongs to a client other than ``client``.

    The :class:`InputError` (on "phone" or "email") names the owner; ``allow_*`` is for a
    real shared line (a company switchboard, a couple's landline).
    """
    checks = (
        ("phone", find_by_phone, [(key, raw) for key, raw, _ in phones], allow_phone),
        ("email", find_by_email, [(address, address) for address, _ in emails], allow_email),
    )
    for field, owner_of, points, allowed in checks:
        for key, shown in [] if allowed else points:
            owner = owner_of(key)
            if owner is not None and (client is None or owner.id != client.id):
                raise InputError(
                    field,
                    f"{shown} already belongs to #{owner.id} {owner.name}: log with that client, "
                    f"or add it anyway with --allow-shared-{field}",
                )


def add_contact_points(client: Client, phones, emails) -> None:
    """Add (key, raw, kind) phones and (address, kind) e-mails the client does not have yet."""
    new_phones = _not_in(phones, {p.e164 for p in client.phones})
    new_emails = _not_in(emails, {e.address for e in client.emails})
    insert_contact_points([(client.id, new_phones, new_emails)])


def replace_contact_points(client: Client, phones: list | None, emails: list | None) -> None:
    """Replace the client's phones and e-mails with those given; ``None`` keeps a list."""
    for model, given in ((Phone, phones), (Email, emails)):
        if given is not None:
            model.delete().where(model.client == client).execute()
    add_contact_points(client, phones or [], emails or [])


def _not_in(points, known: set[str]) -> list:
    """The points whose key (their first item) is not known, each key once, first kept."""
    new = []
    for point in points:
        if point[0] not in known:
            known.add(point[0])
            new.append(point)
    return new


def insert_contact_points(rows: Iterable[tuple[int, list, list]]) -> None:
    """Insert each (client id, phones, e-mails) as given: one prepared statement a table.

    A statement run for many rows costs far less than building a query a few hundred rows
    at a time (a 10,000-card import adds 30,000 of them).
    """
    phones, emails = [], []
    for client_id, client_phones, client_emails in rows:
        phones += [(client_id, key, raw, kind) for key, raw, kind in client_phones]
        emails += [(client_id, address, kind) for address, kind in client_emails]
    for model, fields, table in (
        (Phone, (Phone.client, Phone.e164, Phone.raw, Phone.kind), phones),
        (Email, (Email.client, Email.address, Email.kind), emails),
    ):
        if table:
            columns = ", ".join(f'"{field.column_name}"' for field in fields)
            marks = ", ".join("?" for _ in fields)
            execute_many(
                f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})', table
            )


class Owners:
    """Who owns each phone, e-mail and name: loaded once for an import, kept current by it.

    Each key maps to the lowest id of the clients that hold it, as the stored tables would
    answer, so a card is matched without a query. An import registers the clients it adds
    (with ids above any stored one until they are inserted) and the points it adds.
    """

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, int]] = {"phone": {}, "email": {}, "name": {}}

    @classmethod
    def load(cls) -> Owners:
        owners = cls()
        queries = (
            ("phone", Phone.select(Phone.e164, Phone.client)),
            ("email", Email.select(Email.address, Email.client)),
            ("name", Client.select(Client.name_key, Client.id)),
        )
        for kind, query in queries:
            for key, client_id in query.tuples().iterator():
                owners.claim(kind, key, client_id)
        return owners

    def claim(self, kind: str, key: str, client_id: int) -> None:
        held = self.by_kind[kind]
        if key not in held or client_id < held[key]:
            held[key] = client_id

    def claim_all(self, client_id: int, phones, emails, name: str | None = None) -> None:
        for key, *_ in phones:
            self.claim("phone", key, client_id)
        for address, _ in emails:
            self.claim("email", address, client_id)
        if name is not None:
            self.claim("name", name_key(name), client_id)

    def rename(self, old: int, new: int, keys: Iterable[tuple[str, str]]) -> None:
        """A provisional id became the stored ``new`` for these (kind, key) pairs."""
        for kind, key in keys:
            if self.by_kind[kind].get(key) == old:
                self.by_kind[kind][key] = new

    def match(self, phones, emails, name: str) -> tuple[int | None, str]:
        """The client with these points (or, with none, this name) is, and why; else None.

        A match is the same phone, else the same e-mail, else, for a client with neither,
        the same name; among several the lowest id, the client stored first.
        """
        for kind, keys, why in (
            ("phone", [p[0] for p in phones], "same phone"),
            ("email", [e[0] for e in emails], "same e-mail"),
        ):
            held = self.by_kind[kind]
            found = [(held[key], key) for key in keys if key in held]
            if found:
                owner, key = min(found)
                return owner, f"{why} {key.lstrip('?')}"
        if not phones and not emails:
            # Nothing else to go by: the same name is the same person (and re-importing a
            # file of clients without contact points must not duplicate them).
            same_name = self.by_kind["name"].get(name_key(name))
            if same_name is not None:
                return same_name, "same name"
        return None, ""
