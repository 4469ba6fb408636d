"""The dashboard driven from the keyboard, on a real database file."""

from __future__ import annotations

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, FollowUp, Interaction, Invoice, Signal, TimeEntry
from callsheet.tui.screens.form_screen import FormScreen
from tests.clock import NOW
from tests.commands import callsheet
from tests.factories import client, entry, invoice
from tests.tui_helpers import (
    from_palette,
    line_text,
    refused,
    running,
    settle,
    submit,
    wait_for,
)


@pytest.fixture
def book(db):
    """Three clients with some history."""
    ana = client("Ana Pop", phones=["0721 234 567"], company="Lumina SRL", status="active")
    entry(ana, "Kick-off call", "praise")
    bob = client("Bob Stone", emails=["bob@example.com"], status="active")
    entry(bob, "Shouted about the invoice", "aggressive", "rude")
    client("Cora Lee", company="Kestrel")
    return {"ana": ana, "bob": bob}


def client_names(app) -> list[str]:
    return [row.name for row in app.screen.client_list.rows]


async def test_dashboard_shows_clients_by_risk_and_the_selected_clients_log_and_risk(book):
    async with running() as (app, pilot):
        assert client_names(app)[0] == "Bob Stone"  # riskiest first
        assert set(client_names(app)) == {"Ana Pop", "Bob Stone", "Cora Lee"}
        log = app.screen.log_view
        assert "Shouted" in line_text(log, 0)
        assert "aggressive" in line_text(log, 0)
        factors = app.screen.risk_pane.text
        assert "aggressive" in factors and "Shouted about the invoice" in factors
        assert "Clients · 3 of 3" in str(app.screen.query_one("#left").border_title)


async def test_j_and_k_move_the_selection_and_reload_log_and_risk(book):
    async with running() as (app, pilot):
        first = app.screen.selected_client_id
        await pilot.press("j")
        await settle(pilot)
        assert app.screen.selected_client_id != first
        assert app.screen.risk_pane.text.splitlines()[1] == app.screen.client_list.current.name
        await pilot.press("k")
        await wait_for(pilot, lambda: app.screen.selected_client_id == first)


async def test_slash_filters_by_name_company_phone_and_email_and_escape_leaves(book):
    async with running() as (app, pilot):
        await pilot.press("slash", *"lumi")
        assert client_names(app) == ["Ana Pop"]
        await pilot.press(*["backspace"] * 4, *"0721 234")
        assert client_names(app) == ["Ana Pop"]
        await pilot.press(*["backspace"] * 8, *"bob@ex")
        assert client_names(app) == ["Bob Stone"]
        await pilot.press(*["backspace"] * 6, *"cora lee")
        assert client_names(app) == ["Cora Lee"]
        assert "1 of 3" in str(app.screen.query_one("#left").border_title)
        await pilot.press("escape")
        assert app.focused is app.screen.client_list


async def test_a_typo_still_finds_the_client_by_fuzzy_match(book):
    async with running() as (app, pilot):
        await pilot.press("slash", *"bob stoen")
        assert client_names(app) == ["Bob Stone"]


async def test_s_cycles_the_sort(book):
    async with running() as (app, pilot):
        await pilot.press("s")
        assert app.screen.client_list.sort == "name"
        assert client_names(app) == ["Ana Pop", "Bob Stone", "Cora Lee"]


@pytest.mark.parametrize("name", ["[bold red]x[/]", "[@click=app.quit]y[/]", "\x1b[31mred"])
async def test_user_text_is_shown_literally(db, name):
    client = ops.add_client(name, company="[i]c[/]", now=NOW)
    ops.log_interaction(client, summary=name, signals=["rude"], at=NOW, now=NOW)
    async with running() as (app, pilot):
        visible = name.replace("\x1b", "\\x1b")  # made visible by callsheet.models.values.text
        assert visible[:15] in line_text(app.screen.client_list, 0)  # the column may cut the end
        assert "[i]c[/]" in line_text(app.screen.client_list, 0)
        assert visible[:15] in line_text(app.screen.log_view, 0)
        assert visible in app.screen.risk_pane.text
        # the pane's title (Textual keeps it as escaped markup; escapes must not reach it raw)
        title = str(app.screen.log_view.border_title).replace("\\[", "[")
        assert title == f"Log · {visible}" and "\x1b" not in title
        assert app.is_running  # [@click=app.quit] did nothing


