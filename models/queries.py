"""The dashboard's read queries: compact rows for the client list, one client's log, triage.

Everything here returns plain tuples/dataclasses (no Textual) and is shaped for speed at
10,000-100,000 clients: the client list is read with four queries whatever the size
(clients, phones, e-mails, money overdue), a client's log page uses the
``(client, occurred_at)`` index, and triage reads only small indexed sets (open follow-ups,
unpaid invoices, the client table).

Triage is a list of groups (:data:`TRIAGE_GROUPS`), each one query that gives both its
items and its count, so the dashboard's header, the triage view and ``callsheet triage``
can never disagree.

(Over 450 lines on purpose: every read the dashboard and triage make, each a short query; one
place shows what the screens read and which indexes they need.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from peewee import Select, fn

from models import vocabulary
from models.db import database
from models.entities import (
    Client,
    Email,
    FollowUp,
    Interaction,
    Invoice,
    Payment,
    Phone,
    Signal,
)
from models.text import fold


def _owed_cents():
    """An unpaid invoice's amount less its partial payments: what is overdue is what remains."""
    # PostgreSQL sums a BIGINT as NUMERIC (a Decimal in Python): cast back to whole cents.
    paid = Payment.select(fn.COALESCE(fn.SUM(Payment.amount_cents), 0).cast("BIGINT")).where(
        Payment.invoice == Invoice.id
    )
    return Invoice.amount_cents - paid


@dataclass(slots=True)
class ClientRow:
    """What the client list shows and filters on, for one client."""

    id: int
    name: str
    company: str
    status: str
    risk_score: int
    risk_band: str
    risk_week_ago: int
    last_contact: int | None  # epoch seconds
    overdue_cents: int
    archived: bool
    #: lower-cased name, company, phones (as typed and as digits) and e-mails
    search: str


def _overdue_by_client(today: date, client_ids: list[int] | None = None) -> dict[int, int]:
    query = (
        Invoice.select(Invoice.client, fn.SUM(_owed_cents()).cast("BIGINT"))
        .where(Invoice.paid.is_null() & (Invoice.due < today.isoformat()))
        .group_by(Invoice.client)
    )
    if client_ids is not None:
        query = query.where(Invoice.client.in_(client_ids))
    return dict(query.tuples())


def client_rows(
    today: date, client_ids: list[int] | None = None, limit: int | None = None
) -> list[ClientRow]:
    """Rows for every client (or just ``client_ids``, or the ``limit`` riskiest)."""
    query = Client.select(
        Client.id,
        Client.name,
        Client.company,
        Client.status,
        Client.risk_score,
        Client.risk_band,
        Client.risk_week_ago,
        Client.last_contact_at,
        Client.archived_at,
    )
    if client_ids is not None:
        query = query.where(Client.id.in_(client_ids))
    if limit is not None:
        query = (
            query.where(Client.archived_at.is_null())
            .order_by(Client.risk_score.desc())
            .limit(limit)
        )
    # raw epoch ints: converting 100,000 timestamps to datetimes is wasted work here
    clients = database.execute(query).fetchall()
    ids = [row[0] for row in clients] if (client_ids is not None or limit is not None) else None
    contact = defaultdict(list)
    phones = Phone.select(Phone.client, Phone.e164, Phone.raw)
    emails = Email.select(Email.client, Email.address)
    if ids is not None:
        phones, emails = phones.where(Phone.client.in_(ids)), emails.where(Email.client.in_(ids))
    for client_id, e164, raw in database.execute(phones).fetchall():
        contact[client_id].append(f"{raw} {e164}")
    for client_id, address in database.execute(emails).fetchall():
        contact[client_id].append(address)
    overdue = _overdue_by_client(today, ids)
    rows = []
    for client_id, name, company, status, score, band, week_ago, last, archived in clients:
        search = fold(" ".join((name, company or "", *contact.get(client_id, ()))))
        rows.append(
            ClientRow(
                client_id,
                name,
                company or "",
                status,
                score,
                band,
                week_ago,
                last,
                overdue.get(client_id, 0),
                archived is not None,
                search,
            )
        )
    return rows


@dataclass(slots=True)
class LogRow:
    id: int
    at: int  # epoch seconds
    channel: str
    direction: str
    duration_min: int | None
    tone: str | None
    summary: str
    signals: tuple[str, ...]
    #: typed, mail, calendar or phone (models/capture)
    source: str = "typed"
    #: signals the text suggests, waiting for the user's yes or no; they do not count
    suggested: tuple[str, ...] = ()


