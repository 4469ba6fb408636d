"""`callsheet sync calendar VDIR [--write-followups]`: a calendar folder (vdir), kept in step.

The vdir is made from the real calendar the import tests use (tests/fixtures/ics/meetings.ics:
time zones, a weekly series with an exception, a cancelled event, an all-day workshop, a
meeting without clients, one in 2099), one event per file as vdirsyncer and khal keep them.
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from callsheet.models.book import clients as ops
from callsheet.models.book.records.edits import edit_follow_up, edit_interaction
from callsheet.models.capture.calendar_vdir import sync_calendar
from callsheet.models.capture.followups_vdir import write_followups
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import CalendarItem, FollowUp, Interaction

ICS = Path(__file__).parent / "fixtures" / "ics" / "meetings.ics"
ME = "me@consult.example"


def _split(source: Path, folder: Path) -> dict[str, Path]:
    """One file per event (UID), each with the calendar's time zones: a vdir."""
    calendar = icalendar.Calendar.from_ical(source.read_bytes())
    zones = list(calendar.walk("VTIMEZONE"))
    folder.mkdir(exist_ok=True)
    files = {}
    for number, event in enumerate(calendar.walk("VEVENT")):
        item = icalendar.Calendar()
        item.add("prodid", "-//callsheet tests//EN")
        item.add("version", "2.0")
        for zone in zones:
            item.add_component(zone)
        item.add_component(event)
        # vdirsyncer's names are not the UIDs
        path = folder / f"{number:02d}-{os.urandom(4).hex()}.ics"
        path.write_bytes(item.to_ical())
        files[str(event["UID"])] = path
    return files


@pytest.fixture
def vdir(tmp_path):
    folder = tmp_path / "calendars" / "work"
    folder.parent.mkdir()
    return folder, _split(ICS, folder)


@pytest.fixture
def people(db_path):
    open_database(db_path)
    ids = {
        "ion": ops.add_client("Ion Ionescu", emails=["ion@carpati.example"]).id,
        "anna": ops.add_client("Anna Kowalska", emails=["anna@kowalska.example"]).id,
    }
    close_database()
    return ids


def _meetings(db_path, client_id) -> list[Interaction]:
    open_database(db_path)
    rows = list(
        Interaction.select()
        .where((Interaction.client == client_id) & (Interaction.channel == "meeting"))
        .order_by(Interaction.occurred_at)
    )
    close_database()
    return rows


def _edit(path: Path, **changes) -> None:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    (event,) = calendar.walk("VEVENT")
    for name, value in changes.items():
        event.pop(name.upper(), None)
        event.add(name.upper(), value)
    path.write_bytes(calendar.to_ical())


def test_a_calendar_folder_logs_each_meeting_once_and_a_rerun_reads_only_what_changed(
    cli, people, vdir, db_path, tmp_path
):
    folder, _files = vdir
    report = cli.json("sync", "calendar", str(folder), "--json")
    assert (report["files"], report["read"], report["logged"]) == (6, 6, 11)
    assert report["without_clients"] == 1  # the dentist
    # the same meetings as `callsheet import meetings.ics` (tests/test_capture_calendar_calls.py)
    review, workshop = _meetings(db_path, people["ion"])
    assert review.occurred_at == datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    assert review.duration_min == 45 and review.source == "calendar"
    anna = _meetings(db_path, people["anna"])
    assert len(anna) == 9 and anna[-1].occurred_at == datetime(2026, 11, 9, 7, 0, tzinfo=UTC)

    report = cli.json("sync", "calendar", str(folder), "--json")
    assert report["logged"] == 0 and report["updated"] == 0
    # nothing changed and no meeting happened since (the 2099 one is read again in 2099)
    assert report["read"] == 0 and report["unchanged"] == 6
    # the same calendar imported as one file is the same meetings: nothing twice
    code, out, err = cli("import", str(ICS))
    assert code == 0 and "logged 0 meetings, 11 already in the log" in out
    # a file being written (.tmp) and files that are not events are not read
    (folder / "new.ics.tmp").write_bytes(b"BEGIN:VCALENDAR\r\n")
    (folder / "color").write_text("#ff0000")
    (folder / "displayname").write_text("Work")
    code, out, err = cli("sync", "calendar", str(folder))
    assert code == 0 and "calendar: 6 files" in out and err == ""


