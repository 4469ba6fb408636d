"""The dashboard's read queries: compact rows for the client list, one client's log, triage.

Everything here returns plain tuples/dataclasses (no Textual) and is shaped for speed at
10,000-100,000 clients: the client list is read with four queries whatever the size
(clients, phones, e-mails, money overdue), a client's log page uses the
``(client, occurred_at)`` index, and triage reads only small indexed sets (open follow-ups,
unpaid invoices, the client table).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

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


def _owed_cents():
    """An unpaid invoice's amount less its partial payments: what is overdue is what remains."""
    paid = Payment.select(fn.COALESCE(fn.SUM(Payment.amount_cents), 0)).where(
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
        Invoice.select(Invoice.client, fn.SUM(_owed_cents()))
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
        search = " ".join((name, company or "", *contact.get(client_id, ()))).casefold()
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


def log_rows(client_id: int, limit: int | None = None, before: int | None = None) -> list[LogRow]:
    """A client's interactions, newest first (a page of ``limit`` when given)."""
    query = (
        Interaction.select(
            Interaction.id,
            Interaction.occurred_at,
            Interaction.channel,
            Interaction.direction,
            Interaction.duration_min,
            Interaction.tone,
            Interaction.summary,
        )
        .where(Interaction.client == client_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    )
    if before is not None:
        query = query.where(Interaction.occurred_at < before)
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
        LogRow(i, at, channel, direction, minutes, tone, summary or "", tuple(signals.get(i, ())))
        for i, at, channel, direction, minutes, tone, summary in rows
    ]


@dataclass(frozen=True)
class Attention:
    """One thing that needs the consultant today, most urgent first."""

    client_id: int
    client_name: str
    kind: str  # follow_up, overdue_invoice, risk_rose, not_contacted, cadence
    when: int  # epoch seconds it became due
    text: str


def triage_counts(now: datetime) -> dict[str, int]:
    today = now.date()
    end_of_day = datetime.combine(today + timedelta(days=1), datetime.min.time(), now.tzinfo)
    return {
        "high": Client.select()
        .where(Client.archived_at.is_null() & (Client.risk_band == "high"))
        .count(),
        "overdue": Invoice.select()
        .where(Invoice.paid.is_null() & (Invoice.due < today.isoformat()))
        .count(),
        "follow_ups": FollowUp.select()
        .where(FollowUp.done_at.is_null() & (FollowUp.due_at < end_of_day))
        .count(),
    }


def needs_attention(now: datetime, stale_after_days: int = 21, limit: int = 500) -> list[Attention]:
    """Follow-ups due or overdue, overdue invoices, risk that rose this week, active clients gone quiet."""
    from models.validate import money_text

    today = now.date()
    end_of_day = datetime.combine(today + timedelta(days=1), datetime.min.time(), now.tzinfo)
    items: list[Attention] = []
    for _follow_up_id, client_id, name, due, text in database.execute(
        FollowUp.select(FollowUp.id, FollowUp.client, Client.name, FollowUp.due_at, FollowUp.text)
        .join(Client)
        .where(
            FollowUp.done_at.is_null()
            & (FollowUp.due_at < end_of_day)
            & Client.archived_at.is_null()
        )
        .order_by(FollowUp.due_at)
    ).fetchall():
        items.append(Attention(client_id, name, "follow_up", due, text))
    for client_id, name, number, amount, currency, due in database.execute(
        Invoice.select(
            Invoice.client,
            Client.name,
            Invoice.number,
            _owed_cents(),
            Invoice.currency,
            Invoice.due,
        )
        .join(Client)
        .where(
            Invoice.paid.is_null()
            & (Invoice.due < today.isoformat())
            & Client.archived_at.is_null()
        )
        .order_by(Invoice.due)
    ).fetchall():
        days = (today - date.fromisoformat(due)).days
        moment = int(
            datetime.combine(date.fromisoformat(due), datetime.min.time(), now.tzinfo).timestamp()
        )
        items.append(
            Attention(
                client_id,
                name,
                "overdue_invoice",
                moment,
                f"invoice {number}: {money_text(amount)} {currency}, {days} days overdue",
            )
        )
    for client_id, name, score, before in database.execute(
        Client.select(Client.id, Client.name, Client.risk_score, Client.risk_week_ago)
        .where(Client.archived_at.is_null() & (Client.risk_score >= Client.risk_week_ago + 10))
        .order_by((Client.risk_score - Client.risk_week_ago).desc())
    ).fetchall():
        items.append(
            Attention(
                client_id,
                name,
                "risk_rose",
                int(now.timestamp()),
                f"risk rose {before} → {score} this week",
            )
        )
    quiet_since = int((now - timedelta(days=stale_after_days)).timestamp())
    for client_id, name, last in database.execute(
        Client.select(Client.id, Client.name, Client.last_contact_at)
        .where(
            Client.archived_at.is_null()
            & (Client.status == "active")
            & (Client.last_contact_at.is_null() | (Client.last_contact_at < quiet_since))
        )
        .order_by(Client.last_contact_at)
    ).fetchall():
        days = (int(now.timestamp()) - last) // 86400 if last else None
        items.append(
            Attention(
                client_id,
                name,
                "not_contacted",
                last or 0,
                f"not contacted for {days} days" if days is not None else "never contacted",
            )
        )
    from models.records import lapsed_cadences  # "stay in touch every N days", per client

    for lapsed in lapsed_cadences(now):
        items.append(
            Attention(
                lapsed.client_id,
                lapsed.client_name,
                "cadence",
                lapsed.due,
                "stay in touch every "
                + (f"{lapsed.cadence_days} days: " if lapsed.cadence_days > 1 else "day: ")
                + (
                    f"last contact {(int(now.timestamp()) - lapsed.last_contact) // 86400} days ago"
                    if lapsed.last_contact
                    else "never contacted"
                ),
            )
        )
    return items[:limit]
