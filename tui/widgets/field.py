"""A form field: its label, its input widget, and the line where its error is shown."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class Field(Vertical):
    """A label, an input widget, and the place where its error is shown."""

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 0 0; }
    Field > .field-label { color: $text-muted; }
    Field > .field-error { color: $error; height: auto; display: none; }
    Field.-invalid > .field-error { display: block; }
    Field.-invalid Input { border: tall $error; }
    """

    def __init__(self, label: str, widget: Widget, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self.label = label
        self.widget = widget
        self.field_name = name

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self.widget
        yield Static("", classes="field-error")

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(Text(message or ""))
