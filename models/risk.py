"""The risk model: a client's history in, an explainable 0-100 score and advice out.

Pure functions of a client's signals and invoices and an explicit ``as_of`` moment: no
database, no clock, so the same history always gives the same answer and the 12-week trend
is the same function at earlier moments.

How a score is made:

1. Every signal has a weight (points at full strength) and a half-life: an event ``d`` days
   old counts ``weight * 0.5 ** (d / half_life)``. Warning signs add, positive signs
   subtract, the consultant's own mistakes count nothing (they are kept as facts).
2. Invoices are signals too: paid late (more the later), overdue now (more the longer and
   the larger), disputed; paid by the due date is a positive sign.
3. Patterns the practitioners name count more than their parts: missed calls or no-shows
   followed by a complaint about the result; a change of mind followed by refusing to pay.
4. The raw sum saturates smoothly: ``score = 100 * (1 - exp(-raw / SCALE))``, so more
   trouble always means a higher score but never more than 100, and nothing jumps.
5. A serious warning (rude, aggressive, refused payment, legal threat) still within its
   half-life keeps the client at least in ``watch``, whatever the positives.

Each factor's ``points`` are its share of the final score, so the factors add up to the
score the user sees.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

BANDS = ("low", "watch", "high")
WATCH_FROM = 30
HIGH_FROM = 60
#: raw points at which the score reaches 1 - 1/e (63); tuned so one fresh rude call is
#: "watch" and a pattern of them is "high"
SCALE = 45.0


@dataclass(frozen=True)
class Evidence:
    at: datetime
    summary: str


@dataclass(frozen=True)
class Factor:
    signal: str
    points: int
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Risk:
    score: int
    band: str
    factors: tuple[Factor, ...]
    advice: tuple[str, ...]
    own_mistakes: tuple[Evidence, ...]


@dataclass(frozen=True)
class SignalEvent:
    at: datetime
    kind: str
    summary: str = ""


@dataclass(frozen=True)
class InvoiceFact:
    number: str
    amount_cents: int
    currency: str
    issued: date
    due: date | None
    paid: date | None
    disputed: bool = False


@dataclass(frozen=True)
class Rule:
    """How one kind of signal counts: points at full strength, and how fast it fades."""

    weight: float
    half_life_days: float
    #: keeps the client at least in "watch" while within its half-life (rule 2)
    serious: bool = False
    why: str = ""


#: The one table of weights and half-lives. Overridable per signal from config.toml:
#: ``[risk.rude] weight = 25`` (see :func:`table_with`).
DEFAULT_TABLE: Mapping[str, Rule] = {
    # Rule 2: practitioners decline rude or aggressive clients 9 times in 10, even for good money.
    "rude": Rule(18, 180, serious=True, why="rule 2: rude or breaks etiquette"),
    "aggressive": Rule(22, 180, serious=True, why="rule 2 and 7: raised voice, pressure, threats"),
    # Rule 2 and 8: a formal dispute or legal threat is the strongest sign; it fades slowly.
    "legal_threat": Rule(35, 365, serious=True, why="rule 2 and 8: threatens legal action"),
    "refused_payment": Rule(30, 365, serious=True, why="rule 2: refuses to pay"),
    "changed_mind": Rule(
        10, 120, why="rule 2: changes their mind after work was agreed and delivered"
    ),
    "late_payment": Rule(8, 120, why="rule 2: pays late"),
    "missed_call": Rule(4, 60, why="rule 2: misses calls"),
    "no_show": Rule(7, 90, why="rule 2: misses meetings"),
    "complaint": Rule(6, 90, why="rule 2: complains about the result"),
    "scope_creep": Rule(6, 90, why="rule 2 and 6: asks beyond the agreed scope or budget"),
    # Rule 4: the consultant's own mistakes are facts, never the client's risk.
    "own_mistake": Rule(0, 365, why="rule 4: your own mistake, kept as a fact"),
    # Rule 5: referrals and praise are signs of a healthy relationship.
    "referral": Rule(-12, 365, why="rule 5: refers others"),
    "praise": Rule(-6, 120, why="rule 5: praise"),
    "paid_on_time": Rule(-4, 180, why="rule 5: pays on time"),
    # Invoices (the money part of rule 2), derived from the invoice table.
    "invoice_paid_late": Rule(
        3, 180, why="rule 2: an invoice paid after its due date (more the later)"
    ),
    "invoice_overdue": Rule(
        6, 10_000, why="rule 2: an invoice overdue now (more the longer and the larger)"
    ),
    "invoice_disputed": Rule(
        20, 10_000, serious=True, why="rule 2 and 8: an invoice the client refuses to pay"
    ),
    # Patterns (rule 2): more than the sum of their parts.
    "pattern_missed_then_complained": Rule(
        10, 90, why="rule 2: misses calls or meetings, then complains about the result"
    ),
    "pattern_changed_mind_then_refused": Rule(
        20, 365, why="rule 2: changes their mind after delivery, then refuses to pay"
    ),
}

WARNING_KINDS = frozenset(k for k, r in DEFAULT_TABLE.items() if r.weight > 0)
#: how many days the first event of a pattern may precede the second and still make it
_PATTERN_WINDOW = {"pattern_missed_then_complained": 30, "pattern_changed_mind_then_refused": 90}


def table_with(overrides: Mapping[str, Mapping[str, float]] | None) -> dict[str, Rule]:
    """DEFAULT_TABLE with per-signal overrides of ``weight`` and ``half_life_days``.

    Raises ValueError naming an unknown signal or setting.
    """
    table = dict(DEFAULT_TABLE)
    for kind, values in (overrides or {}).items():
        if kind not in table:
            raise ValueError(f"risk.{kind}: unknown signal")
        if not isinstance(values, Mapping):
            raise ValueError(f"risk.{kind}: expected a table with weight and/or half_life_days")
        unknown = set(values) - {"weight", "half_life_days"}
        if unknown:
            raise ValueError(f"risk.{kind}: unknown setting {sorted(unknown)[0]!r}")
        half_life = float(values.get("half_life_days", table[kind].half_life_days))
        if half_life <= 0:
            raise ValueError(f"risk.{kind}.half_life_days must be above 0")
        table[kind] = replace(
            table[kind],
            weight=float(values.get("weight", table[kind].weight)),
            half_life_days=half_life,
        )
    return table


def band_of(score: int) -> str:
    """The band of a score: low below 30, watch below 60, high from 60."""
    return "high" if score >= HIGH_FROM else "watch" if score >= WATCH_FROM else "low"


def _decay(rule: Rule, age_days: float) -> float:
    """What is left of an event ``age_days`` old: 1 when fresh, 0.5 after one half-life."""
    return 0.5 ** (max(age_days, 0.0) / rule.half_life_days)


def _money(cents: int, currency: str) -> str:
    whole, part = divmod(cents, 100)
    return f"{whole:,}{f'.{part:02d}' if part else ''} {currency}"


def _invoice_events(
    invoices: Iterable[InvoiceFact], as_of: datetime, table
) -> list[tuple[str, float, Evidence]]:
    """(kind, points, evidence) for what the invoices say as of ``as_of``."""
    today = as_of.date()
    events = []
    for invoice in invoices:
        if invoice.issued > today:
            continue
        label = f"Invoice {invoice.number}, {_money(invoice.amount_cents, invoice.currency)}"
        paid = invoice.paid if invoice.paid and invoice.paid <= today else None
        due = invoice.due
        if invoice.disputed and paid is None:
            rule = table["invoice_disputed"]
            moment = _at_noon(due or invoice.issued, as_of)
            events.append(
                ("invoice_disputed", rule.weight, Evidence(moment, f"{label}: disputed, unpaid"))
            )
        elif due and paid is None and due < today:
            days = (today - due).days
            rule = table["invoice_overdue"]
            # longer and larger means more: up to x3 for 120+ days, + up to x2 for large sums
            size = min(max(math.log10(max(invoice.amount_cents / 100, 1)) - 2, 0), 2)
            points = rule.weight * (1 + min(days, 120) / 60) + rule.weight * size / 2
            events.append(
                (
                    "invoice_overdue",
                    points,
                    Evidence(_at_noon(due, as_of), f"{label}: overdue {days} days"),
                )
            )
        elif due and paid is not None:
            age = (today - paid).days
            if paid > due:
                days = (paid - due).days
                rule = table["invoice_paid_late"]
                points = rule.weight * (1 + min(days, 90) / 30) * _decay(rule, age)
                events.append(
                    (
                        "invoice_paid_late",
                        points,
                        Evidence(_at_noon(paid, as_of), f"{label}: paid {days} days late"),
                    )
                )
            else:
                rule = table["paid_on_time"]
                events.append(
                    (
                        "paid_on_time",
                        rule.weight * _decay(rule, age),
                        Evidence(_at_noon(paid, as_of), f"{label}: paid on time"),
                    )
                )
    return events


def _at_noon(day: date, like: datetime) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=like.tzinfo)


def _patterns(
    signals: list[SignalEvent], as_of: datetime, table
) -> list[tuple[str, float, Evidence]]:
    events = []
    for pattern, (first_kinds, then_kind) in {
        "pattern_missed_then_complained": ({"missed_call", "no_show"}, "complaint"),
        "pattern_changed_mind_then_refused": ({"changed_mind"}, "refused_payment"),
    }.items():
        window = timedelta(days=_PATTERN_WINDOW[pattern])
        firsts = sorted(s.at for s in signals if s.kind in first_kinds)
        if not firsts:
            continue
        rule = table[pattern]
        for then in (s for s in signals if s.kind == then_kind):
            # a "first" event in the window before this one makes the pattern
            if any(then.at - window <= at <= then.at for at in firsts):
                age = (as_of - then.at).total_seconds() / 86400
                events.append(
                    (
                        pattern,
                        rule.weight * _decay(rule, age),
                        Evidence(then.at, then.summary or then_kind.replace("_", " ")),
                    )
                )
    return events


def risk_of(
    signals: Iterable[SignalEvent],
    invoices: Iterable[InvoiceFact],
    as_of: datetime,
    table: Mapping[str, Rule] = DEFAULT_TABLE,
) -> Risk:
    """The client's risk as of ``as_of``, from their signals and invoices."""
    past = sorted((s for s in signals if s.at <= as_of), key=lambda s: s.at)
    contributions: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    own_mistakes = []
    serious_recent: list[SignalEvent] = []
    for signal in past:
        rule = table.get(signal.kind)
        if rule is None:
            continue
        if signal.kind == "own_mistake":
            own_mistakes.append(Evidence(signal.at, signal.summary))
            continue
        age = (as_of - signal.at).total_seconds() / 86400
        contributions[signal.kind] += rule.weight * _decay(rule, age)
        evidence[signal.kind].append(Evidence(signal.at, signal.summary))
        if rule.serious and age <= rule.half_life_days:
            serious_recent.append(signal)
    for kind, points, proof in _invoice_events(invoices, as_of, table) + _patterns(
        past, as_of, table
    ):
        contributions[kind] += points
        evidence[kind].append(proof)
        if table[kind].serious:
            serious_recent.append(SignalEvent(proof.at, kind, proof.summary))

    raw = sum(contributions.values())
    score = round(100 * (1 - math.exp(-max(raw, 0.0) / SCALE)))
    floor_points = 0
    if serious_recent and score < WATCH_FROM:
        floor_points = WATCH_FROM - score
        score = WATCH_FROM
    factors = _factors(contributions, evidence, score - floor_points, raw)
    if floor_points:
        latest = max(serious_recent, key=lambda s: s.at)
        factors.append(
            Factor("serious_warning_floor", floor_points, (Evidence(latest.at, latest.summary),))
        )
    factors.sort(key=lambda f: (-abs(f.points), f.signal))
    risk = Risk(score, band_of(score), tuple(factors), (), tuple(reversed(own_mistakes)))
    return replace(risk, advice=advice_for(risk, contributions))


