"""The callsheet dashboard application (first screen; the full dashboard is to come)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class CallsheetApp(App):
    TITLE = "callsheet"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, config=None):
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("callsheet")
        yield Footer()


def run_dashboard(config) -> None:
    CallsheetApp(config).run()
