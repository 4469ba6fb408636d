"""The dashboard's forms at the edge: a phone another client has, a log entry in the future."""

from __future__ import annotations

from models import clients as ops
from models.entities import Client, Interaction
from tests.conftest import NOW
from tests.tui_helpers import make_app, wait_for
from tui.widgets.field import Field


async def test_a_phone_another_client_has_is_named_under_the_field_and_nothing_is_saved(db):
    ops.add_client("Ion Ionescu", phones=["+40 721 234 567"], now=NOW)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.mark_counts.get("clients"))
        await pilot.press("n", *"Ion Junior")
        form = app.screen
        form.query_one("#field-phone Input").value = "0721 234 567"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.query_one("#field-phone", Field).has_class("-invalid"))
        error = str(form.query_one("#field-phone .field-error").render())
        assert "already belongs to #1 Ion Ionescu" in error
        assert Client.select().count() == 1


async def test_a_log_entry_in_the_future_is_refused_with_the_reason(db):
    ops.add_client("Ana Pop", now=NOW)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.mark_counts.get("clients"))
        await pilot.press("l", *"Planned call")
        form = app.screen
        form.query_one("#field-when Input").value = "in 3 days"
        await pilot.press("ctrl+s")
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
