"""Triage end to end: ``callsheet triage``, the dashboard's triage view and its header, the
log pages, and how clients are named when a name is ambiguous."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, FollowUp, Interaction, Invoice
from tests.clock import NOW
from tests.promises import TRIAGE_KINDS
from tests.tui_helpers import line_text, make_app, running, settle, wait_for

AS_OF = "2026-11-24T12:00:00+00:00"  # conftest's NOW


def _many(n: int) -> None:
    """``n`` active clients, each with a follow-up due and an overdue invoice."""
    Client.insert_many(
        [
            {
                "name": f"Client {i:04d}",
                "name_key": f"client {i:04d}",
                "status": "active",
                "created_at": NOW,
                "updated_at": NOW,
                "last_contact_at": NOW,
            }
            for i in range(n)
        ]
    ).execute()
    ids = [client_id for (client_id,) in Client.select(Client.id).tuples()]
    FollowUp.insert_many(
        [{"client": i, "due_at": NOW - timedelta(hours=i % 48), "text": "call"} for i in ids]
    ).execute()
    Invoice.insert_many(
        [
            {
                "client": i,
                "number": f"F{i}",
                "amount_cents": 1000,
                "issued": "2026-09-01",
                "due": "2026-09-30",
            }
            for i in ids
        ]
    ).execute()


@pytest.fixture
def busy_book(db_path):
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_database

    open_database(db_path)
    _many(600)
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    ops.log_interaction(ana, signals=["aggressive"], at=NOW - timedelta(days=1), now=NOW)
    quiet = ops.add_client("Quiet One", status="active", now=NOW)
    ops.log_interaction(quiet, at=NOW - timedelta(days=40), now=NOW)
    gone = ops.add_client("Gone Former", status="former", now=NOW)
    ops.add_follow_up(gone, NOW - timedelta(hours=1), "chase the former client")
    close_database()


def test_triage_json_lists_every_item_grouped_with_counts(busy_book, cli):
    report = cli.json("triage", "--json", "--as-of", AS_OF)

    groups = {group["kind"]: group for group in report["groups"]}
    assert list(groups) == TRIAGE_KINDS
    assert groups["follow_up"]["count"] == len(groups["follow_up"]["items"]) == 600
    assert groups["overdue_invoice"]["count"] == len(groups["overdue_invoice"]["items"]) == 600
    assert [item["client"] for item in groups["risk_rose"]["items"]] == ["Ana Pop"]
    assert [item["client"] for item in groups["not_contacted"]["items"]] == ["Quiet One"]
    assert report["total"] == sum(report["counts"][kind] for kind in groups) == 1202
    assert all("former" not in item["text"] for item in groups["follow_up"]["items"])


def test_triage_counts_are_the_dashboards_header_counts(busy_book, db_path, cli):
    from callsheet.models.book import queries
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_database

    report = cli.json("triage", "--json", "--as-of", AS_OF)
    open_database(db_path)
    header = queries.triage_counts(NOW)
    close_database()

    assert report["counts"]["follow_up"] == header["follow_ups"] == 600
    assert report["counts"]["overdue_invoice"] == header["overdue"] == 600
    assert report["counts"]["high_risk"] == header["high"]


def test_triage_text_groups_items_under_titles_and_prints_names_literally(db, cli):
    ana = ops.add_client("[bold]Ana\x1b[31m", status="active", now=NOW)
    ops.add_follow_up(ana, NOW - timedelta(hours=2), "Call back")
    ops.add_invoice(
        ana, number="F9", amount="120", issued=date(2026, 9, 1), due=date(2026, 9, 15), now=NOW
    )
    from callsheet.models.store.db import close_database

    close_database()

    code, out, err = cli("triage", "--as-of", AS_OF)

    assert code == 0, err
    assert "Follow-ups due · 1" in out and "Overdue invoices · 1" in out
    assert out.index("Follow-ups due") < out.index("Call back") < out.index("Overdue invoices")
    assert "[bold]Ana\\x1b[31m" in out and "\x1b" not in out
    assert "invoice F9: 120 EUR, 70 days overdue" in out


def test_triage_as_of_a_later_day_sees_the_follow_ups_due_by_then(db, cli):
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    ops.add_follow_up(ana, NOW + timedelta(days=2), "Send the quote")
    from callsheet.models.store.db import close_database

    close_database()

    today = cli.json("triage", "--json", "--as-of", AS_OF)
    later = cli.json("triage", "--json", "--as-of", "2026-11-26")

    assert today["counts"]["follow_up"] == 0
    assert [item["text"] for item in later["groups"][0]["items"]] == ["Send the quote"]


def test_an_ambiguous_name_lists_every_client_with_its_id(db, cli):
    ids = [ops.add_client("Ion Georgescu", company=f"Firma {n}", now=NOW).id for n in range(3)]
    from callsheet.models.store.db import close_database

    close_database()

    code, out, err = cli("show", "Ion Georgescu")

    assert code == 2 and out == ""
    assert "3 clients are named 'Ion Georgescu'" in err
    for n, client_id in enumerate(ids):
        assert f"Ion Georgescu (#{client_id}, Firma {n})" in err


def test_an_ambiguous_prefix_lists_its_matches_and_says_how_many_more(db):
    for n in range(25):
        ops.add_client(f"Ion Ionescu {n:02d}", now=NOW)

    with pytest.raises(ops.ClientNotFound) as few:
        ops.find_client("ion ionescu 1")
    with pytest.raises(ops.ClientNotFound) as many:
        ops.find_client("ion")

    assert "(10)" in str(few.value) and "Ion Ionescu 19 (#20)" in str(few.value)
    assert "(25)" in str(many.value) and "and 5 more" in str(many.value)


def test_a_saved_outline_does_not_push_the_real_call_off_the_call_sheet(db):
    from callsheet.models.briefing.brief import brief_of

    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    for hours in (30, 20, 10):
        ops.log_interaction(ana, summary=f"call {hours}", at=NOW - timedelta(hours=hours), now=NOW)
    ops.log_interaction(ana, channel="note", summary="Saying no: outline", at=NOW, now=NOW)

    brief = brief_of(ana.id, NOW)

    assert [c.summary for c in brief.last_contacts] == ["call 10", "call 20", "call 30"]
    assert Client.get_by_id(ana.id).last_contact_at == NOW - timedelta(hours=10)


# --- the dashboard ---------------------------------------------------------------------------


async def test_the_triage_view_shows_every_item_under_headings_and_agrees_with_the_header(
    busy_book, db
):
    async with running() as (app, pilot):
        header = str(app.screen.query_one("#triage-bar").render())
        await pilot.press("t")
        attention = app.screen.query_one("#attention")
        await wait_for(pilot, lambda: len(attention.rows) > 1000, what="triage items")
        # A reload still under way (the first load, the change watch) would move the view
        # under the keys pressed below.
        await settle(pilot)

        assert len(attention.rows) == 1202
        assert "600 overdue invoices" in header and "600 follow-ups due today" in header
        assert "Needs attention · 1,202" in str(app.screen.query_one("#left").border_title)
        assert "Follow-ups due · 600" in line_text(attention, 0)
        assert attention.current.kind == "follow_up"  # the cursor is on an item, not a heading

        await pilot.press("right_square_bracket")
        assert attention.current.kind == "overdue_invoice"
        await pilot.press("right_square_bracket")
        assert attention.current.client_name == "Ana Pop"
        assert attention.current.kind == "risk_rose"
        await pilot.press("right_square_bracket", "down")
        assert attention.current.client_name == "Quiet One"
        await pilot.press("end")
        await settle(pilot)
        # The last kind that has items, with its count, holds the last item.
        last = [section for section in attention.sections if section.items][-1]
        assert "gone quiet" in last.title.lower() and len(last.items) == 1
        assert attention.current is last.items[-1]
        assert attention.current.client_name == "Quiet One"


async def test_x_in_triage_marks_the_selected_follow_up_done(db):
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    ops.log_interaction(ana, at=NOW, now=NOW)  # not quiet: the follow-ups are all of triage
    ops.add_follow_up(ana, NOW - timedelta(hours=3), "Same words")
    later = ops.add_follow_up(ana, NOW - timedelta(hours=1), "Same words")
    async with running() as (app, pilot):
        await pilot.press("t")
        attention = app.screen.query_one("#attention")
        await wait_for(pilot, lambda: len(attention.rows) == 2, what="triage items")
        await pilot.press("down", "x")
        await wait_for(pilot, lambda: FollowUp.get_by_id(later.id).done_at is not None, what="done")
    assert FollowUp.select().where(FollowUp.done_at.is_null()).count() == 1


async def test_a_log_of_1031_entries_shows_1031_even_with_entries_sharing_a_second(db):
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    Interaction.insert_many(
        [
            {"client": ana.id, "occurred_at": NOW - timedelta(seconds=i // 7), "channel": "call"}
            for i in range(1031)
        ]
    ).execute()
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        log = app.screen.query_one("#log")
        await wait_for(pilot, lambda: len(log.rows) == 1031, what="the whole log")
        assert str(log.border_subtitle).startswith("1,031 entries")
        assert len({row.id for row in log.rows}) == 1031
