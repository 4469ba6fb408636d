"""Helpers for driving the real dashboard in tests (App.run_test + Pilot)."""

from __future__ import annotations

import asyncio

from models.config import Config
from tests.conftest import NOW
from tui.app import CallsheetApp


def make_app() -> CallsheetApp:
    return CallsheetApp(Config(default_region="RO", stale_after_days=21), now=lambda: NOW)


async def wait_for(pilot, condition, timeout: float = 5.0, what: str = "condition") -> None:
    """Let workers run until ``condition()`` holds (fails the test after ``timeout``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def line_text(widget, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))
