"""Drivers run in their own process by bench/__main__.py.

``baseline DB``: a bare Textual app with one Static; prints "ready" after its first frame.
``floor_start DB``: the bare three-pane app of bench/floor.py; "ready" after its first frame.
``dashboard DB``: the real dashboard; prints "ready" once the first full frame with data is
on screen (clients listed, the first client's log and risk shown).
``floor - N``: the bare three-pane app of bench/floor.py, N filter keystrokes timed the same
way as callsheet's; prints a JSON line with the samples.
``interact DB N``: the dashboard, then N filter keystrokes, N selections and a few saved
interactions, each timed inside the app; prints a JSON line with the samples and peak RSS.
``ring DB N``: the dashboard open, then N times `callsheet ring` run in another process with
a client's number in national format; each sample is from just before that process is
started to the caller's call sheet painted (the app's ``ring_sheet`` mark, same clock).
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys

from textual.app import App
from textual.widgets import Static

import callsheet.tui  # noqa: F401  (the same frame-rate setting as the real app, for a fair baseline)
from callsheet.tui.cli import skip_unneeded_drivers

skip_unneeded_drivers(["--db", sys.argv[2]] if len(sys.argv) > 2 else [])  # as `callsheet` does

SIZE = (160, 48)


class Bare(App):
    def compose(self):
        yield Static("callsheet")

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_frame)

    def _first_frame(self) -> None:
        print("ready", flush=True)
        self.exit()


def floor_app():
    """bench/floor.py's bare three-pane app (10k names, header, footer, an Input), exiting
    after its first frame: the start-up a dashboard of that shape costs in Textual alone."""
    from bench.floor import FloorApp

    class Started(FloorApp):
        def on_mount(self) -> None:
            self.call_after_refresh(self._first_frame)

        def _first_frame(self) -> None:
            print("ready", flush=True)
            self.exit()

    return Started()


def dashboard_app(db: str, exit_when_ready: bool):
    from callsheet.models.config import load_config
    from callsheet.models.store.opening import open_database
    from callsheet.tui.app import CallsheetApp

    class Measured(CallsheetApp):
        def mark(self, name: str) -> None:
            super().mark(name)
            shown = self.mark_counts.get("clients_first") or self.mark_counts.get("clients")
            if (
                exit_when_ready
                and name in ("select", "clients", "clients_first")
                and shown
                and self.mark_counts.get("select")
            ):
                print("ready", flush=True)
                self.exit()

    config = load_config()
    open_database(db)
    return Measured(config)


async def interact(db: str, count: int) -> dict:
    app = dashboard_app(db, exit_when_ready=False)
    samples = {"filter": [], "select": [], "save": []}

    async def timed(pilot, name: str, *keys: str) -> None:
        before = app.mark_counts.get(name, 0)
        await pilot.press(*keys)
        for _ in range(400):
            if app.mark_counts.get(name, 0) > before:
                break
            await pilot.pause(0.01)
        else:
            raise RuntimeError(f"{name} never showed its result")
        samples[name].append((app.marks[name] - app.started[name]) * 1000)

    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2000):
            if app.mark_counts.get("clients") and app.mark_counts.get("select"):
                break
            await pilot.pause(0.01)
        words = ["pop", "ion", "anna", "mar", "kow", "stan", "olga", "smith"]
        await pilot.press("slash")
        while len(samples["filter"]) < count:
            word = words[len(samples["filter"]) % len(words)]
            for character in word:
                await timed(pilot, "filter", character)
            for _ in word:
                await timed(pilot, "filter", "backspace")
        await pilot.press("escape")
        await pilot.pause(0.2)
        for index in range(count):
            await timed(pilot, "select", "j" if index % 10 < 7 else "k")
        for index in range(5):
            await pilot.press("l", *f"bench call {index}")
            await timed(pilot, "save", "ctrl+s")
            await pilot.pause(0.2)
    samples["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return samples


async def ring(db: str, count: int) -> dict:
    import os
    import subprocess
    import time
    from pathlib import Path

    from callsheet.models.store.tables import Phone

    app = dashboard_app(db, exit_when_ready=False)  # (opens the store)
    # clients' Romanian numbers, as a phone's display shows them nationally ("0721 234 567")
    numbers = [
        "0" + e164[3:6] + " " + e164[6:9] + " " + e164[9:]
        for (e164,) in Phone.select(Phone.e164)
        .where(Phone.e164.startswith("+407"))
        .order_by(Phone.id)
        .limit(count * 7)
        .tuples()
    ][::7][:count]
    callsheet = str(Path(sys.executable).with_name("callsheet"))
    env = dict(os.environ, CALLSHEET_REGION="RO")
    samples: list[float] = []
    heard: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2000):
            if app.mark_counts.get("clients") and app.mark_counts.get("select"):
                break
            await pilot.pause(0.01)
        await pilot.pause(1.0)  # the ring watch is reading from its own thread by now
        for number in numbers:
            before = app.mark_counts.get("ring_sheet", 0)
            started = time.perf_counter()
            process = subprocess.Popen(
                [callsheet, "ring", number, "--source", "bench", "--db", db],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
            )
            for _ in range(1000):
                if app.mark_counts.get("ring_sheet", 0) > before:
                    break
                await pilot.pause(0.01)
            else:
                raise RuntimeError(f"no call sheet for {number}: {process.stderr.read()!r}")
            samples.append((app.marks["ring_sheet"] - started) * 1000)
            heard.append((app.marks["ring_heard"] - started) * 1000)
            process.wait()
            await pilot.press("escape")
            await pilot.pause(0.3)
    return {"ring": samples, "heard": heard}


def main() -> int:
    kind, db = sys.argv[1], sys.argv[2]
    if kind == "baseline":
        Bare().run(headless=True, size=SIZE)
    elif kind == "floor_start":
        floor_app().run(headless=True, size=SIZE)
    elif kind == "dashboard":
        dashboard_app(db, exit_when_ready=True).run(headless=True, size=SIZE)
    elif kind == "floor":
        from bench.floor import keystrokes

        print(json.dumps({"filter": asyncio.run(keystrokes(int(sys.argv[3]), SIZE))}))
    elif kind == "interact":
        print(json.dumps(asyncio.run(interact(db, int(sys.argv[3])))))
    elif kind == "ring":
        print(json.dumps(asyncio.run(ring(db, int(sys.argv[3])))))
    else:
        raise SystemExit(f"unknown driver {kind!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
