"""The risk model: a client's history in, an explainable 0-100 score, a stance and advice out.

Pure functions of a client's signals, tones and invoices and an explicit ``as_of`` moment:
no database, no clock, so the same history always gives the same answer and the 12-week
trend is the same function at earlier moments. The weights live in one table,
:data:`callsheet.models.risk.vocabulary.DEFAULT_TABLE`; the inputs, and the evidence derived from invoices,
sequences and repetition, in :mod:`callsheet.models.risk.evidence`.

How a score is made:

1. **Each factor's points depend only on its own evidence.** An event ``d`` days old counts
   ``weight * 0.5 ** (d / half_life)``; a factor is the sum over its events, up to its cap
   (five times its weight unless the table says otherwise), rounded to whole points. Logging a rude call never
   changes what an overdue invoice is worth. Factors at 0 are not shown.
2. **Money stands on its own.** Invoices paid late (more the later), overdue now (more the
   longer, the larger, and the larger against what the client has paid so far) and disputed
   are money factors, with refused and late payment. Positive signs (referral, praise, paid
   on time) offset behaviour only, never money: kind words do not pay invoices.
3. **Tone is evidence**: a hostile conversation counts (and, weaker, a tense one), whatever
   was ticked.
4. **Repetition escalates**: three or more of the same warning within its window is a named
   pattern ("keeps asking beyond scope", "repeatedly late") worth points of its own, on top
   of its parts; so are the sequences practitioners name (missed calls, then a complaint).
5. **The score** is a documented monotone function of the points::

       counted = money + max(behaviour + positive, 0)
       score   = round(100 * (1 - exp(-counted / SCALE)))

   so more trouble always means a higher score, never above 100, and nothing jumps.
6. **Floors**: a serious warning (rude, aggressive, refused payment, legal threat, disputed
   invoice) within its half-life, or an invoice overdue longer than ``overdue_watch_days``
   (30 by default), keeps the client at least in ``watch``; the floor is shown with its reason.

Bands: low < 30 <= watch < 60 <= high. The stance and the advice are chosen from the same
factors (:mod:`callsheet.models.risk.stance`).

Its rule table lives in models/risk/vocabulary.py, the settings that override it in
models/risk/settings.py, the evidence helpers in models/risk/evidence.py.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter
from typing import NamedTuple

from callsheet.models.risk.evidence import (
    SEQUENCE_ENDS,
    Evidence,
    InvoiceFact,
    MoneyFacts,
    SignalEvent,
    ToneEvent,
    age_days,
    money_facts,
    paid_now,
    repetition,
    sequences,
    unpaid_numbers,
)
from callsheet.models.risk.settings import DEFAULT_MODEL, RiskModel, model_with, table_with
from callsheet.models.risk.stance import Assessment, Relationship, Stance, advice_for, stance_for
from callsheet.models.risk.vocabulary import (
    BEHAVIOUR_KINDS,
    DEFAULT_TABLE,
    MONEY_KINDS,
    POSITIVE_KINDS,
    REPEATS,
    REPETITION_KINDS,
    TONE_FACTORS,
    Rule,
    cap_of,
    label_of,
)
from callsheet.models.values.money import Converted, convert

__all__ = [
    # the inputs and the evidence (callsheet.models.risk.evidence), so callers need one import
    "Evidence",
    "InvoiceFact",
    "SignalEvent",
    "ToneEvent",
    "paid_now",
    "unpaid_numbers",
    # the settings (callsheet.models.risk.settings)
    "DEFAULT_MODEL",
    "RiskModel",
    "model_with",
    "table_with",
    # the model
    "BANDS",
    "HIGH_FROM",
    "WATCH_FROM",
    "SCALE",
    "TONE_HORIZON_HALF_LIVES",
    "Factor",
    "Floor",
    "Points",
    "Risk",
    "WhatIf",
    "band_of",
    "risk_of",
    "score_of",
    "scores_at",
    "trend",
]

BANDS = ("low", "watch", "high")
WATCH_FROM = 30
HIGH_FROM = 60
#: counted points at which the score reaches 1 - 1/e (63); tuned so one fresh rude call is
#: "watch" and a pattern of them is "high"
SCALE = 45.0
#: tone older than this many half-lives is forgotten (it would count 3 % of its weight:
#: under half a point for a hostile call, and not reading it keeps ``callsheet risk`` fast)
TONE_HORIZON_HALF_LIVES = 5


class Factor(NamedTuple):
    """One reason for the score: whole points from its own dated evidence alone."""

    signal: str
    points: int
    evidence: tuple[Evidence, ...]

    @property
    def label(self) -> str:
        return label_of(self.signal)


@dataclass(frozen=True)
class Floor:
    """Why the score was lifted to the bottom of ``watch`` (a serious warning, overdue money)."""

    reason: str
    evidence: Evidence


@dataclass(frozen=True)
class Points:
    """The factors' points by family, and what the score is computed from."""

    money: int = 0
    behaviour: int = 0
    positive: int = 0  # zero or negative

    @property
    def counted(self) -> int:
        """Money, plus behaviour less the positive signs (never below zero)."""
        return self.money + max(self.behaviour + self.positive, 0)

    def formula(self) -> str:
        """How the counted points are made: "62 = money 40 + max(behaviour 30 - positive 8, 0)"."""
        if self.positive:
            return (
                f"{self.counted} = money {self.money} + max(behaviour {self.behaviour}"
                f" - positive {-self.positive}, 0)"
            )
        return f"{self.counted} = money {self.money} + behaviour {self.behaviour}"


