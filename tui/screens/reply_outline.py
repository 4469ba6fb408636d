"""Saying no, well (domain rule 6): the reply outline, to copy or save to the log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from callsheet.models.values.text import printable
from callsheet.tui.messages import ReportsWorkerFailures
from callsheet.tui.screens.keys import keys_of

if TYPE_CHECKING:
    from callsheet.tui.app import CallsheetApp

_key = keys_of("outline")


class ReplyOutlineScreen(ReportsWorkerFailures, ModalScreen[None]):
    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    BINDINGS = [
        _key("escape,q", "close", "Close"),
        _key("y", "copy", "Copy", "Copy the outline to the clipboard"),
        _key("s", "save", "Save to log", "Save the outline to the client's log as a note"),
    ]

    def __init__(self, client_id: int) -> None:
        super().__init__()
        self.client_id = client_id
        self.outline = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog outline"):
            yield VerticalScroll(
                Static(Text("Preparing the outline…", style="italic"), id="outline-body")
            )
            yield Static(Text("y copy   s save to the log as a note   escape close"), classes="dim")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.briefing.saying_no import reply_outline

        outline = reply_outline(self.client_id, self.app.now())
        self.app.call_from_thread(self._show, outline)

    def _show(self, outline: str) -> None:
        self.outline = outline
        self.query_one("#outline-body", Static).update(
            Text("\n".join(printable(line) for line in outline.splitlines()))
        )

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.outline)
        self.notify("Outline copied to the clipboard.")

    def action_save(self) -> None:
        self._save()

    @work(thread=True, exit_on_error=False)
    def _save(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.clients import log_interaction
        from callsheet.models.store.tables import Client

        log_interaction(
            Client.get_by_id(self.client_id),
            channel="note",
            direction="out",
            summary=" ".join(self.outline.split()),
            now=self.app.now(),
        )
        self.app.call_from_thread(self.notify, "Outline saved to the log.")
        self.app.call_from_thread(self.dismiss, None)

    def action_close(self) -> None:
        self.dismiss(None)
