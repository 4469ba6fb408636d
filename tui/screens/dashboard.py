"""The dashboard: clients on the left, the selected client's log in the centre, risk on the right.

All database reads run in thread workers and come back through ``call_from_thread``; the
first frame is painted from the riskiest clients (one small indexed query) while the rest
load. Saving a form patches the one client's row, log and risk pane instead of reloading
everything. A two-second poll of SQLite's ``data_version`` notices writes from the command
line in another terminal; a minute tick moves "now" on (relative times, decaying scores).

To add an action: add a ``Binding`` with an ``id`` to ``BINDINGS`` and an ``action_*``
method; the help screen and the command palette (tui/commands.py) list every binding of
this screen, so nothing else needs changing.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, Static

from models.queries import Attention, ClientRow
from tui.widgets.lists import SORTS, AttentionList, ClientList, LogView
from tui.widgets.risk_pane import RiskPane

LOG_PAGE = 300
#: seconds of no typing in the filter before the top client's log and risk load
SELECT_AFTER_TYPING = 0.15
POLL_SECONDS = 2.0
TICK_SECONDS = 60.0
BACKUP_AFTER_SECONDS = 60.0


class FilterInput(Input):
    """The client filter; notes when a key reaches it, so bench/ can time a keystroke honestly."""

    async def _on_key(self, event) -> None:
        self.app.mark_start("filter")
        await super()._on_key(event)


def _demo_book() -> str:
    """What "load demo data" makes, in the numbers the client list will then show."""
    from models.demo import DEMO_CLIENTS, archived_count

    archived = archived_count(DEMO_CLIENTS)
    return f"{DEMO_CLIENTS - archived:,} clients with a history, and {archived} archived"


class DashboardScreen(Screen):
    """The one screen the consultant keeps open all day."""

    #: after a dialog closes with nothing to give focus back to, the list gets it, never the
    #: filter (keys typed there would be taken as a query instead of commands)
    AUTO_FOCUS = "#clients"

    BINDINGS = [
        Binding(
            "slash",
            "filter",
            "Filter",
            id="dashboard.filter",
            tooltip="Type to filter clients by name, company, phone or e-mail",
        ),
        Binding("escape", "leave_filter", "Back to list", show=False, id="dashboard.leave_filter"),
        Binding(
            "l",
            "log",
            "Log",
            id="dashboard.log",
            tooltip="Log a call, email, meeting, message or note",
        ),
        Binding(
            "c",
            "call_sheet",
            "Call sheet",
            id="dashboard.call_sheet",
            tooltip="The one screen to read before a call",
        ),
        Binding(
            "w",
            "who_is_calling",
            "Who's calling",
            id="dashboard.who",
            tooltip="Type a phone number to find the caller",
        ),
        Binding(
            "t",
            "toggle_triage",
            "Triage",
            id="dashboard.triage",
            tooltip="What needs attention today",
        ),
        Binding(
            "right_square_bracket",
            "triage_group(1)",
            "Next kind",
            show=False,
            id="dashboard.triage_next_kind",
            tooltip="Triage: jump to the next kind (follow-ups, invoices, risk, quiet)",
        ),
        Binding(
            "left_square_bracket",
            "triage_group(-1)",
            "Previous kind",
            show=False,
            id="dashboard.triage_previous_kind",
            tooltip="Triage: jump to the previous kind",
        ),
        Binding("n", "new_client", "New", id="dashboard.new_client", tooltip="Add a client"),
        Binding(
            "e",
            "edit_client",
            "Edit",
            show=False,
            id="dashboard.edit_client",
            tooltip="Edit the selected client",
        ),
        Binding(
            "f",
            "follow_up",
            "Follow-up",
            show=False,
            id="dashboard.follow_up",
            tooltip="Add a follow-up",
        ),
        Binding(
            "i",
            "invoice",
            "Invoice",
            show=False,
            id="dashboard.invoice",
            tooltip="Record an invoice",
        ),
        Binding(
            "p",
            "payment",
            "Payment",
            show=False,
            id="dashboard.payment",
            tooltip="Mark an invoice paid",
        ),
        Binding(
            "m",
            "time_entry",
            "Time",
            show=False,
            id="dashboard.time_entry",
            tooltip="Record time spent",
        ),
        Binding(
            "x",
            "done",
            "Done",
            show=False,
            id="dashboard.done",
            tooltip="Mark the selected follow-up done (triage)",
        ),
        Binding(
            "v",
            "confirm_suggestions",
            "Confirm suggestions",
            show=False,
            id="dashboard.confirm_suggestions",
            tooltip="Confirm the suggested signals (?) of the log entry: they count from now on",
        ),
        Binding(
            "V",
            "dismiss_suggestions",
            "Dismiss suggestions",
            show=False,
            id="dashboard.dismiss_suggestions",
            tooltip="Dismiss the suggested signals (?) of the log entry for good",
        ),
        Binding(
            "M",
            "capture_mail",
            "Capture mail",
            show=False,
            id="dashboard.capture_mail",
            tooltip="Log mail with clients from mail_paths in config.toml (callsheet mail)",
        ),
        Binding(
            "s",
            "cycle_sort",
            "Sort",
            id="dashboard.sort",
            tooltip="Sort by risk, name, last contact, overdue",
        ),
        Binding(
            "H",
            "toggle_archived",
            "Show archived",
            show=False,
            id="dashboard.archived",
            tooltip="Show or hide archived clients",
        ),
        Binding(
            "a",
            "archive",
            "Archive",
            show=False,
            id="dashboard.archive",
            tooltip="Archive the selected client (u undoes)",
        ),
        Binding(
            "u", "undo", "Undo", show=False, id="dashboard.undo", tooltip="Undo the last archive"
        ),
        Binding(
            "D",
            "delete",
            "Delete",
            show=False,
            id="dashboard.delete",
            tooltip="Delete the client and their history (asks first)",
        ),
        Binding(
            "X",
            "forget",
            "Forget",
            show=False,
            id="dashboard.forget",
            tooltip="Erase the client from the database and callsheet's backups (type the name)",
        ),
        Binding(
            "F",
            "fact_sheet",
            "Fact sheet",
            show=False,
            id="dashboard.fact_sheet",
            tooltip="Write the dispute fact sheet (Markdown)",
        ),
        Binding(
            "dollar_sign",
            "what_if_paid",
            "If paid",
            key_display="$",
            show=False,
            id="dashboard.what_if_paid",
            tooltip="Risk if the unpaid invoices were paid today: 62 → 41 (stores nothing)",
        ),
        Binding(
            "d",
            "load_demo",
            "Demo data",
            show=False,
            id="dashboard.demo",
            tooltip="Load demo data into an empty database",
        ),
        Binding(
            "ctrl+r",
            "reload",
            "Reload",
            show=False,
            id="dashboard.reload",
            tooltip="Reload everything from the database",
        ),
        Binding("question_mark", "help", "Help", id="dashboard.help", tooltip="Every key"),
        # correcting records, search, hand-offs: tui/screens/records.py and search.py
        Binding(
            "r",
            "records",
            "Records",
            id="dashboard.records",
            tooltip="Edit, delete, pay or snooze anything recorded about the client",
        ),
        Binding(
            "A",
            "agreement",
            "Agreement",
            show=False,
            id="dashboard.agreement",
            tooltip="Add an agreement: scope, budget, dates",
        ),
        Binding(
            "z",
            "snooze",
            "Snooze",
            show=False,
            id="dashboard.snooze",
            tooltip="Snooze the follow-up selected in triage",
        ),
        Binding(
            "P",
            "page_fact_sheet",
            "Read fact sheet",
            show=False,
            id="dashboard.page_fact_sheet",
            tooltip="Read the fact sheet in $PAGER",
        ),
        Binding(
            "y",
            "copy_greeting",
            "Copy greeting",
            show=False,
            id="dashboard.copy_greeting",
            tooltip="Copy the client's greeting to the clipboard",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.selected_client_id: int | None = None
        self.total_clients: int | None = None
        self._watcher = None
        self._last_poll = time.time()
        self._undo: list[int] = []
        self._stale_failed = False
        #: parts of the screen still to show a saved form's result ("row", "panes")
        self._save_waiting: set[str] = set()
        self._select_timer = None
        self._first_selection_shown = threading.Event()

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="triage-bar")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield FilterInput(placeholder="/ filter: name, company, phone, e-mail", id="filter")
                with ContentSwitcher(initial="clients", id="left-switcher"):
                    yield ClientList(id="clients")
                    yield AttentionList(id="attention")
            yield LogView(id="log")
            yield RiskPane(id="risk")
        yield Static(id="welcome")
        yield Footer()

    @property
    def client_list(self) -> ClientList:
        return self.query_one("#clients", ClientList)

    @property
    def log_view(self) -> LogView:
        return self.query_one("#log", LogView)

    @property
    def risk_pane(self) -> RiskPane:
        return self.query_one("#risk", RiskPane)

    def now(self) -> datetime:
        return self.app.now()

    def on_mount(self) -> None:
        self.query_one("#left").border_title = "Clients"
        self.log_view.border_title = "Log"
        self.risk_pane.border_title = "Risk"
        self.query_one("#welcome").display = False
        self.client_list.focus()
        self._set_now()
        self.show_first_clients()
        self.set_interval(POLL_SECONDS, self.poll_changes)
        self.set_interval(TICK_SECONDS, self.tick)
        self.refresh_stale_scores()
        # a minute in, so the copy never competes with start-up
        self.set_timer(BACKUP_AFTER_SECONDS, self.daily_backup)

    # -- loading --------------------------------------------------------------------------
    def show_first_clients(self) -> None:
        """Paint the first frame from one small indexed query: the riskiest clients.

        Bounded (100 rows through the (archived_at, risk_score) index, plus counts), so it
        runs on the UI thread and the first frame already has data; the rest of the list
        comes from a worker.
        """
        from models import queries
        from models.db import ChangeWatcher
        from models.entities import Client

        self._watcher = ChangeWatcher()  # before reading, so no write after this is missed
        now = self.now()
        first = queries.client_rows(now.date(), limit=100)
        total = Client.select().count()
        self._show_clients(first, total, partial=len(first) < total)
        self._show_counts(queries.triage_counts(now))
        if len(first) < total:
            self.load_clients(wait_for_selection=True)

    @work(thread=True, exclusive=True, group="clients")
    def load_clients(self, wait_for_selection: bool = False) -> None:
        from models import queries
        from models.entities import Client

        now = self.now()
        if wait_for_selection:
            # The first client's log and risk complete the first screen; the rest of the
            # list can wait for them rather than compete for the interpreter.
            self._first_selection_shown.wait(timeout=2.0)
        rows = queries.client_rows(now.date())
        total = Client.select().count()
        self.app.call_from_thread(self._show_clients, rows, total, partial=False)
        counts = queries.triage_counts(now)
        self.app.call_from_thread(self._show_counts, counts)
        if self.query_one("#left-switcher", ContentSwitcher).current == "attention":
            self.load_attention()

    def _show_clients(self, rows: list[ClientRow], total: int, partial: bool) -> None:
        self.total_clients = total
        clients = self.client_list
        clients.now = self.now().timestamp()
        clients.load(rows)
        self._update_title(partial)
        welcome = self.query_one("#welcome", Static)
        welcome.display = total == 0
        if total == 0:
            welcome.update(
                Text.assemble(
                    ("Welcome to callsheet\n\n", "bold"),
                    "Your client book is empty.\n\n",
                    ("  n ", "bold reverse"),
                    "  add your first client\n",
                    ("  d ", "bold reverse"),
                    f"  load demo data ({_demo_book()}) to look around\n",
                    ("  ? ", "bold reverse"),
                    "  every key\n",
                )
            )
        self.call_after_refresh(self.app.mark, "clients" if not partial else "clients_first")

    def _update_title(self, partial: bool = False) -> None:
        clients = self.client_list
        shown = len(clients.rows)
        total = len(clients.all_rows) if not partial else self.total_clients or 0
        archived = (
            sum(1 for r in clients.all_rows if r.archived) if not clients.show_archived else 0
        )
        title = f"Clients · {shown:,} of {max(total - archived, 0):,}" + (
            " (loading…)" if partial else ""
        )
        self.query_one("#left").border_title = title
        self.query_one("#left").border_subtitle = f"sort: {clients.sort}" + (
            " · archived shown" if clients.show_archived else ""
        )

    def _show_counts(self, counts: dict) -> None:
        bar = Text()
        bar.append(" callsheet ", style="bold reverse")
        bar.append(f"  {self.now().astimezone():%a %d %b %H:%M}  ", style="dim")
        bar.append(
            f" {counts['high']} high-risk clients ",
            style="bold #ff6060" if counts["high"] else "dim",
        )
        bar.append(" · ")
        bar.append(
            f"{counts['overdue']} overdue invoices ",
            style="bold #e0b050" if counts["overdue"] else "dim",
        )
        bar.append(" · ")
        bar.append(
            f"{counts['follow_ups']} follow-ups due today",
            style="bold #8fa8c8" if counts["follow_ups"] else "dim",
        )
        self.query_one("#triage-bar", Static).update(bar)

    # -- selecting a client ---------------------------------------------------------------
    @on(ClientList.Highlighted, "#clients")
    @on(AttentionList.Highlighted, "#attention")
    def _highlighted(self, event: ClientList.Highlighted) -> None:
        row = event.row
        client_id = (
            None if row is None else (row.client_id if isinstance(row, Attention) else row.id)
        )
        if client_id != self.selected_client_id or client_id is None:
            self.selected_client_id = client_id
            if self._select_timer is not None:
                self._select_timer.stop()
                self._select_timer = None
            if self.query_one("#filter", Input).has_focus:
                # while typing, load the top client's log and risk once the typing pauses
                self._select_timer = self.set_timer(
                    SELECT_AFTER_TYPING, lambda: self.load_selected(self.selected_client_id)
                )
            else:
                self.load_selected(client_id)

    @work(thread=True, exclusive=True, group="select")
    def load_selected(self, client_id: int | None) -> None:
        from textual.worker import get_current_worker

        from models import queries, scoring
        from models.entities import Client

        worker = get_current_worker()
        if client_id is None:
            self.app.call_from_thread(self._show_selected, None, "", [], None, [], True)
            return
        now = self.now()
        client = Client.get_or_none(Client.id == client_id)
        if client is None or worker.is_cancelled:
            return
        page = queries.log_rows(client_id, limit=LOG_PAGE)
        risk = scoring.explain(client_id, now)
        trend = scoring.trend_of(client_id, now)
        if worker.is_cancelled:
            return
        complete = len(page) < LOG_PAGE
        self.app.call_from_thread(
            self._show_selected, client_id, client.name, page, risk, trend, complete
        )
        if not complete:
            rest = queries.log_rows(client_id, before=(page[-1].at, page[-1].id))
            if not worker.is_cancelled:
                self.app.call_from_thread(
                    self._append_log,
                    client_id,
                    [r for r in rest if r.id not in {p.id for p in page}],
                )

    def _show_selected(self, client_id, name, page, risk, trend, complete) -> None:
        if client_id != self.selected_client_id:
            return
        log = self.log_view
        log.now = self.now().timestamp()
        log.cursor = 0
        log.scroll_to(y=0, animate=False, immediate=True)
        log.set_rows(page)
        log.border_title = Text(f"Log · {name}" if name else "Log")
        log.border_subtitle = f"{len(page):,}{'' if complete else '+'} entries"
        self.risk_pane.show(name, risk, trend)
        self.call_after_refresh(self.app.mark, "select")
        self.call_after_refresh(self._first_selection_shown.set)
        self._save_part_shown("panes")

    def _append_log(self, client_id: int, rows) -> None:
        if client_id != self.selected_client_id:
            return
        log = self.log_view
        log.rows.extend(rows)
        log.set_rows(log.rows)
        log.border_subtitle = f"{len(log.rows):,} entries"

    # -- triage ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="attention")
    def load_attention(self) -> None:
        from models import queries

        triage = queries.triage(self.now(), self.app.config.stale_after_days)
        self.app.call_from_thread(self._show_attention, triage)

    def _show_attention(self, triage) -> None:
        attention = self.query_one("#attention", AttentionList)
        attention.now = self.now().timestamp()
        attention.show(triage)
        self.query_one("#left").border_title = f"Needs attention · {triage.total:,}"

    def action_triage_group(self, step: int) -> None:
        if self.query_one("#left-switcher", ContentSwitcher).current != "attention":
            self.action_toggle_triage()
        self.query_one("#attention", AttentionList).action_group(step)

    def action_toggle_triage(self) -> None:
        switcher = self.query_one("#left-switcher", ContentSwitcher)
        if switcher.current == "clients":
            switcher.current = "attention"
            self.query_one("#filter").display = False
            self.query_one("#attention").focus()
            self.load_attention()
        else:
            switcher.current = "clients"
            self.query_one("#filter").display = True
            self.client_list.focus()
            self._update_title()
            current = self.client_list.current
            if current is not None and current.id != self.selected_client_id:
                self.selected_client_id = current.id
                self.load_selected(current.id)

    # -- filter and sort ------------------------------------------------------------------
    def action_filter(self) -> None:
        if self.query_one("#left-switcher", ContentSwitcher).current != "clients":
            self.action_toggle_triage()
        self.query_one("#filter", Input).focus()

    def action_leave_filter(self) -> None:
        self.client_list.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.startswith("?"):  # full-text search: enter opens the results
            return
        clients = self.client_list
        clients.query = event.value.strip()
        clients.apply()
        self._update_title()
        self.call_after_refresh(self.app.mark, "filter")

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if event.value.startswith("?"):
            from tui.screens.search import SearchScreen

            self.app.push_screen(SearchScreen(event.value[1:]), self._search_closed)
            return
        self.client_list.focus()

    def _search_closed(self, hit) -> None:
        self.query_one("#filter", Input).value = ""
        self.client_list.query = ""
        self.client_list.apply()
        if hit is None:
            self.client_list.focus()
            return
        self.select_client(hit.client_id)
        if hit.entry_id is not None:  # the entry itself, ready to read (v) or correct (e)
            from tui.screens.records import RecordsScreen

            self._open_form(RecordsScreen(hit.client_id, hit.client_name, hit.entry_id))

    def action_cycle_sort(self) -> None:
        clients = self.client_list
        clients.sort = SORTS[(SORTS.index(clients.sort) + 1) % len(SORTS)]
        clients.resort()
        self._update_title()
        self.notify(f"Sorted by {clients.sort}", timeout=1.5)

    def action_toggle_archived(self) -> None:
        clients = self.client_list
        clients.show_archived = not clients.show_archived
        clients.apply()
        self._update_title()

    # -- forms ----------------------------------------------------------------------------
    def _selected(self) -> tuple[int, str] | None:
        if self.selected_client_id is None:
            self.notify("Select a client first.", severity="warning")
            return None
        for row in self.client_list.all_rows:
            if row.id == self.selected_client_id:
                return row.id, row.name
        current = self.query_one("#attention", AttentionList).current
        if current is not None and current.client_id == self.selected_client_id:
            return current.client_id, current.client_name
        return self.selected_client_id, f"#{self.selected_client_id}"

    def _open_form(self, form) -> None:
        self.app.push_screen(form, self._form_saved)

    def _form_saved(self, saved) -> None:
        if saved is None:
            return
        self.notify(saved.what, timeout=3, markup=False)
        # the save is shown once its row and (for the selected client) log and risk are
        self._save_waiting = (
            {"row", "panes"} if saved.client_id == self.selected_client_id else {"row"}
        )
        if "panes" in self._save_waiting:
            self.load_selected(saved.client_id)  # log and risk now, the row in parallel
        self.refresh_client(saved.client_id, reload_selected=False)
        if "scope_creep" in saved.signals:
            self.offer_reply_outline(saved.client_id)

    def offer_reply_outline(self, client_id: int) -> None:
        """After a scope_creep signal: the "saying no" outline (domain rule 6), if available."""
        try:
            from tui.screens.reply_outline import ReplyOutlineScreen
        except ImportError:
            return
        self.app.push_screen(ReplyOutlineScreen(client_id))

    def action_new_client(self, phone: str = "") -> None:
        from tui.screens.forms import ClientForm

        self._open_form(ClientForm(phone=phone, region=self.app.config.default_region))

    def action_edit_client(self) -> None:
        from tui.screens.forms import ClientForm

        if selected := self._selected():
            self._open_form(ClientForm(selected[0], region=self.app.config.default_region))

    def action_log(self) -> None:
        from tui.screens.forms import InteractionForm

        if selected := self._selected():
            self._open_form(InteractionForm(*selected))

    def action_follow_up(self) -> None:
        from tui.screens.forms import FollowUpForm

        if selected := self._selected():
            self._open_form(FollowUpForm(*selected))

    def action_invoice(self) -> None:
        from tui.screens.forms import InvoiceForm

        if selected := self._selected():
            self._open_form(InvoiceForm(*selected, currency=self.app.config.currency))

    def action_payment(self) -> None:
        from tui.screens.forms import PaymentForm

        if selected := self._selected():
            self._open_form(PaymentForm(*selected))

    def action_time_entry(self) -> None:
        from tui.screens.forms import TimeEntryForm

        if selected := self._selected():
            self._open_form(TimeEntryForm(*selected))

    # -- after a change: patch one client ---------------------------------------------------
    # A patch or a poll racing the screen's shutdown must not close the app with an error
    # (seen when a save's refresh landed as the dashboard closed): the next poll catches up.
    @work(thread=True, group="patch", exit_on_error=False)
    def refresh_client(self, client_id: int, reload_selected: bool = True) -> None:
        from models import queries

        now = self.now()
        rows = queries.client_rows(now.date(), client_ids=[client_id])
        self.app.call_from_thread(self._patched, client_id, rows, reload_selected)
        counts = queries.triage_counts(now)
        self.app.call_from_thread(self._show_counts, counts)

    def _save_part_shown(self, part: str) -> None:
        if part in self._save_waiting:
            self._save_waiting.discard(part)
            if not self._save_waiting:
                self.call_after_refresh(self.app.mark, "save")

    def _patched(self, client_id: int, rows: list[ClientRow], reload_selected: bool = True) -> None:
        self._save_part_shown("row")
        clients = self.client_list
        if rows:
            clients.patch(rows)
        else:
            clients.drop(client_id)
        self.total_clients = len(clients.all_rows)
        self.query_one("#welcome").display = self.total_clients == 0
        self._update_title()
        if self.query_one("#left-switcher", ContentSwitcher).current == "attention":
            self.load_attention()
        if client_id == self.selected_client_id:
            if reload_selected:
                self.load_selected(client_id)
        elif rows and clients.current and clients.current.id == client_id:
            self.selected_client_id = client_id
            self.load_selected(client_id)

    # -- archive, undo, delete --------------------------------------------------------------
    def action_archive(self) -> None:
        if not (selected := self._selected()):
            return
        self._set_archived(selected[0], True)
        self._undo.append(selected[0])
        self.notify(f"Archived {selected[1]}. Press u to undo.", timeout=6, markup=False)

    def action_undo(self) -> None:
        if not self._undo:
            self._undo_record_change()
            return
        client_id = self._undo.pop()
        self._set_archived(client_id, False)
        self.notify("Archive undone.")

    @work(thread=True, group="write")
    def _undo_record_change(self) -> None:
        """Undo the session's last edit or delete of a record (tui/screens/records.py)."""
        from tui.screens.records import undo_stack

        stack = undo_stack(self.app)
        if not stack:
            self.app.call_from_thread(self.notify, "Nothing to undo.", severity="warning")
            return
        change = stack.pop()
        from models.busy import DatabaseBusy, patiently
        from models.validate import InputError

        try:
            patiently(lambda: change.undo(self.now()))
        except (InputError, DatabaseBusy) as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self.refresh_client, change.client_id)
        self.app.call_from_thread(self.notify, f"Undone: {change.description}", markup=False)

    @work(thread=True, group="write")
    def _set_archived(self, client_id: int, archived: bool) -> None:
        from models.clients import set_archived
        from models.entities import Client

        client = Client.get_or_none(Client.id == client_id)
        if client is not None and not self._patiently(lambda: set_archived(client, archived)):
            return
        self.app.call_from_thread(self.refresh_client, client_id)

    def _patiently(self, write) -> bool:
        """Run ``write`` (in a worker) through a locked database: say so, retry; False if it gave up."""
        from models.busy import DatabaseBusy, patiently

        told: list[bool] = []

        def busy(_waited: float) -> None:
            if not told:
                told.append(True)
                self.app.call_from_thread(
                    self.notify,
                    "Database busy (another program is writing), retrying…",
                    severity="warning",
                )

        try:
            patiently(write, on_busy=busy)
        except DatabaseBusy as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return False
        return True

    def action_delete(self) -> None:
        from tui.screens.dialogs import ConfirmScreen

        if not (selected := self._selected()):
            return
        client_id, name = selected

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(client_id)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete {name} and their whole history?",
                "This cannot be undone. Archive (a) keeps the history instead.",
            ),
            answered,
        )

    @work(thread=True, group="write")
    def _delete(self, client_id: int) -> None:
        from models.clients import delete_client
        from models.entities import Client

        client = Client.get_or_none(Client.id == client_id)
        if client is not None and not self._patiently(lambda: delete_client(client)):
            return
        self.app.call_from_thread(self.refresh_client, client_id)
        self.app.call_from_thread(self.notify, "Client deleted.")

    def action_forget(self) -> None:
        from tui.screens.dialogs import TypedConfirmScreen

        if not (selected := self._selected()):
            return
        client_id, name = selected

        def answered(yes: bool | None) -> None:
            if yes:
                self._forget(client_id)
            elif yes is False:
                self.notify("The name did not match; nothing was erased.", severity="warning")

        self.app.push_screen(
            TypedConfirmScreen(
                f"Forget {name} for good?",
                "Erases them and everything about them from the database and callsheet's own "
                "backups. Copies you made elsewhere are not touched. Type the name to confirm.",
                name,
            ),
            answered,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _forget(self, client_id: int) -> None:
        from models.busy import DatabaseBusy
        from models.entities import Client
        from models.forget import forget_client

        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            return
        try:
            report = forget_client(client)
        except DatabaseBusy as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self.refresh_client, client_id)
        self.app.call_from_thread(
            self.notify,
            f"Forgot {report.name}: {report.rows} records, "
            f"{len(report.files_rewritten)} backups rewritten.",
            markup=False,
        )

    def action_done(self) -> None:
        attention = self.query_one("#attention", AttentionList)
        item = (
            attention.current
            if attention.display
            and self.query_one("#left-switcher", ContentSwitcher).current == "attention"
            else None
        )
        if item is None or item.kind != "follow_up":
            self.notify("Select a follow-up in the triage view (t) first.", severity="warning")
            return
        self._complete_follow_up(item)

    @work(thread=True, group="write")
    def _complete_follow_up(self, item: Attention) -> None:
        from models.entities import FollowUp

        follow_up = FollowUp.get_or_none(FollowUp.id == item.ref)
        if follow_up is not None and follow_up.done_at is None:
            from models.records import edit_follow_up
            from tui.screens.records import remember

            changes: list = []
            if not self._patiently(
                lambda: changes.append(edit_follow_up(follow_up, done_at=self.now()))
            ):
                return
            self.app.call_from_thread(remember, self.app, changes[-1])  # u takes it back
        self.app.call_from_thread(self.refresh_client, item.client_id)
        self.app.call_from_thread(self.notify, f"Done: {item.text}", markup=False)

    # -- records, snooze, hand-offs (tui/screens/records.py) --------------------------------
    def action_records(self) -> None:
        from tui.screens.records import RecordsScreen

        if selected := self._selected():
            self._open_form(RecordsScreen(*selected))

    def action_agreement(self) -> None:
        from tui.screens.records import AgreementForm

        if selected := self._selected():
            self._open_form(AgreementForm(*selected))

    def action_snooze(self) -> None:
        from tui.screens.records import SnoozeScreen

        attention = self.query_one("#attention", AttentionList)
        on_triage = self.query_one("#left-switcher", ContentSwitcher).current == "attention"
        item = attention.current if on_triage else None
        if item is None or item.kind != "follow_up":
            self.notify("Select a follow-up in the triage view (t) first.", severity="warning")
            return
        self.app.push_screen(SnoozeScreen(), lambda until: until and self._snooze(item, until))

    @work(thread=True, group="write")
    def _snooze(self, item: Attention, until) -> None:
        from models.entities import FollowUp
        from models.records import snooze_follow_up
        from tui.screens.records import remember

        follow_up = FollowUp.get_or_none(FollowUp.id == item.ref)
        if follow_up is not None:
            change = snooze_follow_up(follow_up, until)
            self.app.call_from_thread(remember, self.app, change)
        self.app.call_from_thread(self.refresh_client, item.client_id)
        self.app.call_from_thread(
            self.notify, f"Snoozed until {until.astimezone():%a %d %b %H:%M}", markup=False
        )

    def action_page_fact_sheet(self) -> None:
        from models.facts import fact_sheet
        from tui.screens.records import show_in_pager

        if selected := self._selected():
            try:
                show_in_pager(self.app, fact_sheet(selected[0], self.now()))
            except Exception as error:  # noqa: BLE001 - headless, or no pager installed
                self.notify(f"Cannot open $PAGER: {error}", severity="error", markup=False)

    def action_copy_greeting(self) -> None:
        from models.entities import Client
        from models.greeting import greeting_for

        if selected := self._selected():
            client = Client.get_by_id(selected[0])
            greeting = greeting_for(client.language, client.salutation, client.name, self.now())
            self.app.copy_to_clipboard(greeting)
            self.notify(f"Copied: {greeting}", markup=False)

    # -- captured entries: suggested signals and mail (models/capture) ------------------------
    def action_confirm_suggestions(self) -> None:
        self._answer_suggestions(confirm=True)

    def action_dismiss_suggestions(self) -> None:
        self._answer_suggestions(confirm=False)

    def _answer_suggestions(self, confirm: bool) -> None:
        """The suggestion under the triage cursor; else the entry under the log cursor, else
        the newest one with suggestions."""
        if self.query_one("#left-switcher", ContentSwitcher).current == "attention":
            item = self.query_one("#attention", AttentionList).current
            if item is not None and item.kind == "suggestion" and item.ref:
                self._resolve_suggestions(item.ref, confirm)
                return
        row = self.log_view.current
        if row is None or not row.suggested:
            row = next((r for r in self.log_view.rows if r.suggested), None)
        if row is None:
            self.notify("Nothing suggested in this client's log.", severity="warning")
            return
        self._resolve_suggestions(row.id, confirm)

    @work(thread=True, group="write")
    def _resolve_suggestions(self, interaction_id: int, confirm: bool) -> None:
        from models.clients import resolve_suggestions
        from models.entities import Interaction

        entry = Interaction.get_or_none(Interaction.id == interaction_id)
        if entry is None:
            return
        kinds = ", ".join(kind.replace("_", " ") for kind in entry.suggested_signals)
        if confirm:
            resolve_suggestions(entry, confirm=None)
        else:
            resolve_suggestions(entry, dismiss=None)
        self.app.call_from_thread(self.refresh_client, entry.client_id)
        verb = "Confirmed" if confirm else "Dismissed"
        self.app.call_from_thread(self.notify, f"{verb}: {kinds}", markup=False)

    def action_capture_mail(self) -> None:
        config = self.app.config
        if not config.mail_paths:
            self.notify(
                "Set mail_paths (and my_addresses) in config.toml first.", severity="warning"
            )
            return
        self.notify("Reading mail...")
        self._capture_mail(list(config.mail_paths), list(config.my_addresses))

    @work(thread=True, exclusive=True, group="capture")
    def _capture_mail(self, paths: list[str], me: list[str]) -> None:
        from pathlib import Path

        from models.capture.mail import capture_mail

        missing = [p for p in paths if not Path(p).expanduser().exists()]
        if missing:
            message = f"mail_paths: {missing[0]} does not exist"
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        report = capture_mail(paths, me)
        self.app.call_from_thread(self.load_clients)
        message = f"Mail: {len(report.added):,} new log entries from {report.messages:,} messages"
        if report.broken:
            message += f"; {len(report.broken)} unreadable"
        self.app.call_from_thread(self.notify, message, markup=False)

    # -- call sheet, caller lookup, fact sheet (tui/screens/call_sheet.py and friends) -------
    def action_call_sheet(self) -> None:
        if not (selected := self._selected()):
            return
        try:
            from tui.screens.call_sheet import CallSheetScreen
        except ImportError:
            self.notify("The call sheet is not available in this build.", severity="error")
            return
        self.app.push_screen(CallSheetScreen(selected[0]))

    def action_who_is_calling(self) -> None:
        try:
            from tui.screens.caller_lookup import CallerLookupScreen
        except ImportError:
            self.notify("Caller lookup is not available in this build.", severity="error")
            return
        self.app.push_screen(CallerLookupScreen(), self._caller_found)

    def _caller_found(self, result) -> None:
        """The lookup closes with a client id (show their call sheet) or ("new", phone)."""
        if result is None:
            return
        if isinstance(result, tuple) and result[0] == "new":
            self.action_new_client(phone=result[1])
            return
        client_id = int(result)
        self.select_client(client_id)
        from tui.screens.call_sheet import CallSheetScreen

        self.app.push_screen(CallSheetScreen(client_id))

    def select_client(self, client_id: int) -> None:
        """Put the cursor on ``client_id`` (clearing a filter that hides them)."""
        switcher = self.query_one("#left-switcher", ContentSwitcher)
        if switcher.current != "clients":
            self.action_toggle_triage()
        clients = self.client_list
        if not any(row.id == client_id for row in clients.rows):
            self.query_one("#filter", Input).value = ""
            clients.query = ""
            clients.show_archived = clients.show_archived or any(
                r.id == client_id and r.archived for r in clients.all_rows
            )
            clients.apply()
        for index, row in enumerate(clients.rows):
            if row.id == client_id:
                clients._move_to(index)
                clients._scroll_to_cursor()
                break
        clients.focus()

    def action_what_if_paid(self) -> None:
        self.risk_pane.action_what_if_paid()

    def action_fact_sheet(self) -> None:
        if not (selected := self._selected()):
            return
        self._write_fact_sheet(*selected)

    @work(thread=True, group="write")
    def _write_fact_sheet(self, client_id: int, name: str) -> None:
        try:
            from models.facts import write_fact_sheet
        except ImportError:
            self.app.call_from_thread(
                self.notify, "Fact sheets are not available in this build.", severity="error"
            )
            return
        path = write_fact_sheet(client_id, self.now())
        self.app.call_from_thread(
            self.notify, f"Fact sheet for {name} written to {path}", timeout=8, markup=False
        )

    # -- demo, reload, help ----------------------------------------------------------------
    def action_load_demo(self) -> None:
        if self.total_clients:
            self.notify("Demo data only goes into an empty database.", severity="warning")
            return
        self.notify("Loading demo data…")
        self._load_demo()

    @work(thread=True, exclusive=True, group="demo")
    def _load_demo(self) -> None:
        from models.demo import generate

        try:
            generate(seed=42, now=self.now())
        except ValueError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self.load_clients)

    def action_reload(self) -> None:
        self.load_clients()

    def action_help(self) -> None:
        from tui.screens.dialogs import HelpScreen

        self.app.push_screen(HelpScreen(self.app.key_help(self)))

    # -- staying open all day ------------------------------------------------------------------
    def poll_changes(self) -> None:
        self._check_changes()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _check_changes(self) -> None:
        from models import queries
        from models.entities import Client

        if self._watcher is None or not self._watcher.changed():
            return
        since = self._last_poll - 5
        self._last_poll = time.time()
        total = Client.select().count()
        if total != len(self.client_list.all_rows):
            self.app.call_from_thread(self.load_clients)
            return
        since_dt = datetime.fromtimestamp(since, UTC)
        changed = [
            row[0]
            for row in Client.select(Client.id)
            .where((Client.updated_at >= since_dt) | (Client.risk_as_of >= since_dt))
            .tuples()
        ]
        if not changed:
            return
        now = self.now()
        rows = queries.client_rows(now.date(), client_ids=changed)
        counts = queries.triage_counts(now)
        self.app.call_from_thread(self._external_changes, rows, counts)

    def _external_changes(self, rows: list[ClientRow], counts: dict) -> None:
        self.client_list.patch(rows)
        self._update_title()
        self._show_counts(counts)
        if self.selected_client_id in {row.id for row in rows}:
            self.load_selected(self.selected_client_id)

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.close()

    def tick(self) -> None:
        self._set_now()
        self.client_list.refresh()
        self.log_view.refresh()
        self.refresh_stale_scores()

    def _set_now(self) -> None:
        now = self.now().timestamp()
        for widget in (
            self.client_list,
            self.log_view,
            self.query_one("#attention", AttentionList),
        ):
            widget.now = now

    @work(thread=True, exclusive=True, group="stale")
    def refresh_stale_scores(self) -> None:
        from models import scoring
        from models.busy import is_busy

        try:
            scoring.refresh_stale(self.now(), max_age=timedelta(hours=6))
        except Exception as error:
            # Locked by another program: the next minute's tick tries again. Anything else
            # (a read-only file) is said once; the scores shown are the stored ones.
            if not is_busy(error) and not self._stale_failed:
                self._stale_failed = True
                self.app.call_from_thread(
                    self.notify,
                    f"Scores could not be refreshed: {error}",
                    severity="warning",
                    markup=False,
                )

    @work(thread=True, exclusive=True, group="backup")
    def daily_backup(self) -> None:
        try:
            from models.backups import daily_backup
        except ImportError:
            return
        from models.db import database

        daily_backup(database.obj.database)
