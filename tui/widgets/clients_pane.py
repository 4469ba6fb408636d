"""The dashboard's left pane: the filter, the client list with its column headings, and triage.

It owns what the list shows (filter text, sort, archived shown or not, triage or clients)
and its title ("Clients · 12 of 480"); the screen owns what is selected and what the
actions do. The two lists post ``Highlighted`` as before; the pane lets them bubble.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Input, Static

from callsheet.models.book.queries import ClientRow, Triage
from callsheet.tui.widgets.lists import SORTS, ClientList
from callsheet.tui.widgets.triage_list import AttentionList

if TYPE_CHECKING:
    from callsheet.tui.app import CallsheetApp
    from callsheet.tui.screens.dashboard import DashboardScreen


class FilterInput(Input):
    """The client filter; notes when a key reaches it, so bench/ can time a keystroke honestly."""

    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    async def _on_key(self, event) -> None:
        self.app.mark_start("filter")
        await super()._on_key(event)


class ColumnHeader(Static):
    """The client list's column headings, aligned with its rows at any width."""


class ClientsPane(Vertical):
    """Filter + (client list | triage list)."""

    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        #: how many clients the store holds (the list may still be loading)
        self.total_clients: int | None = None
        # the pane's parts, made once and kept (the screen reaches them through the pane)
        self.filter_input = FilterInput(
            placeholder="/ filter: name, company, phone, e-mail", id="filter"
        )
        self.column_header = ColumnHeader(id="client-columns")
        self.switcher = ContentSwitcher(initial="clients", id="left-switcher")
        self.client_list = ClientList(id="clients")
        self.attention = AttentionList(id="attention")
        self.attention.company_of = self.client_list.company_of

    def compose(self) -> ComposeResult:
        yield self.filter_input
        yield self.column_header
        with self.switcher:
            yield self.client_list
            yield self.attention

    @property
    def in_triage(self) -> bool:
        return self.switcher.current == "attention"

    # -- what the list shows ------------------------------------------------------------
    def show_clients(self, rows: list[ClientRow], total: int, partial: bool, now: float) -> None:
        self.total_clients = total
        clients = self.client_list
        clients.now = now
        clients.load(rows)
        self.update_title(partial)

    def update_title(self, partial: bool = False) -> None:
        if self.in_triage:
            return
        clients = self.client_list
        shown = len(clients.rows)
        total = len(clients.all_rows) if not partial else self.total_clients or 0
        archived = clients.archived_count if not clients.show_archived else 0
        self.border_title = f"Clients · {shown:,} of {max(total - archived, 0):,}" + (
            " (loading…)" if partial else ""
        )
        self.border_subtitle = f"sort: {clients.sort}" + (
            " · archived shown" if clients.show_archived else ""
        )

    @on(ClientList.Resized)
    def _draw_header(self, event: ClientList.Resized) -> None:
        event.stop()
        clients = self.client_list
        width = clients.scrollable_content_region.width
        if width:
            self.column_header.update(clients.header(width))

    def apply_filter(self, text: str) -> None:
        """Show the clients matching ``text``.

        Called from the screen's ``Input.Changed`` handler, not one here: Textual stops a
        message from bubbling past the node that was handling a message when it was posted,
        so the list's ``Highlighted`` would never reach the screen.
        """
        clients = self.client_list
        clients.filter_text = text.strip()
        clients.apply()
        self.update_title()
        self.call_after_refresh(self.app.mark, "filter")

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.startswith("?"):  # "?words": full-text search (tui/screens/search.py)
            cast("DashboardScreen", self.screen).open_search(event.value[1:])
            return
        self.client_list.focus()

    def cycle_sort(self) -> str:
        clients = self.client_list
        clients.sort = SORTS[(SORTS.index(clients.sort) + 1) % len(SORTS)]
        clients.resort()
        self.update_title()
        return clients.sort

    def toggle_archived(self) -> None:
        clients = self.client_list
        clients.show_archived = not clients.show_archived
        clients.apply()
        self.update_title()

    # -- triage -------------------------------------------------------------------------
    def show_triage(self, on: bool) -> None:
        self.switcher.current = "attention" if on else "clients"
        self.filter_input.display = not on
        self.column_header.display = not on
        (self.attention if on else self.client_list).focus()
        if not on:
            self.update_title()

    def show_attention(self, triage: Triage, now: float) -> None:
        attention = self.attention
        attention.now = now
        attention.show(triage)
        if self.in_triage:
            self.border_title = f"Needs attention · {triage.total:,}"
            self.border_subtitle = "x done · [ ] kinds · escape: back"

    # -- finding one client -------------------------------------------------------------
    def select_client(self, client_id: int) -> bool:
        """Put the cursor on ``client_id``, clearing a filter (or showing archived clients)
        when that is what hides them. False when the client is not in the list (yet)."""
        if self.in_triage:
            self.show_triage(False)
        clients = self.client_list
        if not any(row.id == client_id for row in clients.rows):
            if self.filter_input.value:
                self.filter_input.value = ""
                clients.filter_text = ""
            clients.show_archived = clients.show_archived or any(
                r.id == client_id and r.archived for r in clients.all_rows
            )
            clients.apply()
            self.update_title()
        for index, row in enumerate(clients.rows):
            if row.id == client_id:
                clients.move_to(index)
                clients.focus()
                return True
        clients.focus()
        return False
