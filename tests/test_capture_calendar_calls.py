"""`callsheet import` of .ics calendars and phone call logs (Android XML, CSV) into the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.capture.calendar import OCCURRENCE_CAP, meeting_entries, read_meetings
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import Interaction
from tests.conftest import NOW

FIXTURES = Path(__file__).parent / "fixtures"
ICS = FIXTURES / "ics" / "meetings.ics"
XML = FIXTURES / "calllog" / "calls-20261120.xml"
CSV = FIXTURES / "calllog" / "calls.csv"


@pytest.fixture
def people(db_path):
    open_database(db_path)
    ids = {
        "ion": ops.add_client(
            "Ion Ionescu", emails=["ion@carpati.example"], phones=["0721 234 567"], region="RO"
        ).id,
        "anna": ops.add_client(
            "Anna Kowalska", emails=["anna@kowalska.example"], phones=["+48 601 234 567"]
        ).id,
    }
    close_database()
    return ids


def _log(db_path, client_id, channel):
    open_database(db_path)
    rows = list(
        Interaction.select()
        .where((Interaction.client == client_id) & (Interaction.channel == channel))
        .order_by(Interaction.occurred_at)
    )
    close_database()
    return rows


def test_meetings_with_clients_are_logged_with_start_and_duration_and_reimport_adds_nothing(
    cli, people, db_path
):
    code, out, err = cli("import", str(ICS))
    assert code == 0, err
    assert "logged 11 meetings" in out and "1 events without a client" in out
    ion = _log(db_path, people["ion"], "meeting")
    review, workshop = ion
    assert review.occurred_at == datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    assert review.duration_min == 45 and review.direction == "in" and review.source == "calendar"
    assert review.summary == "Scope review: one more page, for free?"
    assert review.suggested_signals == ["scope_creep"]
    assert workshop.duration_min is None  # all day: not a measure of time together
    # weekly, ten times from 7 September, one occurrence removed; DST moves the UTC hour
    anna = _log(db_path, people["anna"], "meeting")
    assert len(anna) == 9
    assert anna[0].occurred_at == datetime(2026, 9, 7, 6, 0, tzinfo=UTC)
    assert anna[-1].occurred_at == datetime(2026, 11, 9, 7, 0, tzinfo=UTC)
    assert datetime(2026, 9, 21, 6, 0, tzinfo=UTC) not in [m.occurred_at for m in anna]
    assert {m.duration_min for m in anna} == {30} and {m.direction for m in anna} == {"out"}

    code, out, err = cli("import", str(ICS))
    assert code == 0 and "logged 0 meetings, 11 already in the log" in out
    assert len(_log(db_path, people["anna"], "meeting")) == 9


def test_recurring_events_expand_only_up_to_now():
    anna = {"anna@kowalska.example": [7]}
    reading = read_meetings(ICS.read_bytes(), datetime(2026, 10, 1, tzinfo=UTC), anna)
    assert reading.problems == [] and reading.warnings == []
    weekly = [m for m in reading.meetings if m.key.startswith("ics:weekly-anna")]
    assert len(weekly) == 3  # 7 and 14 September (21 excluded), 28 September
    assert all(m.start < datetime(2026, 10, 1, tzinfo=UTC) for m in reading.meetings)
    entries, without = meeting_entries(reading.meetings, anna, set())
    assert {e.client_id for e in entries} == {7} and len(entries) == 3


def test_real_world_calendars_from_icalendar_are_read_and_broken_events_named(cli, people):
    """Calendars from icalendar's own test suite (tests/fixtures/ics/icalendar/README.md)."""
    folder = FIXTURES / "ics" / "icalendar"
    code, out, err = cli("import", str(folder / "example.ics"))
    assert code == 0 and "3 events without a client" in out
    code, out, err = cli("import", str(folder / "issue_1081_event_with_rrule.ics"))
    # a daily RRULE, ten times, with no client: one event, never expanded
    assert code == 0 and "1 events without a client" in out
    code, out, err = cli("import", str(folder / "broken_dtstart.ics"))
    assert code == 2 and "event test-123" in err and "--skip-bad" in err
    assert "cannot read its start, repetition (RRULE) or time zone" in err  # our words
    assert "Traceback" not in err and "Error" not in err
    code, out, err = cli("import", "--skip-bad", str(folder / "issue_722_missing_timezones.ics"))
    assert code == 1  # the event without DTSTART is listed, the rest read
    assert "skipped event" in out


def test_a_file_that_is_not_a_calendar_is_one_line_and_exit_2(cli, people, tmp_path):
    bad = tmp_path / "broken.ics"
    bad.write_text("BEGIN:VCALENDAR\nthis is not ical\n", encoding="utf-8")
    code, out, err = cli("import", str(bad))
    assert code == 2 and err.startswith("callsheet: ") and "Traceback" not in err
    assert "not a readable iCalendar file (line 2)" in err  # named by us, not the library


