"""One reader of dates and moments (callsheet.models.values.dates.read_moment / read_date):
the same table of inputs through every entry point (the model, the dashboard's forms, the
records screen's snooze, the command line's options) means the same moment, and a bad one is
refused with one line naming the field, nothing saved."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import FollowUp, Interaction, Invoice
from callsheet.models.values.dates import read_date, read_moment, snooze_until
from callsheet.models.values.validate import InputError
from callsheet.models.values.when import to_zone, utcnow
from tests.clock import NOW
from tests.tui_helpers import refused, running, settle, wait_for

#: What people type, in each language the reader knows; every entry point takes all of them.
TYPED = [
    "2026-12-10",
    "2026-12-10 10:00",
    "2026-12-10T10:00",
    "today 10:00",
    "tomorrow 10:00",
    "yesterday 14:30",
    "friday",
    "next friday",
    "friday 10:00",
    "vineri 10:00",
    "vineri",
    "piątek",
    "w piątek",
    "пятница",
    "в пятницу",
    "in 3 days",
    "3 days ago",
    "next monday",
    "luni 09:30",
]
#: What no entry point takes (each refused naming its field).
UNREADABLE = ["next blursday", "2026-13-45", "tomorrow 25:00", "x" * 200]


def _future(moment: datetime, now: datetime) -> bool:
    return moment > now + timedelta(minutes=5)


# -- the reader itself -----------------------------------------------------------------


def test_the_reader_reads_every_language_and_form_the_same_way():
    local = to_zone(NOW)  # Tuesday 24 Nov 2026, 14:00 in Bucharest
    friday = (local + timedelta(days=3)).date()
    assert to_zone(read_moment("vineri 10:00", "due", NOW)).date() == friday
    for text in ("friday", "next friday", "piątek", "w piątek", "пятница", "в пятницу"):
        assert to_zone(read_moment(text, "due", NOW)).date() == friday, text
    assert to_zone(read_moment("vineri 10:00", "due", NOW)).hour == 10
    assert to_zone(read_moment("vineri", "at", NOW, prefer="past")).date() == friday - timedelta(
        days=7
    )
    assert read_moment("in 3 days", "due", NOW) == NOW + timedelta(days=3)
    assert to_zone(read_moment("tomorrow 10:00", "due", NOW)).hour == 10
    assert read_date("next friday", "due", NOW) == friday
    assert read_date("2026-12-10", "due", NOW) == date(2026, 12, 10)


@pytest.mark.parametrize("text", UNREADABLE)
def test_an_unreadable_date_is_an_error_naming_the_field(text):
    with pytest.raises(InputError) as raised:
        read_moment(text, "due", NOW)
    assert raised.value.field == "due" and str(raised.value).startswith("due: ")
    with pytest.raises(InputError) as raised:
        read_date(text, "issued", NOW)
    assert raised.value.field == "issued"
    with pytest.raises(InputError) as raised:
        snooze_until(text, NOW)
    assert raised.value.field == "until"


def test_empty_is_none_when_optional_and_named_when_required():
    assert read_moment("  ", "at", NOW, required=False) is None
    assert read_date("", "due", NOW) is None
    with pytest.raises(InputError, match="^due: a date is needed"):
        read_moment("", "due", NOW)
    with pytest.raises(InputError, match="^issued: a date is needed"):
        read_date(" ", "issued", NOW, required=True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_moment_or_an_error_naming_the_field(text):
    try:
        moment = read_moment(text, "due", NOW)
    except InputError as error:
        assert error.field == "due"
    else:
        assert moment.tzinfo is not None and 1900 <= moment.year <= 2200


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(TYPED), st.sampled_from(["due", "at", "until", "start"]))
def test_the_field_only_names_errors_it_never_changes_the_moment(text, field):
    assert read_moment(text, field, NOW) == read_moment(text, "due", NOW)


# -- the dashboard's forms -------------------------------------------------------------


async def _fill(pilot, form, values: dict[str, str]) -> None:
    from callsheet.tui.widgets.field import Field

    for name, value in values.items():
        form.query_one(f"#field-{name}", Field).widget.value = value
    await pilot.press("ctrl+s")


async def test_the_follow_up_form_takes_every_input_of_the_table(db):
    client = ops.add_client("Ana Pop", now=NOW)
    async with running() as (app, pilot):
        for text in TYPED:
            await pilot.press("f")
            form = app.screen
            await _fill(pilot, form, {"text": f"about {text}", "due": text})
            await wait_for(pilot, lambda form=form: app.screen is not form, what=text)
            await settle(pilot)
    stored = {f.text: f.due_at for f in FollowUp.select().where(FollowUp.client == client.id)}
    for text in TYPED:
        assert stored[f"about {text}"] == read_moment(text, "due", NOW), text


async def test_the_invoice_and_log_forms_take_the_table_too(db):
    client = ops.add_client("Ana Pop", now=NOW)
    async with running() as (app, pilot):
        for number, text in enumerate(TYPED, start=1):
            await pilot.press("i")
            form = app.screen
            await _fill(
                pilot,
                form,
                {"number": f"N-{number}", "amount": "100", "issued": "2026-11-01", "due": text},
            )
            await wait_for(pilot, lambda form=form: app.screen is not form, what=text)
            await settle(pilot)
        for text in TYPED:
            expected = read_moment(text, "when", NOW, prefer="past")
            await pilot.press("l")
            form = app.screen
            await _fill(pilot, form, {"summary": f"about {text}", "when": text})
            if _future(expected, NOW):
                assert "is in the future" in await refused(pilot, form, "when")
                await pilot.press("escape", "y")  # a filled form asks first
            else:
                await wait_for(pilot, lambda form=form: app.screen is not form, what=text)
            await settle(pilot)
    dues = {i.number: i.due for i in Invoice.select().where(Invoice.client == client.id)}
    for number, text in enumerate(TYPED, start=1):
        assert dues[f"N-{number}"] == read_date(text, "due", NOW), text
    logged = {i.summary: i.occurred_at for i in Interaction.select()}
    for text in TYPED:
        expected = read_moment(text, "when", NOW, prefer="past")
        assert logged.get(f"about {text}") == (None if _future(expected, NOW) else expected)


async def test_an_unreadable_due_is_named_under_its_field_and_nothing_is_saved(db):
    ops.add_client("Ana Pop", now=NOW)
    async with running() as (app, pilot):
        for text in UNREADABLE:
            await pilot.press("f")
            form = app.screen
            await _fill(pilot, form, {"text": "call", "due": text})
            assert "cannot read the" in await refused(pilot, form, "due")
            await pilot.press("escape", "y")  # a filled form asks first
            await settle(pilot)
    assert FollowUp.select().count() == 0


async def test_a_prefilled_date_is_selected_on_entry_so_typing_replaces_it(db):
    client = ops.add_client("Ana Pop", now=NOW)
    async with running() as (app, pilot):
        await pilot.press("f", *"call back", "tab")
        await pilot.press(*"vineri 10:00")
        form = app.screen
        from callsheet.tui.widgets.field import Field

        assert form.query_one("#field-due", Field).widget.value == "vineri 10:00"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form)
        await settle(pilot)
    [follow_up] = FollowUp.select().where(FollowUp.client == client.id)
    assert follow_up.due_at == read_moment("vineri 10:00", "due", NOW)


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def ion(cli):
    code, _, err = cli("add", "Ion Ionescu")
    assert code == 0, err
    return cli


def _between(run, text: str, prefer: str, read=read_moment):
    """Run ``run()`` and return (its result, the moments ``text`` meant before and after)."""
    before = utcnow()
    result = run()
    after = utcnow()
    return result, read(text, "x", before, prefer=prefer), read(text, "x", after, prefer=prefer)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("text", TYPED)
def test_followup_add_edit_and_snooze_take_every_input_of_the_table(ion, text):
    made, low, high = _between(
        lambda: ion.json("followup", "add", "Ion", "call", "--due", text, "--json"), text, "future"
    )
    assert low <= _moment(made["due"]) <= high
    edited, low, high = _between(
        lambda: ion.json("followup", "edit", str(made["id"]), "--due", text, "--json"),
        text,
        "future",
    )
    assert low <= _moment(edited["due"]) <= high
    snoozed, low, high = _between(
        lambda: ion.json("followup", "snooze", str(made["id"]), text, "--json"), text, "future"
    )
    assert low <= _moment(snoozed["due"]) <= high


@pytest.mark.parametrize("text", TYPED)
def test_log_at_and_entry_edit_at_take_every_input_of_the_table(ion, text):
    (code, out, err), low, high = _between(
        lambda: ion("log", "Ion", "--at", text, "said hello", "--json"), text, "past"
    )
    if _future(low, utcnow()):
        assert code == 2 and err.startswith("callsheet: at: ") and "future" in err
        assert ion.json("entry", "list", "Ion", "--json") == []
        return
    assert code == 0, err
    logged = json.loads(out)["interaction"]
    assert low <= _moment(logged["at"]) <= high
    edited, low, high = _between(
        lambda: ion.json("entry", "edit", str(logged["id"]), "--at", text, "--json"), text, "past"
    )
    assert low <= _moment(edited["at"]) <= high


@pytest.mark.parametrize("text", TYPED)
def test_time_add_and_edit_take_every_input_of_the_table(ion, text):
    made, low, high = _between(
        lambda: ion.json("time", "add", "Ion", "30", "--start", text, "--json"), text, "past"
    )
    assert low <= _moment(made["start"]) <= high
    edited, low, high = _between(
        lambda: ion.json("time", "edit", str(made["id"]), "--start", text, "--json"), text, "past"
    )
    assert low <= _moment(edited["start"]) <= high


@pytest.mark.parametrize("text", TYPED)
def test_invoice_dates_take_every_input_of_the_table(ion, text):
    made, low, high = _between(
        lambda: ion.json(
            "invoice", "add", "Ion", "N-1", "100", "--issued", "2026-11-01", "--due", text, "--json"
        ),
        text,
        "future",
        read=read_date,
    )
    assert low <= date.fromisoformat(made["due"]) <= high


@pytest.mark.parametrize("text", UNREADABLE)
def test_every_cli_option_refuses_an_unreadable_date_naming_it(ion, text):
    code, _, err = ion("followup", "add", "Ion", "call", "--due", text)
    assert code == 2 and err.startswith("callsheet: due: cannot read the"), err
    code, _, err = ion("log", "Ion", "--at", text, "hello")
    assert code == 2 and err.startswith("callsheet: at: cannot read the"), err
    code, _, err = ion("invoice", "add", "Ion", "N-1", "100", "--due", text)
    assert code == 2 and err.startswith("callsheet: due: cannot read the"), err
    for kind in ("followup", "entry", "invoice"):
        assert ion.json(kind, "list", "Ion", "--json") == []


async def test_snooze_takes_every_input_of_the_table_and_names_its_field(db):
    from callsheet.tui.screens.records import RecordsScreen, SnoozeScreen

    client = ops.add_client("Ana Pop", status="active", now=NOW)
    ops.add_follow_up(client, NOW - timedelta(hours=1), "Send the offer")
    async with running() as (app, pilot):
        await pilot.press("r")
        assert isinstance(app.screen, RecordsScreen)
        await wait_for(pilot, lambda: app.mark_counts.get("records"), what="records listed")
        records = app.screen.record_list
        records._move_to(next(i for i, row in enumerate(records.rows) if row.kind == "follow_up"))
        await pilot.pause()
        for text in TYPED:
            expected = read_moment(text, "until", NOW)
            before = app.mark_counts["records"]
            await pilot.press("z", "tab", *text, "enter")
            await wait_for(
                pilot, lambda before=before: app.mark_counts["records"] > before, what=text
            )
            assert FollowUp.get().due_at == expected, text
        await pilot.press("z", "tab", *"next blursday", "enter")
        assert isinstance(app.screen, SnoozeScreen)
        shown = str(app.screen.query_one("#form-error").render())
        assert shown.startswith("until: cannot read the date 'next blursday'")
