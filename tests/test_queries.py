"""The dashboard's read queries (models/book/queries.py) against a real SQLite file."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import NOW

import callsheet.models.book.clients as ops
from callsheet.models.book import queries, records
from tests.promises import TRIAGE_KINDS


def test_client_rows_carry_money_overdue_contacts_and_archived_flag(db):
    ana = ops.add_client(
        "Ana Pop",
        company="Pop SRL",
        phones=["0721 234 567"],
        emails=["ana@pop.ro"],
        region="RO",
        now=NOW,
    )
    ops.add_invoice(
        ana, number="F1", amount="120.50", issued=date(2026, 10, 1), due=date(2026, 10, 31), now=NOW
    )
    ops.add_invoice(
        ana, number="F2", amount="10", issued=date(2026, 11, 1), due=date(2026, 12, 31), now=NOW
    )
    gone = ops.add_client("Old Client", now=NOW)
    ops.set_archived(gone, True, now=NOW)

    rows = {row.name: row for row in queries.client_rows(NOW.date())}

    # the invoice not yet due does not count
    assert rows["Ana Pop"].overdue == (("EUR", 12050),)
    assert rows["Ana Pop"].overdue_home_cents == 12050
    assert "pop srl" in rows["Ana Pop"].search and "ana@pop.ro" in rows["Ana Pop"].search
    assert "+40721234567" in rows["Ana Pop"].search
    assert rows["Old Client"].archived and not rows["Ana Pop"].archived


def test_client_rows_with_a_limit_return_the_riskiest_active_clients_only(db):
    calm = ops.add_client("Calm", now=NOW)
    rough = ops.add_client("Rough", now=NOW)
    ops.log_interaction(
        rough, summary="shouted", tone="hostile", signals=["aggressive", "legal_threat"], now=NOW
    )
    ops.log_interaction(calm, summary="fine", now=NOW)

    [top] = queries.client_rows(NOW.date(), limit=1)

    assert top.name == "Rough" and top.risk_score > 0


def test_log_rows_are_newest_first_with_their_signals_and_page_by_before(db):
    ana = ops.add_client("Ana Pop", now=NOW)
    for days in (3, 2, 1):
        ops.log_interaction(
            ana,
            summary=f"{days} days ago",
            at=NOW - timedelta(days=days),
            signals=["late_payment"] if days == 2 else [],
            now=NOW,
        )

    rows = queries.log_rows(ana.id)
    page = queries.log_rows(ana.id, limit=1, before=(rows[0].at, rows[0].id))

    assert [row.summary for row in rows] == ["1 days ago", "2 days ago", "3 days ago"]
    assert rows[1].signals == ("late_payment",) and rows[0].signals == ()
    assert [row.summary for row in page] == ["2 days ago"]


def test_triage_counts_and_needs_attention_list_follow_ups_before_overdue_money(db):
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    ops.add_follow_up(ana, NOW - timedelta(hours=1), "call back about the quote")
    ops.add_follow_up(ana, NOW + timedelta(days=3), "not due yet")
    ops.add_invoice(
        ana, number="F7", amount="50", issued=date(2026, 10, 1), due=date(2026, 10, 20), now=NOW
    )

    counts = queries.triage_counts(NOW)
    items = queries.needs_attention(NOW, stale_after_days=21)

    assert counts["follow_ups"] == 1 and counts["overdue"] == 1
    kinds = [item.kind for item in items]
    assert kinds[:2] == ["follow_up", "overdue_invoice"]
    assert "never contacted" in items[-1].text and items[-1].kind == "not_contacted"
    assert all("not due yet" not in item.text for item in items)


def _bulk_log(client, moments):
    """Many entries at once (log_interaction would recompute risk for each)."""
    from callsheet.models.store.tables import Interaction

    Interaction.insert_many(
        [
            {"client": client.id, "occurred_at": at, "channel": "call", "summary": ""}
            for at in moments
        ]
    ).execute()


def _page_through(client_id: int, page_size: int) -> list[int]:
    seen = queries.log_rows(client_id, limit=page_size)
    while True:
        rest = queries.log_rows(client_id, limit=page_size, before=(seen[-1].at, seen[-1].id))
        if not rest:
            return [row.id for row in seen]
        seen.extend(rest)


def test_paging_the_log_by_time_and_id_shows_every_entry(db):
    from callsheet.models.store.tables import Interaction

    ana = ops.add_client("Ana Pop", now=NOW)
    # 1,031 entries, several to a second, so page boundaries fall inside a second
    _bulk_log(ana, [NOW - timedelta(seconds=i // 3) for i in range(1031)])

    ids = _page_through(ana.id, 300)

    assert len(ids) == 1031 == len(set(ids))
    assert ids == [
        i.id
        for i in Interaction.select().order_by(
            Interaction.occurred_at.desc(), Interaction.id.desc()
        )
    ]


def test_paging_305_entries_logged_in_the_same_second_shows_all_305(db):
    ana = ops.add_client("Ana Pop", now=NOW)
    _bulk_log(ana, [NOW] * 305)

    first = queries.log_rows(ana.id, limit=300)
    rest = queries.log_rows(ana.id, before=(first[-1].at, first[-1].id))

    assert len(first) + len(rest) == 305
    assert not {row.id for row in first} & {row.id for row in rest}


def _book_with_one_of_each():
    """An active client with one thing of every kind to attend to, and a quiet one."""
    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    ops.add_follow_up(ana, NOW - timedelta(hours=1), "call back about the quote")
    ops.add_invoice(
        ana, number="F7", amount="50", issued=date(2026, 10, 1), due=date(2026, 10, 20), now=NOW
    )
    ops.log_interaction(ana, signals=["aggressive"], at=NOW - timedelta(days=1), now=NOW)
    quiet = ops.add_client("Quiet Client", status="active", now=NOW)
    ops.log_interaction(quiet, at=NOW - timedelta(days=40), now=NOW)
    return ana, quiet


def test_triage_groups_every_kind_with_its_count_in_order(db):
    ana, quiet = _book_with_one_of_each()
    from callsheet.models.book.records import set_cadence

    set_cadence(quiet, 30)  # meant to call every 30 days, silent for 40
    from callsheet.models.capture.ring import record_ring

    ops.update_client(ana, phones=["+40 744 555 010"], now=NOW)
    record_ring(None, "0744 555 010", "missed", at=NOW - timedelta(minutes=5), region="RO")

    triage = queries.triage(NOW, stale_after_days=21)

    assert [section.kind for section in triage.sections] == TRIAGE_KINDS
    assert triage.counts == {
        "follow_up": 1,
        "missed_call": 1,
        "overdue_invoice": 1,
        "risk_rose": 1,
        "cadence": 1,
        "not_contacted": 1,
        "sync_conflict": 0,
        "suggestion": 0,
    }
    [quiet_item] = triage.sections[TRIAGE_KINDS.index("not_contacted")].items
    assert quiet_item.client_id == quiet.id and "40 days" in quiet_item.text
    assert triage.items[0].ref == ops.FollowUp.get().id


def test_triage_has_no_cap_and_its_counts_are_the_headers(db):
    from callsheet.models.store.tables import Client, FollowUp, Invoice

    Client.insert_many(
        [
            {
                "name": f"C{i}",
                "name_key": f"c{i}",
                "status": "active",
                "created_at": NOW,
                "updated_at": NOW,
                "last_contact_at": NOW,
            }
            for i in range(700)
        ]
    ).execute()
    ids = [c.id for c in Client.select(Client.id)]
    FollowUp.insert_many(
        [{"client": i, "due_at": NOW - timedelta(days=1), "text": "call"} for i in ids]
    ).execute()
    Invoice.insert_many(
        [
            {
                "client": i,
                "number": f"F{i}",
                "amount_cents": 100,
                "issued": "2026-09-01",
                "due": "2026-09-30",
            }
            for i in ids
        ]
    ).execute()

    triage = queries.triage(NOW)
    counts = queries.triage_counts(NOW)

    assert triage.total == 1400  # the old list stopped at 500
    assert counts["follow_ups"] == triage.counts["follow_up"] == 700
    assert counts["overdue"] == triage.counts["overdue_invoice"] == 700


def test_triage_ignores_former_declined_and_archived_clients(db):
    ana, quiet = _book_with_one_of_each()
    for status in ("former", "declined"):
        gone = ops.add_client(f"Gone {status}", status="active", now=NOW)
        ops.add_follow_up(gone, NOW - timedelta(hours=1), "chase")
        ops.add_invoice(
            gone, number="G1", amount="9", issued=date(2026, 9, 1), due=date(2026, 9, 5), now=NOW
        )
        ops.update_client(gone, status=status, now=NOW)
    archived = ops.add_client("Archived", status="active", now=NOW)
    ops.add_follow_up(archived, NOW - timedelta(hours=1), "chase")
    ops.set_archived(archived, True, now=NOW)

    triage = queries.triage(NOW)
    counts = queries.triage_counts(NOW)

    assert {item.client_id for item in triage.items} == {ana.id, quiet.id}
    assert counts["follow_ups"] == 1 and counts["overdue"] == 1


def test_a_registered_group_is_shown_and_counted_like_the_others(db, monkeypatch):
    from callsheet.models.store.tables import Client

    _book_with_one_of_each()
    group = queries.query_group(
        "birthday",
        "Birthdays this week",
        lambda moment: Client.select(Client.id, Client.name).where(queries.in_triage()),
        lambda v, moment: queries.Attention(v[0], v[1], "birthday", 0, "send a card"),
    )
    monkeypatch.setattr(queries, "TRIAGE_GROUPS", list(queries.TRIAGE_GROUPS))
    queries.register_triage_group(group)

    triage = queries.triage(NOW)

    assert "Birthdays this week" in [section.title for section in triage.sections]
    assert triage.counts["birthday"] == 2 == group.count(queries.TriageMoment(NOW))


def test_notes_and_saved_outlines_do_not_count_as_contact(db):
    from callsheet.models.store.tables import Client

    ana = ops.add_client("Ana Pop", status="active", now=NOW)
    call = ops.log_interaction(ana, channel="call", at=NOW - timedelta(days=30), now=NOW)
    ops.log_interaction(ana, channel="note", summary="Saying no: outline", at=NOW, now=NOW)

    assert Client.get_by_id(ana.id).last_contact_at == call.occurred_at
    sections = queries.triage(NOW, stale_after_days=21).sections
    (quiet,) = [section.items for section in sections if section.kind == "not_contacted"]
    assert [item.client_id for item in quiet] == [ana.id]


def test_every_contact_channel_in_either_direction_moves_the_last_contact(db):
    from callsheet.models.store.tables import Client
    from callsheet.models.values.terms import CONTACT_CHANNELS

    ana = ops.add_client("Ana Pop", now=NOW)
    for days, channel in enumerate(CONTACT_CHANNELS):
        for direction in ("in", "out"):
            at = NOW - timedelta(days=10 - days, hours=direction == "in")
            ops.log_interaction(ana, channel=channel, direction=direction, at=at, now=NOW)
            assert Client.get_by_id(ana.id).last_contact_at == at


def test_deleting_the_last_call_falls_back_to_the_previous_contact_not_a_note(db):
    from callsheet.models.store.tables import Client

    ana = ops.add_client("Ana Pop", now=NOW)
    email = ops.log_interaction(ana, channel="email", at=NOW - timedelta(days=9), now=NOW)
    ops.log_interaction(ana, channel="note", at=NOW - timedelta(days=2), now=NOW)
    call = ops.log_interaction(ana, channel="call", at=NOW - timedelta(days=1), now=NOW)

    records.delete_interaction(call, now=NOW)

    assert Client.get_by_id(ana.id).last_contact_at == email.occurred_at
