"""The events the dashboard's parts exchange, in one place (toolong's messages.py is the model).

Thread workers post these instead of calling private methods through ``call_from_thread``:
the worker stays ignorant of who shows its result, and a test can wait for (or capture) the
message. ``post_message`` is thread-safe, so a worker posts straight to the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from callsheet.models.book.queries import ClientRow, LogRow, Triage
from callsheet.models.risk.model import Risk


@dataclass
class ClientsLoaded(Message):
    """The client list (or, with ``partial``, its first page) was read from the store."""

    rows: list[ClientRow]
    total: int
    partial: bool = False


@dataclass
class CountsLoaded(Message):
    """The header's counts: high-risk clients, overdue invoices, follow-ups due."""

    counts: dict

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CountsLoaded)


@dataclass
class SelectionLoaded(Message):
    """The selected client's first page of log, risk and 12-week trend (None: no client)."""

    client_id: int | None
    name: str
    page: list[LogRow]
    risk: Risk | None
    trend: list[int]
    complete: bool


@dataclass
class LogPageLoaded(Message):
    """More of a client's log, older than what is shown."""

    client_id: int
    rows: list[LogRow]


@dataclass
class ClientChanged(Message):
    """One client was written here (a form, archive, delete): their fresh row, or none if gone."""

    client_id: int
    rows: list[ClientRow]
    reload_selected: bool = True


@dataclass
class SaveShown(Message):
    """A form saved, and its own worker read the result back: the client's fresh row and,
    when they are the selected client, their log and risk; shown together in one frame."""

    changed: ClientChanged
    selection: SelectionLoaded | None


@dataclass
class StoreChanged(Message):
    """Another process wrote to the store: the changed clients' rows and fresh counts."""

    rows: list[ClientRow]
    counts: dict


@dataclass
class ClientsAddedOrRemoved(Message):
    """Clients were added or deleted (elsewhere, or the demo book): read the whole list again."""


@dataclass
class AttentionLoaded(Message):
    """The triage list was read: every item, grouped by kind."""

    triage: Triage


@dataclass
class ClientAdded(Message):
    """A form added a new client: select them (clearing a filter that would hide them)."""

    client_id: int


@dataclass
class Notice(Message):
    """A line for the user from a worker (shown literally: ``text`` is never markup)."""

    text: str
    severity: SeverityLevel = "information"
    timeout: float = 4.0


class ReportsWorkerFailures:
    """Mixin for screens: a failed worker goes to the app's one handler.

    ``Worker.StateChanged`` does not bubble, so each screen that runs workers hands the
    event on; the app decides how a failure is shown (``CallsheetApp.worker_failed``).
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.worker_failed(event.worker)  # type: ignore[attr-defined]
