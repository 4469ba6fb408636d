"""The dashboard all day and at any size: layout, keys and themes, the clock, new clients,
one log entry in full, and a failing worker reported instead of closing the app."""

from __future__ import annotations

from datetime import timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.config import ConfigError, load_config
from callsheet.models.store.db import database
from callsheet.tui.app import CallsheetApp
from callsheet.tui.dialogs import HelpScreen, LogEntryScreen
from callsheet.tui.screens.forms import ClientForm, InvoiceForm
from tests.clock import NOW
from tests.tui_helpers import line_text, make_app, running, settle


@pytest.fixture
def book(db):
    ana = ops.add_client("Ana Pop", company="Lumina SRL", status="active", now=NOW)
    ops.log_interaction(
        ana,
        summary="A long summary that no list column could ever show whole: " + "word " * 40,
        signals=["praise", "referral"],
        at=NOW - timedelta(hours=2),
        now=NOW,
    )
    bob = ops.add_client("Bob Stone", status="active", now=NOW)
    ops.log_interaction(bob, summary="Shouted", signals=["aggressive"], at=NOW, now=NOW)
    ops.add_follow_up(bob, NOW - timedelta(hours=1), "Call back about the invoice")
    return {"ana": ana, "bob": bob}


def dashboard(app):
    from callsheet.tui.screens.dashboard import DashboardScreen

    return next(s for s in app.screen_stack if isinstance(s, DashboardScreen))


async def test_a_new_client_is_selected_and_a_filter_that_hides_them_is_cleared(book):
    async with running() as (app, pilot):
        await pilot.press("slash", *"bob", "enter")
        await settle(pilot)
        assert [r.name for r in app.screen.client_list.rows] == ["Bob Stone"]
        await pilot.press("n")
        assert isinstance(app.screen, ClientForm)
        app.screen.query_one("#field-name Input").value = "Zoe New"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = dashboard(app)
        assert screen.client_list.current.name == "Zoe New"
        assert screen.selected_client_id == screen.client_list.current.id
        assert screen.query_one("#filter").value == ""
        assert "Zoe New" in screen.risk_pane.text


async def test_escape_leaves_triage_and_the_filter(book):
    async with running() as (app, pilot):
        await pilot.press("t")
        await settle(pilot)
        assert app.screen.pane.in_triage
        await pilot.press("escape")
        assert not app.screen.pane.in_triage
        assert app.focused is app.screen.client_list
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#filter")
        await pilot.press("escape")
        assert app.focused is app.screen.client_list


async def test_enter_on_a_log_entry_opens_it_in_full(book):
    async with running() as (app, pilot):
        app.screen.select_client(book["ana"].id)
        await settle(pilot)
        app.screen.log_view.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, LogEntryScreen)
        text = str(app.screen.query_one("Static").render())
        assert "word " * 40 in text.replace("\n", " ") + " "
        assert "praise" in text and "referral" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, LogEntryScreen)


async def test_keys_from_config_rebind_actions_and_help_shows_the_live_keys(book):
    async with running(make_app(keys={"dashboard.triage": "f2"})) as (app, pilot):
        await pilot.press("t")
        assert not app.screen.pane.in_triage  # t is no longer triage
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.pane.in_triage
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        line = next(row for row in text.splitlines() if "What needs attention today" in row)
        assert line.split()[0] == "f2"


async def test_help_lists_list_keys_the_call_sheet_and_the_palette_once(book):
    async with running() as (app, pilot):
        await pilot.press("question_mark")
        text = app.screen.text
        keys = [line.split()[0] for line in text.splitlines() if line.startswith("  ")]
        for key in ("↓", "↑", "home", "end", "o", "⏎", "^p", "/", "z", "T"):
            assert keys.count(key) == 1, key
        assert "Down a row" in text and "First row" in text and "Last row" in text


async def test_footer_shows_the_palette_key_once(book):
    async with running() as (app, pilot):
        footer = app.screen.query_one("Footer")
        labels = [str(item.render()) for item in footer.query("FooterKey")]
        assert sum("palette" in label or "Commands" in label for label in labels) <= 1
        assert not any(b.action == "command_palette" for b in CallsheetApp.BINDINGS)


