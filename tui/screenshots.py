"""Pictures of the real app for the README: ``make screenshots`` (``python -m tui.screenshots``).

Builds a demo database with a fixed seed and a fixed "now" in a temporary directory, drives
the dashboard headless through the same keys a person would press, and writes an SVG of
each view into ``screenshots/``, plus a PNG of each when ``rsvg-convert`` (Debian package
librsvg2-bin) is installed.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
SIZE = (160, 48)
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


async def _shoot(name: str, keys: list[str], db_path: Path) -> str:
    from models.config import Config
    from models.db import close_database
    from models.store import open_database
    from tui.app import CallsheetApp

    open_database(db_path)
    app = CallsheetApp(Config(default_region="RO"), now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if app.mark_counts.get("clients") and app.mark_counts.get("select"):
                break
            await pilot.pause(0.05)
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.8)
        svg = app.export_screenshot(title=f"callsheet — {name}")
    close_database()
    return svg


def main() -> int:
    import os
    import time

    from models.db import close_database
    from models.demo import generate
    from models.store import open_database

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
        for name, keys, caption in VIEWS:
            svg = asyncio.run(_shoot(name, keys, db_path))
            target = OUT / f"{name}.svg"
            target.write_text(svg, encoding="utf-8")
            if converter:
                subprocess.run(
                    [converter, str(target), "-o", str(target.with_suffix(".png"))], check=True
                )
            print(f"{target}: {caption}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
