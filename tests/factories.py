"""Builders for the records tests start from, all dated by the fixed clock (tests/clock.py).

They write through the same functions the app uses (callsheet.models.book.clients), so a test's store is
one the app could have made; each takes the few facts a test cares about as arguments and
fills in the rest.
"""

from __future__ import annotations

from datetime import date, timedelta

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, Interaction, Invoice
from tests.clock import NOW


def client(name: str, **fields) -> Client:
    """A client added at NOW, national phone numbers read as Romanian (the tests' region)."""
    return ops.add_client(name, **{"now": NOW, "region": "RO", **fields})


def ion_ionescu(**fields) -> Client:
    """Ion Ionescu: a Romanian client, addressed as "dl. Ionescu", on +40 721 234 567."""
    details = {"phones": ["+40 721 234 567"], "salutation": "dl. Ionescu", "language": "ro"}
    return client("Ion Ionescu", **{**details, **fields})


def entry(
    client: Client, summary: str, *signals: str, days_ago: float = 0, **fields
) -> Interaction:
    """A call logged ``days_ago`` before NOW with the given signals."""
    at = NOW - timedelta(days=days_ago)
    return ops.log_interaction(
        client, summary=summary, signals=list(signals), at=at, now=NOW, **fields
    )


def invoice(client: Client, number: str, amount, issued: date, due: date, **fields) -> Invoice:
    """An invoice issued and due on the given days (unpaid unless ``paid=`` is given)."""
    return ops.add_invoice(
        client, number=number, amount=amount, issued=issued, due=due, now=NOW, **fields
    )
