"""Demo data: reproducible, varied enough to exercise every signal, and never mixed into real data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from peewee import fn

from callsheet.models.demo import generate
from callsheet.models.store.tables import Client, FollowUp, Interaction, Invoice, Signal
from callsheet.models.values.terms import CONTACT_CHANNELS, SIGNALS
from tests.conftest import NOW


def _fingerprint():
    return (
        [(c.name, c.salutation, c.status) for c in Client.select().order_by(Client.id)],
        [
            (i.client_id, i.occurred_at, i.summary)
            for i in Interaction.select().order_by(Interaction.id)
        ],
    )


def test_the_same_seed_gives_the_same_data(tmp_path):
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_database

    open_database(tmp_path / "a.db")
    generate(60, 3000, seed=7, now=NOW)
    first = _fingerprint()
    close_database()
    open_database(tmp_path / "b.db")
    generate(60, 3000, seed=7, now=NOW)
    assert _fingerprint() == first


def test_demo_data_uses_every_signal_and_all_four_languages(db):
    generate(300, 20000, seed=1, now=NOW)
    assert {s.kind for s in Signal.select(Signal.kind).distinct()} >= set(SIGNALS) - {
        "paid_on_time"
    }
    assert {c.language for c in Client.select(Client.language).distinct()} == {
        "en",
        "ro",
        "pl",
        "ru",
    }
    assert Invoice.select().where(Invoice.paid.is_null()).exists()
    assert FollowUp.select().where(FollowUp.done_at.is_null()).exists()


def test_demo_sets_each_clients_last_contact_to_their_newest_call_email_meeting_or_message(db):
    generate(30, 2000, seed=3, now=NOW)
    newest = dict(
        Interaction.select(Interaction.client, fn.MAX(Interaction.occurred_at))
        .where(Interaction.channel.in_(CONTACT_CHANNELS))
        .group_by(Interaction.client)
        .tuples()
    )
    for client in Client.select():
        assert client.last_contact_at == Interaction.occurred_at.python_value(newest[client.id])
    assert Interaction.select().where(Interaction.channel == "note").exists()


def test_demo_refuses_a_database_that_already_has_clients(db):
    from callsheet.models.book.clients import add_client

    add_client("Real Client", now=NOW)
    with pytest.raises(ValueError, match="empty database"):
        generate(10, 100, seed=1, now=NOW)
    assert Client.select().count() == 1


def test_demo_command_reports_what_it_made(cli):
    code, out, err = cli("demo", "--clients", "20", "--interactions", "500", "--seed", "5")
    assert code == 0, err
    assert "20 clients" in out and "500 interactions" in out
    assert len(cli.json("list", "--json", "--archived")) == 20


@pytest.fixture
def book(db):
    generate(300, 20_000, seed=42, now=NOW)


def test_demo_histories_run_from_a_few_entries_to_a_few_hundred_over_years(book):
    sizes = [
        n
        for (n,) in Interaction.select(fn.COUNT(Interaction.id))
        .group_by(Interaction.client)
        .tuples()
    ]
    assert len(sizes) == 300 and min(sizes) >= 2 and max(sizes) <= 8 * 20_000 / 300
    oldest, newest = Interaction.select(
        fn.MIN(Interaction.occurred_at), fn.MAX(Interaction.occurred_at)
    ).scalar(as_tuple=True)
    assert newest - oldest > timedelta(days=3 * 365) and newest <= NOW


def test_demo_signs_are_a_handful_per_client_not_dozens(book):
    most = (
        Signal.select(fn.COUNT(Signal.id).alias("n"))
        .group_by(Signal.client, Signal.kind)
        .order_by(fn.COUNT(Signal.id).desc())
        .scalar()
    )
    healthy = Client.select().where(Client.archived_at.is_null() & (Client.risk_band == "low"))
    assert most <= 10
    assert healthy.count() > 0.6 * Client.select().where(Client.archived_at.is_null()).count()


def test_demo_archived_clients_went_quiet_months_before_they_were_archived(book):
    from callsheet.models.demo import archived_count

    archived = list(Client.select().where(Client.archived_at.is_null(False)))
    assert len(archived) == archived_count(300) > 0
    for client in archived:
        newest = Interaction.select(fn.MAX(Interaction.occurred_at)).where(
            Interaction.client == client
        )
        assert client.archived_at - client.last_contact_at >= timedelta(days=59)
        assert NOW - Interaction.occurred_at.python_value(newest.scalar()) > timedelta(days=59)
        assert client.status in ("former", "declined")


def test_demo_former_and_declined_clients_are_not_contacted_lately(book):
    recent = Client.select().where(
        Client.status.in_(("former", "declined"))
        & (Client.last_contact_at > NOW - timedelta(days=14))
    )
    assert not recent.exists()


def test_demo_tags_are_lists_of_words(book):
    tags = {tag for client in Client.select() for tag in client.tags}
    assert tags and tags <= {"vip", "retainer"}


def test_demo_command_says_how_many_clients_the_list_will_show(cli):
    from callsheet.models.demo import archived_count

    code, out, err = cli("demo", "--clients", "200", "--interactions", "2000")
    assert code == 0, err
    assert f"({archived_count(200)} archived)" in out
    assert len(cli.json("list", "--json")) == 200 - archived_count(200)
