"""The floor a keystroke is judged against: a bare three-pane Textual app filtering 10k rows.

Header; on the left an Input and a ScrollView that draws only its visible lines of 10,000
names; two Static panes of about 40 and 20 lines; Footer. A key reaching the Input starts the
clock (an ``Input._on_key`` override, as in callsheet's filter), and the ``call_after_refresh``
after the filtered list is set stops it. Nothing of callsheet is used, so the figure is what
Textual itself costs on this machine, in this run, measured the same way as callsheet's.
"""

from __future__ import annotations

import random
import time

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Header, Input, Static

SYLLABLES = ["an", "ion", "mar", "pop", "kow", "sta", "ol", "ga", "smi", "th", "es", "cu", "na"]


def names(count: int, seed: int = 42) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()
            for _ in range(2)
        )
        for _ in range(count)
    ]


class NameList(ScrollView):
    def __init__(self, rows: list[str]) -> None:
        super().__init__()
        self.rows = rows
        self.virtual_size = Size(40, len(rows))

    def set_rows(self, rows: list[str]) -> None:
        self.rows = rows
        self.virtual_size = Size(40, len(rows))
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        if index >= len(self.rows):
            return Strip.blank(self.size.width)
        text = self.rows[index][: self.size.width].ljust(self.size.width)
        return Strip([Segment(text, Style())])


class FloorInput(Input):
    async def _on_key(self, event) -> None:
        self.app.started = time.perf_counter()  # type: ignore[attr-defined]
        await super()._on_key(event)


class FloorApp(App):
    CSS = """
    #left { width: 52; } NameList { height: 1fr; } .pane { width: 1fr; border: round $primary; }
    """

    def __init__(self, count: int = 10_000) -> None:
        super().__init__()
        self.all = names(count)
        self.started = 0.0
        self.samples: list[float] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="left"):
                yield FloorInput(placeholder="filter")
                yield NameList(self.all)
            yield Static("\n".join(f"log line {n}" for n in range(40)), classes="pane")
            yield Static("\n".join(f"risk line {n}" for n in range(20)), classes="pane")
        yield Footer()

    def on_input_changed(self, event: Input.Changed) -> None:
        needle = event.value.casefold()
        self.query_one(NameList).set_rows(
            [name for name in self.all if needle in name.casefold()] if needle else self.all
        )
        self.call_after_refresh(self._shown)

    def _shown(self) -> None:
        self.samples.append((time.perf_counter() - self.started) * 1000)


async def keystrokes(count: int, size: tuple[int, int]) -> list[float]:
    """Type and erase words until ``count`` keystrokes are timed; return their times (ms)."""
    app = FloorApp()
    words = ["pop", "ion", "anna", "mar", "kow", "stan", "olga", "smith"]
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        app.query_one(FloorInput).focus()
        typed = 0
        while typed < count:
            word = words[(typed // 8) % len(words)]
            for key in [*word, *["backspace"] * len(word)]:
                before = len(app.samples)
                await pilot.press(key)
                for _ in range(400):
                    if len(app.samples) > before:
                        break
                    await pilot.pause(0.01)
                typed += 1
    return app.samples[:count]