def test_a_file_without_a_calendar_says_so_in_our_words(cli, people, tmp_path):
    bad = tmp_path / "notes.ics"
    bad.write_text("just some notes\n", encoding="utf-8")
    code, out, err = cli("import", str(bad))
    assert code == 2 and "no BEGIN:VCALENDAR" in err


def test_android_call_log_logs_calls_with_direction_minutes_and_unanswered_calls(
    cli, people, db_path
):
    code, out, err = cli("import", str(XML))
    assert code == 0, err
    assert "logged 5 calls" in out
    assert "2 private or unknown numbers skipped" in out and "1 blocked" in out
    answered, not_taken, missed, rejected = _log(db_path, people["ion"], "call")
    assert answered.direction == "in" and answered.duration_min == 3  # 125 s, rounded up
    assert answered.occurred_at == datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    assert answered.source == "phone" and answered.suggested_signals == []
    # an outgoing call of 0 seconds: the client did not take it; suggested, not counted
    assert (not_taken.direction, not_taken.duration_min) == ("out", 0)
    assert not_taken.suggested_signals == ["missed_call"]
    assert (missed.direction, missed.duration_min, missed.summary) == (
        "in",
        0,
        "Missed call",
    )
    assert rejected.summary == "Rejected call"
    (anna,) = _log(db_path, people["anna"], "call")
    assert anna.direction == "out" and anna.duration_min == 5
    open_database(db_path)
    assert ops.find_client("Ion").risk_score == 0
    close_database()

    code, out, err = cli("import", str(XML))
    assert "logged 0 calls, 5 already in the log" in out


def test_a_csv_call_log_is_recognised_by_its_columns(cli, people, db_path):
    code, out, err = cli("import", str(CSV))
    assert code == 0, err
    assert "logged 2 calls" in out and "1 calls from 1 numbers that are no client's" in out
    (ion,) = _log(db_path, people["ion"], "call")
    assert ion.direction == "out" and ion.duration_min == 10
    assert ion.occurred_at == datetime(2026, 11, 18, 7, 30, tzinfo=UTC)
    assert cli("import", str(CSV))[1].count("logged 0 calls") == 1


def test_a_csv_call_log_with_other_column_names_is_read_with_map(cli, people, db_path, tmp_path):
    odd = tmp_path / "export.csv"
    odd.write_text(
        "Wann,Rufnummer,Richtung,Sekunden\n2026-11-18T09:30:00+02:00,0721234567,out,65\n",
        encoding="utf-8",
    )
    code, out, err = cli(
        "import",
        str(odd),
        "--map",
        "Wann=date",
        "--map",
        "Rufnummer=number",
        "--map",
        "Richtung=direction",
        "--map",
        "Sekunden=seconds",
    )
    assert code == 0, err
    (ion,) = _log(db_path, people["ion"], "call")
    assert ion.duration_min == 2


def test_a_bad_line_in_a_call_log_names_it_and_writes_nothing(cli, people, db_path, tmp_path):
    bad = tmp_path / "calls.csv"
    bad.write_text(
        "date,number,direction,seconds\n2026-11-18T09:30,0721234567,out,60\n"
        "someday,0721234567,in,60\n",
        encoding="utf-8",
    )
    code, out, err = cli("import", str(bad))
    assert code == 2 and "line 3: date 'someday' unreadable" in err
    assert _log(db_path, people["ion"], "call") == []
    code, out, err = cli("import", "--skip-bad", str(bad))
    assert code == 1 and "logged 1 calls" in out and "line 3" in out
    assert len(_log(db_path, people["ion"], "call")) == 1


def test_an_xml_file_that_is_not_a_call_log_is_refused(cli, people, tmp_path):
    bad = tmp_path / "sms.xml"
    bad.write_text("<smses count='0'></smses>", encoding="utf-8")
    code, out, err = cli("import", str(bad))
    assert code == 2 and "not an SMS Backup & Restore call log" in err


def test_captured_entries_keep_their_source_through_export_and_import(cli, people, tmp_path):
    cli("import", str(XML))
    export = tmp_path / "all.json"
    assert cli("export", "-o", str(export))[0] == 0
    text = export.read_text(encoding="utf-8")
    assert '"source": "phone"' in text and '"suggested_signals": ["missed_call"]' in text
    code, out, err = cli("import", str(export))
    assert code == 0 and "0 log entries" in out