@dataclass(frozen=True)
class WhatIf:
    """The score as it would be if some invoices were paid today (stored nowhere)."""

    paid: tuple[str, ...]
    score: int
    band: str


@dataclass(frozen=True)
class Money:
    """The client's money as of the score, per currency (never added across currencies), and
    what is overdue in the home currency at the user's rates."""

    overdue: Mapping[str, int] = field(default_factory=dict)
    disputed: Mapping[str, int] = field(default_factory=dict)
    paid: Mapping[str, int] = field(default_factory=dict)
    overdue_home: Converted = Converted("EUR")


@dataclass(frozen=True)
class Risk:
    score: int
    band: str
    factors: tuple[Factor, ...]
    advice: tuple[str, ...]
    own_mistakes: tuple[Evidence, ...]
    points: Points = field(default_factory=Points)
    floor: Floor | None = None
    stance: Stance = Stance("warm", "")
    what_if: WhatIf | None = None
    money: Money = Money()


def band_of(score: int) -> str:
    """The band of a score: low below 30, watch below 60, high from 60."""
    return "high" if score >= HIGH_FROM else "watch" if score >= WATCH_FROM else "low"


def score_of(points: Points) -> int:
    """The score of a set of points, before any floor (monotone in ``points.counted``)."""
    return round(100 * (1 - math.exp(-max(points.counted, 0) / SCALE)))


_AT = attrgetter("at")
#: the kinds of evidence the repetition patterns count
_REPEATED = frozenset(kind for pattern in REPETITION_KINDS for kind in DEFAULT_TABLE[pattern].reads)


def _factor_points(rule: Rule, raw: float) -> int:
    cap = cap_of(rule)
    return round(max(-cap, min(raw, cap)))


@dataclass
class _Scored:
    factors: list[Factor]
    points: Points
    score: int
    floor: Floor | None
    money: MoneyFacts
    past: list[SignalEvent]
    own_mistakes: list[Evidence]
    #: factors with evidence still within its half-life
    fresh: frozenset[str]


def _score(
    signals: Iterable[SignalEvent],
    invoices: Iterable[InvoiceFact],
    as_of: datetime,
    model: RiskModel,
    tones: Iterable[ToneEvent],
) -> _Scored:
    table = model.table
    past = sorted((s for s in signals if s.at <= as_of), key=_AT)
    raw: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    own_mistakes = []
    by_kind: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    # The two loops below run for every event of every client (``callsheet risk`` at 10,000
    # clients): the decay is written out rather than called.
    for signal in past:
        kind = signal.kind
        rule = table.get(kind)
        if rule is None:
            continue
        if kind == "own_mistake":
            own_mistakes.append(Evidence(signal.at, signal.summary))
            continue
        age = (as_of - signal.at).total_seconds() / 86400  # >= 0: past only
        raw[kind] += rule.weight * 0.5 ** (age / rule.half_life_days)
        evidence[kind].append(Evidence(signal.at, signal.summary))
        if kind in _REPEATED:
            by_kind[kind].append((signal.at, signal.summary))

    for tone in tones:
        tone_kind = TONE_FACTORS.get(tone.tone or "")
        if tone_kind is None or tone.at > as_of:
            continue
        rule = table[tone_kind]
        age = (as_of - tone.at).total_seconds() / 86400
        if age > TONE_HORIZON_HALF_LIVES * rule.half_life_days:
            continue
        raw[tone_kind] += rule.weight * 0.5 ** (age / rule.half_life_days)
        evidence[tone_kind].append(Evidence(tone.at, tone.summary))
        by_kind["tone:" + tone.tone].append((tone.at, tone.summary))

    money = money_facts(invoices, as_of, table, model.home, model.rates)
    items = money.items
    if raw.keys() & SEQUENCE_ENDS:
        items += sequences(past, as_of, table)
    for kind in REPETITION_KINDS if by_kind or money.late_moments else ():
        rule = table[kind]
        moments = [m for source in rule.reads for m in by_kind.get(source, ())]
        if "invoices" in rule.reads:
            moments += money.late_moments
        if len(moments) >= REPEATS:
            items += repetition(kind, moments, as_of, rule)
    for kind, value, proof in items:
        raw[kind] += value
        evidence[kind].append(proof)
    factors = []
    for kind, value in raw.items():
        factor_points = _factor_points(table[kind], value)
        if factor_points:
            proofs = tuple(sorted(evidence[kind], key=_AT, reverse=True))
            factors.append(Factor(kind, factor_points, proofs))
    factors.sort(key=lambda f: (-abs(f.points), f.signal))

    points = Points(
        money=sum(f.points for f in factors if f.signal in MONEY_KINDS),
        behaviour=sum(f.points for f in factors if f.signal in BEHAVIOUR_KINDS),
        positive=sum(f.points for f in factors if f.signal in POSITIVE_KINDS),
    )
    score = score_of(points)
    floor = _floor(factors, money, as_of, model) if score < WATCH_FROM else None
    if floor is not None:
        score = WATCH_FROM
    fresh = frozenset(
        f.signal
        for f in factors
        if age_days(as_of, f.evidence[0].at) <= table[f.signal].half_life_days
    )
    return _Scored(factors, points, score, floor, money, past, own_mistakes, fresh)


