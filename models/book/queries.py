"""The dashboard's read queries: triage here, the client list and a client's log in
:mod:`callsheet.models.book.client_list` (re-exported, so the screens read everything from ``queries``).

Triage is a list of groups (:data:`TRIAGE_GROUPS`), each one query that gives both its
items and its count, so the dashboard's header, the triage view and ``callsheet triage``
can never disagree; each reads only small indexed sets (open follow-ups, unpaid invoices,
the client table). Other modules add groups with :func:`register_triage_group`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from peewee import JOIN, Select

from callsheet.models.book.client_list import ClientRow, LogRow, client_rows, log_rows, owed_cents
from callsheet.models.risk import vocabulary
from callsheet.models.risk.model import HIGH_FROM
from callsheet.models.store.db import database
from callsheet.models.store.tables import (
    Client,
    ContactSync,
    FollowUp,
    Interaction,
    Invoice,
    RingEvent,
)
from callsheet.models.values.text import money_text

__all__ = [
    # the client list and a client's log (callsheet.models.book.client_list)
    "ClientRow",
    "LogRow",
    "client_rows",
    "log_rows",
    # triage
    "HEADER_KINDS",
    "RISK_RISE_POINTS",
    "TRIAGE_GROUPS",
    "TRIAGE_STATUSES",
    "Attention",
    "Triage",
    "TriageGroup",
    "TriageMoment",
    "TriageSection",
    "in_triage",
    "needs_attention",
    "query_group",
    "register_triage_group",
    "suggestions_to_review",
    "triage",
    "triage_counts",
    "triage_groups",
]

#: The statuses triage looks at (one definition, in the risk vocabulary). Former and declined
#: clients are done with: their follow-ups, invoices and silence are no longer today's business
#: (archived clients are left out too).
TRIAGE_STATUSES = vocabulary.TRIAGE_STATUSES


def in_triage():
    """The condition on :class:`Client` for clients triage looks at."""
    return Client.archived_at.is_null() & Client.status.in_(TRIAGE_STATUSES)


@dataclass(frozen=True)
class Attention:
    """One thing that needs the consultant today."""

    #: None only for a missed call from a number nobody in the book has (or withheld)
    client_id: int | None
    client_name: str
    kind: str  # follow_up, overdue_invoice, risk_rose, not_contacted, cadence, suggestion,
    # missed_call
    when: int  # epoch seconds it became due
    text: str
    #: the follow-up, invoice or interaction this is about, when there is one
    ref: int | None = None
    #: the money it is about, in its own currency (an overdue invoice's remaining amount)
    amount: tuple[str, int] | None = None
    #: a missed call's number (E.164, or as received; None: withheld)
    number: str | None = None


@dataclass(frozen=True)
class TriageMoment:
    """What "today" means for one triage: the moment, and how long silence may last."""

    now: datetime
    stale_after_days: int = 21

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def end_of_day(self) -> datetime:
        return datetime.combine(
            self.today + timedelta(days=1), datetime.min.time(), self.now.tzinfo
        )


@dataclass(frozen=True)
class TriageGroup:
    """One kind of thing to attend to: its items (most urgent first) and how many there are.

    Build groups with :func:`query_group`, so the count and the items come from one query.
    """

    kind: str
    title: str
    count: Callable[[TriageMoment], int]
    items: Callable[[TriageMoment], list[Attention]]


def query_group(
    kind: str,
    title: str,
    query: Callable[[TriageMoment], Select],
    row: Callable[[tuple, TriageMoment], Attention],
) -> TriageGroup:
    """A group whose count and items are the same ``query`` (items: ``row`` per result)."""

    def count(moment: TriageMoment) -> int:
        return query(moment).order_by().count()

    def items(moment: TriageMoment) -> list[Attention]:
        return [row(values, moment) for values in database.execute(query(moment)).fetchall()]

    return TriageGroup(kind, title, count, items)


def _records_of_clients_in_triage(model, columns: tuple, where, *order_by) -> Select:
    """Rows of (client id, client name, *columns, record id) of ``model``'s records that
    match ``where``, for the clients triage looks at."""
    return (
        model.select(model.client, Client.name, *columns, model.id)
        .join(Client)
        .where(where & in_triage())
        .order_by(*order_by)
    )


def _follow_ups_due(moment: TriageMoment) -> Select:
    due = FollowUp.done_at.is_null() & (FollowUp.due_at < moment.end_of_day)
    columns = (FollowUp.due_at, FollowUp.text)
    return _records_of_clients_in_triage(FollowUp, columns, due, FollowUp.due_at, FollowUp.id)


def _overdue_invoices(moment: TriageMoment) -> Select:
    overdue = Invoice.paid.is_null() & (Invoice.due < moment.today.isoformat())
    columns = (Invoice.number, owed_cents(), Invoice.currency, Invoice.due)
    return _records_of_clients_in_triage(Invoice, columns, overdue, Invoice.due, Invoice.id)


def _overdue_invoice_row(values: tuple, moment: TriageMoment) -> Attention:
    client_id, name, number, amount, currency, due, invoice_id = values
    due_day = date.fromisoformat(due)
    became_due = datetime.combine(due_day, datetime.min.time(), moment.now.tzinfo)
    days = (moment.today - due_day).days
    return Attention(
        client_id,
        name,
        "overdue_invoice",
        int(became_due.timestamp()),
        f"invoice {number}: {money_text(amount)} {currency}, {days} days overdue",
        invoice_id,
        (currency, int(amount)),
    )


#: How many points in a week make a client's risk "rising".
RISK_RISE_POINTS = 10


def _risk_rising(moment: TriageMoment) -> Select:
    return (
        Client.select(Client.id, Client.name, Client.risk_score, Client.risk_week_ago)
        .where(in_triage() & (Client.risk_score >= Client.risk_week_ago + RISK_RISE_POINTS))
        .order_by((Client.risk_score - Client.risk_week_ago).desc(), Client.id)
    )


def _quiet_clients(moment: TriageMoment) -> Select:
    quiet_since = int((moment.now - timedelta(days=moment.stale_after_days)).timestamp())
    return (
        Client.select(Client.id, Client.name, Client.last_contact_at)
        .where(
            in_triage()
            & (Client.status == "active")
            & (Client.last_contact_at.is_null() | (Client.last_contact_at < quiet_since))
        )
        # never contacted first, then the longest silence
        .order_by(Client.last_contact_at.is_null(False), Client.last_contact_at, Client.id)
    )


def _quiet_row(values: tuple, moment: TriageMoment) -> Attention:
    client_id, name, last = values
    if last is None:
        return Attention(client_id, name, "not_contacted", 0, "never contacted")
    days = (int(moment.now.timestamp()) - last) // 86400
    return Attention(client_id, name, "not_contacted", last, f"not contacted for {days} days")


def _lapsed_cadences(moment: TriageMoment) -> Select:
    # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
    from callsheet.models.book.records.cadence import lapsed_cadence_query

    return lapsed_cadence_query(moment.now).where(in_triage())


def _cadence_row(values: tuple, moment: TriageMoment) -> Attention:
    client_id, name, days, last = values
    every = f"every {days} days" if days > 1 else "every day"
    if last is None:
        return Attention(client_id, name, "cadence", 0, f"stay in touch {every}: never contacted")
    ago = (int(moment.now.timestamp()) - last) // 86400
    return Attention(
        client_id, name, "cadence", last + days * 86400, f"stay in touch {every}: {ago} days since"
    )


def _sync_conflicts(moment: TriageMoment) -> Select:
    """Clients whose contact card and record were changed in the same field since the last
    ``callsheet sync contacts`` (models/exchange/contact_sync.py), archived or not."""
    return (
        ContactSync.select(Client.id, Client.name, Client.updated_at, ContactSync.conflict)
        .join(Client)
        .where(ContactSync.conflict != "")
        .order_by(Client.name_key)
    )


def _conflict_row(values: tuple, moment: TriageMoment) -> Attention:
    client_id, name, updated, fields = values
    text = f"card and client both changed ({fields}): callsheet sync contacts --prefer ..."
    return Attention(client_id, name, "sync_conflict", updated, text)


#: The groups of triage, in the order they are shown; capture's "suggestions to review"
#: comes last (:func:`suggestions_to_review`).
TRIAGE_GROUPS: list[TriageGroup] = [
    query_group(
        "follow_up",
        "Follow-ups due",
        _follow_ups_due,
        lambda v, m: Attention(v[0], v[1], "follow_up", v[2], v[3], v[4]),
    ),
    # the phone (callsheet ring, models/capture/ring.py): calls to return, after the calls
    # promised; the dashboard shows the heading only when there is one, the header counts them
    query_group(
        "missed_call", "Missed calls", lambda m: _missed_calls(), lambda v, m: _missed_row(v)
    ),
    query_group("overdue_invoice", "Overdue invoices", _overdue_invoices, _overdue_invoice_row),
    query_group(
        "risk_rose",
        "Risk rising this week",
        _risk_rising,
        lambda v, m: Attention(
            v[0], v[1], "risk_rose", int(m.now.timestamp()), f"risk rose {v[3]} → {v[2]} this week"
        ),
    ),
    query_group("cadence", "Stay-in-touch cadence lapsed", _lapsed_cadences, _cadence_row),
    query_group("not_contacted", "Active clients gone quiet", _quiet_clients, _quiet_row),
    # issue 25: a contact card changed on the phone and in callsheet (callsheet sync contacts)
    query_group("sync_conflict", "Contacts changed on both sides", _sync_conflicts, _conflict_row),
]


def _missed_calls() -> Select:
    """Missed calls not yet dealt with (called back, logged, or cleared), newest first; from
    any number, a client's or not (a former client calling is still a call to return)."""
    return (
        RingEvent.select(
            RingEvent.client,
            Client.name,
            RingEvent.at,
            RingEvent.e164,
            RingEvent.number,
            RingEvent.withheld,
            RingEvent.id,
        )
        .join(Client, JOIN.LEFT_OUTER)
        .where((RingEvent.event == "missed") & RingEvent.cleared_at.is_null())
        .order_by(RingEvent.at.desc(), RingEvent.id.desc())
    )


