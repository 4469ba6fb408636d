"""The dashboard's client list with EUR, PLN and RON owed (App.run_test + Pilot on a real
SQLite file): the overdue column names foreign money, sorting by overdue counts foreign
money only at the user's rates, and triage shows each invoice in its own currency."""

from __future__ import annotations

from datetime import date

import pytest

from callsheet.models.book import scoring
from tests.factories import client, invoice
from tests.tui_helpers import make_app, running, wait_for


@pytest.fixture
def owed(db):
    """Marta owes 4,000 PLN and 1,000 EUR, Radu 3,000 RON, Eva 1,500 EUR (all overdue)."""
    marta = client("Marta Nowak", status="active")
    invoice(marta, "P-1", 4000, date(2026, 9, 1), date(2026, 9, 15), currency="PLN")
    invoice(marta, "E-1", 1000, date(2026, 9, 1), date(2026, 9, 20))
    radu = client("Radu Ene", status="active")
    invoice(radu, "R-1", 3000, date(2026, 9, 1), date(2026, 9, 15), currency="RON")
    eva = client("Eva Berg", status="active")
    invoice(eva, "E-2", 1500, date(2026, 9, 1), date(2026, 9, 15))


@pytest.fixture
def configured(monkeypatch):
    """Start the dashboard with these settings, the risk model's home and rates included (as
    ``callsheet`` does when it opens the store); the default model comes back after."""
    monkeypatch.setattr(scoring, "_model", scoring.current_model())

    def make(**settings):
        app = make_app(**settings)
        scoring.configure(app.config)
        return app

    return make


def _cells(app) -> dict[str, str]:
    """Client name -> the text of its row in the list."""
    clients = app.screen.client_list
    return {
        row.name: "".join(s.text for s in clients.row_segments(row, 120)) for row in clients.rows
    }


async def _sorted_by_overdue(app, pilot) -> list[str]:
    clients = app.screen.client_list
    while clients.sort != "overdue":
        await pilot.press("s")
    return [row.name for row in clients.rows]


async def test_the_list_names_foreign_money_and_sorts_only_home_money_without_rates(
    owed, configured
):
    async with running(configured()) as (app, pilot):
        cells = _cells(app)
        # the largest currency, and "+" for the others owed too (the cell is 9 wide)
        assert cells["Marta Nowak"].rstrip().endswith(" 4k PLN+")
        assert cells["Radu Ene"].rstrip().endswith("3,000 RON")
        assert cells["Eva Berg"].rstrip().endswith("1,500")  # home money, as before
        assert "5,000" not in cells["Marta Nowak"]
        # no rates: Marta's 1,000 EUR counts, her PLN and Radu's RON are not home money
        assert await _sorted_by_overdue(app, pilot) == ["Eva Berg", "Marta Nowak", "Radu Ene"]


async def test_sorting_by_overdue_converts_at_the_users_rates(owed, configured):
    app = configured(rates={"PLN": 0.2301, "RON": 0.2})
    async with running(app) as (app, pilot):
        # Marta 1,000 + 920.40 EUR; Eva 1,500 EUR; Radu 600 EUR
        assert await _sorted_by_overdue(app, pilot) == ["Marta Nowak", "Eva Berg", "Radu Ene"]
        rows = {row.name: row for row in app.screen.client_list.rows}
        assert rows["Marta Nowak"].overdue == (("PLN", 400_000), ("EUR", 100_000))
        assert rows["Marta Nowak"].overdue_home_cents == 192_040


async def test_triage_shows_each_overdue_invoice_in_its_currency(owed, configured):
    async with running(configured()) as (app, pilot):
        await pilot.press("t")
        attention = app.screen.query_one("#attention")
        await wait_for(pilot, lambda: len(attention.rows) >= 4, what="overdue invoices")
        texts = {item.text for item in attention.rows if item.kind == "overdue_invoice"}
        assert any(t.startswith("invoice P-1: 4,000 PLN,") for t in texts)
        assert any(t.startswith("invoice R-1: 3,000 RON,") for t in texts)
        assert any(t.startswith("invoice E-1: 1,000 EUR,") for t in texts)
