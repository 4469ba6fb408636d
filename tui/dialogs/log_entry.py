"""One log entry in full: when, how, tone, every signal and suggestion, the source, and the whole
summary with its line breaks (opened with enter on the dashboard's log).
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from callsheet.models.book.queries import LogRow
from callsheet.models.values.text import printable


class LogEntryScreen(ModalScreen[None]):
    """One log entry in full: when, how, tone, every signal, the whole summary."""

    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="entry.close")]

    def __init__(self, row: LogRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        row = self.row
        moment = datetime.fromtimestamp(row.at, UTC).astimezone()
        text = Text()
        text.append(f"{moment:%A %-d %B %Y, %H:%M}\n", style="bold")
        direction = {"in": "from the client", "out": "to the client"}.get(row.direction, "")
        text.append(f"{row.channel} {direction}")
        if row.duration_min:
            text.append(f", {row.duration_min} min")
        if row.tone:
            text.append(f", tone: {row.tone}")
        text.append("\n")
        if row.signals:
            text.append("Signals: " + ", ".join(s.replace("_", " ") for s in row.signals) + "\n")
        if row.suggested:
            text.append(
                "Suggested (v confirms, V dismisses): "
                + ", ".join(s.replace("_", " ") for s in row.suggested)
                + "\n"
            )
        if row.source and row.source != "typed":
            text.append(f"Source: {printable(row.source)}\n")
        text.append("\n")
        # the summary as typed, its line breaks kept, control characters made harmless
        text.append("\n".join(printable(line) for line in (row.summary or "").splitlines()))
        with VerticalScroll(classes="dialog entry"):
            yield Static(text)
            yield Static(Text("escape or enter closes"), classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
