"""The phone rings and the dashboard answers (tui/screens/dashboard/ring_actions.py): the
caller's sheet on top of whatever is open, caller lookup for an unknown number, a timer once
answered, the log form filled in when the call ends, missed calls in triage, two calls at
once, the notification. Rings come from the real `callsheet ring` in another process, or
from record_ring on the test's own connection: either way another connection than the
dashboard's watch.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.capture.ring import record_ring
from callsheet.models.store.tables import Interaction, RingEvent
from callsheet.models.values.when import utcnow
from callsheet.tui.screens.call_sheet import CallSheetScreen
from callsheet.tui.screens.caller_lookup import CallerLookupScreen
from callsheet.tui.screens.dashboard.ring_actions import notification_sequence
from callsheet.tui.screens.forms import ClientForm, InteractionForm
from callsheet.tui.widgets.header_bar import HeaderBar
from tests.clock import NOW
from tests.commands import CALLSHEET
from tests.factories import ion_ionescu
from tests.tui_helpers import make_app, running, settle, triage_on, wait_for


@pytest.fixture
def book(db):
    ops.add_client("Ana Pop", phones=["+40 744 555 010"], salutation="dna. Pop", now=NOW)
    return ion_ionescu(phones=["0721 234 567"])


def ring(number: str, event: str = "ringing", **options):
    return record_ring(None, number, event, "test", region="RO", **options)


def ring_line(screen) -> str:
    return str(screen.query_one("#ring-line").render())


async def sheet_of(pilot, name: str) -> CallSheetScreen:
    app = pilot.app
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, CallSheetScreen) and name in app.screen.text,
        what=f"{name}'s call sheet",
    )
    return app.screen


async def test_a_ring_from_another_process_opens_the_sheet_over_a_half_typed_form(book, db_path):
    async with running() as (app, pilot):
        await pilot.press("l", *"half typed")
        form = app.screen
        assert isinstance(form, InteractionForm)
        done = subprocess.run(
            [CALLSHEET, "ring", "0721 234 567", "--source", "kdeconnect", "--db", str(db_path)],
            capture_output=True,
            text=True,
            env={**os.environ, "CALLSHEET_REGION": "RO"},
        )
        assert done.returncode == 0 and done.stdout.startswith("Ion Ionescu — "), done.stderr
        sheet = await sheet_of(pilot, "Ion Ionescu")
        assert "dl. Ionescu" in sheet.text
        assert "Ringing · +40 721 234 567 · via kdeconnect" in ring_line(sheet)
        assert app.screen_stack[-2] is form  # the form is underneath, as it was
        await pilot.press("escape")
        assert app.screen is form and form.value("summary") == "half typed"


async def test_an_unknown_number_opens_caller_lookup_ready_to_add_them(book):
    async with running() as (app, pilot):
        ring("sip:0799111222@sip.example.net")
        await wait_for(pilot, lambda: isinstance(app.screen, CallerLookupScreen), what="lookup")
        await settle(pilot)  # composed, and its look-up done
        lookup = app.screen
        await wait_for(pilot, lambda: "Nobody" in str(lookup.query_one("#lookup-result").render()))
        assert lookup.query_one("#number").value == "+40 799 111 222"
        assert "Ringing" in ring_line(lookup)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ClientForm), what="new client form")
        assert app.screen.query_one("#field-phone Input").value == "+40 799 111 222"


async def test_a_withheld_number_is_said_and_opens_nothing(book):
    async with running() as (app, pilot):
        ring("-1")
        await wait_for(
            pilot,
            lambda: any("withheld" in n.message for n in app._notifications),
            what="a notice",
        )
        assert not isinstance(app.screen, CallSheetScreen | CallerLookupScreen)


async def test_answered_starts_a_timer_and_ended_offers_the_call_logged_in_one_keystroke(book):
    async with running() as (app, pilot):
        started = utcnow() - timedelta(minutes=8)
        ring("0721 234 567", at=started)
        sheet = await sheet_of(pilot, "Ion Ionescu")
        ring("+40721234567", "answered", at=started + timedelta(seconds=20))
        await wait_for(pilot, lambda: "On the call 07:" in ring_line(sheet), what="a timer")
        ring("0721234567", "ended", at=started + timedelta(minutes=7, seconds=40))
        await wait_for(pilot, lambda: isinstance(app.screen, InteractionForm), what="log form")
        await settle(pilot)
        form = app.screen
        assert form.value("channel") == "call" and form.value("direction") == "in"
        assert form.value("minutes") == "8" and form.value("when") == "now"
        assert app.screen_stack[-2] is sheet and "Call ended after 07:20" in ring_line(sheet)
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: (
                Interaction.select()
                .where(Interaction.client == book.id, Interaction.duration_min == 8)
                .exists()
            ),
            what="the call logged",
        )
        await settle(pilot)
    logged = Interaction.get(Interaction.client == book.id, Interaction.duration_min == 8)
    assert (logged.channel, logged.direction) == ("call", "in")


async def test_a_missed_call_waits_in_triage_counted_in_the_header_until_x(book):
    async with running() as (app, pilot):
        ring("0721 234 567")
        await sheet_of(pilot, "Ion Ionescu")
        ring("0721 234 567", "ended")  # never answered: a missed call
        await wait_for(pilot, lambda: "Missed call" in ring_line(app.screen), what="missed")
        await pilot.press("escape")
        header = app.screen.query_one(HeaderBar)
        await wait_for(
            pilot,
            lambda: str(header.render()).endswith(" 1 missed call"),
            what="count",
        )
        attention = await triage_on(pilot, "missed_call")
        item = attention.current
        assert item.client_name == "Ion Ionescu" and "+40721234567" in item.text
        await pilot.press("x")
        await wait_for(pilot, lambda: all(i.kind != "missed_call" for i in attention.rows))
        await wait_for(pilot, lambda: "missed" not in str(header.render()), what="count gone")
    assert RingEvent.get(RingEvent.event == "missed").cleared_at is not None


async def test_l_on_a_missed_call_logs_the_call_back_and_clears_it(book):
    ring("0744 555 010", "missed", at=NOW - timedelta(minutes=5))
    ring("0799 111 222", "missed", at=NOW - timedelta(minutes=4))
    async with running() as (app, pilot):
        attention = await triage_on(pilot, "missed_call")
        names = [i.client_name or i.number for i in attention.rows if i.kind == "missed_call"]
        assert names == ["+40799111222", "Ana Pop"]  # newest first; a stranger by number
        attention._move_to(next(i for i, r in enumerate(attention.rows) if r.client_name))
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, InteractionForm), what="log form")
        await settle(pilot)
        assert app.screen.value("direction") == "out"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: [i.client_name for i in attention.rows if i.kind == "missed_call"] == [""],
        )
    ana = ops.Client.get(ops.Client.name == "Ana Pop")
    assert Interaction.select().where(Interaction.client == ana.id).count() == 1


async def test_two_rings_at_once_newest_on_top_the_other_one_line_away(book):
    async with running() as (app, pilot):
        ring("0721 234 567", call="first")
        first = await sheet_of(pilot, "Ion Ionescu")
        ring("0744 555 010", call="second")
        second = await sheet_of(pilot, "Ana Pop")
        assert app.screen is second and app.screen_stack[-2] is first
        await wait_for(pilot, lambda: "Also ringing: Ion Ionescu" in ring_line(second))
        assert "Also ringing: Ana Pop" in ring_line(first)
        ring("0744 555 010", "missed", call="second")
        await wait_for(pilot, lambda: "Also" not in ring_line(first), what="one call left")
        await pilot.press("escape")
        assert app.screen is first


async def test_notify_command_runs_with_the_callers_name(book, tmp_path):
    told = tmp_path / "told.txt"
    write = "import sys; open(sys.argv[1], 'w').write(sys.argv[2] + '|' + sys.argv[3])"
    app = make_app(
        notify="command",
        notify_command=[sys.executable, "-c", write, str(told), "{title}", "{body}"],
    )
    async with running(app) as (app, pilot):
        ring("0721 234 567")
        await sheet_of(pilot, "Ion Ionescu")
        await wait_for(pilot, told.exists, what="the notify command")
    title, body = told.read_text().split("|")
    assert "ringing" in title and body == "Ion Ionescu (+40 721 234 567)"


def test_the_terminal_notification_is_one_escape_sequence_with_user_text_made_safe():
    evil = "Ion;\x1b]0;pwned\x07"
    osc777 = notification_sequence("callsheet", evil, {"TERM": "foot"})
    assert osc777.startswith("\x1b]777;notify;callsheet;") and osc777.endswith("\x07")
    assert osc777.count("\x1b") == 1 and osc777.count("\x07") == 1 and osc777.count(";") == 3
    osc9 = notification_sequence("callsheet", "Ion", {"TERM_PROGRAM": "iTerm.app"})
    assert osc9 == "\x1b]9;callsheet: Ion\x07"
