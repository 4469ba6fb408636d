"""Pictures of the real app for the README: ``make screenshots`` (``python -m bench.screenshots``).

Builds a demo database with a fixed seed and a fixed "now" in a temporary directory, drives
the dashboard headless through the same keys a person would press, and writes an SVG of
each view into ``screenshots/``, plus a PNG of each when ``rsvg-convert`` (Debian package
librsvg2-bin) is installed. The dashboard is taken at 160x48, 100x30 and 80x24.
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
SIZE = (160, 48)
#: the dashboard at the other sizes the layout is built for (file name suffix, size)
OTHER_SIZES = [("-100x30", (100, 30)), ("-80x24", (80, 24))]
OUT = Path(__file__).resolve().parent.parent / "screenshots"

#: (file name, keys pressed from a fresh dashboard, what the picture shows)
VIEWS = [
    (
        "dashboard",
        [],
        "the three panes: clients by risk, the selected client's log, why they are risky",
    ),
    ("filter", ["slash", *"pop"], "typing three letters filters 500 clients"),
    ("triage", ["t"], "what needs attention today"),
    (
        "log-form",
        [
            "j",
            "l",
            *"Asked for a mobile version in the same budget",
            "tab",
            "tab",
            "tab",
            "tab",
            "tab",
            "tab",
            "s",
            "l",
        ],
        "logging a call with two signals, from the keyboard",
    ),
    ("call-sheet", ["c"], "the call sheet, read before picking up the phone"),
    ("help", ["question_mark"], "every key"),
]


async def _settle(app, pilot) -> None:
    """Until no worker runs and what they posted is shown (a handled message may start more)."""
    from textual.worker import WorkerState

    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            return


_LEADING_SPACES = re.compile(
    r'<text([^>]*?) x="([0-9.]+)"([^>]*?) textLength="([0-9.]+)"([^>]*)>((?:&#160;)+)([^<]+)</text>'
)


def for_rsvg(svg: str) -> str:
    """The SVG with leading spaces of each text run turned into an x offset.

    rsvg-convert drops a text element's leading (non-breaking) spaces, so right-aligned
    columns and indented lines would be drawn shifted left in the PNG; the SVG is right.
    """

    def shift(match: re.Match) -> str:
        before, x, middle, length, after, spaces, rest = match.groups()
        lead = spaces.count("&#160;")
        cell = float(length) / (lead + len(html.unescape(rest)))
        return (
            f'<text{before} x="{float(x) + lead * cell:.1f}"{middle} '
            f'textLength="{float(length) - lead * cell:.1f}"{after}>{rest}</text>'
        )

    return _LEADING_SPACES.sub(shift, svg)


async def _shoot(name: str, keys: list[str], db_path: Path, size=SIZE) -> str:
    from callsheet.models.config import Config
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_database
    from callsheet.tui.app import CallsheetApp

    open_database(db_path)
    app = CallsheetApp(Config(default_region="RO"), now=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await _settle(app, pilot)
        for key in keys:
            await pilot.press(key)
        await _settle(app, pilot)
        svg = app.export_screenshot(title=f"callsheet — {name}")
    close_database()
    return svg


def main() -> int:
    import os
    import time

    from callsheet.models.demo import generate
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_database

    os.environ.setdefault("TZ", "Europe/Bucharest")
    time.tzset()
    OUT.mkdir(exist_ok=True)
    converter = shutil.which("rsvg-convert")
    if converter is None:
        print(
            "rsvg-convert not found: writing SVG only (apt-get install librsvg2-bin for PNG)",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "demo.db"
        open_database(db_path)
        generate(500, 25_000, seed=42, now=NOW)
        close_database()
        shots = [(name, keys, caption, SIZE) for name, keys, caption in VIEWS]
        shots += [
            (f"dashboard{suffix}", [], f"the dashboard at {size[0]}x{size[1]}", size)
            for suffix, size in OTHER_SIZES
        ]
        for name, keys, caption, size in shots:
            svg = asyncio.run(_shoot(name, keys, db_path, size))
            target = OUT / f"{name}.svg"
            target.write_text(svg, encoding="utf-8")
            if converter:
                subprocess.run(
                    [converter, "-o", str(target.with_suffix(".png"))],
                    input=for_rsvg(svg).encode("utf-8"),
                    check=True,
                )
            print(f"{target}: {caption}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
