""" "How good is the score?" in the dashboard (App.run_test + Pilot on a real SQLite file or
the PostgreSQL server): opened by its key, from the risk pane and from the palette; per band
a bar of block characters with the rate, interval and counts beside it; the monthly trend;
the caveat when there are few cases; the same figures as ``risk --backtest``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from callsheet.models.book.backtest import backtest
from callsheet.tui.screens.score_check import ScoreCheckScreen, bar
from tests.clock import NOW
from tests.factories import client, entry, invoice
from tests.tui_helpers import from_palette, make_app, running, wait_for


@pytest.fixture
def book(db):
    """A good payer, and a late payer who turned rude (ten invoices each, January on)."""
    good = client("Good Payer", status="active")
    late = client("Late Payer", status="active")
    entry(late, "Shouted at the assistant", "rude", days_ago=250)
    for n in range(10):
        issued = date(2026, 1 + n, 1)
        due = issued + timedelta(days=14)
        invoice(good, f"G{n}", 1000, issued, due, paid=due)
        paid = due + timedelta(days=10 + 5 * n)
        invoice(late, f"L{n}", 1000, issued, due, paid=paid if paid < NOW.date() else None)


def test_bars_are_drawn_to_an_eighth_of_a_cell():
    assert bar(0.5, 1.0, 10) == "█████"
    assert bar(0.25, 0.5, 4) == "██"
    assert bar(0.1, 1.0, 5) == "▌"  # half a cell
    assert bar(0.001, 1.0, 5) == "▏"  # something, however small, shows
    assert bar(0.0, 1.0, 5) == ""
    assert bar(2.0, 1.0, 5) == "█████"  # never past the box


async def _opened(pilot, *keys: str) -> ScoreCheckScreen:
    await pilot.press(*keys)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ScoreCheckScreen), what="screen")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: "Late payment by band" in screen.text, what="the figures")
    return screen


@pytest.mark.parametrize("size", [(160, 48), (100, 30), (80, 24)])
async def test_the_screen_draws_each_band_with_its_figures_and_the_caveat(book, size):
    async with running(make_app(), size=size) as (app, pilot):
        screen = await _opened(pilot, "B")
        lines = screen.text.splitlines()
        expected = backtest("late", NOW)
        for band in expected.bands:
            (line,) = [line for line in lines if line.startswith(f"{band.band:<6} ")]
            rate = f"{band.rate:.1%}"
            assert rate in line, line
            if band.rate:
                assert "█" in line or "▏" in line, line
            assert len(line) <= size[0] - 6  # fits the box: nothing wraps
        # the late payer scores higher than the good one: their bar is the longer one
        bars = {b.band: line.count("█") for b in expected.bands for line in lines
                if line.startswith(f"{b.band:<6} ") and b.invoices}  # fmt: skip
        assert max(bars, key=bars.__getitem__) != "low"
        assert "Too few cases:" in screen.text  # 20 invoices, a handful late
        assert "AUC" in screen.text and "Brier" in screen.text
        assert "Late payment by month of issue, last 12 months" in screen.text
        assert "2026-01 " in screen.text
        await pilot.press("escape")
        assert not isinstance(app.screen, ScoreCheckScreen)


async def test_the_risk_pane_key_and_the_palette_open_it(book):
    async with running(make_app()) as (app, pilot):
        app.screen.risk_pane.focus()
        await _opened(pilot, "b")
        await pilot.press("escape")
        await from_palette(pilot, "How good is the score")
        await wait_for(pilot, lambda: isinstance(app.screen, ScoreCheckScreen), what="screen")


async def test_the_light_theme_draws_the_same_figures(book):
    async with running(make_app(theme="light")) as (app, pilot):
        screen = await _opened(pilot, "B")
        assert "Late payment by band" in screen.text and "high" in screen.text