async def test_logging_a_call_with_two_signals_updates_list_log_and_risk(book):
    async with running() as (app, pilot):
        await pilot.press("slash", *"ana", "enter")
        await wait_for(
            pilot,
            lambda: (
                app.screen.selected_client_id == book["ana"].id
                and "Kick-off" in line_text(app.screen.log_view, 0)
            ),
        )
        score_before = app.screen.client_list.current.risk_score
        await pilot.press("l")
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Wants a mobile app in the same budget")
        app.screen.query_one("#signals").focus()
        await pilot.press("s", "l")  # scope creep, late payment
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), what="form to close")
        from callsheet.tui.screens.dashboard import DashboardScreen

        dashboard = next(s for s in app.screen_stack if isinstance(s, DashboardScreen))
        log = dashboard.log_view
        await wait_for(
            pilot,
            lambda: log.rows and log.rows[0].summary.startswith("Wants"),
            what="log to update",
        )
        assert set(log.rows[0].signals) == {"scope_creep", "late_payment"}
        # the first tag shows; the rest is counted, so the summary keeps its room
        # the first signal by its first word in the narrow log pane, then how many more
        assert " scope " in line_text(log, 0) and "+1 Wants" in line_text(log, 0)
        await wait_for(
            pilot,
            lambda: dashboard.client_list.current.risk_score > score_before,
            what="list to update",
        )
        await wait_for(pilot, lambda: "scope creep" in dashboard.risk_pane.text)
    stored = Interaction.select().order_by(Interaction.id.desc()).first()
    assert stored.summary == "Wants a mobile app in the same budget" and stored.channel == "call"
    assert sorted(s.kind for s in Signal.select().where(Signal.interaction == stored)) == [
        "late_payment",
        "scope_creep",
    ]


async def test_a_bad_value_is_named_under_its_field_and_nothing_is_saved(book):
    async with running() as (app, pilot):
        before = Interaction.select().count()
        bad = {"minutes": "lots", "when": "the day after never"}
        form = await submit(pilot, "l", bad, typed="Quick call")
        assert "the day after never" in await refused(pilot, form, "when")
        form.query_one("#field-when Input").value = "yesterday 10:00"
        await pilot.press("ctrl+s")
        assert "lots" in await refused(pilot, form, "minutes")
        assert Interaction.select().count() == before
        await pilot.press("escape")
        assert not isinstance(app.screen, FormScreen)
    assert Interaction.select().count() == before


async def test_new_client_form_validates_the_phone_and_adds_the_client(db):
    async with running() as (app, pilot):
        form = await submit(pilot, "n", {"phone": "12"}, typed="Dana Ionescu")
        await refused(pilot, form, "phone")
        assert Client.select().count() == 0
        form.query_one("#field-phone Input").value = "0722 111 222, +40 744 555 010"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        await wait_for(
            pilot, lambda: client_names(app) == ["Dana Ionescu"], what="new client in list"
        )
    [added] = Client.select()
    assert sorted(p.e164 for p in added.phones) == ["+40722111222", "+40744555010"]


async def test_follow_up_invoice_payment_and_time_entry_forms_save(book):
    async with running() as (app, pilot):
        client_id = app.screen.selected_client_id

        async def fill_and_save(key, values):
            await submit(pilot, key, values)
            await wait_for(
                pilot, lambda: not isinstance(app.screen, FormScreen), what=f"{key} form to save"
            )

        await fill_and_save("f", {"text": "Send the quote", "due": "2026-11-25T10:00"})
        await fill_and_save(
            "i",
            {"number": "2026-7", "amount": "1 200,50", "issued": "2026-10-01", "due": "2026-10-15"},
        )
        # the payment form picks the invoice from a list (its id), then takes the day
        paid = {"invoice": str(Invoice.get(Invoice.number == "2026-7").id), "paid": "2026-11-20"}
        await fill_and_save("p", paid)
        await fill_and_save(
            "m", {"start": "2026-11-20T09:00", "minutes": "90", "note": "Wireframes"}
        )
    assert FollowUp.get(FollowUp.client == client_id).text == "Send the quote"
    invoice = Invoice.get(Invoice.number == "2026-7")
    assert invoice.amount_cents == 120050 and str(invoice.paid) == "2026-11-20"
    assert TimeEntry.get(TimeEntry.client == client_id).minutes == 90


async def test_a_bad_amount_is_named_and_no_invoice_is_saved(book):
    async with running() as (app, pilot):
        form = await submit(pilot, "i", {"number": "9", "amount": "twelve"})
        await refused(pilot, form, "amount")
    assert Invoice.select().count() == 0


