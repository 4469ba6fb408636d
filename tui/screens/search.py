"""Full-text search from the dashboard: ``?words`` in the client filter opens it.

Results are (client, date, excerpt) lines from :func:`callsheet.models.store.search.search`, newest first,
updated in a thread worker as the query is edited; ``enter`` closes the screen with the
chosen hit so the dashboard can put the cursor on that client (and the entry in their log).
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from callsheet.models.store.search import Hit, search
from callsheet.models.values.text import printable
from callsheet.tui.screens.keys import keys_of
from callsheet.tui.screens.records import PaletteScreen
from callsheet.tui.widgets.row_list import RowList

_key = keys_of("search")


class HitList(RowList[Hit]):
    """One line per hit: date (or "notes"), client, excerpt, all as plain text."""

    def row_segments(self, row: Hit, width: int) -> list[Segment]:
        when = (
            f"{datetime.fromtimestamp(row.at, tz=UTC).astimezone():%Y-%m-%d}" if row.at else "notes"
        )
        return [
            Segment(f" {when:<10}  ", self.muted),
            Segment(f"{printable(row.client_name)[:24]:<24}  ", Style(bold=True)),
            Segment(printable(row.excerpt)),
        ]


class SearchScreen(PaletteScreen[Hit | None]):
    """Log entries and notes that contain every word typed."""

    BINDINGS = [
        _key("escape", "close", "Back", "Back to the dashboard"),
        _key("enter", "open", "Open", "Go to this client's entry"),
        _key("down", "results", "Results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self._count = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="search"):
            yield Static(Text("Search log entries and notes", style="bold"), id="search-title")
            yield Input(
                self.initial, placeholder="words (the last may be a prefix)", id="search-query"
            )
            yield HitList(id="hit-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(HitList).empty_text = "Type a word to search."
        self.query_one(Input).focus()
        if self.initial:
            self.run_search(self.initial)

    @on(Input.Changed, "#search-query")
    def _changed(self, event: Input.Changed) -> None:
        self.app.mark_start("search")
        self.run_search(event.value)

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        self.action_open()

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, text: str) -> None:
        hits = search(text)
        self.app.call_from_thread(self._show, text, hits)

    def _show(self, text: str, hits: list[Hit]) -> None:
        results = self.query_one(HitList)
        results.empty_text = f"Nothing contains {text.strip()!r}." if text.strip() else ""
        results.set_rows(hits)
        count = f"{len(hits)} found" + (", the newest 50" if len(hits) >= 50 else "")
        if count != self._count:
            # only when it changes: updating a Static lays the screen out again
            self._count = count
            title = Text("Search log entries and notes", style="bold")
            title.append(f"   {count}")
            self.query_one("#search-title", Static).update(title)
        self.call_after_refresh(self.app.mark, "search")

    def action_results(self) -> None:
        self.query_one(HitList).focus()

    def action_open(self) -> None:
        self.dismiss(self.query_one(HitList).current)

    def action_close(self) -> None:
        self.dismiss(None)
