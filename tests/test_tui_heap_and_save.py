"""The two things that keep a long-running dashboard quick (issue 18): the cycle collector
is paused while the first screen is built and frozen over the loaded list, and a saved form
reads its result back in its own worker, so list, log and risk change in one frame."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.tui.screens.forms import InteractionForm
from tests.clock import NOW
from tests.tui_helpers import running, settle


@pytest.fixture
def book(db):
    ana = ops.add_client("Ana Pop", company="Lumina SRL", status="active", now=NOW)
    ops.log_interaction(ana, summary="Kick-off", at=NOW - timedelta(days=3), now=NOW)
    bob = ops.add_client("Bob Stone", status="active", now=NOW)
    ops.log_interaction(bob, summary="Shouted", signals=["aggressive"], at=NOW, now=NOW)
    return {"ana": ana, "bob": bob}


async def test_the_collector_is_frozen_over_the_loaded_list_and_restored_on_exit(book):
    assert gc.isenabled()
    async with running() as (app, pilot):
        # on again once the list is shown, with what was alive then exempt from it
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[2] > 10
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold()[2] == 10


async def test_the_minute_tick_turns_the_collector_back_on_if_the_list_never_loaded(book):
    async with running() as (app, pilot):
        gc.disable()  # as when loading the list failed before settle_heap ran
        app.screen.sync.tick()
        await settle(pilot)
        assert gc.isenabled() and gc.get_freeze_count() > 0


async def test_a_saved_entry_shows_without_a_second_read(book):
    async with running() as (app, pilot):
        screen = app.screen
        screen.select_client(book["bob"].id)
        await settle(pilot)
        started: list[str] = []
        for name in ("load_selected", "refresh_client", "load_clients"):
            original = getattr(screen, name)

            def spy(*args, _name=name, _original=original, **kwargs):
                started.append(_name)
                return _original(*args, **kwargs)

            setattr(screen, name, spy)
        saves = app.mark_counts.get("save", 0)
        row_before = next(r for r in screen.client_list.all_rows if r.id == book["bob"].id)
        risk_before = screen.risk_pane._shown[1]
        await pilot.press("l")
        assert isinstance(app.screen, InteractionForm)
        await pilot.press(*"Asked for the invoice again", "ctrl+s")
        await settle(pilot)
        assert app.mark_counts["save"] == saves + 1
        # no worker re-read the client: the form's own worker brought the row, log and risk
        assert started == []
        assert screen.log_view.rows[0].summary == "Asked for the invoice again"
        row = next(r for r in screen.client_list.all_rows if r.id == book["bob"].id)
        assert row is not row_before and row.name == "Bob Stone"
        name, risk, _ = screen.risk_pane._shown
        assert name == "Bob Stone" and risk is not risk_before


async def test_the_header_says_it_is_counting_until_the_counts_arrive(book):
    from callsheet.tui.widgets.header_bar import HeaderBar

    async with running() as (app, pilot):
        header = app.screen.query_one(HeaderBar)
        assert "high-risk clients" in str(header.render())
        header.show(NOW, None)  # as the first frame draws it, before the counts' worker
        await pilot.pause()
        shown = str(header.render())
        assert "counting…" in shown and "high-risk" not in shown
