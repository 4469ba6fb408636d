"""Correcting records from the dashboard: the records screen, its forms, snooze, undo, search."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import (
    Agreement,
    Client,
    FollowUp,
    Interaction,
    Invoice,
    Payment,
    Signal,
)
from callsheet.tui.screens.records import RecordsScreen, SnoozeScreen
from callsheet.tui.screens.search import SearchScreen
from tests.clock import NOW
from tests.factories import entry, invoice
from tests.tui_helpers import (
    from_palette,
    line_text,
    refused,
    running,
    submit,
    triage_on,
    wait_for,
)


@pytest.fixture
def ana(db):
    client = ops.add_client("Ana Pop", status="active", notes="Her lawyer is Mr. Vasile", now=NOW)
    entry(client, "Shouted about the invoice", "rude")
    invoice(client, "2026-7", 1000, date(2026, 10, 1), date(2026, 10, 15))
    ops.add_follow_up(client, NOW - timedelta(hours=1), "Send the offer")
    return client


async def open_records(pilot):
    await pilot.press("r")
    assert isinstance(pilot.app.screen, RecordsScreen)
    await wait_for(pilot, lambda: pilot.app.mark_counts.get("records"), what="records listed")


@asynccontextmanager
async def records_screen(kind: str | None = None):
    """The dashboard with Ana's records open, the cursor on her first record of ``kind``."""
    async with running() as (app, pilot):
        await open_records(pilot)
        if kind:
            await cursor_on(pilot, kind)
        yield app, pilot


async def cursor_on(pilot, kind: str) -> None:
    records = pilot.app.screen.record_list
    index = next(i for i, row in enumerate(records.rows) if row.kind == kind)
    records._move_to(index)
    await pilot.pause()


async def reloaded_after(pilot, *keys: str, form: dict[str, str] | None = None) -> None:
    """Press ``keys`` (with ``form``: fill the form behind the key and save it), then wait
    until the records screen has listed the records again."""
    before = pilot.app.mark_counts["records"]
    if form is None:
        await pilot.press(*keys)
    else:
        await submit(pilot, *keys, form)
    await wait_for(pilot, lambda: pilot.app.mark_counts["records"] > before, what="reload")


async def test_r_lists_every_kind_of_record_of_the_client(ana):
    async with records_screen() as (app, pilot):
        kinds = [row.kind for row in app.screen.record_list.rows]
        assert kinds == ["follow_up", "invoice", "entry"]
        texts = [line_text(app.screen.record_list, y) for y in range(3)]
        assert "Send the offer" in texts[0] and "2026-7" in texts[1]
        assert "Shouted about the invoice [rude]" in texts[2]


async def test_x_deletes_a_log_entry_with_its_signals_and_u_brings_both_back(ana):
    async with records_screen("entry") as (app, pilot):
        await reloaded_after(pilot, "x")
        assert Interaction.select().count() == 0 and Signal.select().count() == 0
        assert Client.get_by_id(ana.id).risk_score < ana.risk_score
        await reloaded_after(pilot, "u")
        [entry] = Interaction.select()
        assert entry.summary == "Shouted about the invoice"
        assert [s.kind for s in entry.signals] == ["rude"]
        assert Client.get_by_id(ana.id).risk_score == ana.risk_score


async def test_e_corrects_a_log_entry_text_and_signals_and_u_reverts_it(ana):
    async with records_screen("entry") as (app, pilot):
        await pilot.press("e")
        form = app.screen
        area = form.query_one("#summary")
        area.text = "Raised his voice about the invoice"
        form.query_one("#signals").focus()
        await pilot.press("u", "e")  # rude off, praise on (keys of the signal picker)
        await reloaded_after(pilot, "ctrl+s")
        [entry] = Interaction.select()
        assert entry.summary == "Raised his voice about the invoice"
        assert [s.kind for s in entry.signals] == ["praise"]
        await reloaded_after(pilot, "u")
        [entry] = Interaction.select()
        assert entry.summary == "Shouted about the invoice"
        assert [s.kind for s in entry.signals] == ["rude"]


async def test_a_bad_date_in_the_entry_form_is_named_and_nothing_changes(ana):
    async with records_screen("entry") as (app, pilot):
        form = await submit(pilot, "e", {"when": "the day after never"})
        await refused(pilot, form, "when")
        assert Interaction.get().occurred_at == NOW


async def test_p_records_a_partial_payment_and_u_takes_it_back(ana):
    async with records_screen("invoice") as (app, pilot):
        await reloaded_after(pilot, "p", form={"amount": "400"})
        [payment] = Payment.select()
        assert payment.amount_cents == 40000 and Invoice.get().paid is None
        assert any("600 still owed" in row.text for row in app.screen.record_list.rows)
        await reloaded_after(pilot, "u")
        assert Payment.select().count() == 0


