"""Many writers at once: nothing lost to the lock, and no lost update between two writers.

Four processes writing 250 log entries each while the dashboard is open and saving too:
every write is one transaction through the same patient path as the command line, so none
is lost to "database is locked", the file stays sound, and the open dashboard picks the
new clients up without a restart. Then races on one row (two "pay the rest" at once, an
amount corrected while the invoice is disputed, a client edited while a call is logged),
run by several processes many times on both backends: each write re-reads and locks its
row inside its transaction, so none of them loses the other's change.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.store.tables import Client, Interaction
from callsheet.tui.screens.form_screen import FormScreen
from tests.clock import NOW
from tests.tui_helpers import running, wait_for

WRITES = 250
WRITERS = 4

WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from callsheet.models.store.busy import patiently
from callsheet.models.store.opening import open_database
from callsheet.models.book import clients as ops
open_database(sys.argv[1])
client = patiently(lambda: ops.add_client(sys.argv[2]))
start = datetime(2026, 11, 1, tzinfo=UTC)
for n in range(int(sys.argv[3])):
    at = start + timedelta(minutes=n)
    patiently(lambda: ops.log_interaction(client, summary=f"write {n}", at=at, now=at))
print("done", flush=True)
"""


@pytest.mark.sqlite_only  # PRAGMA integrity_check of the file
async def test_four_writers_and_the_open_dashboard_lose_nothing(db, db_path, monkeypatch):
    monkeypatch.setenv("CALLSHEET_BUSY_TIMEOUT_MS", "200")
    ops.add_client("Ana Pop", status="active", now=NOW)
    async with running() as (app, pilot):
        assert app.screen.selected_client_id
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(db_path), f"Writer {k}", str(WRITES)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for k in range(WRITERS)
        ]
        # the dashboard saves while they write
        await pilot.press("l", *"Saved from the dashboard meanwhile")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, FormScreen), timeout=60, what="form saved"
        )
        for writer in writers:
            out, err = writer.communicate(timeout=240)
            assert writer.returncode == 0 and out.strip() == "done", err[-2000:]
        await wait_for(
            pilot,
            lambda: (
                sum(row.name.startswith("Writer ") for row in app.screen.client_list.all_rows)
                == WRITERS
            ),
            timeout=15,
            what="the writers' clients on the dashboard",
        )
        await app.workers.wait_for_complete()
    for k in range(WRITERS):
        client = Client.get(Client.name == f"Writer {k}")
        assert Interaction.select().where(Interaction.client == client).count() == WRITES
    assert (
        Interaction.select()
        .where(Interaction.summary == "Saved from the dashboard meanwhile")
        .exists()
    )
    connection = sqlite3.connect(str(db_path))
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


# -- two writers on the same row: no lost update (issue 22) ----------------------------------
#
# RACERS processes start together at a barrier before every trial and run one race, as two
# terminals (or a terminal and the open dashboard) would, with no sleeps and nothing forced:
# whatever interleaving the machine gives is what is checked. Each trial has rows of its own.

TRIALS = 25
RACERS = 4


def _race_step(race: str, rank: int, trial: int, row_id: int) -> None:
    """This rank's part of ``race`` on the trial's row (one whole transaction)."""
    from datetime import date, timedelta

    from callsheet.models.book import records

    if race == "pay":  # everybody pays what is still owed
        invoice = records.get_invoice(row_id)
        records.add_payment(invoice, paid_on=date(2026, 11, 20), now=NOW)
    elif race == "edit-dispute" and rank % 2:  # half correct the amount (CLI: read, then edit)
        records.edit_invoice(records.get_invoice(row_id), amount=2000 + rank, now=NOW)
    elif race == "edit-dispute":  # the other half dispute it
        records.edit_invoice(records.get_invoice(row_id), disputed=True, now=NOW)
    elif race == "edit-log" and rank % 2:  # half edit the client's notes
        ops.update_client(Client.get_by_id(row_id), notes=f"by {rank}")
    elif race == "edit-log":  # the other half log a call; rank 2 logs the newest
        at = NOW - timedelta(hours=4 - rank)
        ops.log_interaction(Client.get_by_id(row_id), summary=f"call {trial}", at=at, now=NOW)


def _race_worker(store: str, race: str, rank: int, ids: list[int], barrier) -> None:
    """One racer: for each trial wait for the others, then do this rank's part of ``race``."""
    from contextlib import suppress
    from functools import partial

    from callsheet.models.store.busy import patiently
    from callsheet.models.store.opening import open_database
    from callsheet.models.values.validate import InputError

    open_database(store)
    for trial, row_id in enumerate(ids):
        barrier.wait(timeout=120)
        # "already paid in full": the loser of a payment race is told so
        with suppress(InputError):
            patiently(partial(_race_step, race, rank, trial, row_id))


def _race(store, race: str, ids: list[int]) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(RACERS)
    racers = [
        context.Process(target=_race_worker, args=(str(store), race, rank, ids, barrier))
        for rank in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=600)
        assert racer.exitcode == 0, f"a {race} racer failed (exit {racer.exitcode})"


def test_racing_payments_of_the_rest_record_exactly_one_payment(db, db_path):
    from callsheet.models.store.tables import Payment

    client = ops.add_client("Ana Pop", status="active", now=NOW)
    invoices = [
        ops.add_invoice(client, number=f"R-{n}", amount=1000, issued=NOW.date(), now=NOW)
        for n in range(TRIALS)
    ]
    _race(db_path, "pay", [i.id for i in invoices])
    doubled = []
    for invoice in invoices:
        paid = [p.amount_cents for p in Payment.select().where(Payment.invoice == invoice.id)]
        if len(paid) != 1 or sum(paid) != invoice.amount_cents:
            doubled.append((invoice.number, paid))
    assert not doubled, f"{len(doubled)}/{TRIALS} invoices paid more than once: {doubled}"


def test_an_amount_correction_racing_a_dispute_keeps_both(db, db_path):
    from callsheet.models.store.tables import Invoice

    client = ops.add_client("Ana Pop", status="active", now=NOW)
    invoices = [
        ops.add_invoice(client, number=f"E-{n}", amount=1000, issued=NOW.date(), now=NOW)
        for n in range(TRIALS)
    ]
    _race(db_path, "edit-dispute", [i.id for i in invoices])
    lost_dispute = lost_amount = 0
    for invoice in invoices:
        now = Invoice.get_by_id(invoice.id)
        lost_dispute += not now.disputed
        lost_amount += now.amount_cents not in (200_100, 200_300)
    assert (lost_dispute, lost_amount) == (0, 0), (
        f"of {TRIALS} trials: dispute lost in {lost_dispute}, amount lost in {lost_amount}"
    )


def test_a_client_edit_racing_a_logged_call_keeps_the_newest_last_contact(db, db_path):
    from datetime import timedelta

    clients = [ops.add_client(f"Client {n}", status="active", now=NOW) for n in range(TRIALS)]
    _race(db_path, "edit-log", [c.id for c in clients])
    stale = lost_notes = 0
    for client in clients:
        now = Client.get_by_id(client.id)
        stale += now.last_contact_at != NOW - timedelta(hours=2)
        lost_notes += now.notes not in ("by 1", "by 3")
    assert (stale, lost_notes) == (0, 0), (
        f"of {TRIALS} trials: last contact stale in {stale}, notes lost in {lost_notes}"
    )
