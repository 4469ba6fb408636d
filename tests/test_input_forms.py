"""The dashboard's forms at the edge: a phone another client has, a log entry in the future."""

from __future__ import annotations

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, Interaction
from callsheet.tui.widgets.field import Field
from tests.clock import NOW
from tests.tui_helpers import refused, running, submit, wait_for


async def test_a_phone_another_client_has_is_named_under_the_field_and_nothing_is_saved(db):
    ops.add_client("Ion Ionescu", phones=["+40 721 234 567"], now=NOW)
    async with running() as (app, pilot):
        form = await submit(pilot, "n", {"phone": "0721 234 567"}, typed="Ion Junior")
        assert "already belongs to #1 Ion Ionescu" in await refused(pilot, form, "phone")
        assert Client.select().count() == 1


async def test_a_log_entry_in_the_future_is_refused_with_the_reason(db):
    ops.add_client("Ana Pop", now=NOW)
    async with running() as (app, pilot):
        form = await submit(pilot, "l", {"when": "in 3 days"}, typed="Planned call")
        await wait_for(
            pilot,
            lambda: (
                "future" in str(form.query_one("#form-error").render())
                or form.query_one("#field-when", Field).has_class("-invalid")
            ),
        )
        shown = str(form.query_one("#field-when .field-error").render()) + str(
            form.query_one("#form-error").render()
        )
        assert "is in the future" in shown and "follow-up" in shown
    assert Interaction.select().count() == 0
