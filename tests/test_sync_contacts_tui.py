"""``[sync]`` in config.toml and the dashboard's ``S`` (issue 25 item 4, contacts part):
a sync in a worker with progress in the header, on a timer, conflicts in triage."""

from __future__ import annotations

from pathlib import Path

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.capture.sync_jobs import SYNC_JOBS, configured_jobs
from callsheet.models.config import Config, ConfigError, load_config
from callsheet.models.exchange.contact_sync import sync_contacts
from callsheet.models.store.tables import Client, ContactSync, Interaction
from tests.clock import NOW
from tests.tui_helpers import from_palette, make_app, running, triage_on, wait_for

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ana-1\r\nFN:Ana Pop\r\nTEL:+40 744 111 222\r\nEND:VCARD\r\n"
)


@pytest.fixture
def vdir(tmp_path) -> Path:
    folder = tmp_path / "contacts"
    folder.mkdir()
    return folder


def test_sync_settings_are_read_and_checked(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[sync]\ncontacts = "~/.contacts/phone"\nevery_minutes = 15\n')
    config = load_config(path)
    assert config.sync_contacts == str(Path("~/.contacts/phone").expanduser())
    assert config.sync_every_minutes == 15
    assert [(job.name, target) for job, target in configured_jobs(config)] == [
        ("contacts", config.sync_contacts)
    ]
    assert configured_jobs(Config()) == [] and Config().sync_every_minutes == 0
    for text, named in (
        ("[sync]\nevery_minutes = -1\n", "sync.every_minutes must be a whole number"),
        ('[sync]\nevery_minutes = "often"\n', "sync.every_minutes"),
        ("[sync]\ncontacts = 3\n", "sync.contacts must be a path"),
        ('sync = "x"\n', "[sync] must be a table"),
    ):
        path.write_text(text)
        with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
            load_config(path)


def test_sync_contacts_takes_the_vdir_from_config(cli, tmp_path, vdir, monkeypatch):
    (vdir / "ana.vcf").write_bytes(CARD.encode())
    config = tmp_path / "config.toml"
    config.write_text(f'[sync]\ncontacts = "{vdir}"\n')
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config))
    report = cli.json("sync", "contacts", "--json")
    assert report["added"] == ["Ana Pop (ana.vcf)"]
    monkeypatch.setenv("CALLSHEET_CONFIG", str(tmp_path / "none.toml"))
    code, _, err = cli("sync", "contacts")
    assert code == 2 and "set contacts in [sync] of config.toml" in err


def test_every_kind_of_sync_is_one_row_of_the_jobs_list(tmp_path):
    assert [job.name for job in SYNC_JOBS] == ["contacts", "calendar", "mail"]
    config = Config(
        sync={
            "calendar": str(tmp_path / "work"),
            "imap": [{"url": "imaps://ana@mail.example/INBOX"}],
        }
    )
    assert [(job.name, target) for job, target in configured_jobs(config)] == [
        ("calendar", str(tmp_path / "work")),
        ("mail", "imaps://ana@mail.example/INBOX"),
    ]


async def test_s_also_logs_the_calendars_meetings_and_writes_the_follow_ups(db, tmp_path):
    """The calendar row of the jobs list: meetings from [sync] calendar, follow-ups into
    [sync] followups, from the same S (a real calendar split into a vdir, as vdirsyncer
    leaves it)."""
    from tests.test_sync_calendar import ICS, ME, _split

    ion = ops.add_client("Ion Ionescu", emails=["ion@carpati.example"], now=NOW)
    ops.add_follow_up(ion, NOW, "Send the contract")
    calendar, tasks = tmp_path / "work", tmp_path / "tasks"
    _split(ICS, calendar)
    tasks.mkdir()
    app = make_app(sync={"calendar": str(calendar), "followups": str(tasks)}, my_addresses=[ME])
    async with running(app) as (app, pilot):
        await pilot.press("S")
        await wait_for(
            pilot,
            lambda: any(n.message.startswith("Calendar: ") for n in app._notifications),
            what="the calendar's summary",
        )
        summary = next(n.message for n in app._notifications if n.message.startswith("Calendar"))
    meetings = Interaction.select().where(
        (Interaction.client == ion.id) & (Interaction.channel == "meeting")
    )
    assert meetings.count() > 0
    assert f"{meetings.count():,} meetings logged" in summary
    assert [path.read_text().count("Send the contract") for path in tasks.glob("*.ics")] == [1]


