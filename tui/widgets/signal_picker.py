"""The log form's signal picker: one key toggles one signal while the picker has focus."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from callsheet.models.values.terms import SIGNALS
from callsheet.tui.widgets.lists import MARK_CLASSES, Marks

#: one key per signal, shown in the picker (domain.md's warning signs, own mistakes, positives)
SIGNAL_KEYS = {
    "changed_mind": "c",
    "refused_payment": "r",
    "late_payment": "l",
    "rude": "u",
    "aggressive": "a",
    "missed_call": "m",
    "no_show": "n",
    "complaint": "p",
    "scope_creep": "s",
    "legal_threat": "g",
    "own_mistake": "o",
    "referral": "f",
    "praise": "e",
    "paid_on_time": "t",
}


class SignalPicker(Marks, Static, can_focus=True):
    """Signals toggled with single keys while this widget has focus."""

    COMPONENT_CLASSES = MARK_CLASSES
    DEFAULT_CSS = """
    SignalPicker { height: auto; padding: 0 1; border: tall $panel; }
    SignalPicker:focus { border: tall $accent; }
    """

    def __init__(self, chosen: list[str] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.chosen: list[str] = list(chosen or [])

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        text = Text()
        # as many columns as fit; "[x]" marks a chosen signal as well as its colour does
        cell = max(len(kind) for kind in SIGNALS) + 8
        columns = max(1, (self.size.width or 80) // cell)
        for index, kind in enumerate(SIGNALS):
            on_ = kind in self.chosen
            text.append(f"{SIGNAL_KEYS[kind]} ", style="bold")
            text.append("[x]" if on_ else "[ ]", style="bold" if on_ else self.mark("dim"))
            label = f" {kind.replace('_', ' ')} "
            text.append(label, style=self.signal_style(kind) if on_ else self.mark("dim"))
            last = index + 1 == len(SIGNALS)
            text.append(
                ""
                if last
                else "\n"
                if (index + 1) % columns == 0
                else " " * (cell - 5 - len(label))
            )
        self.update(text)

    def on_resize(self) -> None:
        self._draw()

    def on_key(self, event) -> None:
        for kind, key in SIGNAL_KEYS.items():
            if event.character == key:
                if kind in self.chosen:
                    self.chosen.remove(kind)
                else:
                    self.chosen.append(kind)
                self._draw()
                event.stop()
                return
