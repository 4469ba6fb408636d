"""The risk pane in the running dashboard: the what-if key, the stance, the points."""

from __future__ import annotations

from datetime import date

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, Invoice
from tests.clock import NOW
from tests.factories import invoice
from tests.tui_helpers import running


async def test_dollar_shows_the_score_if_the_unpaid_invoices_were_paid_and_stores_nothing(db):
    client = ops.add_client("Owing Ana", status="active", now=NOW)
    invoice(client, "A-1", 4000, date(2026, 5, 1), date(2026, 5, 15))
    stored = Client.get_by_id(client.id).risk_score
    async with running() as (app, pilot):
        pane = app.screen.risk_pane
        assert "if invoice" not in pane.text and "Stance:" in pane.text
        await pilot.press("dollar_sign")
        line = next(line for line in pane.text.splitlines() if line.startswith("$ if"))
        assert line.startswith(f"$ if invoice A-1 was paid today: {stored} → ")
        after = int(line.split("→ ")[1].split()[0])
        assert after < stored
        await pilot.press("dollar_sign")
        assert "$ if" not in pane.text
    assert Client.get_by_id(client.id).risk_score == stored
    assert Invoice.get(Invoice.number == "A-1").paid is None


async def test_the_what_if_key_is_in_help_and_the_palette(db):
    ops.add_client("Ana", status="active", now=NOW)
    async with running() as (app, pilot):
        rows = dict(app.key_help(app.screen))
        assert any("stores nothing" in text for text in rows.values())
        assert "$" in [keys for keys, text in rows.items() if "stores nothing" in text]
