"""The risk model's promises from issue 15, a score a practitioner would sign: kind words
never pay invoices, tone counts on its own, repetition is a named pattern, and the stance
for the call (decline, dispute, compromise) follows from risk and the client's worth."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from callsheet.models.risk.model import (
    InvoiceFact,
    Points,
    SignalEvent,
    ToneEvent,
    paid_now,
    risk_of,
    score_of,
    unpaid_numbers,
)
from callsheet.models.risk.vocabulary import DEFAULT_TABLE
from tests.risk_cases import (
    AS_OF,
    POSITIVES,
    ago,
    histories,
    invoice_lists,
    overdue,
    paid,
    tone_lists,
)


def test_praise_and_referrals_do_not_cancel_unpaid_money():
    kind_words = [SignalEvent(ago(d), "praise") for d in (5, 30, 60)] + [
        SignalEvent(ago(10), "referral"),
        SignalEvent(ago(200), "referral"),
    ]
    alone = risk_of([], [overdue(584)], AS_OF)
    praised = risk_of(kind_words, [overdue(584)], AS_OF)
    assert praised.score == alone.score and praised.band == "high"
    assert praised.points.positive < 0 and praised.points.money == alone.points.money


@settings(max_examples=200, deadline=None)
@given(histories, st.lists(st.sampled_from(POSITIVES), max_size=30), invoice_lists)
def test_positive_signs_never_lower_the_money_part_of_the_score(history, positives, invoices):
    without = risk_of(history, invoices, AS_OF)
    extra = [SignalEvent(ago(1), kind) for kind in positives]
    with_positives = risk_of(history + extra, invoices, AS_OF)
    assert with_positives.points.money == without.points.money
    assert with_positives.score >= score_of(Points(money=without.points.money))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(31, 2000),
    st.integers(100, 10_000_000),
    st.lists(st.sampled_from(POSITIVES), max_size=30),
    st.lists(st.integers(0, 700), max_size=10),
)
def test_money_overdue_beyond_the_threshold_is_never_low(days, cents, positives, paid_ages):
    history = [SignalEvent(ago(1), kind) for kind in positives]
    invoices = [overdue(days, cents)] + [paid(a, number=f"p{a}") for a in paid_ages]
    risk = risk_of(history, invoices, AS_OF)
    assert risk.band != "low"
    if risk.floor is not None:
        assert "overdue" in risk.floor.reason and "30 days" in risk.floor.reason


def test_overdue_money_large_against_the_paid_history_pushes_harder():
    big_history = [paid(30 * n, 1_000_000, f"p{n}") for n in range(1, 10)]
    never_paid = risk_of([], [overdue(170, 400_000)], AS_OF)
    good_payer = risk_of([], [overdue(170, 400_000)] + big_history, AS_OF)
    assert never_paid.points.money > good_payer.points.money
    assert never_paid.score > good_payer.score
    # a 4,000 EUR invoice 170 days overdue is never a footnote
    assert never_paid.band == "high" and good_payer.band != "low"


def test_a_new_factor_leaves_the_others_points_alone():
    before = risk_of([], [overdue(170, 400_000)], AS_OF)
    after = risk_of([SignalEvent(ago(1), "rude", "shouted")], [overdue(170, 400_000)], AS_OF)
    overdue_points = {f.signal: f.points for f in before.factors}["invoice_overdue"]
    assert {f.signal: f.points for f in after.factors}["invoice_overdue"] == overdue_points


def test_hostile_calls_count_even_with_no_signal_ticked():
    calls = [ToneEvent(ago(d), "hostile", f"call {d}") for d in (3, 12, 25)]
    risk = risk_of([], [], AS_OF, tones=calls)
    assert risk.band != "low"
    factors = {f.signal: f for f in risk.factors}
    assert [e.summary for e in factors["hostile_tone"].evidence] == ["call 3", "call 12", "call 25"]
    assert factors["hostile_again_and_again"].label == "hostile call after call"
    tense = risk_of([], [], AS_OF, tones=[ToneEvent(t.at, "tense") for t in calls])
    assert 0 < tense.score < risk.score
    warm = risk_of([], [], AS_OF, tones=[ToneEvent(t.at, "warm") for t in calls])
    assert warm.score == 0 and warm.factors == ()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 200), min_size=1, max_size=200))
def test_tone_saturates_at_its_cap_however_many_calls(ages):
    risk = risk_of([], [], AS_OF, tones=[ToneEvent(ago(a), "tense") for a in ages])
    points = {f.signal: f.points for f in risk.factors}
    assert points.get("tense_tone", 0) <= DEFAULT_TABLE["tense_tone"].cap


def test_three_scope_requests_in_six_weeks_are_a_named_pattern_worth_more_than_its_parts():
    requests = [SignalEvent(ago(d), "scope_creep", f"more {d}") for d in (2, 20, 40)]
    risk = risk_of(requests, [], AS_OF)
    factors = {f.signal: f for f in risk.factors}
    assert factors["keeps_asking_beyond_scope"].label == "keeps asking beyond scope"
    assert len(factors["keeps_asking_beyond_scope"].evidence) == 3
    assert risk.band == "watch" and risk.stance.kind == "say_no"
    one = risk_of(requests[:1], [], AS_OF).points.counted
    assert risk.points.counted > 3 * one
    spread = [SignalEvent(ago(d), "scope_creep") for d in (2, 120, 240)]
    assert "keeps_asking_beyond_scope" not in {f.signal for f in risk_of(spread, [], AS_OF).factors}


def test_invoices_paid_late_again_and_again_are_repeatedly_late():
    def late(n):
        due = AS_OF.date() - timedelta(days=60 * n + 30)
        return InvoiceFact(
            f"L{n}", 200_000, "EUR", due - timedelta(days=14), due, due + timedelta(days=20)
        )

    risk = risk_of([], [late(1), late(2), late(3)], AS_OF)
    factors = {f.signal: f for f in risk.factors}
    assert factors["repeatedly_late"].label == "repeatedly late"
    assert risk.score > risk_of([], [late(1), late(2)], AS_OF).score


def test_a_prospect_rude_and_aggressive_on_the_first_call_is_declined_politely():
    first_call = [SignalEvent(ago(1), "rude"), SignalEvent(ago(1), "aggressive")]
    risk = risk_of(first_call, [], AS_OF, status="prospect")
    assert risk.stance.kind == "decline" and "prospect" in risk.stance.text.lower()
    assert risk.advice[0].startswith("Decline politely")
    assert risk_of(first_call, [], AS_OF, status="active").stance.kind != "decline"
    assert risk_of([], [], AS_OF, status="prospect").stance.kind == "warm"


def test_a_dispute_with_money_at_stake_is_prepared_not_compromised_when_worth_is_low():
    history = [SignalEvent(ago(40), "changed_mind"), SignalEvent(ago(20), "refused_payment")]
    invoice = overdue(45, 300_000, "3", term=15, disputed=True)
    risk = risk_of(history, [invoice], AS_OF, since=AS_OF - timedelta(days=90))
    assert risk.stance.kind == "dispute" and "3,000 EUR at stake" in risk.stance.text
    assert not any("Keep the relationship" in a for a in risk.advice)


def test_a_valuable_client_with_a_brewing_dispute_gets_a_compromise_that_names_the_value():
    history = [SignalEvent(ago(d), "referral") for d in (100, 300, 500)]
    years = [paid(60 * n, 800_000, f"p{n}") for n in range(1, 12)]
    invoice = overdue(20, 200_000, "D", term=20, disputed=True)
    risk = risk_of(history, years + [invoice], AS_OF, since=AS_OF - timedelta(days=4 * 365))
    assert risk.stance.kind == "compromise", risk.stance
    assert "paid 88,000 EUR over 4 years, 3 referrals" in risk.stance.text
    assert f"risk {risk.score}" in risk.stance.text and "outweighs" in risk.stance.text


@settings(max_examples=200, deadline=None)
@given(histories, invoice_lists, tone_lists, st.integers(0, 4000), st.integers(0, 5))
def test_a_compromise_is_only_offered_when_revenue_or_referrals_clearly_outweigh_the_risk(
    history, invoices, tones, tenure, referred
):
    risk = risk_of(
        history,
        invoices,
        AS_OF,
        tones=tones,
        since=AS_OF - timedelta(days=tenure),
        referred=referred,
    )
    if risk.stance.kind == "compromise":
        assert risk.stance.worth >= risk.score + 20
        assert "paid" in risk.stance.text or "referral" in risk.stance.text
    if risk.stance.kind in ("let_go", "decline", "dispute"):
        assert not any("Keep the relationship" in a for a in risk.advice)


def test_what_if_paid_marks_those_invoices_paid_today_and_nothing_else():
    invoices = [overdue(90, 500_000, "A"), overdue(40, 100_000, "B"), paid(10, number="C")]
    assert unpaid_numbers(invoices, AS_OF) == ("A", "B")
    settled = paid_now(invoices, ["A"], AS_OF)
    assert [i.paid for i in settled] == [AS_OF.date(), None, invoices[2].paid]
    assert risk_of([], settled, AS_OF).score < risk_of([], invoices, AS_OF).score