async def test_T_switches_to_the_light_theme_and_back(book):
    async with running() as (app, pilot):
        band_dark = app.screen.client_list.band_style("low")
        await pilot.press("T")
        await pilot.pause()
        assert app.theme == "callsheet-light"
        assert app.screen.client_list.band_style("low") != band_dark
        await pilot.press("T")
        assert app.theme != "callsheet-light"


async def test_the_header_clock_and_counts_move_with_the_minute(book):
    moments = [NOW]
    clocked = CallsheetApp(make_app().config, now=lambda: moments[0])
    async with running(clocked) as (app, pilot):
        header = app.screen.query_one("#triage-bar")
        assert "14:00" in str(header.render())  # NOW is 12:00 UTC, 14:00 in Bucharest
        assert "1 follow-up due today" in str(header.render())
        moments[0] = NOW + timedelta(minutes=7)
        app.screen.sync.tick()
        await settle(pilot)
        assert "14:07" in str(header.render())


async def test_a_failing_worker_is_reported_and_the_app_keeps_running(book):
    async with running() as (app, pilot):
        database.execute_sql("DROP TABLE follow_up")  # a store that broke under the app
        await pilot.press("t")
        await settle(pilot)
        assert app.is_running
        [note] = [n for n in app._notifications if n.severity == "error"]
        assert "OperationalError" in note.message and "follow_up" in note.message


async def test_a_narrow_terminal_shows_one_pane_at_a_time_and_z_cycles(book):
    async with running(size=(80, 24)) as (app, pilot):
        screen = app.screen
        assert screen.pane.region.width == 80 and not screen.log_view.display
        assert "Bob Stone" in line_text(screen.client_list, 0)
        await pilot.press("z")
        await settle(pilot)
        assert screen.log_view.region.width == 80 and screen.pane.region.width == 0
        assert "Shouted" in line_text(screen.log_view, 0)
        await pilot.press("z")
        assert screen.risk_pane.region.width == 80
        await pilot.press("escape")
        assert screen.pane.region.width == 80 and app.focused is screen.client_list


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_forms_fit_small_terminals_with_the_save_line_in_view(book, size):
    async with running(size=size) as (app, pilot):
        await pilot.press("l")
        form = app.screen.query_one(".form")
        help_line = app.screen.query_one(".form-help")
        assert form.region.right <= size[0] and form.region.bottom <= size[1]
        assert help_line.region.height == 1 and help_line.region.bottom <= size[1]
        assert "ctrl+s save" in str(help_line.render())


async def test_forms_take_their_dates_from_the_apps_clock(book):
    async with running() as (app, pilot):
        await pilot.press("i")
        assert isinstance(app.screen, InvoiceForm)
        assert app.screen.query_one("#field-issued Input").value == "2026-11-24"
        assert app.screen.query_one("#field-due Input").value == "2026-12-08"


def test_config_names_a_bad_theme_or_key_table(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('theme = "purple"\n')
    with pytest.raises(ConfigError, match="theme"):
        load_config(path)
    path.write_text('[keys]\n"dashboard.log" = 3\n')
    with pytest.raises(ConfigError, match="keys"):
        load_config(path)
    path.write_text('theme = "light"\n[keys]\n"dashboard.log" = "L"\n')
    config = load_config(path)
    assert config.theme == "light" and config.keys == {"dashboard.log": "L"}


async def test_a_save_is_announced_by_typed_messages(book):
    from callsheet.tui.messages import CountsLoaded, SaveShown

    seen = []
    async with running(message_hook=seen.append) as (app, pilot):
        app.screen.select_client(book["ana"].id)
        await settle(pilot)
        seen.clear()
        await pilot.press("l", *"Send the estimate")
        await pilot.press("ctrl+s")
        await settle(pilot)
    # the hook sees a message at each node it bubbles through (screen, app): count it once.
    # The form's own worker read the result back: one message carries the row, log and risk
    [shown] = {id(m): m for m in seen if isinstance(m, SaveShown)}.values()
    changed, selection = shown.changed, shown.selection
    assert changed.client_id == book["ana"].id and changed.rows[0].name == "Ana Pop"
    assert selection.client_id == book["ana"].id
    assert "Send the estimate" in [row.summary for row in selection.page]
    assert any(isinstance(m, CountsLoaded) for m in seen)
