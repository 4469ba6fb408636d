"""``callsheet risk --backtest``: every invoice scored as of its issue day from what came
before it only, against what happened to it; per band rates with Wilson intervals, the AUC
with its Hanley-McNeil interval, a cross-validated Brier score."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callsheet.models.risk.backtest import (
    Case,
    History,
    ReplayInvoice,
    as_of_view,
    auc,
    issue_moment,
    outcome_of,
    replay,
    score_as_of,
    summarise,
    wilson,
)
from callsheet.models.risk.evidence import SignalEvent, ToneEvent
from callsheet.models.store.tables import Invoice
from callsheet.models.values.terms import POSITIVE_SIGNALS, TONES, WARNING_SIGNALS

TODAY = date(2026, 12, 6)
LIKE = datetime(2026, 12, 6, 12, tzinfo=UTC)


def _invoice(number, issued, due=None, paid=None, disputed=False, cents=300_000, payments=()):
    return ReplayInvoice(number, cents, "EUR", issued, due, paid, disputed, tuple(payments))


# --- the statistics, against values worked out by hand ---------------------------------


def test_wilson_interval_matches_the_textbook_values():
    # 0 of 10: upper bound z^2 / (n + z^2) = 3.8415 / 13.8415
    low, high = wilson(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    # 81 of 263 (Newcombe's example): 0.2553 to 0.3662
    low, high = wilson(81, 263)
    assert low == pytest.approx(0.2553, abs=1e-4) and high == pytest.approx(0.3662, abs=1e-4)
    assert wilson(0, 0) == (0.0, 0.0)


def _cases(pairs):
    return [Case(n, str(n), TODAY, score, "low", bool(y)) for n, (score, y) in enumerate(pairs)]


def test_auc_is_the_share_of_pairs_ranked_right_with_ties_half():
    pairs = [(10, 0), (20, 0), (20, 1), (35, 0), (50, 1), (70, 1), (5, 0), (50, 0)]
    positives = [s for s, y in pairs if y]
    negatives = [s for s, y in pairs if not y]
    by_hand = sum(
        1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(positives, negatives)
    ) / (len(positives) * len(negatives))
    area, low, high = auc(_cases(pairs))
    assert area == pytest.approx(by_hand)
    # Hanley-McNeil standard error for this area and these group sizes
    q1, q2 = area / (2 - area), 2 * area**2 / (1 + area)
    n1, n0 = len(positives), len(negatives)
    se = math.sqrt(
        (area * (1 - area) + (n1 - 1) * (q1 - area**2) + (n0 - 1) * (q2 - area**2)) / (n1 * n0)
    )
    assert low == pytest.approx(max(0, area - 1.96 * se), abs=1e-3)
    assert high == pytest.approx(min(1, area + 1.96 * se), abs=1e-3)
    assert auc(_cases([(10, 1), (20, 1)])) is None  # no negatives: no AUC


def test_a_score_that_separates_perfectly_beats_the_base_rate_brier():
    # 200 clients: those scoring 80 always late, those scoring 10 never
    pairs = [(80, 1) if n % 4 == 0 else (10, 0) for n in range(200)]
    result = summarise(_cases(pairs), "late", TODAY, None, [])
    assert result.auc[0] == 1.0
    assert result.brier < 0.01 < result.brier_base
    assert result.brier_base == pytest.approx(0.1875, abs=0.01)  # 0.25 * 0.75


def test_outcomes_late_late30_disputed_any():
    due = date(2026, 10, 1)
    paid_20_late = _invoice("a", date(2026, 9, 1), due, due + timedelta(days=20))
    paid_on_time = _invoice("b", date(2026, 9, 1), due, due)
    unpaid_long = _invoice("c", date(2026, 9, 1), due)
    unpaid_recent = _invoice("d", date(2026, 11, 20), date(2026, 11, 30))
    disputed = _invoice("e", date(2026, 11, 20), date(2026, 11, 30), disputed=True)
    assert outcome_of(paid_20_late, "late", TODAY) is True
    assert outcome_of(paid_20_late, "late30", TODAY) is False
    assert outcome_of(paid_on_time, "late", TODAY) is False
    assert outcome_of(unpaid_long, "late30", TODAY) is True
    assert outcome_of(unpaid_recent, "late", TODAY) is None  # 6 days past due: not known yet
    assert outcome_of(disputed, "any", TODAY) is True
    assert outcome_of(disputed, "disputed", TODAY) is True
    assert outcome_of(paid_on_time, "disputed", TODAY) is False
    assert outcome_of(_invoice("f", date(2026, 9, 1)), "late", TODAY) is None  # no due day


# --- the as-of view ------------------------------------------------------------------


def test_the_as_of_view_sees_only_what_came_before_the_issue_day():
    issued = date(2026, 6, 10)
    moment = issue_moment(issued, LIKE)
    earlier = _invoice(
        "1", date(2026, 4, 1), date(2026, 4, 15), date(2026, 7, 1), disputed=True,
        payments=[(date(2026, 5, 1), 100_000), (date(2026, 6, 20), 50_000)],
    )  # fmt: skip
    same_day = _invoice("2", issued, date(2026, 6, 24))
    history = History(
        signals=[
            SignalEvent(moment - timedelta(days=3), "rude"),
            SignalEvent(moment, "aggressive"),  # at the moment itself: not before it
            SignalEvent(moment + timedelta(hours=5), "legal_threat"),
        ],
        tones=[ToneEvent(moment - timedelta(seconds=1), "hostile"), ToneEvent(moment, "tense")],
        invoices=[earlier, same_day],
    ).sort()
    signals, tones, invoices = as_of_view(history, moment)
    assert [s.kind for s in signals] == ["rude"]
    assert [t.tone for t in tones] == ["hostile"]
    (fact,) = invoices  # the same day's invoice is not "before"
    # paid on 1 July: unpaid as of 10 June, less the part paid on 1 May (not the 20 June one)
    assert fact.paid is None and fact.amount_cents == 200_000
    assert fact.disputed is False  # a dispute has no date: never read


# a history of events spread over two years before TODAY, and invoices among them
_moments = st.integers(0, 730).map(lambda d: LIKE - timedelta(days=d, hours=d % 7))
_signal = st.builds(
    SignalEvent, at=_moments, kind=st.sampled_from([*WARNING_SIGNALS, *POSITIVE_SIGNALS])
)
_tone = st.builds(ToneEvent, at=_moments, tone=st.sampled_from(TONES))


@st.composite
def _invoices(draw, issued_from: int = 0, issued_to: int = 700):
    issued = TODAY - timedelta(days=draw(st.integers(issued_from, issued_to)))
    due = issued + timedelta(days=draw(st.sampled_from((14, 30))))
    paid_after = draw(st.one_of(st.none(), st.integers(0, 150)))
    paid = None if paid_after is None else issued + timedelta(days=paid_after)
    if paid is not None and paid > TODAY:
        paid = None
    parts = draw(st.lists(st.integers(1, 90), max_size=2))
    return _invoice(
        f"I{draw(st.integers(0, 10**6))}",
        issued,
        due,
        paid,
        draw(st.booleans()),
        draw(st.integers(1_000, 5_000_000)),
        [(issued + timedelta(days=d), 10_000) for d in parts],
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    signals=st.lists(_signal, max_size=25),
    tones=st.lists(_tone, max_size=10),
    invoices=st.lists(_invoices(), min_size=1, max_size=8),
    pick=st.integers(0, 100),
    later=st.data(),
)
def test_events_after_the_issue_moment_never_change_the_as_of_score(
    signals, tones, invoices, pick, later
):
    """The backtest never reads an event recorded after the moment it scores: whatever is
    added from the issue moment on (signs, conversations, later invoices, payments, a
    dispute on an earlier invoice, an earlier invoice paid at last), the score is the same."""
    chosen = invoices[pick % len(invoices)]
    moment = issue_moment(chosen.issued, LIKE)
    history = History(list(signals), list(tones), list(invoices)).sort()
    before = score_as_of(history, moment)
    (cases_before, _) = replay({1: history}, "late", TODAY, like=LIKE)

    after = st.integers(0, 400).map(lambda d: moment + timedelta(days=d, minutes=d % 60))
    added_signals = later.draw(
        st.lists(st.builds(SignalEvent, at=after, kind=st.sampled_from(WARNING_SIGNALS)))
    )
    added_tones = later.draw(st.lists(st.builds(ToneEvent, at=after, tone=st.just("hostile"))))
    days_out = (TODAY - chosen.issued).days
    added_invoices = later.draw(st.lists(_invoices(0, days_out), max_size=4))
    # what happened later to the invoices already there: paid from the issue day on, more
    # part payments then, disputed
    changed = []
    for invoice in invoices:
        if invoice.issued < chosen.issued and invoice.paid is None:
            paid_on = chosen.issued + timedelta(days=later.draw(st.integers(0, 30)))
            invoice = invoice._replace(paid=paid_on, disputed=True)
        changed.append(invoice._replace(payments=(*invoice.payments, (chosen.issued, 99_999))))
    grown = History(
        [*signals, *added_signals], [*tones, *added_tones], [*changed, *added_invoices]
    ).sort()
    assert score_as_of(grown, moment) == before
    # and through the replay itself: every case issued on or before that day scores the same
    (cases_after, _) = replay({1: grown}, "late", TODAY, like=LIKE)
    old = {(c.number, c.issued): c.score for c in cases_before if c.issued <= chosen.issued}
    new = {(c.number, c.issued): c.score for c in cases_after if (c.number, c.issued) in old}
    assert new == {key: score for key, score in old.items() if key in new}


# --- the command, on a real database ---------------------------------------------------


def _late_payer_book(cli):
    """One client who pays on time, one who pays later and later and is rude."""
    assert cli("add", "Good Payer", "--status", "active")[0] == 0
    assert cli("add", "Late Payer", "--status", "active")[0] == 0
    for n, month in enumerate(range(1, 11)):
        issued = date(2026, month, 1)
        for name, late in (("Good", 0), ("Late", 10 + 5 * n)):
            number = f"{name[0]}{n}"
            code, _, err = cli(
                "invoice", "add", name, number, "1000", "--issued", issued.isoformat(),
                "--due", (issued + timedelta(days=14)).isoformat(),
            )  # fmt: skip
            assert code == 0, err
            paid_on = issued + timedelta(days=14 + late)
            if paid_on < TODAY:
                invoice_id = next(
                    i["id"] for i in cli.json("invoice", "list", name, "--json")
                    if i["number"] == number
                )  # fmt: skip
                code, _, err = cli("invoice", "pay", str(invoice_id), "--on", paid_on.isoformat())
                assert code == 0, err
    code, _, err = cli("log", "Late", "--signal", "rude", "--at", "2026-03-15 10:00", "Shouted")
    assert code == 0, err


def test_backtest_json_on_a_small_book_says_too_few_cases(cli):
    _late_payer_book(cli)
    result = cli.json("risk", "--backtest", "--json", "--as-of", "2026-12-06")
    # 20 invoices; late (15+ days after due): the late payer's from the second on
    assert result["invoices"] + result["not_yet_known"] == 20
    assert result["outcomes"] == 9 and result["too_few_cases"] is True
    bands = {b["band"]: b for b in result["bands"]}
    assert sum(b["invoices"] for b in bands.values()) == result["invoices"]
    assert bands["low"]["invoices"] >= 10  # the good payer's are all low
    assert result["auc"]["value"] > 0.8
    assert result["brier"]["method"].endswith("5-fold cross-validated by client")
    code, out, err = cli("risk", "--backtest", "--as-of", "2026-12-06")
    assert code == 0, err
    assert "Too few cases: 9 outcomes" in out and "AUC of the score:" in out


def test_since_limits_the_period(cli):
    _late_payer_book(cli)
    result = cli.json(
        "risk", "--backtest", "--json", "--since", "2026-06-01", "--as-of", "2026-12-06"
    )
    assert result["invoices"] + result["not_yet_known"] == 10


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--since", "the blue moon"), "--since: cannot read the date 'the blue moon'"),
        (("--since", "2030-01-01"), "--since: 2030-01-01 is after today"),
        (("--band", "high"), "--backtest: replays the whole book"),
    ],
)
def test_bad_backtest_arguments_are_one_line(cli, args, named):
    assert cli("add", "Someone")[0] == 0
    code, out, err = cli("risk", "--backtest", *args)
    assert code == 2 and named in err and "Traceback" not in err


def test_the_demo_books_bands_are_ordered(cli):
    """On the demo book a high band pays late more often than watch, and watch than low."""
    assert cli("demo", "--clients", "500")[0] == 0
    result = cli.json("risk", "--backtest", "--json")
    rates = {b["band"]: b["rate"] for b in result["bands"]}
    assert rates["high"] > rates["watch"] > rates["low"], result
    assert result["ordered"] is True and result["too_few_cases"] is False
    assert result["auc"]["interval_95"][0] > 0.6
    assert result["brier"]["calibrated"] < result["brier"]["base_rate"]
    assert len(result["months"]) == 12


def test_the_readme_figures_are_what_the_backtest_says():
    """README's "How good is the score?" block is the demo book's backtest, as printed."""
    from pathlib import Path

    from callsheet.models.demo import score_check

    result = score_check.figures()
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert score_check.in_readme(readme) == score_check.readme_section(result), (
        "README's backtest figures are out of date:"
        " python -m callsheet.models.demo.score_check --write README.md"
    )
    assert result.ordered and not result.few


def test_on_a_real_book_what_is_written_later_never_changes_an_earlier_score(db):
    """The same property through the database: the replay's scores of the invoices issued
    up to 1 June stay what they were after later signs, conversations, invoices, a part
    payment, the payment of an old invoice and a dispute are written to the book."""
    from callsheet.models.book import clients as ops
    from callsheet.models.book.backtest import histories
    from callsheet.models.book.records.payments import add_payment
    from tests.clock import NOW
    from tests.factories import client, entry, invoice

    cut = date(2026, 6, 1)
    late = client("Late Payer", status="active")
    entry(late, "Shouted", "rude", days_ago=(NOW.date() - date(2026, 3, 1)).days)
    for n in range(8):
        issued = date(2026, 1 + n, 1)
        due = issued + timedelta(days=14)
        paid = due + timedelta(days=20) if n % 2 else None  # every other one still unpaid
        invoice(late, f"L{n}", 1000, issued, due, paid=paid)

    def scores() -> dict[str, int]:
        cases, _ = replay(histories(), "any", NOW.date(), like=NOW)
        return {c.number: c.score for c in cases if c.issued <= cut and c.number.count("-") == 0}

    before = scores()
    assert len(before) == 6 and len(set(before.values())) > 1  # they differ: it means something
    # from the very moment the last of them was issued (the start of 1 June) on: the model
    # itself ignores what is after its "as of", the replay must also leave out that moment
    # and that day
    moment = issue_moment(cut, NOW)
    for kind, at in (("legal_threat", moment), ("refused_payment", moment), ("rude", NOW)):
        ops.log_interaction(late, summary=kind, signals=[kind], at=at, now=NOW, tone="hostile")
    invoice(late, "L-same-day", 9000, cut, cut + timedelta(days=14), disputed=True)
    invoice(late, "L-later", 9000, date(2026, 9, 1), date(2026, 9, 15), disputed=True)
    add_payment(Invoice.get(Invoice.number == "L0"), amount="300", paid_on=cut, now=NOW)
    ops.record_payment(Invoice.get(Invoice.number == "L2"), cut, now=NOW)
    Invoice.update(disputed=True).where(Invoice.number == "L4").execute()
    assert scores() == before


def test_since_alone_is_refused(cli):
    assert cli("add", "Someone")[0] == 0
    code, out, err = cli("risk", "--since", "2026-01-01")
    assert code == 2 and "--since: only with --backtest" in err
