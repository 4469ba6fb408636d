"""The dashboard's smaller slips of issue 23: x works down triage, escape asks before it
throws a filled form away, the payment form (the only invoice chosen, the amount owed, a part
payment), the new-client form's first label, one order in the records screen and the cursor
after undo, a delete that names what it deleted, and triage kept current when another
process writes. Real dashboard (Pilot) on a real store."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from textual import events
from textual.widgets import Select

from callsheet.models.book import clients as ops
from callsheet.models.book.records import remaining_cents
from callsheet.models.store.tables import (
    Client,
    FollowUp,
    Interaction,
    Invoice,
    Payment,
    TimeEntry,
)
from callsheet.tui.dialogs.confirm import ConfirmScreen
from callsheet.tui.screens.form_screen import FormScreen
from callsheet.tui.screens.records import RecordsScreen
from callsheet.tui.widgets.field import Field
from tests.clock import NOW
from tests.factories import entry, invoice
from tests.tui_helpers import refused, running, settle, submit, wait_for


def _follow_ups() -> dict[str, int]:
    """Ana, Cora and Maria each have a follow-up due, oldest first (triage reads them so)."""
    ids = {}
    for number, name in enumerate(("Ana Pop", "Cora Lis", "Maria Stan")):
        client = ops.add_client(name, status="active", now=NOW)
        ids[name] = client.id
        ops.add_follow_up(client, NOW - timedelta(hours=4 - number), f"Call {name} back")
    return ids


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_x_x_x_in_triage_works_down_from_the_top(db):
    ids = _follow_ups()
    async with running() as (app, pilot):
        screen = app.screen
        await pilot.press("t")
        await settle(pilot)
        attention = screen.pane.attention
        done_in_order = []
        for name in ("Ana Pop", "Cora Lis", "Maria Stan"):
            assert attention.current.client_name == name
            await pilot.press("x")
            await settle(pilot)
            await wait_for(
                pilot,
                lambda n=name: FollowUp.get(FollowUp.client == ids[n]).done_at is not None,
                what=f"{name}'s follow-up done",
            )
            await settle(pilot)
            done_in_order.append(name)
    assert done_in_order == ["Ana Pop", "Cora Lis", "Maria Stan"]
    assert all(f.done_at is not None for f in FollowUp.select())


async def test_x_x_x_typed_at_once_marks_three_follow_ups_done(db):
    _follow_ups()
    async with running() as (app, pilot):
        await pilot.press("t")
        await settle(pilot)
        for _ in range(3):
            app.post_message(events.Key("x", "x"))
        await wait_for(
            pilot,
            lambda: all(f.done_at is not None for f in FollowUp.select()),
            what="three follow-ups done",
        )


async def test_escape_asks_before_discarding_a_filled_form_and_closes_an_untouched_one(db):
    ops.add_client("Ana Pop", status="active", now=NOW)
    async with running() as (app, pilot):
        await pilot.press("n", *"Ion Popa", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: back to the form, the typing kept
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.value("name") == "Ion Popa"
        await pilot.press("escape", "escape")  # escape answers no as well
        await settle(pilot)
        assert app.screen is form
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, (FormScreen, ConfirmScreen))
        assert not Client.select().where(Client.name == "Ion Popa").exists()

        # untouched forms close at once: an empty new one, an edit form as it opened
        for key in ("n", "e", "l"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, FormScreen)
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, (FormScreen, ConfirmScreen)), key
        # a choice made in a select counts as typing, and typing it back as it was does not
        await pilot.press("l", "tab", "enter", "down", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.press("n", *"x", "backspace", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, (FormScreen, ConfirmScreen))


async def test_the_payment_form_chooses_the_only_invoice_and_takes_a_part_payment(db):
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    invoice(ana, "2026-7", 1000, date(2026, 10, 1), date(2026, 10, 15))
    async with running() as (app, pilot):
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        owed = form.query_one("#field-invoice", Field)
        assert form.value("invoice") == str(Invoice.get().id)
        [label] = [str(label) for label, value in owed.widget._options if value != Select.NULL]
        assert "2026-7: 1,000 EUR owed" in label
        assert form.value("amount") == "1000"
        form.query_one("#field-amount", Field).widget.value = "400"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), what="the save")
        await settle(pilot)
        assert any("Part payment on invoice 2026-7" in note for note in _notes(app))
        paid = Invoice.get()
        assert paid.paid is None and remaining_cents(paid) == 60000

        # the rest, from the amount the form now starts with
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.value("amount") == "600"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), what="the save")
    assert Invoice.get().paid is not None


async def test_a_payment_in_the_future_is_refused_under_its_day(db):
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    invoice(ana, "2026-7", 1000, date(2026, 10, 1), date(2026, 10, 15))
    async with running() as (app, pilot):
        form = await submit(pilot, "p", {"paid": (NOW.date() + timedelta(days=5)).isoformat()})
        assert "in the future" in await refused(pilot, form, "paid")
    assert Invoice.get().paid is None and not Payment.select().exists()


async def test_with_two_invoices_the_amount_follows_the_one_chosen(db):
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    invoice(ana, "2026-7", 1000, date(2026, 10, 1), date(2026, 10, 15))
    second = invoice(ana, "2026-8", 250.5, date(2026, 10, 2), date(2026, 10, 20))
    async with running() as (app, pilot):
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert form.value("invoice") == "" and form.value("amount") == ""
        form.query_one("#field-invoice", Field).widget.value = str(second.id)
        await settle(pilot)
        assert form.value("amount") == "250.50"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), what="the save")
    assert Invoice.get_by_id(second.id).paid is not None
    assert Invoice.get(Invoice.number == "2026-7").paid is None


async def test_the_new_client_forms_first_field_shows_its_label(db):
    for size in ((160, 48), (100, 30), (80, 24)):
        async with running(size=size) as (app, pilot):
            await pilot.press("n")
            await settle(pilot)
            await pilot.pause(0.3)  # Textual's scroll to the focused field is animated
            form = app.screen
            body = form.query_one(".form-body")
            label = form.query_one("#field-name .field-label")
            assert body.region.contains_region(label.region), size
            assert form.query_one("#field-name", Field).widget.has_focus


def _ana_records() -> Client:
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    for days, summary in ((3, "Oldest call"), (2, "Middle call"), (1, "Newest call")):
        entry(ana, summary, days_ago=days)
        ops.add_time_entry(
            ana, started_at=NOW - timedelta(days=days), minutes=30 * days, note=summary
        )
    return ana


async def _records(pilot) -> RecordsScreen:
    await pilot.press("r")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: pilot.app.mark_counts.get("records"), what="records listed")
    return screen


async def _reloaded_after(pilot, *keys: str) -> None:
    before = pilot.app.mark_counts["records"]
    await pilot.press(*keys)
    await wait_for(pilot, lambda: pilot.app.mark_counts["records"] > before, what="reload")
    await settle(pilot)


async def test_records_list_time_and_log_newest_first(db):
    _ana_records()
    async with running() as (app, pilot):
        screen = await _records(pilot)
        rows = screen.record_list.rows
        time_ids = [row.id for row in rows if row.kind == "time"]
        log_ids = [row.id for row in rows if row.kind == "entry"]
        newest_time = [t.id for t in TimeEntry.select().order_by(TimeEntry.started_at.desc())]
        newest_log = [e.id for e in Interaction.select().order_by(Interaction.occurred_at.desc())]
        assert time_ids == newest_time and log_ids == newest_log
        for kind in ("time", "entry"):
            stamps = [row.when for row in rows if row.kind == kind]
            assert stamps == sorted(stamps, reverse=True)


async def test_a_delete_names_the_entry_keeps_the_cursor_there_and_undo_comes_back_to_it(db):
    _ana_records()
    async with running() as (app, pilot):
        screen = await _records(pilot)
        records = screen.record_list
        middle = next(
            i
            for i, row in enumerate(records.rows)
            if row.kind == "entry" and "Middle call" in row.text
        )
        middle_row = records.rows[middle]
        assert middle_row.kind == "entry"
        records._move_to(middle)
        await _reloaded_after(pilot, "x")
        [said] = [n for n in _notes(app) if n.startswith("Deleted")]
        assert said.startswith("Deleted the log entry “") and "Middle call”" in said
        assert said.endswith("u undoes it.")
        # the cursor stays where the entry was: on the next one, not at the top
        assert records.cursor == middle and records.current.kind == "entry"
        assert "Oldest call" in records.current.text
        await _reloaded_after(pilot, "u")
        assert (records.current.kind, records.current.id) == ("entry", middle_row.id)
        assert records.cursor == middle


async def test_triage_follows_another_process_write_without_moving_the_current_client(db):
    ids = _follow_ups()
    async with running() as (app, pilot):
        screen = app.screen
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        attention = screen.pane.attention
        assert attention.current.client_name == "Cora Lis"

        def another_process() -> None:
            # a write on another connection (this thread's), as the CLI in another terminal;
            # no client row changes (a follow-up done, one added), yet triage must follow
            ana = Client.get_by_id(ids["Ana Pop"])
            FollowUp.update(done_at=NOW).where(FollowUp.client == ana).execute()
            maria = Client.get_by_id(ids["Maria Stan"])
            ops.add_follow_up(maria, NOW - timedelta(minutes=5), "Send the contract")

        await asyncio.to_thread(another_process)
        await wait_for(
            pilot,
            lambda: (
                not any(
                    item.client_name == "Ana Pop" and item.kind == "follow_up"
                    for item in attention.rows
                )
            ),
            timeout=10,
            what="triage re-read after the other process's write",
        )
        await settle(pilot)
        maria = sorted(
            item.text
            for item in attention.rows
            if item.client_name == "Maria Stan" and item.kind == "follow_up"
        )
        assert maria == ["Call Maria Stan back", "Send the contract"]
        assert attention.current.client_name == "Cora Lis"
        assert screen.selected_client_id == ids["Cora Lis"]
