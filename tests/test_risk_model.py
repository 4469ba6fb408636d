"""The risk model's promises (issues: the risk engine; a score a practitioner would sign),
as properties where they are ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from models.risk import (
    SCALE,
    WATCH_FROM,
    InvoiceFact,
    Points,
    SignalEvent,
    ToneEvent,
    band_of,
    model_with,
    paid_now,
    risk_of,
    score_of,
    table_with,
    trend,
    unpaid_numbers,
)
from models.vocabulary import (
    BEHAVIOUR_KINDS,
    DEFAULT_TABLE,
    MONEY_KINDS,
    POSITIVE_KINDS,
    SERIOUS_KINDS,
    WARNING_KINDS,
    inputs_of,
    label_of,
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
#: the serious signs a user can log, from the one vocabulary
SERIOUS = sorted(SERIOUS_KINDS & set(WARNINGS))


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


tone_lists = st.lists(
    st.builds(
        ToneEvent,
        at=st.floats(0, 2000).map(ago),
        tone=st.sampled_from(["warm", "neutral", "tense", "hostile"]),
    ),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(histories, invoice_lists, tone_lists)
def test_the_factors_shown_explain_the_score_exactly(history, invoices, tones):
    risk = risk_of(history, invoices, AS_OF, tones=tones)
    assert 0 <= risk.score <= 100
    assert risk.band == band_of(risk.score)
    assert all(f.points != 0 for f in risk.factors)  # factors at 0 are hidden
    by_family = Points(
        money=sum(f.points for f in risk.factors if f.signal in MONEY_KINDS),
        behaviour=sum(f.points for f in risk.factors if f.signal in BEHAVIOUR_KINDS),
        positive=sum(f.points for f in risk.factors if f.signal in POSITIVE_KINDS),
    )
    assert by_family == risk.points
    if risk.floor is None:
        assert risk.score == score_of(risk.points)
    else:
        assert score_of(risk.points) < risk.score == WATCH_FROM


@settings(max_examples=200, deadline=None)
@given(
    histories,
    invoice_lists,
    tone_lists,
    st.sampled_from(WARNINGS + POSITIVES + ["tone:hostile", "tone:tense", "invoices"]),
    st.floats(0, 2000),
    invoice_lists,
)
def test_adding_evidence_of_one_kind_never_changes_another_kinds_points(
    history, invoices, tones, kind, age, more_invoices
):
    before = risk_of(history, invoices, AS_OF, tones=tones)
    if kind.startswith("tone:"):
        after = risk_of(
            history, invoices, AS_OF, tones=tones + [ToneEvent(ago(age), kind[5:], "loud")]
        )
    elif kind == "invoices":
        after = risk_of(history, invoices + more_invoices, AS_OF, tones=tones)
    else:
        after = risk_of(history + [SignalEvent(ago(age), kind)], invoices, AS_OF, tones=tones)
    points_before = {f.signal: f.points for f in before.factors}
    points_after = {f.signal: f.points for f in after.factors}
    for factor in set(points_before) | set(points_after):
        if kind not in inputs_of(factor):
            assert points_before.get(factor, 0) == points_after.get(factor, 0), factor


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 60))
def test_the_score_saturates_smoothly_one_more_event_moves_it_by_its_points_at_most(count):
    history = [SignalEvent(ago(1), "complaint")] * count
    before = risk_of(history, [], AS_OF)
    after = risk_of(history + [SignalEvent(ago(1), "complaint")], [], AS_OF)
    added = after.points.counted - before.points.counted
    assert 0 <= after.score - before.score <= 100 * added / SCALE + 1


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
    on_time = [invoice(paid=AS_OF.date() - timedelta(days=45))]
    complaint, late = [SignalEvent(ago(10), "complaint")], [SignalEvent(ago(10), "late_payment")]
    # paying on time offsets behaviour, never money (a late payment stays a late payment)
    assert risk_of(complaint, on_time, AS_OF).score < risk_of(complaint, [], AS_OF).score
    assert risk_of(late, on_time, AS_OF).score == risk_of(late, [], AS_OF).score


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
    model = model_with({"rude": {"weight": 60, "half_life_days": 30}})
    assert model.table == table_with({"rude": {"weight": 60, "half_life_days": 30}})
    assert (
        risk_of([SignalEvent(ago(1), "rude")], [], AS_OF, model).score
        > risk_of([SignalEvent(ago(1), "rude")], [], AS_OF).score
    )
    try:
        table_with({"grumpy": {"weight": 1}})
    except ValueError as error:
        assert "grumpy" in str(error)
    else:
        raise AssertionError("an unknown signal was accepted")


def test_every_default_weight_documents_its_domain_rule():
    assert all(rule.why.startswith("rule ") and rule.label for rule in DEFAULT_TABLE.values())


def test_an_override_cannot_turn_a_warning_into_a_positive_sign():
    for overrides in ({"rude": {"weight": -5}}, {"praise": {"weight": 5}}):
        try:
            table_with(overrides)
        except ValueError as error:
            assert "keep its sign" in str(error)
        else:
            raise AssertionError(f"{overrides} was accepted")


def test_the_overdue_watch_threshold_is_a_setting():
    invoice = InvoiceFact(
        "7",
        50_000,
        "EUR",
        AS_OF.date() - timedelta(days=60),
        AS_OF.date() - timedelta(days=40),
        None,
    )
    assert risk_of([], [invoice], AS_OF).band != "low"
    lenient = model_with({"overdue_watch_days": 90})
    assert lenient.overdue_watch_days == 90
    assert risk_of([], [invoice], AS_OF, lenient).floor is None
    for bad in ({"overdue_watch_days": "soon"}, {"grumpy": 3}):
        try:
            model_with(bad)
        except ValueError as error:
            assert next(iter(bad)) in str(error)
        else:
            raise AssertionError(f"{bad} was accepted")


@settings(max_examples=200, deadline=None)
@given(histories, invoice_lists)
def test_warning_factors_never_show_negative_points_and_positive_ones_never_positive(
    history, invoices
):
    for factor in risk_of(history, invoices, AS_OF).factors:
        if factor.signal in POSITIVE_KINDS:
            assert factor.points < 0, factor
        else:
            assert factor.points > 0, factor


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


# --- issue 15: a score a practitioner would sign -----------------------------------------


def overdue(days: int, cents: int = 1_458_300, number: str = "9") -> InvoiceFact:
    due = AS_OF.date() - timedelta(days=days)
    return InvoiceFact(number, cents, "EUR", due - timedelta(days=14), due, None)


def paid(days_ago: int, cents: int = 500_000, number: str = "p") -> InvoiceFact:
    day = AS_OF.date() - timedelta(days=days_ago)
    return InvoiceFact(number, cents, "EUR", day - timedelta(days=10), day, day)


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
    invoice = InvoiceFact(
        "3",
        300_000,
        "EUR",
        AS_OF.date() - timedelta(days=60),
        AS_OF.date() - timedelta(days=45),
        None,
        True,
    )
    risk = risk_of(history, [invoice], AS_OF, since=AS_OF - timedelta(days=90))
    assert risk.stance.kind == "dispute" and "3,000 EUR at stake" in risk.stance.text
    assert not any("Keep the relationship" in a for a in risk.advice)


def test_a_valuable_client_with_a_brewing_dispute_gets_a_compromise_that_names_the_value():
    history = [SignalEvent(ago(d), "referral") for d in (100, 300, 500)]
    years = [paid(60 * n, 800_000, f"p{n}") for n in range(1, 12)]
    invoice = InvoiceFact(
        "D",
        200_000,
        "EUR",
        AS_OF.date() - timedelta(days=40),
        AS_OF.date() - timedelta(days=20),
        None,
        True,
    )
    risk = risk_of(history, years + [invoice], AS_OF, since=AS_OF - timedelta(days=4 * 365))
    assert risk.stance.kind == "compromise", risk.stance
    assert "paid 88,000 EUR over 4.0 years, 3 referrals" in risk.stance.text
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


def test_the_vocabulary_is_built_from_the_table_and_agrees_with_the_signals():
    from models.entities import SIGNALS, STATUSES, TONES
    from models.vocabulary import TONE_FACTORS, TRIAGE_STATUSES, in_triage

    assert set(SIGNALS) <= set(DEFAULT_TABLE)
    # a logged signal is called the same in the risk pane as in the log's tags
    assert all(label_of(kind) == kind.replace("_", " ") for kind in SIGNALS)
    assert set(TONE_FACTORS) <= set(TONES)
    assert (
        "invoice_disputed" in SERIOUS_KINDS
        and {
            "rude",
            "aggressive",
            "refused_payment",
            "legal_threat",
        }
        <= SERIOUS_KINDS
    )
    assert {"referral", "praise", "paid_on_time"} == POSITIVE_KINDS
    # the signals a user can log agree with the risk table's sets
    from models.entities import POSITIVE_SIGNALS, WARNING_SIGNALS

    assert set(POSITIVE_SIGNALS) == POSITIVE_KINDS
    assert set(WARNING_SIGNALS) <= WARNING_KINDS
    assert set(TRIAGE_STATUSES) <= set(STATUSES)
    assert not in_triage("former") and not in_triage("declined") and in_triage("active")


def test_the_readme_calibration_table_is_what_the_model_says():
    from pathlib import Path

    from models import calibration

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert calibration.in_readme(readme) == calibration.readme_section(), (
        "README's calibration table is out of date: python -m models.calibration --write README.md"
    )
    assert len(calibration.HISTORIES) >= 12
    stances = {h.risk().stance.kind for h in calibration.HISTORIES}
    assert stances >= {"warm", "firm", "say_no", "compromise", "let_go", "dispute", "decline"}