async def test_archive_hides_the_client_and_u_undoes_it(book):
    async with running() as (app, pilot):
        name = app.screen.client_list.current.name
        await pilot.press("a")
        await wait_for(pilot, lambda: name not in client_names(app), what="archived client hidden")
        assert Client.get(Client.name == name).archived
        await pilot.press("u")
        await wait_for(pilot, lambda: name in client_names(app), what="archive undone")
        assert not Client.get(Client.name == name).archived


async def test_delete_asks_first_and_n_keeps_the_client(book):
    async with running() as (app, pilot):
        name = app.screen.client_list.current.name
        await pilot.press("D")
        await pilot.press("n")
        assert Client.select().where(Client.name == name).exists()
        await pilot.press("D", "y")
        await wait_for(pilot, lambda: name not in client_names(app), what="deleted client gone")
    assert not Client.select().where(Client.name == name).exists()


async def test_triage_lists_overdue_money_and_due_follow_ups(book):
    from datetime import date, timedelta

    invoice(book["bob"], "77", 500, date(2026, 9, 1), date(2026, 9, 15))
    ops.add_follow_up(book["ana"], NOW - timedelta(hours=2), "Call back about the proposal")
    async with running() as (app, pilot):
        await pilot.press("t")
        attention = app.screen.query_one("#attention")
        await wait_for(pilot, lambda: len(attention.rows) >= 2, what="triage items")
        kinds = [item.kind for item in attention.rows]
        assert kinds.index("follow_up") < kinds.index("overdue_invoice")
        assert any("invoice 77" in item.text for item in attention.rows)
        await pilot.press("x")  # the follow-up is selected first
        await wait_for(pilot, lambda: FollowUp.get().done_at is not None, what="follow-up done")
        await pilot.press("t")
        assert app.screen.query_one("#left-switcher").current == "clients"


async def test_help_lists_every_binding_of_the_dashboard(book):
    async with running() as (app, pilot):
        dashboard = app.screen
        await pilot.press("question_mark")
        text = app.screen.text
        for binding in dashboard.BINDINGS:
            assert (binding.tooltip or binding.description) in text
        await pilot.press("escape")
        assert app.screen is dashboard


async def test_every_binding_has_an_id_and_a_description(book):
    from callsheet.tui.screens.dashboard import DashboardScreen

    assert all(b.id and b.description for b in DashboardScreen.BINDINGS)


async def test_the_command_palette_jumps_to_a_client_by_name(book):
    async with running() as (app, pilot):
        await from_palette(pilot, "cora")
        await wait_for(
            pilot, lambda: app.screen.client_list.current.name == "Cora Lee", what="jump to client"
        )


async def test_the_command_palette_runs_actions(book):
    async with running() as (app, pilot):
        await from_palette(pilot, "triage")
        await wait_for(pilot, lambda: app.screen.query_one("#left-switcher").current == "attention")


async def test_an_empty_database_explains_what_to_do_and_d_loads_demo_data(db):
    async with running() as (app, pilot):
        welcome = app.screen.query_one("#welcome")
        assert welcome.display and "add your first client" in str(welcome.render())
        await pilot.press("d")
        await wait_for(
            pilot, lambda: len(app.screen.client_list.all_rows) == 500, timeout=20, what="demo data"
        )
        assert not welcome.display


async def test_changes_from_the_command_line_show_up_without_restarting(book, db_path):
    async with running() as (app, pilot):
        callsheet("add", "Eve Outside", db=db_path)
        await wait_for(
            pilot, lambda: "Eve Outside" in client_names(app), timeout=8, what="external add"
        )
        callsheet("log", "Ana", "--signal", "legal_threat", "Lawyer letter", db=db_path)
        await wait_for(
            pilot,
            lambda: (
                next(r for r in app.screen.client_list.all_rows if r.name == "Ana Pop").risk_score
                > 0
            ),
            timeout=8,
            what="external log",
        )


async def test_notifications_show_user_text_literally_and_do_not_crash(db):
    ops.add_client("[b]Bold[/b] [@click=app.quit]Client[/]", now=NOW)
    async with running() as (app, pilot):
        await pilot.press("a")
        await wait_for(
            pilot, lambda: any("Archived" in n.message for n in app._notifications), what="toast"
        )
        await pilot.pause(0.5)  # let the toast render
        assert app.is_running and app.return_code is None
        [note] = [n for n in app._notifications if "Archived" in n.message]
        assert "[b]Bold[/b] [@click=app.quit]Client[/]" in note.message and note.markup is False
