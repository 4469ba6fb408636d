"""What the dashboard does to one client: the forms it opens, archive and undo, delete,
follow-ups done, the call sheet, caller lookup, the fact sheet; and the demo book, the
welcome on an empty book, and help.

A mixin of :class:`~callsheet.tui.screens.dashboard.DashboardScreen` (which owns loading, selection
and layout), so that each file keeps to one concern. Forms are one table, ``FORMS``: a row
gives the key, the binding id (``dashboard.<name>``), the label and how the form is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Static

from callsheet.models.book.queries import Attention
from callsheet.tui.messages import ClientChanged, ClientsAddedOrRemoved, Notice, SaveShown

if TYPE_CHECKING:
    from callsheet.tui.screens.dashboard.host import DashboardHost
else:  # the host is for the type checker: at run time the mixin's base stays object
    DashboardHost = object


@dataclass(frozen=True)
class FormEntry:
    """One form the dashboard opens: its key, binding id, label, and how it is built."""

    key: str
    name: str
    label: str
    tooltip: str
    build: Callable  # (screen, client_id, client_name, **extra) -> FormScreen
    needs_client: bool = True
    show: bool = False


def _forms():
    # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
    from callsheet.tui.screens import forms

    return forms


#: every form the dashboard opens, one row each (the binding id is ``dashboard.<name>``)
FORMS = (
    FormEntry(
        "l",
        "log",
        "Log",
        "Log a call, email, meeting, message or note",
        lambda s, cid, name, **_: _forms().InteractionForm(cid, name),
        show=True,
    ),
    FormEntry(
        "n",
        "new_client",
        "New",
        "Add a client",
        lambda s, cid, name, phone="": _forms().ClientForm(
            phone=phone, region=s.app.config.default_region
        ),
        needs_client=False,
        show=False,
    ),
    FormEntry(
        "e",
        "edit_client",
        "Edit",
        "Edit the selected client",
        lambda s, cid, name, **_: _forms().ClientForm(cid, region=s.app.config.default_region),
    ),
    FormEntry(
        "f",
        "follow_up",
        "Follow-up",
        "Add a follow-up",
        lambda s, cid, name, **_: _forms().FollowUpForm(cid, name),
    ),
    FormEntry(
        "i",
        "invoice",
        "Invoice",
        "Record an invoice",
        lambda s, cid, name, **_: _forms().InvoiceForm(cid, name, currency=s.app.config.currency),
    ),
    FormEntry(
        "p",
        "payment",
        "Payment",
        "Mark an invoice paid",
        lambda s, cid, name, **_: _forms().PaymentForm(cid, name),
    ),
    FormEntry(
        "m",
        "time_entry",
        "Time",
        "Record time spent",
        lambda s, cid, name, **_: _forms().TimeEntryForm(cid, name),
    ),
)
_FORM_BY_NAME = {entry.name: entry for entry in FORMS}
NEW_CLIENT = "open_form('new_client')"


def _demo_book() -> str:
    """What "load demo data" makes, in the numbers the client list will then show."""
    # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
    from callsheet.models.demo import DEMO_CLIENTS, archived_count

    archived = archived_count(DEMO_CLIENTS)
    return f"{DEMO_CLIENTS - archived:,} clients with a history, and {archived} archived"


class ClientActions(DashboardHost):
    """The dashboard's actions on the selected client (mixed into DashboardScreen)."""

    # -- forms ----------------------------------------------------------------------------
    def _selected(self) -> tuple[int, str] | None:
        if self.selected_client_id is None:
            self.notify("Select a client first.", severity="warning")
            return None
        for row in self.client_list.all_rows:
            if row.id == self.selected_client_id:
                return row.id, row.name
        current = self.pane.attention.current
        if current is not None and current.client_id == self.selected_client_id:
            return current.client_id, current.client_name
        return self.selected_client_id, f"#{self.selected_client_id}"

    def action_open_form(self, name: str, phone: str = "") -> None:
        if name == "log" and (missed := self.missed_call_here()) is not None:
            self.call_back(missed)  # a missed call in triage: log the call back (ring_actions)
            return
        entry = _FORM_BY_NAME[name]
        if entry.needs_client:
            if not (selected := self._selected()):
                return
            form = entry.build(self, *selected)
        else:
            form = entry.build(self, None, "", phone=phone)
        form.read_back = self._read_back
        self.app.push_screen(form, self._form_saved)

    def _read_back(self, saved) -> SaveShown:
        """In the form's save worker, after the write: what the dashboard shows of it."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries

        rows = queries.client_rows(self.app.now().date(), client_ids=[saved.client_id])
        selection = (
            self.read_selection(saved.client_id)
            if saved.client_id == self.selected_client_id
            else None
        )
        return SaveShown(ClientChanged(saved.client_id, rows, reload_selected=False), selection)

    def _form_saved(self, saved) -> None:
        if saved is None:
            return
        self.notify(saved.what, timeout=3, markup=False)
        if getattr(saved, "added", False):
            # a new client is selected, even when the filter would hide them (issue 16.3)
            self._select_when_shown = saved.client_id
        shown = getattr(saved, "shown", None)
        if isinstance(shown, SaveShown):
            self._save_waiting = set()
            self.post_message(shown)
            if "scope_creep" in saved.signals:
                self.offer_reply_outline(saved.client_id)
            return
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
        """After a scope_creep signal: the "saying no" outline (domain rule 6)."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.reply_outline import ReplyOutlineScreen

        self.app.push_screen(ReplyOutlineScreen(client_id))

    def on_save_shown(self, message: SaveShown) -> None:
        """Read in the save's own worker: the row, log and risk go out in one frame; the
        header's counts follow once that frame is drawn."""
        self._patched(message.changed)
        selection = message.selection
        if selection is not None:
            self._show_selected(selection)
            if not selection.complete:
                self.load_rest_of_log(selection)
        elif message.changed.client_id == self.selected_client_id:
            self.load_selected(message.changed.client_id)
        self.call_after_refresh(self.app.mark, "save")
        self.call_after_refresh(self.load_counts)

    # -- archive, undo, delete, done --------------------------------------------------------
    def action_archive(self) -> None:
        if not (selected := self._selected()):
            return
        self._set_archived(selected[0], True)
        self._undo.append(selected[0])
        # as the footer and help show them ("?", not the key's name "question_mark")
        keys = {
            b.action: self.app.get_key_display(Binding(k, b.action, key_display=b.key_display))
            for k, b in self.app.live_bindings(self)
        }
        self.notify(
            f"Archived {selected[1]}. Press {keys.get('undo', 'u')} to undo.",
            timeout=6,
            markup=False,
        )

    def action_undo(self) -> None:
        if not self._undo:
            self.undo_record_change()  # the session's corrections (record_actions.py)
            return
        client_id = self._undo.pop()
        self._set_archived(client_id, False)
        self.notify("Archive undone.")

    @work(thread=True, group="write", exit_on_error=False)
    def _set_archived(self, client_id: int, archived: bool) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.clients import set_archived
        from callsheet.models.store.tables import Client

        client = Client.get_or_none(Client.id == client_id)
        if client is not None and not self._patiently(lambda: set_archived(client, archived)):
            return
        self._post_client_changed(client_id)

    def _patiently(self, write) -> bool:
        """Run ``write`` (in a worker) through a locked database: say so, retry; False if it gave up."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.store.busy import DatabaseBusy, patiently

        told: list[bool] = []

        def busy(_waited: float) -> None:
            if not told:
                told.append(True)
                self.post_message(
                    Notice("Database busy (another program is writing), retrying…", "warning")
                )

        try:
            patiently(write, on_busy=busy)
        except DatabaseBusy as error:
            self.post_message(Notice(str(error), severity="error"))
            return False
        return True

    def _ask_then(self, dialog, then, refused: str = "") -> None:
        """Ask ``dialog(name)`` about the selected client; yes runs ``then(client_id)``."""
        if not (selected := self._selected()):
            return
        client_id, name = selected

        def answered(yes: bool | None) -> None:
            if yes:
                then(client_id)
            elif yes is False and refused:
                self.notify(refused, severity="warning")

        self.app.push_screen(dialog(name), answered)

    def action_delete(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.dialogs import ConfirmScreen

        self._ask_then(
            lambda name: ConfirmScreen(
                f"Delete {name} and their whole history?",
                "This cannot be undone. Archive (a) keeps the history instead.",
            ),
            self._delete,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _delete(self, client_id: int) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.clients import delete_client
        from callsheet.models.store.tables import Client

        client = Client.get_or_none(Client.id == client_id)
        if client is not None and not self._patiently(lambda: delete_client(client)):
            return
        self._post_client_changed(client_id)
        self.post_message(Notice("Client deleted."))

    def action_forget(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.dialogs import TypedConfirmScreen

        self._ask_then(
            lambda name: TypedConfirmScreen(
                f"Forget {name} for good?",
                "Erases them and everything about them from the database and callsheet's own "
                "backups. Copies you made elsewhere are not touched. Type the name to confirm.",
                name,
            ),
            self._forget,
            refused="The name did not match; nothing was erased.",
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _forget(self, client_id: int) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.forget import forget_client
        from callsheet.models.store.busy import DatabaseBusy
        from callsheet.models.store.tables import Client

        client = Client.get_or_none(Client.id == client_id)
        if client is None:
            return
        try:
            report = forget_client(client)
        except DatabaseBusy as error:
            self.post_message(Notice(str(error), severity="error"))
            return
        self._post_client_changed(client_id)
        self.post_message(
            Notice(
                f"Forgot {report.name}: {report.rows} records, "
                f"{len(report.files_rewritten)} backups rewritten."
            )
        )

    def action_what_if_paid(self) -> None:
        self.risk_pane.action_what_if_paid()

    def action_done(self) -> None:
        if (missed := self.missed_call_here()) is not None:
            self.clear_missed_call(missed)  # a missed call leaves triage (ring_actions)
            return
        attention = self.pane.attention
        item = attention.current if self.pane.in_triage else None
        if item is None or item.kind != "follow_up":
            self.notify("Select a follow-up in the triage view (t) first.", severity="warning")
            return
        # the next item is current at once, not when triage is read again: a second x
        # typed before the write is done marks the next follow-up, not this one again
        attention.dealt_with(item)
        attention.move_to(attention.cursor + 1)
        self._complete_follow_up(item)

    @work(thread=True, group="write", exit_on_error=False)
    def _complete_follow_up(self, item: Attention) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book.records import edit_follow_up
        from callsheet.models.store.tables import FollowUp
        from callsheet.tui.screens.records import remember

        follow_up = FollowUp.get_or_none(FollowUp.id == item.ref)
        if follow_up is not None and follow_up.done_at is None:
            changes: list = []
            if not self._patiently(
                lambda: changes.append(edit_follow_up(follow_up, done_at=self.app.now()))
            ):
                return
            self.app.call_from_thread(remember, self.app, changes[-1])  # u takes it back
        if item.client_id is not None:  # (a follow-up always has its client)
            self._post_client_changed(item.client_id)
        self.post_message(Notice(f"Done: {item.text}"))

    # -- call sheet, caller lookup, fact sheet ------------------------------------------------
    def action_call_sheet(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.call_sheet import CallSheetScreen

        if selected := self._selected():
            self.app.push_screen(CallSheetScreen(selected[0]))

    def action_who_is_calling(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.caller_lookup import CallerLookupScreen

        self.app.push_screen(CallerLookupScreen(), self._caller_found)

    def _caller_found(self, result) -> None:
        """The lookup closes with a client id (show their call sheet) or ("new", phone)."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.call_sheet import CallSheetScreen

        if result is None:
            return
        if isinstance(result, tuple) and result[0] == "new":
            self.action_open_form("new_client", phone=result[1])
            return
        client_id = int(result)
        self.select_client(client_id)
        self.app.push_screen(CallSheetScreen(client_id))

    def action_fact_sheet(self) -> None:
        if selected := self._selected():
            self._write_fact_sheet(*selected)

    @work(thread=True, group="write", exit_on_error=False)
    def _write_fact_sheet(self, client_id: int, name: str) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.briefing.facts import write_fact_sheet

        path = write_fact_sheet(client_id, self.app.now())
        self.post_message(Notice(f"Fact sheet for {name} written to {path}", timeout=8))

    # -- demo, reload, help ----------------------------------------------------------------
    def action_load_demo(self) -> None:
        if self.total_clients:
            self.notify("Demo data only goes into an empty database.", severity="warning")
            return
        self.notify("Loading demo data…")
        self._load_demo()

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def _load_demo(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.demo import generate

        try:
            generate(seed=42, now=self.app.now())
        except ValueError as error:
            self.post_message(Notice(str(error), severity="error"))
            return
        self.post_message(ClientsAddedOrRemoved())

    # -- the welcome on an empty book, and help ----------------------------------------------
    def _show_welcome(self, empty: bool) -> None:
        welcome = self.query_one("#welcome", Static)
        welcome.display = empty
        if not empty:
            return
        # as the footer and help show them ("?", not the key's name "question_mark")
        keys = {
            b.action: self.app.get_key_display(Binding(k, b.action, key_display=b.key_display))
            for k, b in self.app.live_bindings(self)
        }
        welcome.update(
            Text.assemble(
                ("Welcome to callsheet\n\n", "bold"),
                "Your client book is empty.\n\n",
                (f" {keys.get(NEW_CLIENT, 'n')} ", "bold reverse"),
                "  add your first client\n",
                (f" {keys.get('load_demo', 'd')} ", "bold reverse"),
                f"  load demo data ({_demo_book()}) to look around\n",
                (f" {keys.get('help', '?')} ", "bold reverse"),
                "  every key\n",
                _region_note(self.app.config),
            )
        )

    def action_help(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.dialogs import HelpScreen
        from callsheet.tui.screens.call_sheet import CallSheetScreen
        from callsheet.tui.screens.form_screen import FormScreen

        sections: list[tuple[str, list[DOMNode | type[DOMNode]]]] = [
            ("Dashboard", [self, self.client_list, self.log_view]),
            ("Call sheet", [CallSheetScreen]),
            ("Forms", [FormScreen]),
        ]
        self.app.push_screen(HelpScreen(self.app.key_help(sections)))


def _region_note(config) -> str:
    """What the welcome says about the country phone numbers are read in and the currency:
    nothing when the user set the country, where it was guessed from, or that none is known."""
    # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
    from callsheet.models.config import config_path

    region = config.default_region
    if region and not getattr(config, "region_from", ""):
        return ""
    if region:
        # deferred: as above
        import phonenumbers

        code = phonenumbers.country_code_for_region(region)
        said = (
            f"Phone numbers without a country code are read as\n+{code} ({region}): "
            f"guessed from {config.region_from}.\n"
        )
    else:
        said = (
            "No country is known for phone numbers: type them\n"
            "with the country code (+40 721 ...) or set default_region.\n"
        )
    return (
        f"\n{said}Money is in {config.currency}. Change either in\n  {config_path()}\n"
        "(default_region, currency).\n"
    )