def scores_at(
    signals: Sequence[SignalEvent],
    invoices: Sequence[InvoiceFact],
    moments: Iterable[datetime],
    model: RiskModel = DEFAULT_MODEL,
    *,
    tones: Sequence[ToneEvent] = (),
) -> list[int]:
    """Only the score of :func:`risk_of` (no stance, no advice) at each of ``moments``: for
    trends, for storage (now and a week ago) and for "what if it were paid"."""
    return [_score(signals, invoices, as_of, model, tones).score for as_of in moments]


def risk_of(
    signals: Iterable[SignalEvent],
    invoices: Iterable[InvoiceFact],
    as_of: datetime,
    model: RiskModel = DEFAULT_MODEL,
    *,
    tones: Iterable[ToneEvent] = (),
    status: str = "active",
    since: datetime | None = None,
    referred: int = 0,
) -> Risk:
    """The client's risk as of ``as_of``: score, factors, floor, stance and advice.

    The stance weighs what the relationship is worth: the invoices paid by ``as_of``, the
    referrals (logged ones, plus ``referred`` clients in the book who name this one), and
    the time since ``since``, when the relationship began.
    """
    scored = _score(signals, invoices, as_of, model, tones)
    factors, money, score = scored.factors, scored.money, scored.score
    band = band_of(score)
    referrals = referred + sum(1 for s in scored.past if s.kind == "referral")
    tenure = max((as_of - since).days, 0) if since else None
    relationship = Relationship(money.paid, referrals, tenure, model.home, model.rates)
    assessment = Assessment(
        score=score,
        band=band,
        points={f.signal: f.points for f in factors},
        status=status,
        overdue=money.overdue,
        overdue_days=money.overdue_days,
        disputed=money.disputed,
        counts={f.signal: len(f.evidence) for f in factors},
        fresh=scored.fresh,
        overdue_watch_days=model.overdue_watch_days,
    )
    stance = stance_for(assessment, relationship)
    return Risk(
        score,
        band,
        tuple(factors),
        advice_for(assessment, stance),
        tuple(reversed(scored.own_mistakes)),
        scored.points,
        scored.floor,
        stance,
        money=Money(
            money.overdue,
            money.disputed,
            money.paid,
            convert(money.overdue, model.home, model.rates),
        ),
    )


def _floor(factors: Sequence[Factor], money: MoneyFacts, as_of: datetime, model) -> Floor | None:
    """The reason to keep the client at least in watch, if there is one."""
    if money.oldest_overdue and money.oldest_overdue[0] > model.overdue_watch_days:
        days, proof = money.oldest_overdue
        return Floor(f"money overdue more than {model.overdue_watch_days} days", proof)
    serious = []
    for factor in factors:
        rule = model.table[factor.signal]
        if not rule.serious:
            continue
        for proof in factor.evidence:
            if (
                age_days(as_of, proof.at) <= rule.half_life_days
                or factor.signal == "invoice_disputed"
            ):
                serious.append((proof, factor))
    if serious:
        proof, factor = max(serious, key=lambda pair: pair[0].at)
        return Floor(f"a serious warning ({factor.label}) still fresh", proof)
    return None


def trend(
    signals: Iterable[SignalEvent],
    invoices: Iterable[InvoiceFact],
    as_of: datetime,
    weeks: int = 12,
    model: RiskModel = DEFAULT_MODEL,
    *,
    tones: Iterable[ToneEvent] = (),
) -> list[int]:
    """The score at weekly points, oldest first; the last is the score as of ``as_of``."""
    weekly = [as_of - timedelta(weeks=weeks - 1 - week) for week in range(weeks)]
    return scores_at(list(signals), list(invoices), weekly, model, tones=list(tones))
