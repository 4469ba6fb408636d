"""The risk vocabulary: every kind of evidence, how it counts, and the sets built from it.

This is the one place that says which signals are serious, which are positive, which are
about money, what each factor is called on screen, and which statuses triage looks at.
:data:`DEFAULT_TABLE` holds one :class:`Rule` per factor the risk model can show (the
signals a user logs, the facts derived from invoices and tone, and the named patterns),
each tied to its rule in the field notes (shared/domain.md); the frozensets below are
built from it once, so the risk model, the call sheet, the fact sheet and the dashboard's
colours cannot disagree. Pure data: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """How one factor counts: points at full strength, and how fast they fade."""

    weight: float
    half_life_days: float
    why: str
    #: what the factor is called on screen, in the consultant's words
    label: str
    #: keeps the client at least in "watch" while within its half-life (rule 2)
    serious: bool = False
    #: about money: positive signs never offset it (kind words do not pay invoices)
    money: bool = False
    #: the most points this factor can reach, however much evidence piles up; by default
    #: five times its weight (see :func:`cap_of`). Repetition has its own named patterns,
    #: so a hundred rude calls need not show as "+1,800 rude".
    cap: float | None = None
    #: the evidence this factor reads; empty means its own kind only. A named pattern reads
    #: the kinds it is made of; "invoices" and "tone:<tone>" are the derived evidence.
    reads: frozenset[str] = frozenset()
    #: for a repetition pattern: how many days three events of ``reads`` may span
    window_days: int = 0


def _reads(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


def _pattern(
    weight: float,
    half_life_days: float,
    why: str,
    label: str,
    *kinds: str,
    window_days: int | None = None,
    money: bool = False,
) -> Rule:
    """A named pattern, worth points of its own on top of its parts: events of ``kinds``
    (:data:`REPEATS` of them, or in sequence) within ``window_days``, by default as long as
    its half-life."""
    window = int(half_life_days) if window_days is None else window_days
    return Rule(
        weight, half_life_days, why, label, money=money, reads=_reads(*kinds), window_days=window
    )


#: The one table of weights and half-lives. Weights and half-lives are overridable per
#: factor from config.toml: ``[risk.rude] weight = 25`` (see :func:`callsheet.models.risk.settings.model_with`).
DEFAULT_TABLE: Mapping[str, Rule] = {
    # -- warning signs logged by the consultant (rule 2) ------------------------------------
    # Practitioners decline rude or aggressive clients 9 times in 10, even for good money.
    "rude": Rule(18, 180, "rule 2: rude or breaks etiquette", "rude", serious=True),
    "aggressive": Rule(
        22, 180, "rule 2 and 7: raised voice, pressure, threats", "aggressive", serious=True
    ),
    # A formal dispute or legal threat is the strongest sign; it fades slowly.
    "legal_threat": Rule(
        35, 365, "rule 2 and 8: threatens legal action", "legal threat", serious=True
    ),
    "refused_payment": Rule(
        30, 365, "rule 2: refuses to pay", "refused payment", serious=True, money=True
    ),
    "changed_mind": Rule(
        10, 120, "rule 2: changes their mind after work was agreed and delivered", "changed mind"
    ),
    "late_payment": Rule(8, 120, "rule 2: pays late", "late payment", money=True),
    "missed_call": Rule(4, 60, "rule 2: misses calls", "missed call"),
    "no_show": Rule(7, 90, "rule 2: misses meetings", "no show"),
    "complaint": Rule(6, 90, "rule 2: complains about the result", "complaint"),
    "scope_creep": Rule(
        6, 90, "rule 2 and 6: asks beyond the agreed scope or budget", "scope creep"
    ),
    # -- the consultant's own mistakes are facts, never the client's risk (rule 4) ----------
    "own_mistake": Rule(0, 365, "rule 4: your own mistake, kept as a fact", "own mistake"),
    # -- signs of a healthy relationship (rule 5): they lower behavioural risk only ---------
    "referral": Rule(-12, 365, "rule 5: refers others", "referral"),
    "praise": Rule(-6, 120, "rule 5: praise", "praise"),
    "paid_on_time": Rule(
        -4, 180, "rule 5: pays on time", "paid on time", reads=_reads("paid_on_time", "invoices")
    ),
    # -- tone (rule 2: judge the client by conversation style and tone) ---------------------
    "hostile_tone": Rule(
        5,
        60,
        "rule 2 and 7: a hostile conversation, whatever was said",
        "hostile tone",
        cap=30,
        reads=_reads("tone:hostile"),
    ),
    # Tense calls happen with good clients too: weaker, faster to fade, and capped low.
    "tense_tone": Rule(
        1.5,
        30,
        "rule 2: a tense conversation",
        "tense tone",
        cap=10,
        reads=_reads("tone:tense"),
    ),
    # -- money, derived from the invoices (rule 2: pays late, or not at all) ----------------
    "invoice_paid_late": Rule(
        3,
        180,
        "rule 2: an invoice paid after its due date (more the later)",
        "invoice paid late",
        money=True,
        reads=_reads("invoices"),
    ),
    "invoice_overdue": Rule(
        6,
        10_000,
        "rule 2: an invoice overdue now (more the longer, the larger, and the larger "
        "against what the client has paid so far)",
        "invoice overdue",
        money=True,
        # many overdue invoices stop adding: past this, more of them says nothing new
        cap=120,
        reads=_reads("invoices"),
    ),
    "invoice_disputed": Rule(
        20,
        10_000,
        "rule 2 and 8: an invoice the client refuses to pay",
        "invoice disputed",
        serious=True,
        money=True,
        reads=_reads("invoices"),
    ),
    # -- sequences practitioners name (rule 2): more than the sum of their parts ------------
    "pattern_missed_then_complained": _pattern(
        10,
        90,
        "rule 2: misses calls or meetings, then complains about the result",
        "missed, then complained",
        "missed_call",
        "no_show",
        "complaint",
        window_days=30,
    ),
    "pattern_changed_mind_then_refused": _pattern(
        20,
        365,
        "rule 2: changes their mind after delivery, then refuses to pay",
        "changed mind, then refused to pay",
        "changed_mind",
        "refused_payment",
        window_days=90,
        money=True,
    ),
    # -- repetition (rule 2: "keeps asking", "week after week"): three or more of the same
    # warning within the window is a pattern worth more than its parts --------------------
    "keeps_asking_beyond_scope": _pattern(
        12,
        90,
        "rule 2 and 6: keeps asking beyond the agreed scope or budget",
        "keeps asking beyond scope",
        "scope_creep",
    ),
    "repeatedly_late": _pattern(
        15,
        180,
        "rule 2: pays late again and again",
        "repeatedly late",
        "late_payment",
        "invoices",
        window_days=365,
        money=True,
    ),
    "keeps_missing_calls": _pattern(
        10,
        60,
        "rule 2: misses calls and meetings week after week",
        "keeps missing calls and meetings",
        "missed_call",
        "no_show",
    ),
    "keeps_complaining": _pattern(
        10,
        90,
        "rule 2: complains about the result week after week",
        "complains again and again",
        "complaint",
    ),
    "keeps_changing_their_mind": _pattern(
        12,
        120,
        "rule 2 and 3: changes their mind again and again",
        "keeps changing their mind",
        "changed_mind",
    ),
    "repeatedly_rude": _pattern(
        20,
        180,
        "rule 2 and 7: rude or aggressive again and again",
        "rude or aggressive again and again",
        "rude",
        "aggressive",
    ),
    "hostile_again_and_again": _pattern(
        10, 60, "rule 2 and 7: hostile call after call", "hostile call after call", "tone:hostile"
    ),
}

#: How many events of the same kind within a pattern's window make it a pattern.
REPEATS = 3

#: Tones that count as evidence, with the factor each feeds.
TONE_FACTORS: Mapping[str, str] = {"hostile": "hostile_tone", "tense": "tense_tone"}

WARNING_KINDS = frozenset(k for k, r in DEFAULT_TABLE.items() if r.weight > 0)
POSITIVE_KINDS = frozenset(k for k, r in DEFAULT_TABLE.items() if r.weight < 0)
SERIOUS_KINDS = frozenset(k for k, r in DEFAULT_TABLE.items() if r.serious)
MONEY_KINDS = frozenset(k for k, r in DEFAULT_TABLE.items() if r.money)
#: warning factors about how the client behaves (not money): what positive signs offset
BEHAVIOUR_KINDS = WARNING_KINDS - MONEY_KINDS
#: the named patterns: sequences and repetitions
PATTERN_KINDS = frozenset(k for k, r in DEFAULT_TABLE.items() if r.window_days)
#: patterns of one kind of event followed by another
SEQUENCE_KINDS = frozenset({"pattern_missed_then_complained", "pattern_changed_mind_then_refused"})
#: patterns of the same warning repeated within a window
REPETITION_KINDS = PATTERN_KINDS - SEQUENCE_KINDS
#: kinds that, with money at stake, make a dispute (rule 8)
DISPUTE_KINDS = frozenset(
    {"legal_threat", "refused_payment", "invoice_disputed", "pattern_changed_mind_then_refused"}
)

#: Statuses triage looks at. Former and declined clients keep their risk (it is shown when
#: they call again), but they no longer need the consultant's attention today.
TRIAGE_STATUSES = ("prospect", "active", "paused")


#: without a cap of its own, a factor counts at most this many times its weight
CAP_WEIGHTS = 5


def cap_of(rule: Rule) -> float:
    """The most points (in absolute value) a factor with this rule can reach."""
    return rule.cap if rule.cap is not None else CAP_WEIGHTS * abs(rule.weight)


def inputs_of(kind: str) -> frozenset[str]:
    """The evidence a factor reads: its own kind unless the table says otherwise."""
    rule = DEFAULT_TABLE.get(kind)
    return rule.reads if rule is not None and rule.reads else frozenset({kind})


def label_of(kind: str) -> str:
    """What a factor or signal is called on screen ("keeps asking beyond scope")."""
    rule = DEFAULT_TABLE.get(kind)
    return rule.label if rule is not None else kind.replace("_", " ")


def in_triage(status: str) -> bool:
    """Whether triage should bring this client to the consultant's attention."""
    return status in TRIAGE_STATUSES
