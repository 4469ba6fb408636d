"""Helpers for driving the real dashboard in tests (App.run_test + Pilot).

Tests synchronise with the app itself, not with the benchmark's timing marks: ``settle``
waits until no worker is running and the messages they posted have been handled.
"""

from __future__ import annotations

import asyncio

from textual.worker import WorkerState

from models.config import Config
from tests.clock import NOW
from tui.app import CallsheetApp


def make_app(**settings) -> CallsheetApp:
    config = Config(default_region="RO", stale_after_days=21, **settings)
    return CallsheetApp(config, now=lambda: NOW)


def _busy(app) -> bool:
    return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)


async def settle(pilot, rounds: int = 50) -> None:
    """Wait for every worker, then for the messages they posted (which may start more)."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not _busy(app):
            await pilot.pause()
            if not _busy(app):
                return
    raise AssertionError("the app never settled: workers kept starting")


async def wait_for(pilot, condition, timeout: float = 5.0, what: str = "condition") -> None:
    """Let workers run until ``condition()`` holds (fails the test after ``timeout``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    # polls rather than settles: the condition may hold while a worker still runs (a save
    # retrying against a locked database shows its notice before it can finish)
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def line_text(widget, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))
