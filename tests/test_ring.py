"""`callsheet ring` and the ring events behind it (models/capture/ring.py): any number format,
withheld numbers, the event stored for every open dashboard, pruning, and a stuck lock.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import timedelta

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.capture.ring import identify, prune, record_ring, rings_after
from callsheet.models.store.tables import RingEvent
from tests.clock import NOW
from tests.commands import CALLSHEET
from tests.factories import ion_ionescu


@pytest.mark.parametrize(
    "number",
    [
        "0721 234 567",
        "0721-234-567",
        "+40721234567",
        "0040 721 234 567",
        "sip:+40721234567@sip.example.net",
        "sip:0721234567@pbx.local;transport=udp",
        '"Ion" <sip:0040721234567@host;user=phone>',
        "sips:%2B40721234567@host",
        "tel:+40-721-234-567",
        "tel:0721234567;phone-context=example.ro",
    ],
)
def test_ring_knows_the_caller_in_every_format_a_telephony_tool_sends(db, number):
    ion = ion_ionescu()
    result = record_ring(None, number, "ringing", "test", at=NOW, region="RO")
    assert result.client_id == ion.id and result.name == "Ion Ionescu"
    assert result.e164 == "+40721234567" and not result.withheld
    assert result.greeting == "Bună ziua, dl. Ionescu"  # 14:00 in Bucharest
    row = RingEvent.get_by_id(result.ring_id)
    assert (row.event, row.client_id, row.e164, row.source) == (
        "ringing",
        ion.id,
        "+40721234567",
        "test",
    )
    assert row.number == number


@pytest.mark.parametrize(
    "number", ["", "-1", "-2", "anonymous", "Anonymous", "sip:anonymous@anonymous.invalid", "  "]
)
def test_an_empty_or_hidden_number_is_a_withheld_number(db, number):
    ion_ionescu()
    result = record_ring(None, number, at=NOW, region="RO")
    assert result.withheld and result.client_id is None and result.e164 is None
    assert RingEvent.get_by_id(result.ring_id).withheld


def test_an_unknown_number_is_stored_normalised_without_a_client(db):
    ion_ionescu()
    result = record_ring(None, "0744 000 111", at=NOW, region="RO")
    assert result.client_id is None and result.e164 == "+40744000111" and not result.withheld
    assert RingEvent.get_by_id(result.ring_id).client_id is None


def test_text_that_is_no_number_is_still_a_ring_with_the_reason(db):
    result = record_ring(None, "abc\x1b[31m", at=NOW, region="RO")
    assert result.client_id is None and result.e164 is None and result.problem
    assert "\x1b" not in RingEvent.get_by_id(result.ring_id).number  # shown, never sent raw


def test_a_huge_number_is_cut_to_a_phone_number_s_size(db):
    result = record_ring(None, "9" * 100_000, at=NOW, region="RO")
    assert result.client_id is None and len(RingEvent.get_by_id(result.ring_id).number) <= 100


def test_an_unknown_event_is_refused(db):
    with pytest.raises(ValueError, match="event 'picked'"):
        record_ring(None, "0721 234 567", "picked", at=NOW)
    assert RingEvent.select().count() == 0


def test_ended_without_an_answer_is_a_missed_call_and_an_answered_call_keeps_its_length(db):
    ion_ionescu()
    record_ring(None, "0721 234 567", "ringing", at=NOW, region="RO")
    assert (
        record_ring(None, "+40721234567", "ended", at=NOW + timedelta(seconds=30)).event == "missed"
    )
    record_ring(None, "0721 234 567", "ringing", at=NOW + timedelta(minutes=5), region="RO")
    answered = NOW + timedelta(minutes=5, seconds=10)
    record_ring(None, "0721 234 567", "answered", at=answered, region="RO")
    ended = record_ring(
        None, "0721 234 567", "ended", at=answered + timedelta(minutes=7), region="RO"
    )
    assert ended.event == "ended"
    rings = rings_after(0)
    assert [r.event for r in rings] == ["ringing", "missed", "ringing", "answered", "ended"]
    assert rings[-1].answered_at == answered and rings[1].answered_at is None
    assert [r.id for r in rings_after(rings[2].id)] == [r.id for r in rings[3:]]


def test_a_call_id_keeps_two_calls_from_the_same_number_apart(db):
    record_ring(None, "0721 234 567", "ringing", call="a", at=NOW, region="RO")
    record_ring(None, "0721 234 567", "ringing", call="b", at=NOW, region="RO")
    record_ring(None, "0721 234 567", "answered", call="b", at=NOW, region="RO")
    assert (
        record_ring(None, "0721 234 567", "ended", call="a", at=NOW, region="RO").event == "missed"
    )
    assert (
        record_ring(None, "0721 234 567", "ended", call="b", at=NOW, region="RO").event == "ended"
    )


def test_old_rings_are_pruned_and_a_missed_call_waits_until_cleared(db):
    old = NOW - timedelta(days=2)
    record_ring(None, "0721 234 567", "ringing", at=old, region="RO")
    missed = record_ring(None, "0721 234 567", "missed", at=old, region="RO")
    cleared = record_ring(None, "0744 000 111", "missed", at=old, region="RO")
    RingEvent.update(cleared_at=old).where(RingEvent.id == cleared.ring_id).execute()
    ancient = record_ring(None, "0744 000 112", "missed", at=NOW - timedelta(days=40), region="RO")
    fresh = record_ring(None, "0721 234 567", "ringing", at=NOW, region="RO")  # prunes
    kept = {row.id for row in RingEvent.select()}
    assert kept == {missed.ring_id, fresh.ring_id}
    assert ancient.ring_id not in kept and prune(NOW) == 0


def test_deleting_a_client_deletes_their_rings(db):
    ion = ion_ionescu()
    record_ring(None, "0721 234 567", at=NOW, region="RO")
    ops.delete_client(ion)
    assert RingEvent.select().count() == 0


def test_identify_reads_without_writing(db):
    ion_ionescu()
    assert identify("0721 234 567", "RO", NOW).name == "Ion Ionescu"
    assert RingEvent.select().count() == 0


def test_ring_prints_name_and_greeting_and_exits_0(cli):
    cli("add", "Ion Ionescu", "--phone", "+40 721 234 567", "--salutation", "dl. Ionescu")
    code, out, err = cli("ring", "sip:0721234567@sip.example.net", "--source", "baresip")
    assert code == 0, err
    assert out.startswith("Ion Ionescu — ") and "dl. Ionescu" in out
    answer = cli.json("ring", "0721 234 567", "--event", "answered", "--json")
    assert answer["event"] == "answered" and answer["stored"] is True
    assert answer["client"]["name"] == "Ion Ionescu" and answer["e164"] == "+40721234567"
    assert answer["client"]["greeting"].endswith("dl. Ionescu")


def test_ring_answers_an_unknown_or_withheld_number_with_exit_0(cli):
    cli("add", "Ion Ionescu", "--phone", "+40 721 234 567")
    code, out, _ = cli("ring", "0744 000 111")
    assert code == 0 and out.startswith("unknown caller") and "744" in out
    code, out, _ = cli("ring", "-1")
    assert code == 0 and out.strip() == "number withheld"
    answer = cli.json("ring", "", "--json", "--event", "missed")
    assert answer["withheld"] is True and answer["client"] is None and answer["stored"] is True


def test_ring_refuses_an_unknown_event_with_exit_2_and_stores_nothing(cli, db):
    code, _, err = cli("ring", "0721 234 567", "--event", "picked")
    assert code == 2 and "picked" in err
    assert RingEvent.select().count() == 0


@pytest.mark.sqlite_only
def test_ring_on_a_mistyped_database_creates_nothing(tmp_path, cli):
    code, _, err = cli("ring", "0721 234 567", "--db", str(tmp_path / "typo.db"), db=False)
    assert code == 2 and not (tmp_path / "typo.db").exists()


@pytest.mark.sqlite_only
def test_a_stuck_lock_makes_ring_give_up_saying_so_and_exit_0(db_path, db):
    ion_ionescu()
    holder = sqlite3.connect(str(db_path), timeout=5, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE client SET notes = notes")
    try:
        done = subprocess.run(
            [CALLSHEET, "ring", "0721 234 567", "--db", str(db_path)],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "CALLSHEET_REGION": "RO"},
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Ion Ionescu — ")  # the softphone still learns who it is
    assert "locked" in done.stderr and "not stored" in done.stderr
    assert RingEvent.select().count() == 0


def test_a_missed_ring_is_in_triage_json_with_its_number_and_client_or_none(cli):
    cli("add", "Ion Ionescu", "--phone", "+40 721 234 567")
    cli("ring", "0721 234 567", "--event", "missed")
    cli("ring", "sip:0799111222@pbx", "--event", "missed")
    cli("ring", "anonymous", "--event", "missed")
    report = cli.json("triage", "--json")
    [group] = [g for g in report["groups"] if g["kind"] == "missed_call"]
    assert group["count"] == report["counts"]["missed_call"] == 3
    by_number = {item["number"]: item for item in group["items"]}
    assert by_number["+40721234567"]["client"] == "Ion Ionescu"
    assert by_number["+40799111222"]["client"] is None
    assert by_number["+40799111222"]["client_id"] is None
    assert by_number[None]["text"] == "missed call, number withheld"
    code, out, _ = cli("triage")
    assert code == 0 and "Missed calls · 3" in out and "+40799111222" in out


def test_forgetting_a_client_forgets_their_calls_from_before_they_were_one(db):
    from callsheet.models.book.forget import forget_client

    record_ring(None, "0721 234 567", "missed", at=NOW - timedelta(hours=2), region="RO")
    ion = ion_ionescu()  # added after the call, from the missed call's number
    record_ring(None, "0721 234 567", "ringing", at=NOW, region="RO")
    other = record_ring(None, "0744 000 111", "missed", at=NOW, region="RO")
    forget_client(ion)
    assert [row.id for row in RingEvent.select()] == [other.ring_id]
