"""Who is calling: type the number from the phone's display, get the call sheet (rule 1).

Closes with the client's id, or ``("new", number)`` when nobody has the number and the
user chooses to add them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from callsheet.tui.messages import ReportsWorkerFailures
from callsheet.tui.screens.call_sheet import draw_call_line
from callsheet.tui.screens.keys import keys_of

if TYPE_CHECKING:
    from callsheet.tui.app import CallsheetApp
    from callsheet.tui.ringing import LiveCall

_key = keys_of("lookup")


class CallerLookupScreen(ReportsWorkerFailures, ModalScreen[object]):
    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    COMPONENT_CLASSES = {"lookup--error", "lookup--unknown"}
    BINDINGS = [
        _key("escape", "close", "Cancel", name="cancel"),
        _key("ctrl+n", "add", "Add as new client", "Add the unknown number as a new client"),
    ]

    def __init__(self, number: str = "", call: LiveCall | None = None) -> None:
        super().__init__()
        self.unknown: str | None = None
        #: filled in and looked up at once (the phone rang from a number nobody has)
        self.number = number
        #: the phone call that opened it (callsheet ring), if one did
        self.call = call
        if call is not None:
            self.add_class("-ringing")  # opaque: see app.tcss
        #: the other calls going on, one line each (the dashboard keeps them current)
        self.others: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("", id="ring-line")
            yield Static(
                Text("Who is calling? Type the number as the phone shows it.", style="bold")
            )
            yield Input(
                self.number,
                placeholder="+40 721 234 567, 0040721234567, 0721-234-567",
                id="number",
            )
            yield Static("", id="lookup-result")

    def on_mount(self) -> None:
        self.show_call()
        if self.number:
            self.lookup(self.number)

    def show_call(self, others: list[str] | None = None) -> None:
        """The ringing call's line, and one line for each other call going on."""
        if others is not None:
            self.others = others
        draw_call_line(self, self.call, self.others)

    @on(Input.Submitted, "#number")
    def _submitted(self, event: Input.Submitted) -> None:
        self.unknown = None
        self.lookup(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def lookup(self, typed: str) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.finding import find_by_typed_phone
        from callsheet.models.values.phones import PhoneError, is_unverified, why_invalid

        # +40 / 0040 / 011 40 read in any region; a number kept as typed still matches
        try:
            e164, client = find_by_typed_phone(typed, self.app.config.default_region)
        except PhoneError as error:
            self.app.call_from_thread(self._message, str(error), "lookup--error")
            return
        if client is None:
            problem = why_invalid(e164) if e164 and not is_unverified(e164) else None
            if problem:
                # nobody can call from an impossible number: say why, offer nothing to save
                self.app.call_from_thread(
                    self._message, f"{typed.strip()}: {problem}. Check the digits.", "lookup--error"
                )
                return
        if client is not None:
            self.app.call_from_thread(self.dismiss, client.id)
        else:
            self.app.call_from_thread(self._not_found, typed.strip(), e164 or typed.strip())

    def _message(self, message: str, class_: str) -> None:
        style = self.get_component_rich_style(class_, partial=True)
        self.query_one("#lookup-result", Static).update(Text(message, style=style))

    def _not_found(self, typed: str, e164: str) -> None:
        self.unknown = typed
        self._message(
            f"Nobody in your book has {e164}. Press ctrl+n to add them as a new client, escape to cancel.",
            "lookup--unknown",
        )

    def action_add(self) -> None:
        if self.unknown:
            self.dismiss(("new", self.unknown))

    def action_close(self) -> None:
        self.dismiss(None)
