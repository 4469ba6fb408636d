"""Captured entries on the dashboard: source marks, suggestions confirmed or dismissed by key,
and mail captured from the palette."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.capture.store import Captured, save
from callsheet.models.store.tables import Interaction, Signal
from tests.clock import NOW
from tests.commands import callsheet
from tests.tui_helpers import from_palette, line_text, make_app, running, triage_on, wait_for


@pytest.fixture
def captured(db):
    """One client with a typed entry and a captured mail that suggests two signals."""
    ion = ops.add_client("Ion Ionescu", emails=["ion@carpati.example"], status="active", now=NOW)
    ops.log_interaction(ion, summary="Kick-off call", at=NOW - timedelta(days=3), now=NOW)
    save(
        [
            Captured(
                client_id=ion.id,
                at=NOW - timedelta(hours=1),
                channel="email",
                direction="in",
                summary="Factură — Nu plătesc, am vorbit cu avocatul",
                source="mail",
                key="mid:<1@carpati.example>",
                suggested=["refused_payment", "legal_threat"],
            )
        ],
        now=NOW,
    )
    return ion


async def test_a_captured_entry_shows_its_source_and_suggestions_apart_from_signals(captured):
    async with running() as (app, pilot):
        newest = line_text(app.screen.log_view, 0)
        # channel (short in a narrow log pane), direction, then the source mark
        assert "mail ←@" in newest
        assert "Factură — Nu" in newest and "?refused" in newest
        typed = line_text(app.screen.log_view, 1)
        assert "@" not in typed and "?" not in typed
        assert app.screen.selected_client_id == captured.id
        assert "legal" not in app.screen.risk_pane.text  # suggestions never count


async def test_v_confirms_the_suggestions_and_they_count_toward_risk(captured):
    async with running() as (app, pilot):
        await pilot.press("v")
        await wait_for(
            pilot,
            lambda: (
                set(app.screen.log_view.rows[0].signals) == {"refused_payment", "legal_threat"}
                and not app.screen.log_view.rows[0].suggested
            ),
            what="the confirmed signals in the log",
        )
        assert " refused " in line_text(app.screen.log_view, 0)  # a badge now, no "?"
        await wait_for(pilot, lambda: "legal" in app.screen.risk_pane.text, what="risk factors")
    kinds = {s.kind for s in Signal.select().where(Signal.client == captured.id)}
    assert kinds == {"refused_payment", "legal_threat"}


async def test_shift_v_dismisses_them_for_good(captured):
    async with running() as (app, pilot):
        await pilot.press("V")
        await wait_for(
            pilot,
            lambda: "?" not in line_text(app.screen.log_view, 0),
            what="the suggestions gone from the log",
        )
    entry = Interaction.get(Interaction.source == "mail")
    assert entry.suggested_signals == []
    assert entry.dismissed_signals == ["refused_payment", "legal_threat"]
    assert not Signal.select().where(Signal.client == captured.id).exists()


async def test_capture_mail_from_the_palette_reads_the_configured_folders(captured, tmp_path):
    maildir = tmp_path / "Mail"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mail" / "maildir", maildir)
    app = make_app(mail_paths=[str(maildir)], my_addresses=["me@consult.example"])
    async with running(app) as (app, pilot):
        await from_palette(pilot, "capture mail", pause=0.3)
        await wait_for(
            pilot,
            lambda: any("Contract (encrypted)" in r.summary for r in app.screen.log_view.rows),
            timeout=10,
            what="captured mail in the log",
        )
    assert Interaction.select().where(Interaction.source == "mail").count() > 1


async def test_mail_captured_in_another_terminal_appears_in_the_open_log(
    captured, db_path, tmp_path
):
    maildir = tmp_path / "Mail"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mail" / "maildir", maildir)
    async with running() as (app, pilot):
        callsheet("mail", str(maildir), "--me", "me@consult.example", db=db_path)
        await wait_for(
            pilot,
            lambda: any("Contract (encrypted)" in r.summary for r in app.screen.log_view.rows),
            timeout=8,
            what="the captured mail in the log",
        )


async def test_triage_lists_the_suggestions_to_review_and_v_confirms_the_one_selected(captured):
    async with running() as (app, pilot):
        attention = await triage_on(pilot, "suggestion")
        assert "suggested refused payment, legal threat" in attention.current.text
        await pilot.press("v")
        await wait_for(
            pilot,
            lambda: not any(item.kind == "suggestion" for item in attention.rows),
            what="the suggestion answered",
        )
    kinds = {s.kind for s in Signal.select().where(Signal.client == captured.id)}
    assert kinds == {"refused_payment", "legal_threat"}