async def test_exclamation_mark_disputes_an_invoice_and_e_corrects_its_amount(ana):
    async with records_screen("invoice") as (app, pilot):
        await reloaded_after(pilot, "exclamation_mark")
        assert Invoice.get().disputed is True
        await reloaded_after(pilot, "e", form={"amount": "1200.50"})
        assert Invoice.get().amount_cents == 120050


async def test_z_snoozes_a_follow_up_to_tomorrow_and_c_marks_it_done(ana):
    async with records_screen("follow_up") as (app, pilot):
        await pilot.press("z")
        assert isinstance(app.screen, SnoozeScreen)
        await reloaded_after(pilot, "t")
        due = FollowUp.get().due_at.astimezone()
        assert due.date() == NOW.astimezone().date() + timedelta(days=1) and due.hour == 9
        await reloaded_after(pilot, "c")
        assert FollowUp.get().done_at is not None


async def test_a_follow_up_snoozed_to_a_typed_polish_weekday(ana):
    async with records_screen("follow_up") as (app, pilot):
        await pilot.press("z", "tab", *"w piątek", "enter")
        await wait_for(pilot, lambda: FollowUp.get().due_at.astimezone().weekday() == 4)


async def test_capital_a_adds_an_agreement_that_the_call_sheet_reads_and_c_closes_it(ana):
    async with running() as (app, pilot):
        await pilot.press("A")
        form = app.screen
        form.query_one("#field-title").widget.value = "Website"
        form.query_one("#scope").text = "Five pages, two rounds of changes"
        form.query_one("#field-budget").widget.value = "8000"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: Agreement.select().count() == 1, what="agreement saved")
        agreement = Agreement.get()
        assert agreement.scope == "Five pages, two rounds of changes"
        assert agreement.budget_cents == 800_000 and agreement.status == "active"
        from callsheet.models.briefing.brief import brief_of
        from callsheet.models.briefing.forms import render_text

        assert "Website" in render_text(brief_of(ana.id, NOW))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.mark_counts.get("records"))
        await cursor_on(pilot, "agreement")
        await reloaded_after(pilot, "c")
        assert Agreement.get().status == "done"


async def test_a_duplicate_agreement_title_is_named_under_its_field(ana):
    ops.add_agreement(ana, title="Website")
    async with running() as (app, pilot):
        form = await submit(pilot, "A", {"title": "Website"})
        await refused(pilot, form, "title")
        assert Agreement.select().count() == 1


async def test_the_dashboards_u_undoes_a_delete_made_in_the_records_screen(ana):
    async with records_screen("invoice") as (app, pilot):
        await reloaded_after(pilot, "x")
        assert Invoice.select().count() == 0
        await pilot.press("escape")
        await pilot.press("u")
        await wait_for(pilot, lambda: Invoice.select().count() == 1, what="invoice back")


async def test_question_mark_prefix_searches_text_and_enter_goes_to_the_client(ana):
    ops.add_client("Bob Stone", now=NOW)
    async with running() as (app, pilot):
        await pilot.press("slash", "question_mark", *"lawy", "enter")
        assert isinstance(app.screen, SearchScreen)
        await wait_for(pilot, lambda: app.mark_counts.get("search"), what="results")
        hits = app.screen.query_one("#hit-list").rows
        assert [(h.client_name, h.kind) for h in hits] == [("Ana Pop", "notes")]
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"shout")
        await wait_for(
            pilot,
            lambda: [h.kind for h in app.screen.query_one("#hit-list").rows] == ["entry"],
        )
        await pilot.press("enter")
        assert isinstance(app.screen, RecordsScreen)  # the entry itself, to read or correct
        await wait_for(pilot, lambda: app.mark_counts.get("records"), what="records listed")
        current = app.screen.record_list.current
        assert (current.kind, current.id) == ("entry", Interaction.get().id)
        await pilot.press("escape")
        assert app.screen.selected_client_id == ana.id


async def test_z_in_triage_snoozes_the_follow_up_to_next_week(ana):
    async with running() as (app, pilot):
        await triage_on(pilot, "follow_up")
        await pilot.press("Z", "w")  # z moves between panes on the dashboard
        await wait_for(
            pilot, lambda: FollowUp.get().due_at.astimezone().weekday() == 0, what="snoozed"
        )
        assert FollowUp.get().due_at > NOW


async def test_cadence_form_saves_the_days(ana):
    async with records_screen() as (app, pilot):
        await pilot.press("C")
        app.screen.query_one("#cadence").value = "14"
        await reloaded_after(pilot, "ctrl+s")
        assert Client.get_by_id(ana.id).cadence_days == 14


