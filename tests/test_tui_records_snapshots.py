"""Snapshot tests of the records screen, the agreement form, snooze and search results."""

from __future__ import annotations

import pytest

from callsheet.models.demo import generate
from tests.test_tui_snapshots import _still
from tests.tui_helpers import make_app, settle

SIZE = (160, 48)


async def _ready(pilot):
    await settle(pilot)


pytestmark = pytest.mark.usefixtures("demo_book")


@pytest.fixture
def demo_book(db):
    from tests.clock import NOW

    generate(120, 4000, seed=42, now=NOW)


async def _records(pilot):
    await _ready(pilot)
    await pilot.press("r")
    for _ in range(100):
        if pilot.app.mark_counts.get("records"):
            break
        await pilot.pause(0.05)
    await pilot.pause(0.3)


def test_records_screen_snapshot(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_records)


def test_agreement_form_snapshot(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("A")
        await pilot.pause(0.3)  # the form is up before the title is typed into it
        await pilot.press(*"Mobile app")
        await _still(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_snooze_dialog_snapshot(snap_compare):
    from datetime import timedelta

    from callsheet.models.book.clients import add_follow_up
    from callsheet.models.store.tables import Client
    from tests.clock import NOW

    for client in Client.select().order_by(Client.risk_score.desc()).limit(5):
        add_follow_up(client, NOW + timedelta(days=1), "Send the priced change request")

    async def run_before(pilot):
        await _records(pilot)
        records = pilot.app.screen.record_list
        records._move_to(next(i for i, r in enumerate(records.rows) if r.kind == "follow_up"))
        await pilot.press("z")
        await pilot.pause(0.3)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