def _missed_row(values: tuple) -> Attention:
    client_id, name, at, e164, number, withheld, ring_id = values
    shown = None if withheld else (e164 or number)
    if client_id is None:
        text = "missed call, number withheld" if withheld else f"missed call from {shown}"
    else:
        text = f"missed call from {shown} — call back"
    return Attention(client_id, name or "", "missed_call", at, text, ring_id, number=shown)


def register_triage_group(group: TriageGroup) -> None:
    """Add (or replace, by kind) a group of triage; it is shown after the built-in ones."""
    for index, existing in enumerate(TRIAGE_GROUPS):
        if existing.kind == group.kind:
            TRIAGE_GROUPS[index] = group
            return
    TRIAGE_GROUPS.append(group)


def _open_suggestions(moment: TriageMoment) -> Select:
    # ``> ""`` rather than ``!= ""``: a range, so the index on suggested_signals serves it
    waiting = Interaction.suggested_signals > ""
    columns = (Interaction.occurred_at, Interaction.suggested_signals, Interaction.summary)
    newest_first = (Interaction.occurred_at.desc(), Interaction.id.desc())
    return _records_of_clients_in_triage(Interaction, columns, waiting, *newest_first)


def _suggestion_row(values: tuple, moment: TriageMoment) -> Attention:
    client_id, name, at, kinds, summary, interaction_id = values
    named = ", ".join(kind.replace("_", " ") for kind in kinds.split())
    text = f"suggested {named}: {' '.join((summary or '').split())[:80]}"
    return Attention(client_id, name, "suggestion", at, text, interaction_id)


