"""The help dialog: every key of the screen underneath, as bound now, grouped in sections, with
the hint that keys are remapped in config.toml by binding id.
"""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath, as bound now (after the user's ``[keys]``)."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]
    COMPONENT_CLASSES = {"help-key", "help-muted"}

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-text", Static).update(self._help())

    def _help(self) -> Group:
        key_style = self.get_component_rich_style("help-key", partial=True)
        rows = [row for _, section in self.sections for row in section]
        width = max((len(key) for key, _ in rows), default=8)

        def keys_table(section) -> Table:
            # a grid, so a description that wraps hangs under its first line, not the key
            table = Table.grid(padding=(0, 0, 0, 2), pad_edge=True)
            table.add_column(width=width + 2, no_wrap=True, style=key_style)
            table.add_column(ratio=1)
            for key, description in section:
                table.add_row(key, Text(description))
            return table

        parts: list = []
        for title, section in self.sections:
            if section:
                parts += [Text(title, style="bold"), keys_table(section), Text("")]
        parts.append(
            keys_table([("tab", "Move between the filter, the clients, the log and the risk pane")])
        )
        footnote = Text("\nKeys can be changed in config.toml under [keys] (binding id = key).\n")
        footnote.append(
            "escape closes this help.",
            style=self.get_component_rich_style("help-muted", partial=True),
        )
        return Group(*parts, footnote)

    @property
    def text(self) -> str:
        """The help as the screen shows it, line by line, as plain text (for tests)."""
        static = self.query_one("#help-text", Static)
        console = Console(width=static.content_region.width or 96, record=True, file=io.StringIO())
        console.print(self._help())
        return console.export_text()

    def action_close(self) -> None:
        self.dismiss(None)
