"""The dashboard's read queries (models/queries.py) against a real SQLite file."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import NOW

import models.clients as ops
from models import queries


def test_client_rows_carry_money_overdue_contacts_and_archived_flag(db):
    ana = ops.add_client(
        "Ana Pop",
        company="Pop SRL",
        phones=["0721 234 567"],
        emails=["ana@pop.ro"],
        region="RO",
        now=NOW,
    )
    ops.add_invoice(
        ana, number="F1", amount="120.50", issued=date(2026, 10, 1), due=date(2026, 10, 31), now=NOW
    )
    ops.add_invoice(
        ana, number="F2", amount="10", issued=date(2026, 11, 1), due=date(2026, 12, 31), now=NOW
    )
    gone = ops.add_client("Old Client", now=NOW)
    ops.set_archived(gone, True, now=NOW)

    rows = {row.name: row for row in queries.client_rows(NOW.date())}

    assert rows["Ana Pop"].overdue_cents == 12050  # the invoice not yet due does not count
    assert "pop srl" in rows["Ana Pop"].search and "ana@pop.ro" in rows["Ana Pop"].search
    assert "+40721234567" in rows["Ana Pop"].search
    assert rows["Old Client"].archived and not rows["Ana Pop"].archived


def test_client_rows_with_a_limit_return_the_riskiest_active_clients_only(db):
    calm = ops.add_client("Calm", now=NOW)
    rough = ops.add_client("Rough", now=NOW)
    ops.log_interaction(
        rough, summary="shouted", tone="hostile", signals=["aggressive", "legal_threat"], now=NOW
    )
    ops.log_interaction(calm, summary="fine", now=NOW)

    [top] = queries.client_rows(NOW.date(), limit=1)

    assert top.name == "Rough" and top.risk_score > 0


def test_log_rows_are_newest_first_with_their_signals_and_page_by_before(db):
    ana = ops.add_client("Ana Pop", now=NOW)
    for days in (3, 2, 1):
        ops.log_interaction(
            ana,
            summary=f"{days} days ago",
            at=NOW - timedelta(days=days),
            signals=["late_payment"] if days == 2 else [],
            now=NOW,
        )

    rows = queries.log_rows(ana.id)
    page = queries.log_rows(ana.id, limit=1, before=rows[0].at)

    assert [row.summary for row in rows] == ["1 days ago", "2 days ago", "3 days ago"]
    assert rows[1].signals == ("late_payment",) and rows[0].signals == ()
    assert [row.summary for row in page] == ["2 days ago"]


def test_triage_counts_and_needs_attention_list_follow_ups_before_overdue_money(db):
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    ops.add_follow_up(ana, NOW - timedelta(hours=1), "call back about the quote")
    ops.add_follow_up(ana, NOW + timedelta(days=3), "not due yet")
    ops.add_invoice(
        ana, number="F7", amount="50", issued=date(2026, 10, 1), due=date(2026, 10, 20), now=NOW
    )

    counts = queries.triage_counts(NOW)
    items = queries.needs_attention(NOW, stale_after_days=21)

    assert counts["follow_ups"] == 1 and counts["overdue"] == 1
    kinds = [item.kind for item in items]
    assert kinds[:2] == ["follow_up", "overdue_invoice"]
    assert "never contacted" in items[-1].text and items[-1].kind == "not_contacted"
    assert all("not due yet" not in item.text for item in items)