def _factors(contributions, evidence, score: int, raw: float) -> list[Factor]:
    """Share ``score`` out among the contributions so the factors add up to it."""
    positive_raw = sum(v for v in contributions.values() if v > 0)
    if positive_raw <= 0:
        scale = 0.0
    else:
        # positive contributions share out score + what the negatives took away
        taken = 100 * (1 - math.exp(-positive_raw / SCALE)) - score
        scale = (score + taken) / positive_raw
        # the positive signs share out what they took away, in proportion to their size
        negative_raw = -sum(v for v in contributions.values() if v < 0)
        negative_scale = taken / negative_raw if negative_raw > 0 else 0.0
    factors = []
    for kind, value in contributions.items():
        if abs(value) < 1e-9:
            continue
        if value > 0:
            points = value * scale
        else:
            points = value * (negative_scale if positive_raw > 0 else 0.0)
        proof = tuple(sorted(evidence[kind], key=lambda e: e.at, reverse=True))
        factors.append([kind, points, proof])
    rounded = [round(f[1]) for f in factors]
    # keep the sum exact after rounding: correct the largest factor
    if factors:
        drift = score - sum(rounded)
        largest = max(range(len(factors)), key=lambda i: abs(factors[i][1]))
        rounded[largest] += drift
    return [
        Factor(kind, points, proof)
        for (kind, _, proof), points in zip(factors, rounded, strict=True)
        if points != 0 or kind in ("referral", "praise", "paid_on_time")
    ]


