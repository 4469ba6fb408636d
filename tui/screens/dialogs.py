"""Small modal dialogs: confirming a destructive action, the help screen, one log entry in full."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from callsheet.models.book.queries import LogRow
from callsheet.models.values.text import printable


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that cannot be taken back; ``y`` confirms, anything else cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question, style="bold"))
            if self.detail:
                yield Static(Text(self.detail))
            yield Static(Text("y: yes    n / escape: no", style="dim"))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TypedConfirmScreen(ModalScreen[bool]):
    """Ask for something that cannot be taken back by having the person type ``expected``.

    Used by forget: a stray ``y`` must not erase a client from every backup. ``enter``
    answers yes only when the typed text matches (case and spacing aside).
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="typed_confirm.cancel")]

    def __init__(self, question: str, detail: str, expected: str) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.expected = expected

    def compose(self) -> ComposeResult:
        # deferred: Textual loads only when a screen is shown
        from textual.widgets import Input

        with Vertical(classes="dialog"):
            yield Static(Text(self.question, style="bold"))
            yield Static(Text(self.detail))
            yield Input(placeholder="type the name, then enter", id="typed-confirm")
            yield Static(Text("enter: confirm    escape: cancel", style="dim"))

    def on_input_submitted(self, event) -> None:
        typed = " ".join(event.value.split()).casefold()
        self.dismiss(typed == " ".join(self.expected.split()).casefold())

    def action_cancel(self) -> None:
        """Escape: no answer (None), as opposed to a name that did not match (False)."""
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath, as bound now (after the user's ``[keys]``)."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]
    COMPONENT_CLASSES = {"help-key"}

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(id="help-text")

    def on_mount(self) -> None:
        key_style = self.get_component_rich_style("help-key", partial=True)
        rows = [row for _, section in self.sections for row in section]
        width = max((len(key) for key, _ in rows), default=8) + 2
        text = Text()
        for title, section in self.sections:
            if not section:
                continue
            text.append(f"{title}\n", style="bold")
            for key, description in section:
                text.append(f"  {key:<{width}}", style=key_style)
                text.append(description + "\n")
            text.append("\n")
        text.append("  tab".ljust(width + 2), style=key_style)
        text.append("Move between the filter, the clients, the log and the risk pane\n")
        text.append("\nKeys can be changed in config.toml under [keys] (binding id = key).\n")
        text.append("escape closes this help.", style="dim")
        self.query_one("#help-text", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(None)


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
            yield Static(Text("escape or enter closes", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