def test_an_edited_event_updates_its_entry_and_a_user_correction_is_kept(
    cli, people, vdir, db_path
):
    folder, files = vdir
    cli("sync", "calendar", str(folder))
    review = files["scope-review-1@carpati.example"]
    # moved an hour later and retitled, on the phone
    _edit(
        review,
        dtstart=datetime(2026, 11, 3, 11, 0, tzinfo=UTC),
        dtend=datetime(2026, 11, 3, 12, 0, tzinfo=UTC),
        summary="Scope review (moved)",
    )
    report = cli.json("sync", "calendar", str(folder), "--json")
    assert (report["logged"], report["updated"]) == (0, 1)
    (entry, _workshop) = _meetings(db_path, people["ion"])
    assert entry.occurred_at == datetime(2026, 11, 3, 11, 0, tzinfo=UTC)
    assert (entry.summary, entry.duration_min) == ("Scope review (moved)", 60)
    assert entry.external_key == "ics:scope-review-1@carpati.example:2026-11-03T11:00:00+00:00"

    # the user corrects the entry; a later edit of the event does not overwrite it
    open_database(db_path)
    edit_interaction(entry, summary="Scope review: he wants a sixth page free")
    close_database()
    _edit(review, summary="Scope review (moved again)")
    report = cli.json("sync", "calendar", str(folder), "--json")
    assert (report["logged"], report["updated"], report["kept_edited"]) == (0, 0, 1)
    report = cli.json("sync", "calendar", str(folder), "--json")
    assert (report["logged"], report["updated"]) == (0, 0)
    (entry, _workshop) = _meetings(db_path, people["ion"])
    assert entry.summary == "Scope review: he wants a sixth page free"

    # an event deleted from the calendar keeps its entry: the log is history
    review.unlink()
    report = cli.json("sync", "calendar", str(folder), "--json")
    assert report["gone"] == 1 and len(_meetings(db_path, people["ion"])) == 2


def test_a_repeating_meeting_is_logged_as_its_occurrences_happen(db, people, tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "weekly.ics").write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:standup@consult.example\r\nDTSTAMP:20260901T080000Z\r\n"
        b"DTSTART:20260902T080000Z\r\nDURATION:PT15M\r\nRRULE:FREQ=WEEKLY\r\n"
        b"SUMMARY:Stand-up\r\nORGANIZER:mailto:me@consult.example\r\n"
        b"ATTENDEE:mailto:anna@kowalska.example\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:kickoff@carpati.example\r\nDTSTAMP:20260901T080000Z\r\n"
        b"DTSTART:20261001T090000Z\r\nSUMMARY:Kick-off\r\n"
        b"ORGANIZER:mailto:ion@carpati.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    first = datetime(2026, 9, 20, 12, 0, tzinfo=UTC)
    report = sync_calendar(folder, [ME], now=first)
    assert len(report.logged) == 3  # 2, 9 and 16 September; the kick-off is still to come
    report = sync_calendar(folder, [ME], now=first)
    assert len(report.logged) == 0
    # the file is unchanged, but time went on: two more stand-ups and the kick-off
    report = sync_calendar(folder, [ME], now=first + timedelta(days=14))
    assert sorted((e.summary, e.at.day) for e in report.logged) == [
        ("Kick-off", 1),
        ("Stand-up", 23),
        ("Stand-up", 30),
    ]
    assert Interaction.select().where(Interaction.channel == "meeting").count() == 6
    (item,) = CalendarItem.select()
    assert item.uid == "standup@consult.example" and item.filename == "weekly.ics"
    info = (folder / "weekly.ics").stat()
    assert item.etag == f"{info.st_mtime_ns};{info.st_ino}"


def test_a_dry_run_logs_nothing_and_remembers_nothing(cli, people, vdir, db_path):
    folder, _files = vdir
    code, out, err = cli("sync", "calendar", str(folder), "--dry-run")
    assert code == 0 and "would log 11 meetings" in out
    assert _meetings(db_path, people["anna"]) == []
    assert cli.json("sync", "calendar", str(folder), "--json")["logged"] == 11


