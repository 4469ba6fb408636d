"""Phone numbers kept as typed ("0721 234 567 (?)"), read again once a country is known.

An import (or a first run with no country known) keeps a national number it cannot read
under :func:`callsheet.models.values.phones.unverified_key`: shown with "(?)", matched only
when typed the same way, never by a caller's international number. As soon as a region is
set, :func:`normalise_kept` reads each one again in that region and stores its E.164 form
(the dashboard does it on start-up, ``callsheet doctor --fix`` on demand), in one
transaction; what still reads as no number (a service code, an extension, a typo) is left
as typed and :func:`kept_phones` lists it, so ``callsheet doctor`` names each one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from callsheet.models.store.db import database
from callsheet.models.store.tables import Client, Phone
from callsheet.models.values.phones import UNVERIFIED, PhoneError, to_e164


@dataclass(frozen=True)
class KeptPhone:
    """A number kept as typed: whose it is, how it was typed, why it still cannot be read."""

    phone_id: int
    client_id: int
    client_name: str
    raw: str
    why: str = ""


@dataclass
class Normalised:
    #: the numbers now kept as E.164: (client id, as typed, E.164)
    read: list[tuple[int, str, str]] = field(default_factory=list)
    #: the numbers that still read as no number in the region
    unreadable: list[KeptPhone] = field(default_factory=list)


def _kept_query():
    return (
        Phone.select(Phone.id, Phone.raw, Client.id, Client.name)
        .join(Client)
        .where(Phone.e164.startswith(UNVERIFIED))
        .order_by(Phone.client, Phone.id)
    )


def has_kept() -> bool:
    """Whether any number is kept as typed (one indexed look-up: cheap on start-up)."""
    return Phone.select().where(Phone.e164.startswith(UNVERIFIED)).exists()


def kept_phones(region: str | None) -> list[KeptPhone]:
    """Every number kept as typed, with why ``region`` (None: no country known) cannot read it."""
    found = []
    for phone in _kept_query():
        try:
            to_e164(phone.raw, region)
        except PhoneError as error:
            why = str(error)
        else:
            why = f"reads as a number in {region} now: `callsheet doctor --fix` stores it"
        found.append(KeptPhone(phone.id, phone.client.id, phone.client.name, phone.raw, why))
    return found


def normalise_kept(region: str | None) -> Normalised:
    """Read every number kept as typed in ``region`` and keep those that read as E.164.

    One transaction: all the numbers that read are stored, or (a busy database, a crash)
    none. A client who already has the same number in E.164 keeps that one row.
    """
    done = Normalised()
    if not region:
        done.unreadable = kept_phones(region)
        return done
    with database.atomic():
        for phone in _kept_query():
            try:
                e164 = to_e164(phone.raw, region)
            except PhoneError as error:
                done.unreadable.append(
                    KeptPhone(phone.id, phone.client.id, phone.client.name, phone.raw, str(error))
                )
                continue
            twin = Phone.select().where((Phone.client == phone.client.id) & (Phone.e164 == e164))
            if twin.exists():
                Phone.delete().where(Phone.id == phone.id).execute()
            else:
                Phone.update(e164=e164).where(Phone.id == phone.id).execute()
            done.read.append((phone.client.id, phone.raw, e164))
    return done