def suggestions_to_review() -> TriageGroup | None:
    """The "Suggestions to review" group: log entries whose text suggested signals
    (models/risk/suggestions.py) that the consultant has neither confirmed nor
    dismissed, newest first. Suggestions never count toward risk until confirmed
    (:func:`callsheet.models.book.clients.resolve_suggestions`), so this is where they wait.
    """
    return query_group("suggestion", "Suggestions to review", _open_suggestions, _suggestion_row)


def triage_groups() -> list[TriageGroup]:
    """Every group triage shows, in order."""
    suggestions = suggestions_to_review()
    return TRIAGE_GROUPS + ([suggestions] if suggestions is not None else [])


@dataclass
class TriageSection:
    kind: str
    title: str
    items: list[Attention] = field(default_factory=list)


@dataclass
class Triage:
    """Everything that needs attention, grouped by kind; nothing is left out."""

    sections: list[TriageSection]

    @property
    def items(self) -> list[Attention]:
        return [item for section in self.sections for item in section.items]

    @property
    def counts(self) -> dict[str, int]:
        return {section.kind: len(section.items) for section in self.sections}

    @property
    def total(self) -> int:
        return sum(len(section.items) for section in self.sections)


def triage(now: datetime, stale_after_days: int = 21) -> Triage:
    """Every follow-up due, overdue invoice, rising risk and quiet active client (and
    whatever other group is registered), for the clients :func:`in_triage`."""
    moment = TriageMoment(now, stale_after_days)
    return Triage([TriageSection(g.kind, g.title, g.items(moment)) for g in triage_groups()])


def _group(kind: str) -> TriageGroup:
    return next(group for group in triage_groups() if group.kind == kind)


#: The groups the dashboard's header counts (the others are counted when triage is open).
HEADER_KINDS = ("follow_up", "overdue_invoice", "missed_call")


def triage_counts(now: datetime, stale_after_days: int = 21) -> dict[str, int]:
    """The dashboard header's counts: high-risk clients, and the sizes of the triage groups
    it names (``follow_ups`` and ``overdue`` are the "Follow-ups due" and "Overdue invoices"
    groups: the same queries, so header and triage agree).

    Only indexed counts: the header is drawn on the UI thread before the first frame.
    """
    moment = TriageMoment(now, stale_after_days)
    counts = {g.kind: g.count(moment) for g in triage_groups() if g.kind in HEADER_KINDS}
    # the score's range lets the (archived_at, risk_score) index find them (the band alone
    # read every client); the stored band follows the score (callsheet.models.risk.model.band_of)
    high = (Client.risk_score >= HIGH_FROM) & (Client.risk_band == "high")
    counts["high"] = Client.select().where(in_triage() & high).count()
    counts["overdue"] = counts["overdue_invoice"]
    counts["follow_ups"] = counts["follow_up"]
    counts["missed_calls"] = counts["missed_call"]
    return counts


def needs_attention(now: datetime, stale_after_days: int = 21) -> list[Attention]:
    """Every item of :func:`triage`, group after group."""
    return triage(now, stale_after_days).items
