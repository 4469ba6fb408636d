"""The risk model's promises (issue: the risk engine), as properties where they are ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from models.risk import (
    DEFAULT_TABLE,
    InvoiceFact,
    SignalEvent,
    band_of,
    risk_of,
    table_with,
    trend,
)

AS_OF = datetime(2026, 11, 24, 12, tzinfo=UTC)
WARNINGS = [
    "changed_mind",
    "refused_payment",
    "late_payment",
    "rude",
    "aggressive",
    "missed_call",
    "no_show",
    "complaint",
    "scope_creep",
    "legal_threat",
]
POSITIVES = ["referral", "praise", "paid_on_time"]
SERIOUS = ["rude", "aggressive", "refused_payment", "legal_threat"]


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


@settings(max_examples=200, deadline=None)
@given(histories, invoice_lists, st.sampled_from(WARNINGS), st.floats(0, 2000))
def test_adding_a_warning_signal_never_lowers_the_score(history, invoices, kind, age):
    before = risk_of(history, invoices, AS_OF).score
    after = risk_of(history + [SignalEvent(ago(age), kind)], invoices, AS_OF).score
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(histories, invoice_lists, st.sampled_from(POSITIVES), st.floats(0, 2000))
def test_adding_a_positive_signal_never_raises_the_score(history, invoices, kind, age):
    before = risk_of(history, invoices, AS_OF).score
    after = risk_of(history + [SignalEvent(ago(age), kind)], invoices, AS_OF).score
    assert after <= before


@settings(max_examples=200, deadline=None)
@given(histories, invoice_lists)
def test_the_score_stays_within_0_to_100_and_factors_add_up_to_it(history, invoices):
    risk = risk_of(history, invoices, AS_OF)
    assert 0 <= risk.score <= 100
    assert risk.band == band_of(risk.score)
    assert sum(f.points for f in risk.factors) == risk.score


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 60))
def test_the_score_saturates_smoothly_one_more_event_moves_it_a_little(count):
    history = [SignalEvent(ago(1), "complaint")] * count
    step = (
        risk_of(history + [SignalEvent(ago(1), "complaint")], [], AS_OF).score
        - risk_of(history, [], AS_OF).score
    )
    assert 0 <= step <= 15


@given(st.sampled_from(WARNINGS))
def test_recent_events_count_more_than_old_ones(kind):
    recent = risk_of([SignalEvent(ago(5), kind)] * 3, [], AS_OF).score
    old = risk_of([SignalEvent(ago(700), kind)] * 3, [], AS_OF).score
    assert recent > old


def test_a_client_rude_twice_three_years_ago_and_fine_since_is_low_risk():
    risk = risk_of(
        [SignalEvent(ago(3 * 365), "rude"), SignalEvent(ago(3 * 365 - 20), "rude")], [], AS_OF
    )
    assert risk.band == "low"


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(SERIOUS),
    st.floats(0, 170),
    st.lists(
        st.builds(SignalEvent, at=st.floats(0, 100).map(ago), kind=st.sampled_from(POSITIVES)),
        max_size=30,
    ),
)
def test_a_recent_serious_warning_keeps_the_client_at_least_in_watch(kind, age, positives):
    risk = risk_of([SignalEvent(ago(age), kind)] + positives, [], AS_OF)
    assert risk.band in ("watch", "high")


@settings(max_examples=100, deadline=None)
@given(histories, st.lists(st.floats(0, 2000), min_size=1, max_size=10))
def test_own_mistakes_never_raise_the_risk_but_are_kept_as_facts(history, ages):
    mistakes = [SignalEvent(ago(a), "own_mistake", "my fault") for a in ages]
    assert risk_of(history + mistakes, [], AS_OF).score == risk_of(history, [], AS_OF).score
    assert len(risk_of(history + mistakes, [], AS_OF).own_mistakes) >= len(ages)


def test_a_prospect_with_no_history_scores_zero_and_low():
    risk = risk_of([], [], AS_OF)
    assert (risk.score, risk.band, risk.factors) == (0, "low", ())


def test_missed_calls_followed_by_a_complaint_count_more_than_their_parts():
    missed = [SignalEvent(ago(20), "missed_call"), SignalEvent(ago(15), "no_show")]
    complaint = [SignalEvent(ago(10), "complaint")]
    apart = [
        SignalEvent(ago(200), "missed_call"),
        SignalEvent(ago(195), "no_show"),
        SignalEvent(ago(10), "complaint"),
    ]
    together = risk_of(missed + complaint, [], AS_OF)
    assert any(f.signal == "pattern_missed_then_complained" for f in together.factors)
    assert together.score > risk_of(apart, [], AS_OF).score


def test_changed_mind_then_refused_payment_is_a_pattern():
    risk = risk_of(
        [SignalEvent(ago(40), "changed_mind"), SignalEvent(ago(20), "refused_payment")], [], AS_OF
    )
    assert "pattern_changed_mind_then_refused" in {f.signal for f in risk.factors}
    assert any("dispute" in advice for advice in risk.advice)


def test_invoices_count_by_how_late_how_long_overdue_and_how_much():
    def invoice(amount=100_000, due_days_ago=40, paid=None, disputed=False):
        due = AS_OF.date() - timedelta(days=due_days_ago)
        return InvoiceFact("1", amount, "EUR", due - timedelta(days=14), due, paid, disputed)

    paid_a_bit_late = risk_of([], [invoice(paid=AS_OF.date() - timedelta(days=35))], AS_OF).score
    paid_very_late = risk_of(
        [], [invoice(due_days_ago=100, paid=AS_OF.date() - timedelta(days=5))], AS_OF
    ).score
    overdue_short = risk_of([], [invoice(due_days_ago=5)], AS_OF).score
    overdue_long = risk_of([], [invoice(due_days_ago=90)], AS_OF).score
    overdue_large = risk_of([], [invoice(amount=5_000_000, due_days_ago=5)], AS_OF).score
    refused = risk_of([], [invoice(disputed=True)], AS_OF)
    assert paid_very_late > paid_a_bit_late > 0
    assert overdue_long > overdue_short > 0 and overdue_large > overdue_short
    assert refused.band in ("watch", "high")
    paid_on_time = risk_of(
        [SignalEvent(ago(10), "late_payment")],
        [invoice(paid=AS_OF.date() - timedelta(days=45))],
        AS_OF,
    ).score
    assert paid_on_time < risk_of([SignalEvent(ago(10), "late_payment")], [], AS_OF).score


def test_every_factor_carries_dated_evidence_and_advice_follows_the_factors():
    risk = risk_of([SignalEvent(ago(3), "scope_creep", "wants a mobile app too")], [], AS_OF)
    [factor] = risk.factors
    assert factor.evidence[0].summary == "wants a mobile app too" and factor.evidence[0].at == ago(
        3
    )
    assert any("alternative" in advice for advice in risk.advice)


def test_referrals_bring_advice_to_keep_the_relationship():
    risk = risk_of([SignalEvent(ago(3), "referral")], [], AS_OF)
    assert any("refers others" in advice for advice in risk.advice)


def test_events_after_as_of_are_not_counted():
    assert risk_of([SignalEvent(AS_OF + timedelta(days=1), "legal_threat")], [], AS_OF).score == 0


def test_trend_gives_twelve_weekly_scores_ending_with_today():
    history = [SignalEvent(ago(20), "rude")]
    weekly = trend(history, [], AS_OF)
    assert len(weekly) == 12 and weekly[-1] == risk_of(history, [], AS_OF).score
    assert weekly[-4] == 0 and weekly[-3] > 0  # the rude call was 20 days ago


def test_weights_can_be_overridden_and_unknown_signals_are_refused():
    table = table_with({"rude": {"weight": 60, "half_life_days": 30}})
    assert (
        risk_of([SignalEvent(ago(1), "rude")], [], AS_OF, table).score
        > risk_of([SignalEvent(ago(1), "rude")], [], AS_OF).score
    )
    try:
        table_with({"grumpy": {"weight": 1}})
    except ValueError as error:
        assert "grumpy" in str(error)
    else:
        raise AssertionError("an unknown signal was accepted")


def test_every_default_weight_documents_its_domain_rule():
    assert all(rule.why.startswith("rule ") for rule in DEFAULT_TABLE.values())


@settings(max_examples=200, deadline=None)
@given(histories, invoice_lists)
def test_warning_factors_never_show_negative_points_and_positive_ones_never_positive(
    history, invoices
):
    for factor in risk_of(history, invoices, AS_OF).factors:
        if factor.signal in ("referral", "praise", "paid_on_time"):
            assert factor.points <= 0, factor
        elif factor.signal != "serious_warning_floor":
            assert factor.points >= 0, factor


@settings(max_examples=200, deadline=None)
@given(
    histories,
    st.integers(1, 400),
    st.integers(1, 400),
    st.integers(100, 10_000_000),
    st.integers(100, 10_000_000),
)
def test_an_invoice_overdue_longer_or_for_more_money_never_scores_lower(
    history, days_a, days_b, cents_a, cents_b
):
    def overdue(days, cents):
        due = AS_OF.date() - timedelta(days=days)
        return InvoiceFact("1", cents, "EUR", due - timedelta(days=14), due, None)

    shorter, longer = sorted((days_a, days_b))
    smaller, larger = sorted((cents_a, cents_b))
    assert (
        risk_of(history, [overdue(longer, smaller)], AS_OF).score
        >= risk_of(history, [overdue(shorter, smaller)], AS_OF).score
    )
    assert (
        risk_of(history, [overdue(shorter, larger)], AS_OF).score
        >= risk_of(history, [overdue(shorter, smaller)], AS_OF).score
    )


@settings(max_examples=100, deadline=None)
@given(histories, invoice_lists, st.integers(2, 20))
def test_the_trend_is_the_same_function_at_weekly_earlier_moments(history, invoices, weeks):
    scores = trend(history, invoices, AS_OF, weeks)
    assert len(scores) == weeks
    assert scores[-1] == risk_of(history, invoices, AS_OF).score
    assert scores[0] == risk_of(history, invoices, AS_OF - timedelta(weeks=weeks - 1)).score
