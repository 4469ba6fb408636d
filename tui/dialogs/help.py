"""The help dialog: every key of the screen underneath, as bound now, grouped in sections, with
the hint that keys are remapped in config.toml by binding id.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


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
