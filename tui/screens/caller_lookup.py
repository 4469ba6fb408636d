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
from callsheet.tui.screens.keys import keys_of

if TYPE_CHECKING:
    from callsheet.tui.app import CallsheetApp

_key = keys_of("lookup")


class CallerLookupScreen(ReportsWorkerFailures, ModalScreen[object]):
    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    COMPONENT_CLASSES = {"lookup--error", "lookup--unknown"}
    BINDINGS = [
        _key("escape", "close", "Cancel", name="cancel"),
        _key("ctrl+n", "add", "Add as new client", "Add the unknown number as a new client"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.unknown: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text("Who is calling? Type the number as the phone shows it.", style="bold")
            )
            yield Input(placeholder="+40 721 234 567, 0040721234567, 0721-234-567", id="number")
            yield Static("", id="lookup-result")

    @on(Input.Submitted, "#number")
    def _submitted(self, event: Input.Submitted) -> None:
        self.unknown = None
        self.lookup(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def lookup(self, typed: str) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.finding import find_by_phone
        from callsheet.models.values.phones import (
            international_digits,
            is_unverified,
            lookup_keys,
            why_invalid,
        )

        client = None
        quick = international_digits(typed)
        if quick:
            client = find_by_phone(quick)
        if client is None:
            # +40 / 0040 / 011 40 read in any region; a number kept as typed still matches
            keys, error = lookup_keys(typed, self.app.config.default_region)
            client = next(filter(None, (find_by_phone(key) for key in keys)), None)
            if client is None and error is not None:
                self.app.call_from_thread(self._message, str(error), "lookup--error")
                return
            e164 = keys[0]
            problem = why_invalid(e164) if client is None and not is_unverified(e164) else None
            if problem:
                # nobody can call from an impossible number: say why, offer nothing to save
                self.app.call_from_thread(
                    self._message, f"{typed.strip()}: {problem}. Check the digits.", "lookup--error"
                )
                return
        if client is not None:
            self.app.call_from_thread(self.dismiss, client.id)
        else:
            self.app.call_from_thread(self._not_found, typed.strip(), e164)

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
