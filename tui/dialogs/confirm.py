"""Asking before what cannot be taken back: ``y``/``n`` for archive-style questions, and a typed
name for forget, where a stray key must not erase a client from every backup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


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
            yield Static(Text("y: yes    n / escape: no"), classes="dim")

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
            yield Static(Text("enter: confirm    escape: cancel"), classes="dim")

    def on_input_submitted(self, event) -> None:
        typed = " ".join(event.value.split()).casefold()
        self.dismiss(typed == " ".join(self.expected.split()).casefold())

    def action_cancel(self) -> None:
        """Escape: no answer (None), as opposed to a name that did not match (False)."""
        self.dismiss(None)
