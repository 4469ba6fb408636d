"""Helpers for driving the real dashboard in tests (App.run_test + Pilot).

Tests synchronise with the app itself, not with the benchmark's timing marks: ``settle``
waits until no worker is running and the messages they posted have been handled.
``running()`` opens the dashboard on the test's store and settles it; ``submit()`` fills a
form and saves it; ``refused()`` waits for a field's error and returns it; ``triage_on()``
and ``from_palette()`` reach an item of triage and a command of the palette.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.pilot import Pilot
from textual.worker import WorkerState

from callsheet.models.config import Config
from callsheet.tui.app import CallsheetApp
from callsheet.tui.widgets.field import Field
from tests.clock import NOW


def make_app(**settings) -> CallsheetApp:
    config = Config(default_region="RO", stale_after_days=21, **settings)
    return CallsheetApp(config, now=lambda: NOW)


@asynccontextmanager
async def running(
    app: CallsheetApp | None = None, size: tuple[int, int] = (160, 48), **run_options
) -> AsyncIterator[tuple[CallsheetApp, Pilot]]:
    """The dashboard (``make_app()`` unless given) running at ``size``, its first screen
    complete: yields ``(app, pilot)``."""
    app = app or make_app()
    async with app.run_test(size=size, **run_options) as pilot:
        await settle(pilot)
        yield app, pilot


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


async def submit(pilot, key: str, fields: dict[str, str] | None = None, typed: str = ""):
    """Open the form behind ``key``, type ``typed``, set the named fields, save; returns the
    form (the screen that was open before the save)."""
    await pilot.press(key, *typed)
    form = pilot.app.screen
    for name, value in (fields or {}).items():
        form.query_one(f"#field-{name}", Field).widget.value = value
    await pilot.press("ctrl+s")
    return form


async def refused(pilot, form, name: str) -> str:
    """Wait until the form shows an error under field ``name``; returns the error's text."""
    field = form.query_one(f"#field-{name}", Field)
    await wait_for(pilot, lambda: field.has_class("-invalid"), what=f"an error under {name}")
    return str(field.query_one(".field-error").render())


async def from_palette(pilot, typed: str, pause: float = 0.5) -> None:
    """Run the command palette's first match for ``typed`` (its search runs in a worker of
    the palette itself, which ``settle`` does not see, hence the pause)."""
    await pilot.press("ctrl+p", *typed)
    await pilot.pause(pause)
    await pilot.press("enter")


async def triage_on(pilot, kind: str):
    """Open triage and put its cursor on the first item of ``kind``; returns the list."""
    await pilot.press("t")
    attention = pilot.app.screen.query_one("#attention")
    await wait_for(pilot, lambda: any(i.kind == kind for i in attention.rows), what=kind)
    attention._move_to(next(i for i, item in enumerate(attention.rows) if item.kind == kind))
    return attention
