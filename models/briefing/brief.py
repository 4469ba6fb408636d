"""The call sheet: the one page to read before a call (domain rules 1, 6, 7, 8).

``brief_of(client, as_of)`` gathers who they are and how to greet them, the last three
contacts, open follow-ups, money owed, scope used against scope agreed, the risk with its
top reasons, and the stance for the call (chosen by :mod:`callsheet.models.risk.stance` from the same
factors as the risk's advice, weighing revenue, referrals and years together against the
cost). :mod:`callsheet.models.briefing.forms` prints it as text, Markdown and JSON; the dashboard's
call-sheet screen shows the same sections.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from peewee import fn

from callsheet.models.book import scoring
from callsheet.models.book.scoring import client_since
from callsheet.models.risk.model import Risk
from callsheet.models.risk.stance import Stance
from callsheet.models.store.tables import (
    Agreement,
    Client,
    FollowUp,
    Interaction,
    Invoice,
    Payment,
    Signal,
    TimeEntry,
)
from callsheet.models.values.greeting import greeting_for
from callsheet.models.values.money import Converted, add, amounts_text, convert_to
from callsheet.models.values.phones import for_display
from callsheet.models.values.terms import CONTACT_CHANNELS
from callsheet.models.values.when import to_zone


@dataclass
class Contact:
    at: datetime
    channel: str
    direction: str
    tone: str | None
    summary: str
    signals: list[str]


@dataclass
class ScopeUse:
    title: str
    scope: str
    status: str
    currency: str
    budget_cents: int | None
    #: invoiced per currency (an agreement's invoices may be in another currency)
    invoiced: dict[str, int]
    minutes: int
    #: the invoiced money in the agreement's currency, at the user's rates (what has no
    #: rate is named in it, not counted)
    invoiced_in_budget: Converted | None = None

    def invoiced_text(self) -> str:
        """ "1,000 EUR + 2,000 PLN" (or "0 EUR" when nothing is invoiced yet)."""
        return amounts_text(self.invoiced) or f"0 {self.currency}"


@dataclass
class Brief:
    client_id: int
    name: str
    company: str
    status: str
    language: str
    salutation: str
    greeting: str
    rapport: str
    phones: list[str]
    client_since: date
    last_contacts: list[Contact]
    follow_ups: list[tuple[datetime, str]]
    overdue: list[tuple[str, int, str, date, int]]  # number, cents, currency, due, days overdue
    unpaid: list[tuple[str, int, str, date | None]]  # not yet due
    owed_by_currency: dict[str, int]
    agreements: list[ScopeUse]
    risk: Risk
    revenue_cents: dict[str, int]
    referrals_given: int
    stance: Stance
    recent_scope_requests: list[Contact] = field(default_factory=list)
    as_of: datetime | None = None


def brief_of(client: Client | int, as_of: datetime) -> Brief:
    client = client if isinstance(client, Client) else Client.get_by_id(client)
    today = to_zone(as_of).date()
    contacts = []
    rows = list(
        Interaction.select()
        .where(
            (Interaction.client == client)
            & (Interaction.occurred_at <= as_of)
            # notes and saved outlines are not contacts (see CONTACT_CHANNELS)
            & Interaction.channel.in_(CONTACT_CHANNELS)
        )
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(3)
    )
    signals = defaultdict(list)
    for interaction_id, kind in (
        Signal.select(Signal.interaction, Signal.kind)
        .where(Signal.interaction.in_([r.id for r in rows]))
        .tuples()
    ):
        signals[interaction_id].append(kind)
    for row in rows:
        contacts.append(
            Contact(
                row.occurred_at, row.channel, row.direction, row.tone, row.summary, signals[row.id]
            )
        )

    scope_rows = (
        Signal.select(Signal.interaction)
        .where(
            (Signal.client == client)
            & (Signal.kind == "scope_creep")
            & (Signal.at >= as_of - timedelta(days=60))
            & (Signal.at <= as_of)
        )
        .order_by(Signal.at.desc())
        .limit(3)
    )
    recent_scope = [
        Contact(i.occurred_at, i.channel, i.direction, i.tone, i.summary, ["scope_creep"])
        for i in Interaction.select()
        .where(Interaction.id.in_([s.interaction_id for s in scope_rows]))
        .order_by(Interaction.occurred_at.desc())
    ]

    follow_ups = [
        (f.due_at, f.text)
        for f in FollowUp.select()
        .where((FollowUp.client == client) & FollowUp.done_at.is_null())
        .order_by(FollowUp.due_at)
    ]
    overdue, unpaid = [], []
    owed: dict[str, int] = defaultdict(int)
    revenue: dict[str, int] = defaultdict(int)
    invoiced_by_agreement: dict[int, dict[str, int]] = defaultdict(dict)
    part_paid = dict(  # partial payments: what is owed is what remains
        Payment.select(Payment.invoice, fn.SUM(Payment.amount_cents).cast("BIGINT"))
        .join(Invoice)
        .where((Invoice.client == client) & (Payment.paid_on <= today.isoformat()))
        .group_by(Payment.invoice)
        .tuples()
    )
    for invoice in Invoice.select().where(Invoice.client == client).order_by(Invoice.due):
        if invoice.agreement_id:
            add(invoiced_by_agreement[invoice.agreement_id], invoice.currency, invoice.amount_cents)
        if invoice.paid and invoice.paid <= today:
            revenue[invoice.currency] += invoice.amount_cents
            continue
        revenue[invoice.currency] += part_paid.get(invoice.id, 0)
        remaining = invoice.amount_cents - part_paid.get(invoice.id, 0)
        owed[invoice.currency] += remaining
        if invoice.due and invoice.due < today:
            overdue.append(
                (
                    invoice.number,
                    remaining,
                    invoice.currency,
                    invoice.due,
                    (today - invoice.due).days,
                )
            )
        else:
            unpaid.append((invoice.number, remaining, invoice.currency, invoice.due))
    minutes_by_agreement = dict(
        TimeEntry.select(TimeEntry.agreement, fn.SUM(TimeEntry.minutes))
        .where(TimeEntry.client == client)
        .group_by(TimeEntry.agreement)
        .tuples()
    )
    model = scoring.current_model()
    agreements = [
        ScopeUse(
            a.title,
            a.scope,
            a.status,
            a.currency,
            a.budget_cents,
            invoiced_by_agreement.get(a.id, {}),
            minutes_by_agreement.get(a.id, 0) or 0,
            convert_to(invoiced_by_agreement.get(a.id, {}), a.currency, model.home, model.rates),
        )
        for a in Agreement.select()
        .where(Agreement.client == client)
        .order_by(Agreement.start.desc(nulls="LAST"))
    ]
    risk = scoring.explain(client, as_of)
    referrals = (
        Signal.select()
        .where((Signal.client == client) & (Signal.kind == "referral") & (Signal.at <= as_of))
        .count()
        + Client.select().where(Client.referred_by == client).count()
    )
    since = client_since(client)
    return Brief(
        client.id,
        client.name,
        client.company,
        client.status,
        client.language,
        client.salutation,
        greeting_for(client.language, client.salutation, client.name, as_of),
        client.rapport,
        [for_display(p.e164, p.raw) for p in client.phones],
        to_zone(since).date(),
        contacts,
        follow_ups,
        overdue,
        unpaid,
        dict(owed),
        agreements,
        risk,
        dict(revenue),
        referrals,
        risk.stance,
        recent_scope,
        as_of,
    )