async def test_x_in_triage_marks_a_follow_up_done_and_u_reopens_it(ana):
    async with running() as (app, pilot):
        await triage_on(pilot, "follow_up")
        await pilot.press("x")
        await wait_for(pilot, lambda: FollowUp.get().done_at is not None, what="done")
        await pilot.press("u")
        await wait_for(pilot, lambda: FollowUp.get().done_at is None, what="reopened")


def test_edit_in_editor_hands_a_private_file_to_editor_and_reads_back_what_was_saved(
    tmp_path, monkeypatch
):
    import contextlib
    import stat

    from callsheet.tui.widgets.editor_text import edit_in_editor

    seen = tmp_path / "seen"
    editor = tmp_path / "editor.sh"
    editor.write_text(
        f'#!/bin/sh\n[ "$1" = --wait ] && shift\nstat -c %a "$1" > {seen}\ncat "$1" >> {seen}\n'
        'printf "Rewritten in the editor\\n" > "$1"\n'
    )
    editor.chmod(stat.S_IRWXU)
    monkeypatch.setenv("EDITOR", f"{editor} --wait")  # options after the command are kept

    class Terminal:  # what the app lends: its terminal, suspended while the editor runs
        suspended = 0

        @contextlib.contextmanager
        def suspend(self):
            Terminal.suspended += 1
            yield

    assert edit_in_editor(Terminal(), "Shouted about the invoice") == "Rewritten in the editor"
    assert Terminal.suspended == 1
    mode, *text = seen.read_text().splitlines()
    assert mode == "600" and text == ["Shouted about the invoice"]
    assert not list(tmp_path.glob("callsheet-*"))


async def test_the_command_palette_reaches_the_records_screens_actions(ana):
    async with records_screen() as (app, pilot):
        assert app.screen.record_list.current.kind == "follow_up"
        await from_palette(pilot, "snooze")
        await wait_for(pilot, lambda: isinstance(app.screen, SnoozeScreen), what="snooze dialog")


# -- a form opened on a row that another process changes meanwhile (issue 22) ---------------


def _notice(form) -> str:
    return str(form.query_one("#form-error").render())


async def _stale_notice(pilot, form) -> str:
    await wait_for(
        pilot,
        lambda: "changed by someone else since you opened it" in _notice(form),
        what="the stale-edit notice",
    )
    return _notice(form)


async def test_a_stale_invoice_correction_is_held_and_ctrl_o_saves_only_what_was_typed(ana):
    from callsheet.models.book import records

    async with records_screen("invoice") as (app, pilot):
        await pilot.press("e")
        form = app.screen
        form.query_one("#field-amount Input").value = "1200"
        # another process disputes and renumbers it while the form is open
        records.edit_invoice(records.get_invoice(Invoice.get().id), disputed=True, number="7b")
        await pilot.press("ctrl+s")
        notice = await _stale_notice(pilot, form)
        assert "ctrl+r reload" in notice and "ctrl+o overwrite" in notice
        assert app.screen is form and form.value("amount") == "1200"  # what was typed stays
        assert Invoice.get().amount_cents == 100000  # nothing written yet
        await reloaded_after(pilot, "ctrl+o")
        saved = Invoice.get()
        assert (saved.amount_cents, saved.disputed, saved.number) == (120000, True, "7b")


async def test_ctrl_r_reloads_a_stale_client_form_keeping_the_typed_fields(ana):
    from callsheet.tui.screens.forms import ClientForm

    async with running() as (app, pilot):
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, ClientForm)
        form.query_one("#field-notes Input").value = "Prefers e-mail"
        # another process: the company corrected, and a call logged this morning
        ops.update_client(Client.get_by_id(ana.id), company="Acme SRL")
        ops.log_interaction(Client.get_by_id(ana.id), summary="Called", at=NOW, now=NOW)
        await pilot.press("ctrl+s")
        await _stale_notice(pilot, form)
        await pilot.press("ctrl+r")
        assert form.value("company") == "Acme SRL" and form.value("notes") == "Prefers e-mail"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form, what="the form saved")
        client = Client.get_by_id(ana.id)
        assert (client.company, client.notes) == ("Acme SRL", "Prefers e-mail")
        assert client.last_contact_at == NOW


async def test_an_unchanged_client_form_writes_back_no_stale_last_contact_or_risk(ana):
    async with running() as (app, pilot):
        await pilot.press("e")
        form = app.screen
        # a call logged from the command line while the form is open
        ops.log_interaction(
            Client.get_by_id(ana.id), summary="Shouted again", signals=["rude"], at=NOW, now=NOW
        )
        after_call = Client.get_by_id(ana.id)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form, what="the form saved")
        client = Client.get_by_id(ana.id)
        assert client.last_contact_at == NOW
        assert (client.risk_score, client.risk_band) == (
            after_call.risk_score,
            after_call.risk_band,
        )
        assert client.risk_score > ana.risk_score
