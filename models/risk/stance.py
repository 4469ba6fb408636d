"""What to do about a risk: the stance for the next call and the advice, from the same factors.

One model (domain.md, "Choosing a stance before a call") weighs what the relationship is
worth (revenue paid, referrals given, years together: rule 5) against what it costs (the
risk score: money overdue or disputed, serious warnings, repeated requests) and picks one
of seven stances, with a one-line reason that gives the numbers:

- ``decline``: a prospect showing warning signs at the start, whatever the money (rule 2);
- ``compromise``: worth clearly above cost while a dispute brews (rule 8);
- ``dispute``: a legal threat or refused payment with money at stake (rule 8);
- ``let_go``: cost above worth and the pattern repeating (rule 7);
- ``say_no``: requests beyond the agreed scope (rule 6);
- ``firm``: money owed, a changed mind, or any risk: hold the position (rule 3);
- ``warm``: no warning signs (rule 5).

The advice sentences are chosen from the same factors and never contradict the stance
(no "keep the relationship" next to "let it go"). Pure functions: no database, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from callsheet.models.risk.vocabulary import (
    DISPUTE_KINDS,
    MONEY_KINDS,
    PATTERN_KINDS,
    SERIOUS_KINDS,
    WARNING_KINDS,
    label_of,
)
from callsheet.models.values.money import Converted, amounts_text, convert
from callsheet.models.values.text import span_text

STANCES = ("warm", "firm", "say_no", "compromise", "let_go", "dispute", "decline")
#: how the stance is titled on the call sheet
TITLES = {
    "warm": "warm",
    "firm": "firm",
    "say_no": "say no with an alternative",
    "compromise": "look for a compromise",
    "let_go": "let it go",
    "dispute": "prepare the dispute",
    "decline": "decline politely",
}
#: worth must exceed the risk score by this much to be "clearly above" it (rule 8)
CLEARLY_ABOVE = 20
#: worth points (see :func:`worth_of`): what one referral and one year together add
REFERRAL_WORTH = 12.0
YEAR_WORTH = 5.0
WORTH_SCALE = 30.0


@dataclass(frozen=True)
class Relationship:
    """What the relationship is worth: money paid (per currency), referrals given, time
    together; ``home`` and ``rates`` turn the money paid into one figure."""

    revenue: Mapping[str, int] = field(default_factory=dict)
    referrals: int = 0
    tenure_days: int | None = None
    home: str = "EUR"
    rates: Mapping[str, float] = field(default_factory=dict)

    @property
    def revenue_home(self) -> Converted:
        """The money paid in the home currency, with the rates used and what has no rate."""
        return convert(self.revenue, self.home, self.rates)

    @property
    def paid_anything(self) -> bool:
        return any(v > 0 for v in self.revenue.values())


@dataclass(slots=True)
class Assessment:
    """What the risk model found, as the stance and advice need it."""

    score: int
    band: str
    #: factor -> points (only factors above 0 or below 0 are present)
    points: Mapping[str, int]
    status: str = "active"
    #: per currency, never added across currencies
    overdue: Mapping[str, int] = field(default_factory=dict)
    overdue_days: int = 0
    disputed: Mapping[str, int] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    #: factors with evidence still within its half-life
    fresh: frozenset[str] = frozenset()
    overdue_watch_days: int = 30


@dataclass(frozen=True)
class Stance:
    kind: str
    text: str
    #: what the relationship is worth, 0-100 (the risk score is its cost)
    worth: int = 0

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def worth_of(relationship: Relationship) -> int:
    """What the relationship is worth, 0-100, on the same scale as the risk score.

    ``10 * log10(1 + revenue / 1,000) + 12 per referral + 5 per year (up to 5 years)``,
    saturated like the risk score: 10,000 paid is about 29, two referrals about 55,
    50,000 paid over four years with two referrals about 88. The revenue is in the home
    currency (other currencies at the user's rates; one with no rate is not counted).
    """
    revenue = max(relationship.revenue_home.cents, 0) / 100
    years = min((relationship.tenure_days or 0) / 365, 5)
    raw = (
        10 * math.log10(1 + revenue / 1000)
        + REFERRAL_WORTH * relationship.referrals
        + YEAR_WORTH * years
    )
    return round(100 * (1 - math.exp(-raw / WORTH_SCALE)))


def _amount(amounts: Mapping[str, int]) -> str:
    """ "4,000 PLN + 1,000 EUR" in whole units: each currency apart, never added."""
    return amounts_text(amounts, whole=True)


def _value_text(relationship: Relationship) -> str:
    parts = []
    if relationship.paid_anything:
        paid = f"paid {_amount(relationship.revenue)}"
        if relationship.tenure_days:
            paid += f" over {span_text(relationship.tenure_days)}"
        home = relationship.revenue_home
        if home.foreign or home.uncounted:
            # what the worth counted: a conversion with its rate, or a currency left out
            paid += f" ({home.text()})"
        parts.append(paid)
    elif relationship.tenure_days:
        parts.append(f"{span_text(relationship.tenure_days)}, nothing paid yet")
    else:
        parts.append("nothing paid yet")
    referrals = relationship.referrals
    parts.append(
        f"{referrals} referral{'s' if referrals != 1 else ''}" if referrals else "no referrals"
    )
    return ", ".join(parts)


def _warnings(assessment: Assessment, kinds=WARNING_KINDS, limit: int = 3) -> list[str]:
    """The labels of the strongest warning factors among ``kinds``, serious ones first."""
    found = [(k, p) for k, p in assessment.points.items() if p > 0 and k in kinds]
    found.sort(key=lambda kp: (kp[0] not in SERIOUS_KINDS, -kp[1], kp[0]))
    return [label_of(k) for k, _ in found[:limit]]


def _cost_text(assessment: Assessment) -> str:
    parts = []
    if any(assessment.overdue.values()):
        parts.append(f"{_amount(assessment.overdue)} overdue up to {assessment.overdue_days} days")
    if any(assessment.disputed.values()):
        parts.append(f"{_amount(assessment.disputed)} disputed")
    parts += _warnings(assessment, WARNING_KINDS - {"invoice_overdue", "invoice_disputed"}, 2)
    return ", ".join(parts) or "no warning signs"


def stance_for(assessment: Assessment, relationship: Relationship) -> Stance:
    """The stance for the next call, with its reason in one line (see the module docstring)."""
    active = {k for k, p in assessment.points.items() if p > 0}
    warnings = active & WARNING_KINDS
    worth = worth_of(relationship)
    score = assessment.score
    value = f"worth {worth} ({_value_text(relationship)})"
    cost = f"risk {score} ({_cost_text(assessment)})"
    # per currency: what is overdue or disputed, each currency apart
    at_stake = dict(assessment.overdue)
    for currency, cents in assessment.disputed.items():
        at_stake[currency] = at_stake.get(currency, 0) + cents

    def stance(kind: str, text: str) -> Stance:
        return Stance(kind, text, worth)

    if assessment.status == "prospect":
        if warnings:
            return stance(
                "decline",
                f"A prospect with warning signs at the start ({', '.join(_warnings(assessment))}; "
                f"risk {score}): decline politely, whatever the money (rule 2).",
            )
        return stance(
            "warm", "A prospect with no warning signs: a friendly, personal call (rules 1, 5)."
        )
    brewing = active & DISPUTE_KINDS or any(assessment.overdue.values())
    valued = relationship.paid_anything or relationship.referrals > 0
    if brewing and valued and worth >= score + CLEARLY_ABOVE:
        return stance(
            "compromise",
            f"The relationship, {value}, outweighs the {cost}: look for a fair compromise; "
            "a won argument that loses the client is not a win (rule 8).",
        )
    if active & DISPUTE_KINDS and any(at_stake.values()):
        grounds = " and ".join(_warnings(assessment, DISPUTE_KINDS, 2))
        return stance(
            "dispute",
            f"{grounds[:1].upper()}{grounds[1:]}, with {_amount(at_stake)} "
            f"at stake; the {value} does not outweigh the {cost}: get the facts first and "
            "prepare the dispute (rule 8).",
        )
    # behaviour that repeats; money that keeps coming late calls for firmness, not letting go
    repeating = active & (PATTERN_KINDS - MONEY_KINDS)
    if repeating and assessment.band == "high" and score > worth:
        patterns = ", ".join(label_of(k) for k in sorted(repeating))
        return stance(
            "let_go",
            f"The {cost} is above the {value}, and the pattern repeats ({patterns}): "
            "document, stay calm and stop chasing (rule 7).",
        )
    # money long overdue comes first: say no to new scope, but firmly (rules 3 and 6)
    long_overdue = assessment.overdue_days > assessment.overdue_watch_days
    if assessment.fresh & {"scope_creep", "keeps_asking_beyond_scope"} and not long_overdue:
        requests = assessment.counts.get("scope_creep", 0)
        asked = f"{requests} request{'s' if requests != 1 else ''}" if requests else "Requests"
        return stance(
            "say_no",
            f"{asked} beyond the agreed scope, risk {score}: say no with the reasons and the "
            "agreed scope, and offer a priced alternative as close as possible (rule 6).",
        )
    if assessment.band != "low" or active & (MONEY_KINDS | {"changed_mind"}):
        return stance(
            "firm",
            f"Hold your position on what was agreed and on money owed, {cost} against "
            f"{value}; make the risks visible (rule 3).",
        )
    if warnings:
        return stance(
            "warm",
            f"Low {cost}, {_value_text(relationship)}: a friendly, personal call; keep an eye "
            "on the warning signs (rules 2, 5).",
        )
    return stance(
        "warm",
        f"No warning signs, {_value_text(relationship)}: a friendly, personal call; "
        "treat them like a big client (rule 5).",
    )


#: Advice, from the domain rules; chosen by the stance and what the factors show.
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
    "compromise": "Get the facts straight, then offer several solutions both sides can accept (rule 8).",
    "firm": "Hold your position and make every risk visible, even the unwelcome ones (rule 3).",
    "keep": "Keep the relationship: this client refers others and is worth the care (rule 5).",
    "healthy": "No warning signs: treat them as well as a big client; small clients grow and refer (rule 5).",
}

#: advice that would contradict a stance, and so is left out under it
_CONTRADICTS = {
    "let_go": {"keep", "compromise"},
    "decline": {"keep", "compromise", "healthy"},
    "dispute": {"keep", "compromise"},
    "compromise": {"stop_chasing", "decline"},
}


def advice_for(assessment: Assessment, stance: Stance) -> tuple[str, ...]:
    """The advice sentences (rules 2-8) the stance and the live factors call for."""
    active = {k for k, p in assessment.points.items() if p > 0}
    chosen = {
        "decline": ["decline"],
        "dispute": ["dispute"],
        "let_go": ["stop_chasing"],
        "compromise": ["compromise"],
        "say_no": ["say_no"],
    }.get(stance.kind, [])
    if active & DISPUTE_KINDS:
        chosen.append("dispute")
    if active & MONEY_KINDS or any(assessment.overdue.values()):
        chosen.append("deposit")
    if active & {"scope_creep", "keeps_asking_beyond_scope"}:
        chosen.append("say_no")
    if active & {"changed_mind", "keeps_changing_their_mind"}:
        chosen.append("sign_off")
    if active & {
        "rude",
        "aggressive",
        "hostile_tone",
        "repeatedly_rude",
        "hostile_again_and_again",
    }:
        chosen.append("calm")
    if active & {"missed_call", "no_show", "keeps_missing_calls", "pattern_missed_then_complained"}:
        chosen.append("document")
    if stance.kind == "firm" and not chosen:
        chosen.append("firm")
    if assessment.points.get("referral", 0) < 0:
        chosen.append("keep")
    if not chosen and assessment.band == "low":
        chosen.append("healthy")
    excluded = _CONTRADICTS.get(stance.kind, set())
    return tuple(ADVICE[key] for key in dict.fromkeys(chosen) if key not in excluded)
