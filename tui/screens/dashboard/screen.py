"""The dashboard: clients on the left, the selected client's log in the centre, risk on the right.

All database reads run in thread workers that post the messages of tui/messages.py; the
first frame is painted from the riskiest clients (one small indexed query) while the rest
load. Saving a form patches the one client's row, log and risk pane instead of reloading
everything. The left pane is tui/widgets/clients_pane.py; staying current all day (poll,
minute tick, stale scores, daily backup) is tui/sync.py.

The layout follows the terminal's width (``HORIZONTAL_BREAKPOINTS``, rules in app.tcss):
three panes from 140 columns, the list and log over risk from 100, and below that one pane
at a time (``z`` cycles, pane_actions.py).

To add an action: a ``Binding`` with an ``id`` in ``BINDINGS`` and an ``action_*`` method (a
form: one row in ``FORMS``); help, footer and the command palette read the live bindings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from callsheet.models.book.queries import Attention
from callsheet.models.values.text import printable
from callsheet.tui.messages import (
    AttentionLoaded,
    ClientChanged,
    ClientsLoaded,
    CountsLoaded,
    LogPageLoaded,
    Notice,
    ReportsWorkerFailures,
    SelectionLoaded,
)
from callsheet.tui.screens.dashboard.capture_actions import CAPTURE_BINDINGS, CaptureActions
from callsheet.tui.screens.dashboard.client_actions import FORMS, ClientActions
from callsheet.tui.screens.dashboard.pane_actions import PaneActions
from callsheet.tui.screens.dashboard.record_actions import RECORD_BINDINGS, RecordActions
from callsheet.tui.screens.dashboard.ring_actions import RingActions
from callsheet.tui.screens.dashboard.sync_actions import SYNC_BINDINGS, SyncActions
from callsheet.tui.sync import StaysCurrent, StoreSync
from callsheet.tui.widgets.clients_pane import ClientsPane
from callsheet.tui.widgets.header_bar import HeaderBar
from callsheet.tui.widgets.lists import ClientList, LogView
from callsheet.tui.widgets.risk_pane import RiskPane
from callsheet.tui.widgets.triage_list import AttentionList

if TYPE_CHECKING:
    from textual.timer import Timer

LOG_PAGE = 300
#: seconds of no typing in the filter before the top client's log and risk load
SELECT_AFTER_TYPING = 0.15


def _binding(key, action, label, id_, tooltip, show=False, **extra) -> Binding:
    return Binding(key, action, label, show=show, id=f"dashboard.{id_}", tooltip=tooltip, **extra)


class DashboardScreen(
    ClientActions,
    CaptureActions,
    RecordActions,
    SyncActions,
    PaneActions,
    RingActions,
    StaysCurrent,
    ReportsWorkerFailures,
    Screen,
):
    """The one screen the consultant keeps open all day."""

    #: after a dialog closes with nothing to give focus back to, the list gets it, never the
    #: filter (keys typed there would be taken as a query instead of commands)
    AUTO_FOCUS = "#clients"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (140, "-wide")]

    BINDINGS = [
        _binding(
            "slash", "filter", "Filter", "filter", "Filter clients by name, company, phone", True
        ),
        _binding("escape", "back", "Back", "back", "Leave the filter, triage or a pane"),
        *(
            _binding(f.key, f"open_form('{f.name}')", f.label, f.name, f.tooltip, f.show)
            for f in FORMS
        ),
        _binding("c", "call_sheet", "Call sheet", "call_sheet", "Read before a call", True),
        _binding(
            "w", "who_is_calling", "Who", "who", "Who is calling: find a caller by number", True
        ),
        _binding("t", "toggle_triage", "Triage", "triage", "What needs attention today", True),
        _binding(
            "right_square_bracket",
            "triage_group(1)",
            "Next kind",
            "triage_next_kind",
            "Triage: jump to the next kind (follow-ups, invoices, risk, quiet)",
        ),
        _binding(
            "left_square_bracket",
            "triage_group(-1)",
            "Previous kind",
            "triage_previous_kind",
            "Triage: jump to the previous kind",
        ),
        _binding("z", "next_pane", "Pane", "next_pane", "Next pane (clients, log, risk)", True),
        _binding(
            "x", "done", "Done", "done", "Done: the follow-up or missed call selected in triage"
        ),
        *CAPTURE_BINDINGS,
        *RECORD_BINDINGS,
        *SYNC_BINDINGS,
        _binding("s", "cycle_sort", "Sort", "sort", "Sort by risk, name, last contact, overdue"),
        _binding("H", "toggle_archived", "Archived", "archived", "Show or hide archived clients"),
        _binding("a", "archive", "Archive", "archive", "Archive the selected client (u undoes)"),
        _binding("u", "undo", "Undo", "undo", "Undo the last archive"),
        _binding("D", "delete", "Delete", "delete", "Delete the client and history (asks)"),
        _binding("X", "forget", "Forget", "forget", "Erase the client and their backups (asks)"),
        _binding("F", "fact_sheet", "Fact sheet", "fact_sheet", "Write the dispute fact sheet"),
        _binding(
            "dollar_sign",
            "what_if_paid",
            "If paid",
            "what_if_paid",
            "Risk if the unpaid invoices were paid today: 62 → 41 (stores nothing)",
            key_display="$",
        ),
        _binding(
            "B",
            "score_check",
            "How good is the score?",
            "score_check",
            "Backtest: late payment per band as scored on each invoice's issue day, AUC, trend",
        ),
        _binding("d", "load_demo", "Demo data", "demo", "Load demo data into an empty database"),
        _binding("ctrl+r", "reload", "Reload", "reload", "Reload everything from the database"),
        _binding("question_mark", "help", "Help", "help", "Every key", True),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: the client the log and risk panes show (or are loading): they follow
        #: ``selected_client_id``, never the other way round
        self.shown_client_id: int | None = None
        self.sync = StoreSync(self)
        self._undo: list[int] = []
        #: parts of the screen still to show a saved form's result ("row", "panes")
        self._save_waiting: set[str] = set()
        self._select_timer: Timer | None = None
        self._first_selection_shown = threading.Event()
        #: a client just added: selected as soon as their row arrives
        self._select_when_shown: int | None = None
        self._counts: dict | None = None
        #: the three panes, made once and kept (the actions reach them through these)
        self.pane = ClientsPane(id="left")
        self.log_view = LogView(id="log")
        self.risk_pane = RiskPane(id="risk")

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield HeaderBar(id="triage-bar")
        with Horizontal(id="panes", classes="-show-left"):
            yield self.pane
            with Container(id="detail"):
                yield self.log_view
                yield self.risk_pane
        yield Static(id="welcome")
        yield Footer(compact=True)

    @property
    def client_list(self) -> ClientList:
        return self.pane.client_list

    @property
    def total_clients(self) -> int | None:
        return self.pane.total_clients

    @property
    def client_count(self) -> int:
        """Clients in the list (read by the poll to notice added or deleted ones)."""
        return len(self.client_list.all_rows)

    def on_mount(self) -> None:
        self.log_view.border_title = "Log"
        self.risk_pane.border_title = "Risk"
        self.query_one("#welcome").display = False
        self.client_list.focus()
        self._set_now()
        self.show_first_clients()
        self.sync.start()
        self.start_sync_timer()
        self.watch_the_phone()  # callsheet ring: ring_actions.py

    def on_unmount(self) -> None:
        self.sync.stop()
        self.stop_watching_the_phone()

    # -- loading --------------------------------------------------------------------------
    def show_first_clients(self) -> None:
        """Paint the first frame from one small indexed query: the riskiest clients.

        Bounded (100 rows through the (archived_at, risk_score) index), so it runs on the
        UI thread and the first frame already has data; the rest of the list and the
        header's counts (a few hundred milliseconds at 100,000 clients) come from workers.
        """
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries
        from callsheet.models.store.tables import Client

        self.sync.watch()  # before reading, so no write after this is missed
        now = self.app.now()
        first = queries.client_rows(now.date(), limit=100)
        total = Client.select().count()
        self._show_clients(ClientsLoaded(first, total, partial=len(first) < total))
        self.query_one(HeaderBar).show(now, None)
        self.load_counts()
        if len(first) < total:
            self.load_clients(wait_for_selection=True)

    @work(thread=True, exclusive=True, group="clients", exit_on_error=False)
    def load_clients(self, wait_for_selection: bool = False) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries
        from callsheet.models.store.tables import Client

        now = self.app.now()
        if wait_for_selection:
            # The first client's log and risk complete the first screen; the rest of the
            # list can wait for them rather than compete for the interpreter.
            self._first_selection_shown.wait(timeout=2.0)
        rows = queries.client_rows(now.date())
        self.post_message(ClientsLoaded(rows, Client.select().count()))
        if not wait_for_selection:  # at start-up the counts have a worker of their own
            self.post_message(CountsLoaded(queries.triage_counts(now)))

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries

        self.post_message(CountsLoaded(queries.triage_counts(self.app.now())))

    @on(ClientsLoaded)
    def _show_clients(self, message: ClientsLoaded) -> None:
        self.pane.show_clients(message.rows, message.total, message.partial, self._epoch())
        self._show_welcome(message.total == 0)
        if self.pane.in_triage:
            self.load_attention()
        if not message.partial:
            self._select_pending()
            self.call_after_refresh(self.app.settle_heap)
        self.call_after_refresh(self.app.mark, "clients_first" if message.partial else "clients")

    @on(CountsLoaded)
    def _show_counts(self, message: CountsLoaded) -> None:
        self._counts = message.counts
        self.query_one(HeaderBar).show(self.app.now(), message.counts)

    # -- selecting a client ---------------------------------------------------------------
    # One current client: the row under the cursor of the list the user sees (the client
    # list, filtered or not, or triage). ``selected_client_id`` reads it from there, so the
    # highlighted row and the target of every action cannot differ; the log and risk panes
    # follow it (``follow_selection``). The hidden list may move its own cursor (a save
    # patches the client list under triage): its ``Highlighted`` is not about the selection.
    @property
    def active_list(self) -> ClientList | AttentionList:
        """The list whose cursor is the current client: triage's, or the client list."""
        return self.pane.attention if self.pane.in_triage else self.client_list

    @property
    def selected_client_id(self) -> int | None:
        """The current client: the id of the highlighted row of the list on screen."""
        row = self.active_list.current
        if row is None:
            return None
        return row.client_id if isinstance(row, Attention) else row.id

    @on(ClientList.Highlighted, "#clients")
    @on(AttentionList.Highlighted, "#attention")
    def _highlighted(self, event: ClientList.Highlighted) -> None:
        if event.row_list is not self.active_list:
            return  # the hidden list: its cursor is not the current client
        self.follow_selection()

    def follow_selection(self) -> None:
        """Bring the log and risk panes to the current client (when they show another)."""
        client_id = self.selected_client_id
        if client_id == self.shown_client_id and client_id is not None:
            return
        self.shown_client_id = client_id
        if self._select_timer is not None:
            self._select_timer.stop()
            self._select_timer = None
        if self.pane.filter_input.has_focus:
            # while typing, load the top client's log and risk once the typing pauses
            self._select_timer = self.set_timer(
                SELECT_AFTER_TYPING, lambda: self.load_selected(self.shown_client_id)
            )
        else:
            self.load_selected(client_id)

    @work(thread=True, exclusive=True, group="select", exit_on_error=False)
    def load_selected(self, client_id: int | None) -> None:
        # deferred: Textual loads only when a screen is shown
        from textual.worker import get_current_worker

        worker = get_current_worker()
        if client_id is None:
            self.post_message(SelectionLoaded(None, "", [], None, [], True))
            return
        selection = self.read_selection(client_id, cancelled=lambda: worker.is_cancelled)
        if selection is None or worker.is_cancelled:
            return
        self.post_message(selection)
        if not selection.complete:
            self._read_rest_of_log(selection, cancelled=lambda: worker.is_cancelled)

    @work(thread=True, exclusive=True, group="select", exit_on_error=False)
    def load_rest_of_log(self, selection: SelectionLoaded) -> None:
        # deferred: Textual loads only when a screen is shown
        from textual.worker import get_current_worker

        worker = get_current_worker()
        self._read_rest_of_log(selection, cancelled=lambda: worker.is_cancelled)

    def _read_rest_of_log(self, selection: SelectionLoaded, cancelled: Callable[[], bool]) -> None:
        """In a worker: the log after the first page, for a long history."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries

        page, client_id = selection.page, selection.client_id
        if client_id is None:  # "no client" is always complete: there is no rest to read
            return
        rest = queries.log_rows(client_id, before=(page[-1].at, page[-1].id))
        if not cancelled():
            shown = {p.id for p in page}
            self.post_message(LogPageLoaded(client_id, [r for r in rest if r.id not in shown]))

    def read_selection(
        self, client_id: int, cancelled: Callable[[], bool] = lambda: False
    ) -> SelectionLoaded | None:
        """In a worker: ``client_id``'s first log page, risk and trend (None: gone)."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries, scoring
        from callsheet.models.store.tables import Client

        now = self.app.now()
        client = Client.get_or_none(Client.id == client_id)
        if client is None or cancelled():
            return None
        page = queries.log_rows(client_id, limit=LOG_PAGE)
        risk = scoring.explain(client_id, now)
        trend = scoring.trend_of(client_id, now)
        return SelectionLoaded(client_id, client.name, page, risk, trend, len(page) < LOG_PAGE)

    @on(SelectionLoaded)
    def _show_selected(self, message: SelectionLoaded) -> None:
        if not message.client_id == self.selected_client_id == self.shown_client_id:
            return
        log = self.log_view
        log.now = self._epoch()
        log.cursor = 0
        log.scroll_to(y=0, animate=False, immediate=True)
        log.set_rows(message.page)
        log.border_title = Text(f"Log · {printable(message.name)}" if message.name else "Log")
        log.border_subtitle = (
            f"{len(message.page):,}{'' if message.complete else '+'} entries · enter opens one"
        )
        self.risk_pane.show(message.name, message.risk, message.trend, self.app.now())
        self.call_after_refresh(self.app.mark, "select")
        self.call_after_refresh(self._first_selection_shown.set)
        self._save_part_shown("panes")

    @on(LogPageLoaded)
    def _append_log(self, message: LogPageLoaded) -> None:
        if message.client_id != self.selected_client_id:
            return
        log = self.log_view
        log.rows.extend(message.rows)
        log.set_rows(log.rows)
        log.border_subtitle = f"{len(log.rows):,} entries · enter opens one"

    @on(LogView.Opened)
    def _open_entry(self, message: LogView.Opened) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.dialogs import LogEntryScreen

        self.app.push_screen(LogEntryScreen(message.row))

    # -- what the left pane shows (the keys that change it: pane_actions.py) --
    @on(AttentionLoaded)
    def _show_attention(self, message: AttentionLoaded) -> None:
        self.pane.show_attention(message.triage, self._epoch())

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.startswith("?"):  # full-text search: enter opens the results
            return
        self.pane.apply_filter(event.value)

    # -- after a change: patch one client ---------------------------------------------------
    @work(thread=True, group="patch", exit_on_error=False)
    def refresh_client(self, client_id: int, reload_selected: bool = True) -> None:
        self._post_client_changed(client_id, reload_selected)

    def _post_client_changed(self, client_id: int, reload_selected: bool = True) -> None:
        """In a worker, after writing: the client's fresh row, then the header's counts."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries

        now = self.app.now()
        rows = queries.client_rows(now.date(), client_ids=[client_id])
        self.post_message(ClientChanged(client_id, rows, reload_selected))
        self.post_message(CountsLoaded(queries.triage_counts(now)))

    def _save_part_shown(self, part: str) -> None:
        if part in self._save_waiting:
            self._save_waiting.discard(part)
            if not self._save_waiting:
                self.call_after_refresh(self.app.mark, "save")

    @on(ClientChanged)
    def _patched(self, message: ClientChanged) -> None:
        client_id, rows = message.client_id, message.rows
        self._save_part_shown("row")
        clients = self.client_list
        if rows:
            clients.patch(rows)
        else:
            clients.drop(client_id)
        self.pane.total_clients = len(clients.all_rows)
        self._show_welcome(self.pane.total_clients == 0)
        self.pane.update_title()
        if self.pane.in_triage:
            self.load_attention()
        if self._select_pending():
            return
        if client_id == self.selected_client_id == self.shown_client_id:
            if message.reload_selected:
                self.load_selected(client_id)
        else:
            self.follow_selection()  # the current row was dropped or moved off the screen

    def _select_pending(self) -> bool:
        client_id = self._select_when_shown
        if client_id is not None and self.pane.select_client(client_id):
            self._select_when_shown = None
            self.follow_selection()
            return True
        return False

    def select_client(self, client_id: int) -> None:
        """Put the cursor on ``client_id`` (clearing a filter that hides them)."""
        self._show_pane("left")
        self.pane.select_client(client_id)
        self.follow_selection()  # the cursor may not have moved, the view may have

    @on(Notice)
    def _notice(self, message: Notice) -> None:
        self.notify(message.text, severity=message.severity, timeout=message.timeout, markup=False)

    def action_reload(self) -> None:
        self.load_clients()
