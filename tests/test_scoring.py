"""Stored risk: kept current on every write, in bulk, and as time passes."""

from __future__ import annotations

from datetime import date, timedelta

from callsheet.models.book import clients as ops
from callsheet.models.book import scoring
from callsheet.models.store.tables import Client
from tests.conftest import NOW


def test_logging_a_signal_updates_that_clients_stored_score_at_once(db):
    client = ops.add_client("Ana", now=NOW)
    assert Client.get_by_id(client.id).risk_score == 0
    ops.log_interaction(
        client, signals=["aggressive", "legal_threat"], summary="shouting", at=NOW, now=NOW
    )
    stored = Client.get_by_id(client.id)
    assert stored.risk_score == scoring.explain(client, NOW).score > 0
    assert stored.risk_band in ("watch", "high") and stored.risk_as_of == NOW


def test_an_unpaid_invoice_counts_and_paying_it_lowers_the_score(db):
    client = ops.add_client("Ana", now=NOW)
    invoice = ops.add_invoice(
        client, number="1", amount="5000", issued=date(2026, 8, 1), due=date(2026, 8, 15), now=NOW
    )
    overdue = Client.get_by_id(client.id).risk_score
    assert overdue > 0
    ops.record_payment(invoice, date(2026, 11, 20), now=NOW)
    assert Client.get_by_id(client.id).risk_score < overdue


def test_stale_scores_are_recomputed_as_time_passes(db):
    client = ops.add_client("Ana", now=NOW)
    ops.log_interaction(client, signals=["rude"], at=NOW, now=NOW)
    fresh = Client.get_by_id(client.id).risk_score
    later = NOW + timedelta(days=400)
    assert scoring.refresh_stale(later) == 1
    assert Client.get_by_id(client.id).risk_score < fresh
    assert scoring.refresh_stale(later) == 0  # nothing left to do


def test_refresh_all_matches_one_by_one_computation(db):
    from callsheet.models.demo import generate

    generate(60, 4000, seed=2, now=NOW)
    for client in Client.select():
        assert client.risk_score == scoring.explain(client, NOW).score


def test_risk_week_ago_lets_triage_see_who_got_worse(db):
    client = ops.add_client("Ana", now=NOW)
    ops.log_interaction(client, signals=["aggressive"], at=NOW - timedelta(days=2), now=NOW)
    stored = Client.get_by_id(client.id)
    assert stored.risk_week_ago == 0 and stored.risk_score > 0
