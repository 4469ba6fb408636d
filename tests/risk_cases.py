"""What the risk model's tests are made of: the fixed moment, hypothesis strategies for
histories, invoices and tones, and builders for overdue and paid invoices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from callsheet.models.risk.model import InvoiceFact, SignalEvent, ToneEvent
from callsheet.models.risk.vocabulary import SERIOUS_KINDS
from callsheet.models.values.terms import POSITIVE_SIGNALS, TONES, WARNING_SIGNALS

AS_OF = datetime(2026, 11, 24, 12, tzinfo=UTC)
#: the signs a user can log, as the log's signal picker offers them
WARNINGS = list(WARNING_SIGNALS)
POSITIVES = list(POSITIVE_SIGNALS)
#: the serious signs a user can log, from the one vocabulary
SERIOUS = sorted(SERIOUS_KINDS & set(WARNINGS))


def ago(days: float) -> datetime:
    return AS_OF - timedelta(days=days)


events = st.builds(
    SignalEvent,
    at=st.floats(0, 2000).map(ago),
    kind=st.sampled_from(WARNINGS + POSITIVES + ["own_mistake"]),
)
histories = st.lists(events, max_size=40)
invoice_lists = st.lists(
    st.builds(
        lambda issued, due_in, paid_after, amount, disputed: InvoiceFact(
            "n",
            amount,
            "EUR",
            AS_OF.date() - timedelta(days=issued),
            AS_OF.date() - timedelta(days=issued - due_in),
            None
            if paid_after is None
            else AS_OF.date() - timedelta(days=max(issued - paid_after, 0)),
            disputed,
        ),
        st.integers(0, 800),
        st.integers(0, 60),
        st.one_of(st.none(), st.integers(0, 200)),
        st.integers(100, 5_000_000),
        st.booleans(),
    ),
    max_size=6,
)
tone_lists = st.lists(
    st.builds(
        ToneEvent,
        at=st.floats(0, 2000).map(ago),
        tone=st.sampled_from(TONES),
    ),
    max_size=20,
)


def overdue(
    days: int, cents: int = 1_458_300, number: str = "9", term: int = 14, disputed: bool = False
) -> InvoiceFact:
    """An unpaid invoice due ``days`` ago, issued ``term`` days before it was due."""
    due = AS_OF.date() - timedelta(days=days)
    return InvoiceFact(number, cents, "EUR", due - timedelta(days=term), due, None, disputed)


def paid(days_ago: int, cents: int = 500_000, number: str = "p") -> InvoiceFact:
    """An invoice paid on its due day, ``days_ago`` days ago."""
    day = AS_OF.date() - timedelta(days=days_ago)
    return InvoiceFact(number, cents, "EUR", day - timedelta(days=10), day, day)
