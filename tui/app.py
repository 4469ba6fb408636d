"""The callsheet dashboard application: configuration, the clock, and the screens.

The app owns "now" (a callable, fixed in tests and screenshots so that relative times
and decayed scores are reproducible) and a few timing marks that the benchmark reads:
``mark_start(name)`` when a user action begins and ``mark(name)`` after the refresh that
shows its result (``clients``, ``filter``, ``select``, ``save``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from models.config import Config
from tui.commands import DashboardCommands


class CallsheetApp(App):
    TITLE = "callsheet"
    # absolute, so subclasses defined elsewhere (bench/, tests) find it too
    CSS_PATH = Path(__file__).resolve().parent / "styles" / "app.tcss"
    COMMANDS = App.COMMANDS | {DashboardCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave callsheet"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="app.palette",
            tooltip="Every action, and jump to any client",
        ),
    ]

    def __init__(
        self, config: Config | None = None, now: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self._now = now
        #: name -> perf_counter when the last such action started / was shown
        self.started: dict[str, float] = {}
        self.marks: dict[str, float] = {}
        self.mark_counts: dict[str, int] = {}

    def now(self) -> datetime:
        return self._now() if self._now else datetime.now(UTC).replace(microsecond=0)

    def get_default_screen(self):
        from tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def mark_start(self, name: str) -> None:
        self.started[name] = time.perf_counter()

    def mark(self, name: str) -> None:
        """Record that the result of ``name`` is on screen (read by bench/)."""
        self.marks[name] = time.perf_counter()
        self.mark_counts[name] = self.mark_counts.get(name, 0) + 1

    def key_help(self, screen) -> list[tuple[str, str]]:
        """(keys, description) for every binding of ``screen`` and the app."""
        rows = []
        for binding in [*screen.BINDINGS, *self.BINDINGS]:
            if binding.description:
                keys = ", ".join(
                    self.get_key_display(Binding(key, binding.action))
                    for key in binding.key.split(",")
                )
                rows.append((keys, binding.tooltip or binding.description))
        return rows


def run_dashboard(config: Config) -> None:
    CallsheetApp(config).run()
