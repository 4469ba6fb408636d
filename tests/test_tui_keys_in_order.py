"""No key lost or misplaced (issue 23.3): keys sent back to back, with no pause between them
(a paste, a fast typist, a terminal's burst), land where they would have landed one at a
time. The keys are posted to the app in one go, as the terminal driver does, before the app
has handled the first; then every field's final value is checked. Real dashboard (Pilot)
on a real store."""

from __future__ import annotations

from datetime import timedelta

from textual import events

from callsheet.models.book import clients as ops
from callsheet.models.book import queries
from callsheet.models.store.tables import (
    Agreement,
    Client,
    FollowUp,
    Interaction,
    Invoice,
    Payment,
    TimeEntry,
)
from callsheet.tui.messages import StoreChanged
from callsheet.tui.screens.form_screen import FormScreen
from callsheet.tui.screens.records import RecordsScreen
from tests.clock import NOW
from tests.tui_helpers import running, settle, wait_for

CHARACTERS = {"space": " ", "full_stop": ".", "comma": ",", "minus": "-"}


def _key(key: str) -> events.Key:
    if len(key) == 1:
        name = {" ": "space", ".": "full_stop", ",": "comma", "-": "minus"}.get(key, key)
        return events.Key(name, key)
    return events.Key(key, CHARACTERS.get(key))


def burst(app, *keys: str) -> None:
    """Post ``keys`` to the app at once: none is handled before the last is queued."""
    for key in keys:
        app.post_message(_key(key))


def typed(text: str) -> list[str]:
    return list(text)


async def _after_burst(pilot) -> None:
    await settle(pilot)
    await pilot.pause(0.1)
    await settle(pilot)


def fields_of(form: FormScreen, *names: str) -> dict[str, str]:
    return {name: form.value(name) for name in names}


def _book() -> Client:
    client = ops.add_client("Ana Pop", status="active", now=NOW)
    ops.log_interaction(client, summary="Kind words", at=NOW - timedelta(days=1), now=NOW)
    for name, phone in (("Bob Stone", "0722 111 222"), ("Cora Lis", "0722 111 333")):
        ops.add_client(name, phones=[phone], status="active", region="RO", now=NOW)
    return client


async def test_the_two_cases_of_the_issue(db):
    """A form already open: "dl. Popa" right after tab; the filter already focused:
    ``k backspace 0722 111`` at once (it gave ``k0722 11``)."""
    _book()
    async with running() as (app, pilot):
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        burst(app, *typed("Ion Popa"), "tab", *typed("dl. Popa"))
        await _after_burst(pilot)
        assert fields_of(form, "name", "salutation") == {
            "name": "Ion Popa",
            "salutation": "dl. Popa",
        }
    async with running() as (app, pilot):
        screen = app.screen
        await pilot.press("slash", "k")
        burst(app, "backspace", *typed("0722 111"))
        await _after_burst(pilot)
        assert screen.pane.filter_input.value == "0722 111"


