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
    from callsheet.tui.app import CallsheetApp
    from callsheet.tui.messages import ClientChanged, CountsLoaded, SelectionLoaded
    from callsheet.tui.widgets.clients_pane import ClientsPane
    from callsheet.tui.widgets.lists import ClientList, LogView
    from callsheet.tui.widgets.risk_pane import RiskPane


class DashboardHost(Screen[Any]):
    """The dashboard as its mixins see it (see the module's docstring)."""

    # -- state DashboardScreen sets in __init__ -----------------------------------------------
    selected_client_id: int | None
    #: the three panes (every mixin)
    pane: ClientsPane
    log_view: LogView
    risk_pane: RiskPane
    #: archived clients ``u`` brings back, last first (client_actions)
    _undo: list[int]
    #: parts of the screen still to show a saved form's result (client_actions)
    _save_waiting: set[str]
    #: a client just added, selected when their row arrives (client_actions)
    _select_when_shown: int | None
    #: the header's triage counts once loaded (sync)
    _counts: dict[str, Any] | None

    if TYPE_CHECKING:
        #: the running CallsheetApp (Textual types ``app`` as any App)
        app = getters.app(CallsheetApp)

    @property
    @abstractmethod
    def client_list(self) -> ClientList: ...

    @property
    @abstractmethod
    def total_clients(self) -> int | None: ...

    # -- loading and showing (DashboardScreen) --------------------------------------------------
    @abstractmethod
    def load_clients(self, wait_for_selection: bool = False) -> Worker[None]: ...

    @abstractmethod
    def load_counts(self) -> Worker[None]: ...

    @abstractmethod
    def load_selected(self, client_id: int | None) -> Worker[None]: ...

    @abstractmethod
    def load_rest_of_log(self, selection: SelectionLoaded) -> Worker[None]: ...

    @abstractmethod
    def read_selection(
        self, client_id: int, cancelled: Callable[[], bool] = lambda: False
    ) -> SelectionLoaded | None: ...

    @abstractmethod
    def _show_selected(self, message: SelectionLoaded) -> None: ...

    @abstractmethod
    def _show_counts(self, message: CountsLoaded) -> None: ...

    @abstractmethod
    def select_client(self, client_id: int) -> None: ...

    @abstractmethod
    def refresh_client(self, client_id: int, reload_selected: bool = True) -> Worker[None]: ...

    @abstractmethod
    def _post_client_changed(self, client_id: int, reload_selected: bool = True) -> None: ...

    @abstractmethod
    def _patched(self, message: ClientChanged) -> None: ...

    # -- one mixin's helpers another uses ------------------------------------------------------
    @abstractmethod
    def _selected(self) -> tuple[int, str] | None:
        """The selected client's id and name, or None after saying to select one (client_actions)."""

    @abstractmethod
    def _form_saved(self, saved: Any) -> None:
        """Show what a form saved (client_actions; record_actions opens forms too)."""

    @abstractmethod
    def _patiently(self, write: Callable[[], object]) -> bool:
        """Run a write through a locked database, retrying (client_actions)."""

    @abstractmethod
    def undo_record_change(self) -> None:
        """Undo the session's last record correction (record_actions; ``u`` in client_actions)."""