def test_suggestions_from_capture_wait_for_review_and_count_once_confirmed(cli, people, db_path):
    cli("import", str(XML))
    open_database(db_path)
    from callsheet.models.book import queries

    def waiting():
        return [i for i in queries.needs_attention(NOW) if i.kind == "suggestion"]

    (item,) = waiting()
    assert item.text.startswith("suggested missed call: Outgoing call, not answered")
    before = ops.find_client("Ion").risk_score
    ops.resolve_suggestions(Interaction.get_by_id(item.ref), confirm=None, now=NOW)
    assert ops.find_client("Ion").risk_score > before
    assert waiting() == []
    close_database()


def _repeating(uid: str, freq: str, start: str, attendee: str) -> str:
    """A few hundred bytes of calendar that repeat forever from ``start``."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//probe//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:{start}\r\nDURATION:PT1S\r\n"
        f"SUMMARY:{freq.lower()} ping\r\nRRULE:FREQ={freq}\r\n"
        f"ORGANIZER:mailto:me@mine.example\r\nATTENDEE:mailto:{attendee}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_a_minutely_rule_with_a_client_stops_at_the_cap_and_names_the_event(
    cli, people, db_path, tmp_path
):
    """The tester's file logged 1,014,556 meetings; now the cap stops it, and says so."""
    ics = tmp_path / "minutely.ics"
    ics.write_text(_repeating("spam@x", "MINUTELY", "20250101T090000Z", "anna@kowalska.example"))
    code, out, err = cli("import", str(ics))
    assert code == 0, err
    assert "logged 1000 meetings" in out
    assert "event spam@x 'minutely ping': stopped after 1,000 occurrences" in out
    assert len(_log(db_path, people["anna"], "meeting")) == OCCURRENCE_CAP


def test_a_secondly_rule_from_1970_without_a_client_is_never_expanded(cli, people, tmp_path):
    ics = tmp_path / "secondly.ics"
    ics.write_text(_repeating("flood@x", "SECONDLY", "19700101T000000Z", "nobody@else.example"))
    code, out, err = cli("import", str(ics))
    assert code == 0, err
    assert "logged 0 meetings; 1 events without a client" in out
    assert "stopped after" not in out


def test_a_secondly_rule_from_1970_with_a_client_is_expanded_only_over_the_window():
    """Expanding it from 1970 would walk 1.7 billion seconds before the window starts."""
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    data = _repeating("flood@x", "SECONDLY", "19700101T000000Z", "anna@kowalska.example")
    reading = read_meetings(data.encode(), now, {"anna@kowalska.example": [7]}, years=2, cap=50)
    assert len(reading.meetings) == 50
    assert reading.warnings == ["event flood@x 'secondly ping': stopped after 50 occurrences"]
    first = reading.meetings[0].start
    assert now - timedelta(days=731) <= first <= now - timedelta(days=729)
    # one per second from there: the rule's own grid, not a shifted one
    assert [m.start - first for m in reading.meetings[:3]] == [
        timedelta(seconds=s) for s in (0, 1, 2)
    ]


def test_a_weekly_call_is_logged_over_the_configured_years_only(tmp_path):
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    data = _repeating("weekly@x", "WEEKLY", "20100104T090000Z", "anna@kowalska.example")
    clients = {"anna@kowalska.example": [7]}
    one = read_meetings(data.encode(), now, clients, years=1).meetings
    three = read_meetings(data.encode(), now, clients, years=3).meetings
    assert len(one) in (52, 53) and len(three) in (156, 157)
    # still on Mondays at 09:00 UTC, as the rule says
    assert {(m.start.weekday(), m.start.hour) for m in three} == {(0, 9)}
    assert three[-1].start <= now


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # a billion seconds from 1970 end in 2001: nothing in the window, found at once
        ("FREQ=SECONDLY;COUNT=1000000000", 0),
        # two billion end in 2033: the window's seconds, up to the cap
        ("FREQ=SECONDLY;COUNT=2000000000", 50),
        # every 2 hours, 220,000 times: ends in January 2020
        ("FREQ=HOURLY;INTERVAL=2;COUNT=220000", 0),
    ],
)
def test_a_counted_rule_from_1970_is_bounded_too(rule, expected):
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    data = _repeating("counted@x", "SECONDLY", "19700101T000000Z", "anna@kowalska.example")
    data = data.replace("RRULE:FREQ=SECONDLY", f"RRULE:{rule}")
    reading = read_meetings(data.encode(), now, {"anna@kowalska.example": [7]}, years=2, cap=50)
    assert len(reading.meetings) == expected


def test_a_counted_rule_inside_the_window_keeps_its_exact_occurrences():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    data = _repeating("daily@x", "DAILY", "20260101T090000Z", "anna@kowalska.example")
    data = data.replace("RRULE:FREQ=DAILY", "RRULE:FREQ=DAILY;COUNT=10")
    reading = read_meetings(data.encode(), now, {"anna@kowalska.example": [7]}, years=2)
    assert [m.start.day for m in reading.meetings] == list(range(1, 11))