async def test_text_typed_right_after_tab_lands_in_the_next_field_of_the_new_client_form(db):
    _book()
    async with running() as (app, pilot):
        burst(app, "n", *typed("Ion Popa"), "tab", *typed("dl. Popa"), "tab", *typed("ro"))
        burst(app, "tab", *typed("Acme"), "tab", "tab", *typed("0722 333 444"))
        await _after_burst(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert fields_of(form, "name", "salutation", "language", "company", "phone") == {
            "name": "Ion Popa",
            "salutation": "dl. Popa",
            "language": "ro",
            "company": "Acme",
            "phone": "0722 333 444",
        }
        # shift+tab goes back just as fast, and ctrl+s saves what is in the fields
        burst(app, "shift+tab", "shift+tab", "end", *typed(" SRL"), "ctrl+s")
        await _after_burst(pilot)
        assert not isinstance(app.screen, FormScreen)
    client = Client.get(Client.name == "Ion Popa")
    assert (client.salutation, client.language, client.company) == ("dl. Popa", "ro", "Acme SRL")


async def test_a_log_entry_typed_at_once_after_l_is_all_in_the_summary(db):
    ana = _book()
    async with running() as (app, pilot):
        burst(app, "l", *typed("Called, wants a quote"), "tab", "tab", "tab", "tab", "tab")
        burst(app, *typed("15"))
        await _after_burst(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert fields_of(form, "summary", "when", "minutes") == {
            "summary": "Called, wants a quote",
            "when": "now",
            "minutes": "15",
        }
        burst(app, "ctrl+s")
        await _after_burst(pilot)
    entry = Interaction.get(Interaction.summary == "Called, wants a quote")
    assert (entry.client_id, entry.duration_min) == (ana.id, 15)


async def test_follow_up_invoice_and_time_forms_typed_and_saved_at_once(db):
    """Three forms opened, filled and saved in one burst: each save closes its form before
    the next key is given out, so every field of every form holds what was typed for it."""
    ana = _book()
    async with running() as (app, pilot):
        burst(app, "f", *typed("Send the offer"), "ctrl+s")
        burst(app, "i", *typed("2026-9"), "tab", *typed("1200.50"), "ctrl+s")
        burst(app, "m", "tab", *typed("90"), "tab", *typed("Design"), "ctrl+s")
        await wait_for(pilot, lambda: TimeEntry.select().count() == 1, what="the last save")
        await _after_burst(pilot)
        assert not isinstance(app.screen, FormScreen)
    [follow_up] = FollowUp.select()
    assert (follow_up.client_id, follow_up.text) == (ana.id, "Send the offer")
    [invoice] = Invoice.select()
    assert (invoice.number, invoice.amount_cents, invoice.currency) == ("2026-9", 120050, "EUR")
    [time_entry] = TimeEntry.select()
    assert (time_entry.minutes, time_entry.note) == (90, "Design")


async def test_backspaces_and_digits_in_the_filter_keep_their_order(db):
    _book()
    async with running() as (app, pilot):
        screen = app.screen
        burst(app, "slash", "k", "backspace", *typed("0722 111"))
        await _after_burst(pilot)
        assert screen.pane.filter_input.value == "0722 111"
        burst(app, *["backspace"] * 3, *typed("222"), "backspace", "backspace", *typed("1"))
        await _after_burst(pilot)
        assert screen.pane.filter_input.value == "0722 21"
        burst(app, "ctrl+a", "ctrl+k", *typed("Cora"), "enter", "j")
        await _after_burst(pilot)
        assert screen.pane.filter_input.value == "Cora"
        assert screen.client_list.has_focus  # enter left the filter, j went to the list
        assert [row.name for row in screen.client_list.rows] == ["Cora Lis"]


async def test_typing_in_the_filter_while_another_writer_changes_the_list(db):
    """A reload triggered by another process's write lands in the middle of the typing."""
    _book()
    async with running() as (app, pilot):
        screen = app.screen
        burst(app, "slash", *typed("Bo"), "backspace")
        # another process renames Cora and adds a client: the poll posts what it read
        cora = Client.get(Client.name == "Cora Lis")
        ops.update_client(cora, name="Cora Bond")
        rows = queries.client_rows(NOW.date(), client_ids=[cora.id])
        screen.post_message(StoreChanged(rows, queries.triage_counts(NOW)))
        screen.load_clients()
        burst(app, *typed("ob"), "backspace", "backspace", *typed("o"), "tab")
        await _after_burst(pilot)
        assert screen.pane.filter_input.value == "Bo"
        assert sorted(row.name for row in screen.client_list.rows) == ["Bob Stone", "Cora Bond"]


async def test_keys_typed_while_a_save_finishes_go_to_the_screen_in_front(db):
    _book()
    async with running() as (app, pilot):
        screen = app.screen
        # the save's worker finishes while the next keys are already queued
        burst(app, "l", *typed("First"), "ctrl+s", "l", *typed("Second"))
        await wait_for(pilot, lambda: Interaction.select().count() == 2, what="the first save")
        await _after_burst(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.value("summary") == "Second"
        assert screen.log_view.rows[0].summary == "First"


async def test_record_forms_typed_and_saved_at_once(db):
    """The records screen's forms: an agreement (a text area between inputs) and a part
    payment, each opened, filled and saved in one burst."""
    ana = _book()
    ops.add_invoice(
        ana,
        number="2026-7",
        amount="1000",
        issued=NOW.date() - timedelta(days=30),
        due=NOW.date() - timedelta(days=15),
        now=NOW,
    )
    async with running() as (app, pilot):
        burst(app, "r", "A", *typed("Redesign"), "tab", *typed("Three pages"), "tab")
        burst(app, *typed("8000"), "ctrl+s")
        await wait_for(pilot, lambda: Agreement.select().count() == 1, what="the agreement")
        await _after_burst(pilot)
        records = app.screen
        assert isinstance(records, RecordsScreen)
        invoice_at = next(
            i for i, row in enumerate(records.record_list.rows) if row.kind == "invoice"
        )
        records.record_list.move_to(invoice_at)
        burst(app, "p", "ctrl+a", "ctrl+k", *typed("400"), "tab", "tab", *typed("first half"))
        burst(app, "ctrl+s", "escape")
        await wait_for(pilot, lambda: Payment.select().count() == 1, what="the payment")
        await _after_burst(pilot)
        assert not isinstance(app.screen, (RecordsScreen, FormScreen))
    [agreement] = Agreement.select()
    assert (agreement.title, agreement.scope, agreement.budget_cents) == (
        "Redesign",
        "Three pages",
        800000,
    )
    [payment] = Payment.select()
    assert (payment.amount_cents, payment.note) == (40000, "first half")
