"""The phone rings and the call sheet is on screen: a KDE Connect signal on a real session
bus, heard by ``callsheet listen kdeconnect`` in its own process, stored through the ring
API, and seen by the dashboard running under Pilot on the same store.
"""

from __future__ import annotations

import pytest

from callsheet.tui.screens.call_sheet import CallSheetScreen
from tests.factories import ion_ionescu
from tests.telephony_parts import Listening, PrivateBus, emit_kdeconnect_call
from tests.tui_helpers import running, settle, wait_for


@pytest.fixture
def bus():
    bus = PrivateBus().start()
    yield bus
    bus.close()


async def test_kde_connect_ringing_puts_the_callers_sheet_on_the_dashboard(db, db_path, bus):
    ion = ion_ionescu(phones=["0721 234 567"])
    listening = Listening("kdeconnect", "--address", bus.address, db=db_path)
    try:
        async with running() as (app, pilot):
            await wait_for(
                pilot,
                lambda: any("kdeconnect: listening for calls" in line for line in listening.lines),
                timeout=20,
                what="the listener on the bus",
            )
            emit_kdeconnect_call(bus, "callReceived", "0721 234 567", "Ion")
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, CallSheetScreen) and app.screen.client_id == ion.id,
                timeout=20,
                what="Ion's call sheet on screen",
            )
            await settle(pilot)
            assert "Ion Ionescu" in app.screen.text and "dl. Ionescu" in app.screen.text
        assert listening.interrupt() == 0
    finally:
        listening.kill()
    assert any(line.startswith("kdeconnect: ringing: Ion Ionescu") for line in listening.lines)
