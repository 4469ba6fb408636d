"""callsheet.models.book.records and callsheet.models.store.search on a real store (both backends): corrections, undo,
partial payments in every reader of money, cadences, natural dates and full-text search."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.book import queries, records, scoring
from callsheet.models.briefing.facts import fact_sheet
from callsheet.models.store.search import search
from callsheet.models.store.tables import (
    Agreement,
    Client,
    Interaction,
    Invoice,
    Payment,
    Signal,
    TimeEntry,
)
from callsheet.models.values.when import WhenError
from tests.conftest import NOW


@pytest.fixture
def ion(db):
    client = ops.add_client("Ion Ionescu", status="active", now=NOW)
    ops.log_interaction(
        client,
        summary="Threatens a lawyer over the Carpați contract",
        signals=["legal_threat", "rude"],
        at=NOW - timedelta(days=2),
        now=NOW,
    )
    return Client.get_by_id(client.id)


def test_editing_an_entry_moves_its_signals_and_last_contact_and_undo_restores_them(ion):
    entry = Interaction.get()
    later = NOW - timedelta(hours=1)
    change = records.edit_interaction(entry, at=later, signals=["praise"], now=NOW)
    assert [(s.kind, s.at) for s in Signal.select()] == [("praise", later)]
    assert Client.get_by_id(ion.id).last_contact_at == later
    assert Client.get_by_id(ion.id).risk_score == 0
    change.undo(NOW)
    assert sorted(s.kind for s in Signal.select()) == ["legal_threat", "rude"]
    assert Client.get_by_id(ion.id).last_contact_at == NOW - timedelta(days=2)
    assert Client.get_by_id(ion.id).risk_score == ion.risk_score


def test_deleting_the_only_entry_clears_last_contact_and_risk(ion):
    change = records.delete_interaction(Interaction.get(), NOW)
    stored = Client.get_by_id(ion.id)
    assert stored.last_contact_at is None and stored.risk_score == 0
    change.undo(NOW)
    assert Client.get_by_id(ion.id).risk_score == ion.risk_score


def test_a_bad_edit_changes_nothing(ion):
    entry = Interaction.get()
    with pytest.raises(ValueError, match="signal"):
        records.edit_interaction(entry, signals=["rudee"], summary="x", now=NOW)
    assert Interaction.get().summary.startswith("Threatens")


def test_partial_payments_make_overdue_what_remains_in_list_triage_risk_and_fact_sheet(ion):
    invoice = ops.add_invoice(
        ion,
        number="21",
        amount=1000,
        issued=date(2026, 10, 1),
        due=date(2026, 10, 15),
        now=NOW,
    )
    _, first = records.add_payment(invoice, amount="400", paid_on=date(2026, 11, 1), now=NOW)
    today = NOW.date()
    [row] = queries.client_rows(today, client_ids=[ion.id])
    assert row.overdue == (("EUR", 60_000),)
    overdue = [a for a in queries.needs_attention(NOW) if a.kind == "overdue_invoice"]
    assert "600" in overdue[0].text
    evidence = {f.signal: f for f in scoring.explain(ion.id, NOW).factors}
    assert "600 EUR" in evidence["invoice_overdue"].evidence[0].summary
    sheet = fact_sheet(ion.id, NOW)
    assert "| ↳ payment | 400 EUR |" in sheet and "2026-11-01" in sheet
    with pytest.raises(ValueError, match="more than the 600"):
        records.add_payment(invoice, amount="601", paid_on=today, now=NOW)
    _, second = records.add_payment(invoice, paid_on=date(2026, 11, 20), now=NOW)
    assert Invoice.get_by_id(invoice.id).paid == date(2026, 11, 20)  # fully paid on the last part
    assert queries.client_rows(today, client_ids=[ion.id])[0].overdue == ()
    second.undo(NOW)
    assert Invoice.get_by_id(invoice.id).paid is None
    assert Payment.select().count() == 1
    records.delete_payment(Payment.get(), NOW)
    assert records.remaining_cents(Invoice.get_by_id(invoice.id)) == 100_000


def test_lowering_an_invoice_below_what_was_paid_marks_it_paid(ion):
    invoice = ops.add_invoice(ion, number="9", amount=500, issued=date(2026, 11, 1), now=NOW)
    records.add_payment(invoice, amount=300, paid_on=date(2026, 11, 5), now=NOW)
    records.edit_invoice(invoice, amount=300, now=NOW)
    assert Invoice.get_by_id(invoice.id).paid == date(2026, 11, 5)


def test_deleting_an_agreement_unlinks_its_invoices_and_time_and_undo_relinks(ion):
    agreement = ops.add_agreement(ion, title="Website", budget=8000)
    invoice = ops.add_invoice(
        ion, number="1", amount=100, issued=date(2026, 11, 1), agreement=agreement, now=NOW
    )
    entry = ops.add_time_entry(ion, started_at=NOW, minutes=60, agreement=agreement)
    change = records.delete_agreement(agreement)
    assert Invoice.get_by_id(invoice.id).agreement_id is None
    change.undo(NOW)
    assert Invoice.get_by_id(invoice.id).agreement_id == agreement.id
    assert TimeEntry.get_by_id(entry.id).agreement_id == agreement.id
    assert Agreement.get_by_id(agreement.id).budget_cents == 800_000


def test_a_lapsed_cadence_comes_up_and_contact_resets_it(ion):
    assert records.lapsed_cadences(NOW) == []
    records.set_cadence(ion, 7)
    assert records.lapsed_cadences(NOW + timedelta(days=4)) == []
    [lapsed] = records.lapsed_cadences(NOW + timedelta(days=6))
    assert lapsed.client_name == "Ion Ionescu" and lapsed.cadence_days == 7
    ops.log_interaction(
        ion, summary="Called", at=NOW + timedelta(days=6), now=NOW + timedelta(days=6)
    )
    assert records.lapsed_cadences(NOW + timedelta(days=6)) == []
    with pytest.raises(ValueError, match="cadence"):
        records.set_cadence(ion, "weekly")


@pytest.mark.parametrize(
    ("text", "weekday"),
    [("vineri", 4), ("w piątek", 4), ("в пятницу", 4), ("next monday", 0), ("luni", 0)],
)
def test_natural_dates_in_four_languages_point_ahead_at_nine(text, weekday):
    moment = records.natural_moment(text, NOW).astimezone()
    assert moment.weekday() == weekday and moment > NOW and moment.hour == 9


def test_natural_dates_for_the_log_point_back_and_iso_still_works():
    assert records.natural_moment("vineri", NOW, prefer="past") < NOW
    assert records.natural_moment("2026-11-22T10:00+00:00", NOW) == datetime(
        2026, 11, 22, 10, tzinfo=UTC
    )
    with pytest.raises(WhenError):
        records.natural_moment("the day after never", NOW)


def test_snooze_tomorrow_and_next_week_land_on_nine_in_the_morning():
    tomorrow = records.snooze_until("tomorrow", NOW).astimezone()
    assert tomorrow.date() == NOW.astimezone().date() + timedelta(days=1)
    assert tomorrow.hour == 9
    week = records.snooze_until("next week", NOW).astimezone()
    assert week.weekday() == 0 and week > NOW


def test_search_folds_case_and_diacritics_takes_prefixes_and_follows_every_change(ion):
    [hit] = search("CARPATI contr")
    assert hit.client_name == "Ion Ionescu" and hit.entry_id == Interaction.get().id
    assert "Carpați" in hit.excerpt
    ops.update_client(ion, notes="Prefers his lawyer in copy")
    assert {h.kind for h in search("lawyer")} == {"entry", "notes"}
    records.edit_interaction(Interaction.get(), summary="Nothing about that", now=NOW)
    assert search("carpati") == []
    ops.delete_client(Client.get_by_id(ion.id))
    assert search("lawyer") == [] and search("nothing") == []


def test_search_takes_any_typed_text_as_words(ion):
    for text in ['"', "*", "AND OR NOT", "a:*", "(", "'; drop table client; --", ""]:
        search(text)  # never a syntax error from the index
    assert Client.select().count() == 1


def test_a_lapsed_cadence_is_in_triage_until_the_next_contact(ion):
    records.set_cadence(ion, 1)
    [item] = [a for a in queries.needs_attention(NOW) if a.kind == "cadence"]
    assert item.client_name == "Ion Ionescu" and "stay in touch every day" in item.text
    ops.log_interaction(ion, summary="Called", at=NOW, now=NOW)
    assert not [a for a in queries.needs_attention(NOW) if a.kind == "cadence"]


def test_undo_after_the_client_was_deleted_says_so_and_writes_nothing(ion):
    change = records.delete_interaction(Interaction.get(), NOW)
    ops.delete_client(Client.get_by_id(ion.id))
    with pytest.raises(ValueError, match="cannot undo"):
        change.undo(NOW)
    assert Interaction.select().count() == 0 and Signal.select().count() == 0


def test_a_search_hit_older_than_the_listed_entries_is_listed_too(ion):
    old = Interaction.get()
    for day in range(3):
        ops.log_interaction(ion, summary=f"call {day}", at=NOW - timedelta(hours=day), now=NOW)
    lines = records.client_records(ion.id, entries=2)
    assert old.id not in [line.id for line in lines if line.kind == "entry"]
    lines = records.client_records(ion.id, entries=2, also_entry=old.id)
    assert [line.id for line in lines if line.kind == "entry"][-1] == old.id


# -- stale copies and row versions (issue 22) ------------------------------------------------


def test_an_edit_of_a_stale_copy_writes_only_its_own_fields(ion):
    invoice = ops.add_invoice(ion, number="S-1", amount=500, issued=NOW.date(), now=NOW)
    stale = records.get_invoice(invoice.id)  # read, as a form or a command does, before...
    records.edit_invoice(records.get_invoice(invoice.id), disputed=True, now=NOW)  # ...this
    records.edit_invoice(stale, amount=700, now=NOW)
    saved = Invoice.get_by_id(invoice.id)
    assert (saved.amount_cents, saved.disputed) == (70000, True)


def test_an_edit_carrying_an_older_version_is_refused_and_writes_nothing(ion):
    invoice = ops.add_invoice(ion, number="S-1", amount=500, issued=NOW.date(), now=NOW)
    opened = Invoice.get_by_id(invoice.id).version
    records.edit_invoice(records.get_invoice(invoice.id), disputed=True, now=NOW)
    with pytest.raises(ops.StaleEdit, match="changed by someone else since you opened it"):
        records.edit_invoice(invoice, amount=700, version=opened, now=NOW)
    assert Invoice.get_by_id(invoice.id).amount_cents == 50000
    records.edit_invoice(invoice, amount=700, version=opened + 1, now=NOW)  # the new one
    assert Invoice.get_by_id(invoice.id).amount_cents == 70000


def test_undo_writes_the_old_row_back_as_a_newer_version(ion):
    entry = Interaction.get()
    change = records.edit_interaction(entry, summary="Corrected", now=NOW)
    edited = Interaction.get_by_id(entry.id).version
    change.undo(NOW)
    back = Interaction.get_by_id(entry.id)
    assert back.summary == "Threatens a lawyer over the Carpați contract"
    assert back.version == edited + 1  # a form opened on the edit is stale now


def test_a_client_edit_on_a_stale_copy_keeps_the_newer_last_contact_and_risk(ion):
    stale = Client.get_by_id(ion.id)
    ops.log_interaction(Client.get_by_id(ion.id), summary="Called", at=NOW, now=NOW)
    called = Client.get_by_id(ion.id)
    ops.update_client(stale, company="Acme SRL", now=NOW)
    client = Client.get_by_id(ion.id)
    assert client.company == "Acme SRL" and client.last_contact_at == NOW
    assert (client.risk_score, client.risk_as_of) == (called.risk_score, called.risk_as_of)
    # logging a call is a derived write: a client form opened before it is not stale
    assert client.version == ion.version + 1