#: Advice, from the domain rules; chosen by what the factors show.
ADVICE = {
    "decline": "Decline politely: an accepted bad client costs time, effort and reputation (rule 2).",
    "deposit": "Ask for a deposit or upfront payment before any further work (rule 2).",
    "say_no": "Say no to work beyond the agreement: give the reasons with the agreed scope and budget, "
    "and offer a priced alternative as close to the request as possible (rule 6).",
    "sign_off": "Get written sign-off before the next phase, so a change of mind is a new request (rule 3).",
    "calm": "Stay calm and do not mirror the tone; steer toward a solution both sides accept (rule 7).",
    "document": "Document every missed call and meeting and confirm agreements in writing (rule 8).",
    "stop_chasing": "Document and stop chasing: when the pattern repeats, doing nothing is sometimes right (rule 7).",
    "dispute": "Prepare the facts for a dispute: timeline, who did what, time spent, money owed (rule 8).",
    "keep": "Keep the relationship: this client refers others and is worth the care (rule 5).",
    "healthy": "No warning signs: treat them as well as a big client; small clients grow and refer (rule 5).",
}


def advice_for(risk: Risk, contributions: Mapping[str, float]) -> tuple[str, ...]:
    """The advice sentences (domain rules 2-8) that the client's live factors call for."""
    active = {kind for kind, value in contributions.items() if value >= 1}
    chosen = []
    if active & {
        "legal_threat",
        "refused_payment",
        "invoice_disputed",
        "pattern_changed_mind_then_refused",
    }:
        chosen.append("dispute")
    if active & {"late_payment", "invoice_overdue", "invoice_paid_late", "refused_payment"}:
        chosen.append("deposit")
    if "scope_creep" in active:
        chosen.append("say_no")
    if "changed_mind" in active:
        chosen.append("sign_off")
    if active & {"rude", "aggressive"}:
        chosen.append("calm")
    if active & {"missed_call", "no_show", "pattern_missed_then_complained"}:
        chosen.append("document")
    if risk.band == "high" and len(active & WARNING_KINDS) >= 3:
        chosen.append("stop_chasing" if "dispute" not in chosen else "decline")
    if contributions.get("referral", 0) <= -1:
        chosen.append("keep")
    if not chosen and risk.band == "low":
        chosen.append("healthy")
    return tuple(ADVICE[key] for key in dict.fromkeys(chosen))


def trend(
    signals: Iterable[SignalEvent],
    invoices: Iterable[InvoiceFact],
    as_of: datetime,
    weeks: int = 12,
    table: Mapping[str, Rule] = DEFAULT_TABLE,
) -> list[int]:
    """The score at weekly points, oldest first; the last is the score as of ``as_of``."""
    signals, invoices = list(signals), list(invoices)
    return [
        risk_of(signals, invoices, as_of - timedelta(weeks=weeks - 1 - week), table).score
        for week in range(weeks)
    ]
