"""Snapshot tests of the main screens at a fixed size, seed and "now" (pytest-textual-snapshot).

Regenerate after an intended change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

import pytest

from models.demo import generate
from tests.clock import NOW
from tests.tui_helpers import make_app

SIZE = (160, 48)


@pytest.fixture
def demo_book(db):
    generate(120, 4000, seed=42, now=NOW)


async def _ready(pilot):
    app = pilot.app
    for _ in range(200):
        if app.mark_counts.get("clients") and app.mark_counts.get("select"):
            break
        await pilot.pause(0.05)
    await pilot.pause(0.3)


def test_dashboard_snapshot(demo_book, snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_ready)


def test_triage_snapshot(demo_book, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("t")
        await pilot.pause(0.5)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_log_form_snapshot(demo_book, snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("l", *"Asked for more in the same budget")
        pilot.app.screen.query_one("#signals").focus()
        await pilot.press("s", "l")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_empty_database_snapshot(db, snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_ready)