async def test_s_syncs_now_in_a_worker_showing_progress_and_the_new_client(db, vdir):
    ops.add_client("Ion Popescu", phones=["+40721234567"], now=NOW)
    (vdir / "ana.vcf").write_bytes(CARD.encode())
    app = make_app(sync={"contacts": str(vdir)})
    async with running(app) as (app, pilot):
        header = app.screen.query_one("HeaderBar")
        shown: list[str] = []
        original = header.show_status

        def recording(text: str) -> None:
            shown.append(text)
            original(text)

        header.show_status = recording
        await pilot.press("S")
        await wait_for(
            pilot,
            lambda: any(row.name == "Ana Pop" for row in app.screen.client_list.all_rows),
            what="the client of the new card in the list",
        )
        await wait_for(pilot, lambda: shown and shown[-1] == "", what="the progress cleared")
        assert "syncing contacts…" in shown
        assert any(text.startswith("syncing contacts ") and "/" in text for text in shown)
    assert len(list(vdir.glob("*.vcf"))) == 2  # Ion's card written
    assert ContactSync.select().count() == 2


async def test_s_without_sync_settings_says_what_to_set(db):
    async with running() as (app, pilot):
        await pilot.press("S")
        await pilot.pause()
        assert any("[sync] of config.toml" in n.message for n in app._notifications)


async def test_the_sync_key_is_in_help_and_the_palette(db, vdir):
    (vdir / "ana.vcf").write_bytes(CARD.encode())
    app = make_app(sync={"contacts": str(vdir)})
    async with running(app) as (app, pilot):
        rows = dict(app.key_help(app.screen))
        assert "S" in [keys for keys, text in rows.items() if "Sync now" in text]
        await from_palette(pilot, "sync now")
        await wait_for(
            pilot,
            lambda: any(row.name == "Ana Pop" for row in app.screen.client_list.all_rows),
            what="the palette's sync",
        )


async def test_the_dashboard_syncs_every_n_minutes_while_open(db, vdir):
    app = make_app(sync={"contacts": str(vdir), "every_minutes": 5})
    async with running(app) as (app, pilot):
        timers = [t for t in app.screen._timers if getattr(t, "name", "") == "sync"]
        assert len(timers) == 1 and timers[0]._interval == 300.0
        (vdir / "ana.vcf").write_bytes(CARD.encode())
        timers[0]._callback()  # what the timer does when five minutes have passed
        await wait_for(
            pilot,
            lambda: any(row.name == "Ana Pop" for row in app.screen.client_list.all_rows),
            what="the timer's sync",
        )


async def test_a_contact_conflict_shows_in_triage(db, vdir):
    ion = ops.add_client("Ion Popescu", phones=["+40721234567"], status="active", now=NOW)
    sync_contacts(vdir, region="RO")
    card = next(vdir.iterdir())
    card.write_bytes(card.read_bytes().replace(b"FN:Ion Popescu", b"FN:Ion Popescu Jr"))
    ops.update_client(ion, name="Ion Popescu Sr")
    report = sync_contacts(vdir, region="RO")
    assert len(report.conflicts) == 1
    async with running() as (app, pilot):
        attention = await triage_on(pilot, "sync_conflict")
        assert attention.current.client_id == ion.id
        assert "card and client both changed (name)" in attention.current.text
    sync_contacts(vdir, region="RO", prefer="callsheet")
    assert ContactSync.get().conflict == ""
    assert Client.get_by_id(ion.id).name == "Ion Popescu Sr"
