"""The risk model's promises about points: what each kind of evidence adds, caps, decay,
patterns, trends and overrides, as properties where they are ones (issue: the risk engine).
Money against kind words, tone, and the stance are in test_risk_stance.py."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from callsheet.models.risk.model import (
    SCALE,
    WATCH_FROM,
    Points,
    SignalEvent,
    ToneEvent,
    band_of,
    model_with,
    risk_of,
    score_of,
    table_with,
    trend,
)
from callsheet.models.risk.vocabulary import (
    BEHAVIOUR_KINDS,
    DEFAULT_TABLE,
    MONEY_KINDS,
    POSITIVE_KINDS,
    SERIOUS_KINDS,
    WARNING_KINDS,
    inputs_of,
    label_of,
)
from tests.risk_cases import (
    AS_OF,
    POSITIVES,
    SERIOUS,
    WARNINGS,
    ago,
    histories,
    invoice_lists,
    overdue,
    tone_lists,
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
        return overdue(due_days_ago, amount, "1", disputed=disputed)._replace(paid=paid)

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
    invoice = overdue(40, 50_000, "7", term=20)
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


def test_the_vocabulary_is_built_from_the_table_and_agrees_with_the_signals():
    from callsheet.models.risk.vocabulary import TONE_FACTORS, TRIAGE_STATUSES, in_triage
    from callsheet.models.values.terms import SIGNALS, STATUSES, TONES

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
    from callsheet.models.values.terms import POSITIVE_SIGNALS, WARNING_SIGNALS

    assert set(POSITIVE_SIGNALS) == POSITIVE_KINDS
    assert set(WARNING_SIGNALS) <= WARNING_KINDS
    assert set(TRIAGE_STATUSES) <= set(STATUSES)
    assert not in_triage("former") and not in_triage("declined") and in_triage("active")


def test_the_readme_calibration_table_is_what_the_model_says():
    from pathlib import Path

    from callsheet.models.risk import calibration

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert calibration.in_readme(readme) == calibration.readme_section(), (
        "README's calibration table is out of date: python -m callsheet.models.risk.calibration --write README.md"
    )
    assert len(calibration.HISTORIES) >= 12
    stances = {h.risk().stance.kind for h in calibration.HISTORIES}
    assert stances >= {"warm", "firm", "say_no", "compromise", "let_go", "dispute", "decline"}
