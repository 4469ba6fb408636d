"""Snapshot tests of every screen at 80x24, 100x30 and 160x48 (pytest-textual-snapshot).

Fixed seed and "now"; each test waits for the app to settle (no worker running) before
the picture is taken. Regenerate after an intended change with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the report first.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from callsheet.models.demo import generate
from tests.clock import NOW
from tests.tui_helpers import make_app, settle

SIZES = {"80x24": (80, 24), "100x30": (100, 30), "160x48": (160, 48)}


@pytest.fixture
def demo_book(db):
    generate(120, 4000, seed=42, now=NOW)


async def _still(pilot) -> None:
    """Settle, and hold text cursors still: a blinking cursor would make pictures differ."""
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def _keys(*keys):
    """A run_before that settles, presses ``keys`` and settles again."""

    async def run_before(pilot):
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await _still(pilot)

    return run_before


async def _log_form(pilot):
    await settle(pilot)
    await pilot.press("l", *"Asked for more in the same budget")
    pilot.app.screen.query_one("#signals").focus()
    await pilot.press("s", "l")
    await _still(pilot)


#: screen name -> what to do from a fresh dashboard
SCREENS = {
    "dashboard": _keys(),
    "filter": _keys("slash", *"pop"),
    "triage": _keys("t"),
    "log-form": _log_form,
    "call-sheet": _keys("c"),
    "help": _keys("question_mark"),
    "caller-lookup": _keys("w", *"0774 068 73", "enter"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_at_every_size(demo_book, snap_compare, screen, size):
    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=SCREENS[screen])


def test_narrow_terminal_shows_one_pane_at_a_time(demo_book, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_keys("z"))


def test_light_theme(demo_book, snap_compare):
    assert snap_compare(make_app(theme="light"), terminal_size=(160, 48), run_before=_keys())


def test_empty_database_snapshot(db, snap_compare):
    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_keys())