def log_rows(
    client_id: int, limit: int | None = None, before: tuple[int, int] | None = None
) -> list[LogRow]:
    """A client's interactions, newest first (a page of ``limit`` when given).

    ``before`` is the ``(at, id)`` of the last row already shown: pages follow the log's
    order (time, then id), so entries that share a second with the page's last one are
    neither dropped nor repeated.
    """
    query = (
        Interaction.select(
            Interaction.id,
            Interaction.occurred_at,
            Interaction.channel,
            Interaction.direction,
            Interaction.duration_min,
            Interaction.tone,
            Interaction.summary,
            Interaction.source,
            Interaction.suggested_signals,
        )
        .where(Interaction.client == client_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    )
    if before is not None:
        at, interaction_id = before
        # the first term bounds the index range scan; the second breaks ties on id
        query = query.where(
            (Interaction.occurred_at <= at)
            & ((Interaction.occurred_at < at) | (Interaction.id < interaction_id))
        )
    if limit is not None:
        query = query.limit(limit)
    rows = database.execute(query).fetchall()
    if not rows:
        return []
    signals = defaultdict(list)
    signal_query = Signal.select(Signal.interaction, Signal.kind).where(Signal.client == client_id)
    if limit is not None:
        signal_query = signal_query.where(Signal.at >= rows[-1][1])
    for interaction_id, kind in database.execute(signal_query).fetchall():
        signals[interaction_id].append(kind)
    return [
        LogRow(
            i,
            at,
            channel,
            direction,
            minutes,
            tone,
            summary or "",
            tuple(signals.get(i, ())),
            source,
            tuple(suggested.split()) if suggested else (),
        )
        for i, at, channel, direction, minutes, tone, summary, source, suggested in rows
    ]


# --- triage --------------------------------------------------------------------------------

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

    client_id: int
    client_name: str
    kind: str  # follow_up, overdue_invoice, risk_rose, not_contacted, cadence, suggestion
    when: int  # epoch seconds it became due
    text: str
    #: the follow-up, invoice or interaction this is about, when there is one
    ref: int | None = None


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


def _follow_ups_due(moment: TriageMoment) -> Select:
    return (
        FollowUp.select(FollowUp.client, Client.name, FollowUp.due_at, FollowUp.text, FollowUp.id)
        .join(Client)
        .where(FollowUp.done_at.is_null() & (FollowUp.due_at < moment.end_of_day) & in_triage())
        .order_by(FollowUp.due_at, FollowUp.id)
    )


def _overdue_invoices(moment: TriageMoment) -> Select:
    return (
        Invoice.select(
            Invoice.client,
            Client.name,
            Invoice.number,
            _owed_cents(),
            Invoice.currency,
            Invoice.due,
            Invoice.id,
        )
        .join(Client)
        .where(Invoice.paid.is_null() & (Invoice.due < moment.today.isoformat()) & in_triage())
        .order_by(Invoice.due, Invoice.id)
    )


def _overdue_invoice_row(values: tuple, moment: TriageMoment) -> Attention:
    from models.text import money_text

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
    from models.records import lapsed_cadence_query  # the cadence is models.records'

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


#: The groups of triage, in the order they are shown; capture's "suggestions to review"
#: comes last (:func:`suggestions_to_review`).
TRIAGE_GROUPS: list[TriageGroup] = [
    query_group(
        "follow_up",
        "Follow-ups due",
        _follow_ups_due,
        lambda v, m: Attention(v[0], v[1], "follow_up", v[2], v[3], v[4]),
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
]


def register_triage_group(group: TriageGroup) -> None:
    """Add (or replace, by kind) a group of triage; it is shown after the built-in ones."""
    for index, existing in enumerate(TRIAGE_GROUPS):
        if existing.kind == group.kind:
            TRIAGE_GROUPS[index] = group
            return
    TRIAGE_GROUPS.append(group)


def _open_suggestions(moment: TriageMoment) -> Select:
    # ``> ""`` rather than ``!= ""``: a range, so the index on suggested_signals serves it
    return (
        Interaction.select(
            Interaction.client,
            Client.name,
            Interaction.occurred_at,
            Interaction.suggested_signals,
            Interaction.summary,
            Interaction.id,
        )
        .join(Client)
        .where((Interaction.suggested_signals > "") & in_triage())
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    )


def _suggestion_row(values: tuple, moment: TriageMoment) -> Attention:
    client_id, name, at, kinds, summary, interaction_id = values
    named = ", ".join(kind.replace("_", " ") for kind in kinds.split())
    text = f"suggested {named}: {' '.join((summary or '').split())[:80]}"
    return Attention(client_id, name, "suggestion", at, text, interaction_id)


def suggestions_to_review() -> TriageGroup | None:
    """The "Suggestions to review" group: log entries whose text suggested signals
    (models/capture/suggestions.py) that the consultant has neither confirmed nor
    dismissed, newest first. Suggestions never count toward risk until confirmed
    (:func:`models.clients.resolve_suggestions`), so this is where they wait.
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
HEADER_KINDS = ("follow_up", "overdue_invoice")


def triage_counts(now: datetime, stale_after_days: int = 21) -> dict[str, int]:
    """The dashboard header's counts: high-risk clients, and the sizes of the triage groups
    it names (``follow_ups`` and ``overdue`` are the "Follow-ups due" and "Overdue invoices"
    groups: the same queries, so header and triage agree).

    Only indexed counts: the header is drawn on the UI thread before the first frame.
    """
    moment = TriageMoment(now, stale_after_days)
    counts = {g.kind: g.count(moment) for g in triage_groups() if g.kind in HEADER_KINDS}
    counts["high"] = Client.select().where(in_triage() & (Client.risk_band == "high")).count()
    counts["overdue"] = counts["overdue_invoice"]
    counts["follow_ups"] = counts["follow_up"]
    return counts


def needs_attention(now: datetime, stale_after_days: int = 21) -> list[Attention]:
    """Every item of :func:`triage`, group after group."""
    return triage(now, stale_after_days).items
