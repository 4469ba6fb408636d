"""Stay in touch every N days: a client's cadence, and the clients whose cadence lapsed.

Contact resets a cadence by itself (it counts from the client's last contact); triage
lists the lapsed ones as its "Stay-in-touch cadence lapsed" group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import Model

from callsheet.models.book.records.undo import Change
from callsheet.models.store.db import database
from callsheet.models.store.tables import Client
from callsheet.models.values.validate import InputError


def set_cadence(client: Client, days: int | str | None) -> Change:
    """Stay in touch with ``client`` every ``days`` days (None or 0: no cadence)."""
    before: list[tuple[type[Model], dict]] = [
        (Client, {"id": client.id, "cadence_days": client.cadence_days})
    ]
    if days in (None, "", 0, "0"):
        clean = None
    else:
        try:
            clean = int(days)
        except (TypeError, ValueError):
            raise InputError("cadence", f"{days!r} is not a whole number of days") from None
        if not 1 <= clean <= 3650:
            raise InputError("cadence", f"{clean} days is out of range (1 to 3650)")
    with database.atomic():
        Client.update(cadence_days=clean).where(Client.id == client.id).execute()
        client.cadence_days = clean
    return Change(f"cadence of {client.name}", client.id, before)


@dataclass(frozen=True)
class LapsedCadence:
    """A client the consultant meant to contact every ``cadence_days`` days, now overdue."""

    client_id: int
    client_name: str
    cadence_days: int
    #: when the cadence came due: last contact + cadence (epoch seconds; 0 if never contacted)
    due: int
    last_contact: int | None


def lapsed_cadence_query(now: datetime):
    """Clients (id, name, cadence_days, last_contact_at) whose cadence lapsed by ``now``.

    Contact resets the cadence by itself: it counts from ``last_contact_at``, which every
    logged entry moves. Never contacted counts as lapsed. Longest overdue first.
    """
    stamp = int(now.timestamp())
    return (
        Client.select(Client.id, Client.name, Client.cadence_days, Client.last_contact_at)
        .where(
            Client.archived_at.is_null()
            & Client.cadence_days.is_null(False)
            & (
                Client.last_contact_at.is_null()
                | (Client.last_contact_at + Client.cadence_days * 86400 < stamp)
            )
        )
        .order_by(Client.last_contact_at.is_null(False), Client.last_contact_at, Client.id)
    )


def lapsed_cadences(now: datetime) -> list[LapsedCadence]:
    """Clients whose stay-in-touch cadence has lapsed, longest overdue first (triage shows
    them as its "Stay-in-touch cadence lapsed" group)."""
    return [
        LapsedCadence(cid, name, days, (last + days * 86400) if last else 0, last)
        for cid, name, days, last in database.execute(lapsed_cadence_query(now)).fetchall()
    ]
