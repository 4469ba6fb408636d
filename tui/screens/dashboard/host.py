"""What the dashboard's mixins need from the screen they are mixed into, declared for mypy.

The mixins (client_actions, record_actions, pane_actions, capture_actions, and StaysCurrent of
tui/sync.py) reach the panes, the selection and the loaders that DashboardScreen owns, and each
other's helpers. :class:`DashboardHost` names exactly those members with their types, and is the
mixins' base class for the type checker only (at run time their base stays ``object``, so the
screen's method order and Textual's bindings and CSS are as before): mypy checks every mixin
against it, and DashboardScreen against it in turn (an abstract member it lacks, or one it
defines with another type, is an error where the screen is made).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import getters
from textual.screen import Screen
from textual.worker import Worker

if TYPE_CHECKING:
    from callsheet.models.book.queries import Attention
    from callsheet.tui.app import CallsheetApp
    from callsheet.tui.messages import ClientChanged, CountsLoaded, SelectionLoaded
    from callsheet.tui.widgets.clients_pane import ClientsPane
    from callsheet.tui.widgets.lists import ClientList, LogView
    from callsheet.tui.widgets.risk_pane import RiskPane


class DashboardHost(Screen[Any]):
    """The dashboard as its mixins see it (see the module's docstring).

    After each member, the mixins that use it: client (client_actions), record
    (record_actions), pane (pane_actions), capture (capture_actions), sync (StaysCurrent and
    StoreSync of tui/sync.py). Textual's own members (``notify``, ``query_one``,
    ``post_message``, ...) come from Screen.
    """

    if TYPE_CHECKING:
        #: the running CallsheetApp, not any App as Textual types it (all)
        app = getters.app(CallsheetApp)

    # -- state DashboardScreen sets in __init__ -------------------------------------------------
    #: the client the log and risk panes show or are loading (client, sync)
    shown_client_id: int | None
    pane: ClientsPane  # all
    log_view: LogView  # client, capture, sync
    risk_pane: RiskPane  # client
    #: archived clients ``u`` brings back, last first (client)
    _undo: list[int]
    #: parts of the screen still to show a saved form's result (client)
    _save_waiting: set[str]
    #: a client just added, selected when their row arrives (client)
    _select_when_shown: int | None
    #: the header's triage counts once loaded (sync)
    _counts: dict[str, Any] | None

    @property
    @abstractmethod
    def client_list(self) -> ClientList: ...  # client, record, pane, sync

    @property
    @abstractmethod
    def selected_client_id(self) -> int | None:
        """The current client: the highlighted row of the list on screen (all)."""

    @abstractmethod
    def follow_selection(self) -> None:
        """Bring the log and risk panes to the current client (pane, client)."""

    @property
    @abstractmethod
    def total_clients(self) -> int | None: ...  # client

    # -- loading and showing (DashboardScreen; the loaders are thread workers) -----------------
    @abstractmethod
    def load_clients(self, wait_for_selection: bool = False) -> Worker[None]: ...  # sync

    @abstractmethod
    def load_counts(self) -> Worker[None]: ...  # client, sync

    @abstractmethod
    def load_selected(self, client_id: int | None) -> Worker[None]: ...  # client, pane, sync

    @abstractmethod
    def load_rest_of_log(self, selection: SelectionLoaded) -> Worker[None]: ...  # client

    @abstractmethod
    def load_attention(self) -> Worker[None]: ...  # sync, ring (PaneActions)

    @abstractmethod
    def read_selection(  # client
        self, client_id: int, cancelled: Callable[[], bool] = lambda: False
    ) -> SelectionLoaded | None: ...

    @abstractmethod
    def _show_selected(self, message: SelectionLoaded) -> None: ...  # client

    @abstractmethod
    def _show_counts(self, message: CountsLoaded) -> None: ...  # sync

    @abstractmethod
    def select_client(self, client_id: int) -> None: ...  # client, record

    @abstractmethod
    def refresh_client(  # client
        self, client_id: int, reload_selected: bool = True
    ) -> Worker[None]: ...

    @abstractmethod
    def _post_client_changed(  # client, record, capture
        self, client_id: int, reload_selected: bool = True
    ) -> None: ...

    @abstractmethod
    def _patched(self, message: ClientChanged) -> None: ...  # client

    # -- one mixin's helpers another uses ---------------------------------------------------------
    @abstractmethod
    def _selected(self) -> tuple[int, str] | None:
        """The selected client's id and name, or None after asking for one (client; record)."""

    @abstractmethod
    def _form_saved(self, saved: Any) -> None:
        """Show what a form saved (client; record opens forms too)."""

    @abstractmethod
    def _patiently(self, write: Callable[[], object]) -> bool:
        """Run a write through a locked database, retrying (client; record)."""

    @abstractmethod
    def undo_record_change(self) -> None:
        """Undo the session's last record correction (record; ``u`` of client)."""

    # -- the phone (ring_actions) and what it borrows from the others ----------------------------
    @abstractmethod
    def _caller_found(self, result: Any) -> None: ...  # ring (client's)

    @abstractmethod
    def _read_back(self, saved: Any) -> Any: ...  # ring (client's)

    @abstractmethod
    def missed_call_here(self) -> Attention | None: ...  # client (ring's)

    @abstractmethod
    def call_back(self, item: Attention) -> None: ...  # client (ring's)

    @abstractmethod
    def clear_missed_call(self, item: Attention, say: bool = True) -> Worker[None]: ...  # client
