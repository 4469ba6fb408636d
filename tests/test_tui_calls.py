"""The call sheet, caller lookup and saying-no screens, driven from the dashboard."""

from __future__ import annotations

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, Interaction
from callsheet.tui.screens.call_sheet import CallSheetScreen
from callsheet.tui.screens.caller_lookup import CallerLookupScreen
from callsheet.tui.screens.forms import ClientForm
from callsheet.tui.screens.reply_outline import ReplyOutlineScreen
from tests.clock import NOW
from tests.factories import entry, ion_ionescu
from tests.tui_helpers import running, settle, wait_for


@pytest.fixture
def book(db):
    ops.add_client("Ana Pop", phones=["+40 744 555 010"], now=NOW)
    ion = ion_ionescu(phones=["0721 234 567"])
    entry(ion, "Wants a mobile app too", "scope_creep", days_ago=1)
    return ion


@pytest.mark.parametrize(
    "typed", ["+40 721 234 567", "0040721234567", "0721-234-567", "0721234567"]
)
async def test_typing_the_callers_number_opens_their_call_sheet(book, typed):
    async with running() as (app, pilot):
        await pilot.press("w")
        assert isinstance(app.screen, CallerLookupScreen)
        await pilot.press(*typed, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallSheetScreen), what="call sheet")
        await settle(pilot)
        body = app.screen.text
        assert "Ion Ionescu" in body and "dl. Ionescu" in body and "Wants a mobile app too" in body
        await pilot.press("escape")
        assert app.screen.client_list.current.name == "Ion Ionescu"


async def test_an_unknown_number_can_be_added_as_a_new_client(book):
    async with running() as (app, pilot):
        await pilot.press("w", *"0799 111 222", "enter")
        await wait_for(
            pilot, lambda: "Nobody" in str(app.screen.query_one("#lookup-result").render())
        )
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ClientForm))
        assert app.screen.query_one("#field-phone Input").value == "0799 111 222"
        app.screen.query_one("#field-name Input").value = "New Caller"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: Client.select().where(Client.name == "New Caller").exists())
    assert [p.e164 for p in Client.get(Client.name == "New Caller").phones] == ["+40799111222"]


async def test_c_opens_the_call_sheet_and_o_the_saying_no_outline_which_saves_to_the_log(book):
    async with running() as (app, pilot):
        await pilot.press("slash", *"ion", "enter")
        await wait_for(pilot, lambda: app.screen.selected_client_id == book.id)
        await pilot.press("c")
        await wait_for(
            pilot, lambda: isinstance(app.screen, CallSheetScreen) and app.screen.brief is not None
        )
        await pilot.press("o")
        await wait_for(
            pilot, lambda: isinstance(app.screen, ReplyOutlineScreen) and app.screen.outline
        )
        assert "modificare cu preț separat" in app.screen.outline  # Ion speaks Romanian
        await pilot.press("y")
        assert app.clipboard == app.screen.outline
        await pilot.press("s")
        await wait_for(
            pilot, lambda: Interaction.select().where(Interaction.channel == "note").exists()
        )


async def test_logging_scope_creep_offers_the_saying_no_outline(book):
    async with running() as (app, pilot):
        await pilot.press("l", *"Asks for an extra report")
        app.screen.query_one("#signals").focus()
        await pilot.press("s", "ctrl+s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, ReplyOutlineScreen), what="outline offered"
        )


async def test_F_writes_the_fact_sheet(book, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    async with running() as (app, pilot):
        await pilot.press("F")
        await wait_for(
            pilot, lambda: any(tmp_path.glob("callsheet/fact-sheets/*.md")), what="fact sheet file"
        )
    [written] = tmp_path.glob("callsheet/fact-sheets/*.md")
    assert written.read_text(encoding="utf-8").startswith("# Fact sheet:")


async def test_an_impossible_number_is_refused_with_the_reason_and_not_offered_for_saving(book):
    async with running() as (app, pilot):
        await pilot.press("w", *"0774 068 73", "enter")
        await settle(pilot)
        message = str(app.screen.query_one("#lookup-result").render())
        assert "0774 068 73" in message and "not a valid number in Romania" in message
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, CallerLookupScreen)  # nothing to add
        assert not Client.select().where(Client.name == "").exists()


async def test_the_call_sheet_leads_with_greeting_stance_and_money(book):
    async with running() as (app, pilot):
        app.screen.select_client(book.id)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        text = app.screen.text
        order = [text.index(h) for h in ("Greeting", "Stance", "Money", "Last contacts", "Risk")]
        assert order == sorted(order)
