"""Demo data: reproducible, varied enough to exercise every signal, and never mixed into real data."""

from __future__ import annotations

import pytest

from models.demo import generate
from models.entities import SIGNALS, Client, FollowUp, Interaction, Invoice, Signal
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
    from models.db import close_database
    from models.store import open_database

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


def test_demo_sets_each_clients_last_contact(db):
    generate(30, 2000, seed=3, now=NOW)
    client = Client.select().join(Interaction).first()
    newest = (
        Interaction.select()
        .where(Interaction.client == client)
        .order_by(Interaction.occurred_at.desc())
        .first()
    )
    assert Client.get_by_id(client.id).last_contact_at == newest.occurred_at


def test_demo_refuses_a_database_that_already_has_clients(db):
    from models.clients import add_client

    add_client("Real Client", now=NOW)
    with pytest.raises(ValueError, match="empty database"):
        generate(10, 100, seed=1, now=NOW)
    assert Client.select().count() == 1


def test_demo_command_reports_what_it_made(cli):
    code, out, err = cli("demo", "--clients", "20", "--interactions", "500", "--seed", "5")
    assert code == 0, err
    assert "20 clients" in out and "500 interactions" in out
    assert len(cli.json("list", "--json", "--archived")) == 20
