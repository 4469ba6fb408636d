"""The dated facts the risk model reads, and the evidence derived from them.

The inputs (:class:`SignalEvent`, :class:`ToneEvent`, :class:`InvoiceFact`), the one piece
of dated evidence a factor shows (:class:`Evidence`), and the derivations that are more
than one event each: what the invoices say as of a day (:func:`money_facts`), the sequences
practitioners name (:func:`sequences`) and repetition (:func:`repetition`); plus the
what-if helpers (:func:`paid_now`, :func:`unpaid_numbers`). Pure: no database, no clock.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from callsheet.models.risk.vocabulary import REPEATS, Rule, label_of
from callsheet.models.values.money import add


class Evidence(NamedTuple):
    """One dated fact behind a factor (a named tuple: there are a hundred thousand of them
    in ``callsheet risk --json`` at 10,000 clients)."""

    at: datetime
    summary: str


class SignalEvent(NamedTuple):
    """A signal logged on an interaction (a warning sign, a positive sign, an own mistake)."""

    at: datetime
    kind: str
    summary: str = ""


class ToneEvent(NamedTuple):
    """A conversation whose tone was noted (only hostile and tense count)."""

    at: datetime
    tone: str
    summary: str = ""


class InvoiceFact(NamedTuple):
    """An invoice as the risk model needs it: amounts in cents, dates without a time."""

    number: str
    amount_cents: int
    currency: str
    issued: date
    due: date | None
    paid: date | None
    disputed: bool = False


def decay(rule: Rule, days: float) -> float:
    """What is left of an event ``days`` old: 1 when fresh, 0.5 after one half-life."""
    return 0.5 ** (max(days, 0.0) / rule.half_life_days)


def _money(cents: int, currency: str) -> str:
    whole, part = divmod(cents, 100)
    return f"{whole:,}{f'.{part:02d}' if part else ''} {currency}"


def at_noon(day: date, like: datetime) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=like.tzinfo)


def age_days(as_of: datetime, at: datetime) -> float:
    return (as_of - at).total_seconds() / 86400


#: one piece of evidence for a factor: (kind, raw points, evidence)
Item = tuple[str, float, Evidence]


@dataclass
class MoneyFacts:
    """The invoices as of a day: what is overdue, disputed, paid (each per currency, never
    added across currencies), and when they were late."""

    overdue: dict[str, int] = field(default_factory=dict)
    overdue_days: int = 0
    disputed: dict[str, int] = field(default_factory=dict)
    paid: dict[str, int] = field(default_factory=dict)
    currency: str = ""
    late_moments: list[tuple[datetime, str]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    oldest_overdue: tuple[int, Evidence] | None = None


def exposure_of(
    overdue: Mapping[str, int], paid: Mapping[str, int], home: str, rates: Mapping[str, float]
) -> float:
    """How large the money overdue is against what the client has paid so far, 0-1.

    Currencies are never added without a rate: the home currency and those with a rate make
    one group (converted to home money), each currency with no rate is a group of its own,
    and the largest share of any group with money overdue counts. A book in one currency is
    one group, taken as it is (no rate applied), so it scores as it always did.
    """
    groups: dict[str, list[float]] = {}
    currencies = {c for c, v in overdue.items() if v} | {c for c, v in paid.items() if v}
    single = len(currencies) == 1
    for currency in currencies:
        if single or (currency != home and currency not in rates):
            group, rate = currency, 1.0
        else:
            group, rate = home, 1.0 if currency == home else rates[currency]
        sums = groups.setdefault(group, [0.0, 0.0])
        sums[0] += overdue.get(currency, 0) * rate
        sums[1] += paid.get(currency, 0) * rate
    return max((o / (o + p) for o, p in groups.values() if o > 0), default=0.0)


def money_facts(
    invoices: Iterable[InvoiceFact],
    as_of: datetime,
    table,
    home: str = "EUR",
    rates: Mapping[str, float] | None = None,
) -> MoneyFacts:
    rates = rates or {}
    today = as_of.date()
    money = MoneyFacts()
    currencies: dict[str, int] = defaultdict(int)
    overdue: list[tuple[InvoiceFact, int, Evidence]] = []
    for invoice in invoices:
        if invoice.issued > today:
            continue
        currencies[invoice.currency] += invoice.amount_cents
        label = f"Invoice {invoice.number}, {_money(invoice.amount_cents, invoice.currency)}"
        paid = invoice.paid if invoice.paid and invoice.paid <= today else None
        due = invoice.due
        if paid is not None:
            add(money.paid, invoice.currency, invoice.amount_cents)
        if invoice.disputed and paid is None:
            add(money.disputed, invoice.currency, invoice.amount_cents)
            proof = Evidence(at_noon(due or invoice.issued, as_of), f"{label}: disputed, unpaid")
            money.items.append(("invoice_disputed", table["invoice_disputed"].weight, proof))
        elif due and paid is None and due < today:
            days = (today - due).days
            proof = Evidence(at_noon(due, as_of), f"{label}: overdue {days} days")
            overdue.append((invoice, days, proof))
            # still unpaid, so still late today: the longer it stays so, the longer it counts
            money.late_moments.append((as_of, proof.summary))
            if money.oldest_overdue is None or days > money.oldest_overdue[0]:
                money.oldest_overdue = (days, proof)
        elif due and paid is not None:
            age = (today - paid).days
            if paid > due:
                days = (paid - due).days
                rule = table["invoice_paid_late"]
                proof = Evidence(at_noon(paid, as_of), f"{label}: paid {days} days late")
                money.items.append(
                    (
                        "invoice_paid_late",
                        rule.weight * (1 + min(days, 90) / 30) * decay(rule, age),
                        proof,
                    )
                )
                money.late_moments.append((at_noon(due, as_of), proof.summary))
            else:
                rule = table["paid_on_time"]
                proof = Evidence(at_noon(paid, as_of), f"{label}: paid on time")
                money.items.append(("paid_on_time", rule.weight * decay(rule, age), proof))
    if overdue:
        rule = table["invoice_overdue"]
        for invoice, _, _ in overdue:
            add(money.overdue, invoice.currency, invoice.amount_cents)
        money.overdue_days = max(days for _, days, _ in overdue)
        # overdue money large against what the client has paid so far pushes harder: up to
        # twice as much when they have never paid anything
        exposure = exposure_of(money.overdue, money.paid, home, rates)
        for invoice, days, proof in overdue:
            # longer and larger means more: up to x4 at 180+ days, up to x2 for 10,000+ (in
            # home money when the invoice's currency has a rate, else in its own units)
            rate = rates.get(invoice.currency, 1.0) if invoice.currency != home else 1.0
            units = invoice.amount_cents * rate / 100
            size = min(max(math.log10(max(units, 1)) - 2, 0), 2) / 2
            points = rule.weight * (1 + min(days, 180) / 60) * (1 + size) * (1 + exposure)
            money.items.append(("invoice_overdue", points, proof))
    money.currency = max(currencies, key=currencies.__getitem__) if currencies else ""
    return money


#: the sequences practitioners name: (the first kinds, then this kind) within the window
SEQUENCES = {
    "pattern_missed_then_complained": (frozenset({"missed_call", "no_show"}), "complaint"),
    "pattern_changed_mind_then_refused": (frozenset({"changed_mind"}), "refused_payment"),
}


#: the kinds that complete a sequence: without one of them there is no sequence to look for
SEQUENCE_ENDS = frozenset(then for _, then in SEQUENCES.values())


def sequences(signals: Sequence[SignalEvent], as_of: datetime, table) -> list[Item]:
    """Each "then" event with a "first" event in the window before it makes the pattern."""
    items = []
    for pattern, (first_kinds, then_kind) in SEQUENCES.items():
        thens = [s for s in signals if s.kind == then_kind]
        if not thens:
            continue
        firsts = [s.at for s in signals if s.kind in first_kinds]  # in time order
        if not firsts:
            continue
        rule = table[pattern]
        window = timedelta(days=rule.window_days)
        for then in thens:
            index = bisect.bisect_right(firsts, then.at) - 1
            if index >= 0 and firsts[index] >= then.at - window:
                items.append(
                    (
                        pattern,
                        rule.weight * decay(rule, age_days(as_of, then.at)),
                        Evidence(then.at, then.summary or label_of(then_kind)),
                    )
                )
    return items


def repetition(
    kind: str, moments: list[tuple[datetime, str]], as_of: datetime, rule: Rule
) -> list[Item]:
    """A repetition pattern: worth ``weight``, fading from the last time it happened.

    It happened at every event with ``REPEATS - 1`` others of its kind in the window before
    it.
    """
    moments = sorted(moments)
    window = timedelta(days=rule.window_days)
    latest = None
    start = 0
    for end, (at, _) in enumerate(moments):
        while moments[start][0] < at - window:
            start += 1
        if end - start + 1 >= REPEATS:
            latest = (start, end)
    if latest is None:
        return []
    # the points go with the latest time it happened; the evidence is the events that made
    # it (the latest event and the ones before it in its window, up to REPEATS of them)
    end = latest[1]
    run = moments[max(latest[0], end - REPEATS + 1) : end + 1]
    points = rule.weight * decay(rule, age_days(as_of, run[-1][0]))
    return [
        (kind, points if i == len(run) - 1 else 0.0, Evidence(at, text))
        for i, (at, text) in enumerate(run)
    ]


def paid_now(
    invoices: Iterable[InvoiceFact], numbers: Iterable[str], as_of: datetime
) -> list[InvoiceFact]:
    """The invoices with those numbers marked paid on ``as_of``'s day (for a what-if)."""
    chosen = set(numbers)
    return [
        i._replace(paid=as_of.date(), disputed=False)
        if i.number in chosen and (i.paid is None or i.paid > as_of.date())
        else i
        for i in invoices
    ]


def unpaid_numbers(invoices: Iterable[InvoiceFact], as_of: datetime) -> tuple[str, ...]:
    """The numbers of the invoices issued by ``as_of`` and not paid by then."""
    today = as_of.date()
    return tuple(
        i.number for i in invoices if i.issued <= today and (i.paid is None or i.paid > today)
    )