def test_a_missing_folder_or_a_broken_file_is_said_in_one_line(cli, people, vdir, tmp_path):
    code, out, err = cli("sync", "calendar", str(tmp_path / "nowhere"))
    assert code == 2 and "nowhere" in err and len(err.splitlines()) == 1
    folder, _files = vdir
    (folder / "broken.ics").write_bytes(b"BEGIN:VCALENDAR\r\nthis is not ical\r\n")
    report = cli.json("sync", "calendar", str(folder), "--json")
    assert report["logged"] == 11
    assert report["problems"] and report["problems"][0].startswith("broken.ics: ")


# -- follow-ups into a calendar folder --------------------------------------------------


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_open_follow_ups_become_tasks_kept_in_step_without_rewriting_unchanged_files(
    cli, people, db_path, tmp_path, vdir
):
    folder, _files = vdir
    tasks = tmp_path / "calendars" / "callsheet"
    cli("followup", "add", "Ion", "Send the offer", "--due", "2026-12-20 10:00")
    cli("followup", "add", "Anna", "Ask about the invoice", "--due", "2026-12-21 09:00")
    report = cli.json("sync", "calendar", str(folder), "--write-followups", str(tasks), "--json")
    assert len(report["followups"]["written"]) == 2
    assert stat.S_IMODE(tasks.stat().st_mode) == 0o700
    (offer,) = [p for p in tasks.iterdir() if b"Send the offer" in p.read_bytes()]
    assert stat.S_IMODE(offer.stat().st_mode) == 0o600
    todo = icalendar.Calendar.from_ical(offer.read_bytes()).walk("VTODO")[0]
    assert str(todo["SUMMARY"]) == "Ion Ionescu: Send the offer"
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    assert todo["DUE"].dt == datetime(2026, 12, 20, 8, 0, tzinfo=UTC)  # 10:00 in Bucharest
    assert [p.name for p in tasks.iterdir() if p.name.endswith(".tmp")] == []

    before = _mtimes(tasks)
    report = cli.json("sync", "calendar", str(folder), "--write-followups", str(tasks), "--json")
    assert report["followups"]["written"] == [] and report["followups"]["unchanged"] == 2
    assert _mtimes(tasks) == before  # nothing rewritten

    # vdirsyncer brought the file back under the server's name: the name is kept
    kept = tasks / "5f0c1e2a-server-name.ics"
    offer.rename(kept)
    open_database(db_path)
    offer_id, invoice_id = [f.id for f in FollowUp.select().order_by(FollowUp.id)]
    edit_follow_up(FollowUp.get_by_id(offer_id), due_at=datetime(2026, 12, 27, 8, 0, tzinfo=UTC))
    close_database()
    report = cli.json("sync", "calendar", str(folder), "--write-followups", str(tasks), "--json")
    assert report["followups"]["written"] == [kept.name]
    assert sorted(p.name for p in tasks.iterdir()) == sorted(
        [kept.name, f"callsheet-followup-{invoice_id}.ics"]
    )
    todo = icalendar.Calendar.from_ical(kept.read_bytes()).walk("VTODO")[0]
    assert todo["DUE"].dt == datetime(2026, 12, 27, 8, 0, tzinfo=UTC)

    # done: a completed task; deleted in callsheet: its file goes
    cli("followup", "done", str(offer_id))
    cli("followup", "delete", str(invoice_id))
    report = cli.json("sync", "calendar", str(folder), "--write-followups", str(tasks), "--json")
    assert report["followups"]["completed"] == 1
    assert report["followups"]["removed"] == [f"callsheet-followup-{invoice_id}.ics"]
    assert [p.name for p in tasks.iterdir()] == [kept.name]
    todo = icalendar.Calendar.from_ical(kept.read_bytes()).walk("VTODO")[0]
    assert str(todo["STATUS"]) == "COMPLETED" and "COMPLETED" in todo


def test_follow_ups_as_events_for_phones_that_show_no_tasks(
    cli, people, db_path, tmp_path, vdir, monkeypatch
):
    folder, _files = vdir
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sync]\ncalendar = "{folder}"\nfollowups = "{tmp_path / "fu"}"\nfollowups_as = "vevent"\n'
    )
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config))
    cli("followup", "add", "Ion", "Call about the contract", "--due", "2026-12-20 10:00")
    report = cli.json("sync", "calendar", "--write-followups", "--json")  # all from config
    assert report["logged"] == 11
    (written,) = (tmp_path / "fu").iterdir()
    event = icalendar.Calendar.from_ical(written.read_bytes()).walk("VEVENT")[0]
    assert event["DTSTART"].dt == datetime(2026, 12, 20, 8, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Ion Ionescu: Call about the contract"
    # a follow-up event is never read back as a meeting, even in the same folder
    report = cli.json("sync", "calendar", "--write-followups", str(folder), "--json")
    assert report["logged"] == 0
    open_database(db_path)
    (follow_up,) = FollowUp.select()
    close_database()
    cli("followup", "done", str(follow_up.id))
    report = cli.json("sync", "calendar", "--write-followups", "--json")
    assert report["followups"]["removed"] == [written.name]
    assert list((tmp_path / "fu").iterdir()) == []


def test_writing_follow_ups_on_the_model_level_reports_without_writing_in_a_dry_run(
    db, people, tmp_path
):
    client = ops.add_client("Oleg Volkov", emails=["oleg@volga.example"])
    ops.add_follow_up(client, datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "Renew the retainer")
    report = write_followups(tmp_path / "fu", now=datetime(2026, 11, 24, tzinfo=UTC), dry_run=True)
    assert len(report.written) == 1 and not (tmp_path / "fu").exists()


# -- through a real CalDAV server (Radicale) and vdirsyncer -------------------------------


@pytest.fixture(scope="module")
def caldav():
    from tests.caldav_server import CalDavServer, Unavailable

    try:
        server = CalDavServer.start()
    except Unavailable as error:
        pytest.skip(f"Radicale could not be started: {error}")
    yield server
    server.stop()


def test_a_phone_calendar_reaches_the_log_and_follow_ups_reach_the_phone_through_caldav(
    cli, people, db_path, tmp_path, caldav
):
    # the phone's calendar: every event of the real calendar, PUT one by one
    work, tasks = "work", "callsheet"
    caldav.make_calendar(work)
    caldav.make_calendar(tasks)
    on_phone = _split(ICS, tmp_path / "phone")
    for uid, path in on_phone.items():
        caldav.put(f"/consultant/{work}/{uid}.ics", path.read_bytes())
    config = caldav.vdirsyncer(tmp_path / "vdirs", work, tasks)
    caldav.sync(config)
    local, local_tasks = tmp_path / "vdirs" / work, tmp_path / "vdirs" / tasks
    assert len(list(local.glob("*.ics"))) == 6
    cli("followup", "add", "Ion", "Send the offer", "--due", "2026-12-20 10:00")

    report = cli.json(
        "sync", "calendar", str(local), "--write-followups", str(local_tasks), "--json"
    )
    assert report["logged"] == 11 and len(report["followups"]["written"]) == 1
    caldav.sync(config)
    (task,) = caldav.items(tasks).values()
    assert b"SUMMARY:Ion Ionescu: Send the offer" in task and b"NEEDS-ACTION" in task

    # the meeting is moved on the phone; the follow-up is done in callsheet
    review = on_phone["scope-review-1@carpati.example"]
    _edit(
        review,
        dtstart=datetime(2026, 11, 3, 12, 0, tzinfo=UTC),
        dtend=datetime(2026, 11, 3, 12, 30, tzinfo=UTC),
        summary="Review, moved",
    )
    caldav.put(f"/consultant/{work}/scope-review-1@carpati.example.ics", review.read_bytes())
    open_database(db_path)
    (follow_up,) = FollowUp.select()
    close_database()
    cli("followup", "done", str(follow_up.id))
    caldav.sync(config)
    report = cli.json(
        "sync", "calendar", str(local), "--write-followups", str(local_tasks), "--json"
    )
    assert (report["logged"], report["updated"], report["read"]) == (0, 1, 1)
    assert report["followups"]["completed"] == 1
    caldav.sync(config)
    (task,) = caldav.items(tasks).values()
    assert b"STATUS:COMPLETED" in task
    entry, _workshop = _meetings(db_path, people["ion"])
    assert entry.summary == "Review, moved"
    assert entry.occurred_at == datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    assert entry.duration_min == 30


def test_a_moved_occurrence_of_a_series_moves_its_entry_and_a_deleted_entry_stays_deleted(
    db, people, tmp_path
):
    from callsheet.models.book.records.edits import delete_interaction

    folder = tmp_path / "work"
    folder.mkdir()
    series = (
        b"BEGIN:VEVENT\r\nUID:standup@consult.example\r\nDTSTAMP:20260901T080000Z\r\n"
        b"DTSTART:20260902T080000Z\r\nDURATION:PT15M\r\nRRULE:FREQ=WEEKLY\r\n"
        b"SUMMARY:Stand-up\r\nORGANIZER:mailto:me@consult.example\r\n"
        b"ATTENDEE:mailto:anna@kowalska.example\r\nEND:VEVENT\r\n"
    )
    item = folder / "standup.ics"
    item.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" + series + b"END:VCALENDAR\r\n"
    )
    sync_calendar(folder, [ME], now=datetime(2026, 9, 20, tzinfo=UTC))
    # the 9 September stand-up is moved to the 10th on the phone; weeks go by meanwhile
    moved = (
        b"BEGIN:VEVENT\r\nUID:standup@consult.example\r\nDTSTAMP:20260911T080000Z\r\n"
        b"RECURRENCE-ID:20260909T080000Z\r\nDTSTART:20260910T080000Z\r\nDURATION:PT15M\r\n"
        b"SUMMARY:Stand-up (moved)\r\nORGANIZER:mailto:me@consult.example\r\n"
        b"ATTENDEE:mailto:anna@kowalska.example\r\nEND:VEVENT\r\n"
    )
    item.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        + series
        + moved
        + b"END:VCALENDAR\r\n"
    )
    report = sync_calendar(folder, [ME], now=datetime(2026, 10, 1, tzinfo=UTC))
    assert report.updated == 1 and sorted(e.at.day for e in report.logged) == [23, 30]
    days = [
        (i.occurred_at.month, i.occurred_at.day, i.summary)
        for i in Interaction.select().order_by(Interaction.occurred_at)
    ]
    assert days == [
        (9, 2, "Stand-up"),
        (9, 10, "Stand-up (moved)"),
        (9, 16, "Stand-up"),
        (9, 23, "Stand-up"),
        (9, 30, "Stand-up"),
    ]
    # the user deletes one: the next runs (the series is read every time) leave it deleted
    delete_interaction(
        Interaction.get(Interaction.occurred_at == datetime(2026, 9, 16, 8, 0, tzinfo=UTC))
    )
    for day in (8, 9):
        report = sync_calendar(folder, [ME], now=datetime(2026, 10, day, tzinfo=UTC))
    assert Interaction.select().count() == 5  # 7 October added, 16 September not back


def test_the_configured_calendar_and_follow_ups_sync_in_one_call(db, people, tmp_path, vdir):
    from callsheet.models.capture.calendar_vdir import sync_configured_calendar
    from callsheet.models.config import Config

    folder, _files = vdir
    client = ops.add_client("Oleg Volkov", emails=["oleg@volga.example"])
    ops.add_follow_up(client, datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "Renew the retainer")
    config = Config(
        my_addresses=[ME], sync={"calendar": str(folder), "followups": str(tmp_path / "fu")}
    )
    meetings, followups = sync_configured_calendar(config, datetime(2026, 11, 24, tzinfo=UTC))
    assert meetings is not None and len(meetings.logged) == 11
    assert followups is not None and len(followups.written) == 1
    assert sync_configured_calendar(Config(), datetime(2026, 11, 24, tzinfo=UTC)) == (None, None)
