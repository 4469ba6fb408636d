"""What every form shares: the titled modal, one save path in a thread worker, the busy retry,
and errors shown under the field they name (the forms themselves: forms.py, record_forms.py).

Each form validates through the same functions as the command line (callsheet.models.values.validate via
callsheet.models.book.clients); a bad value is named under its field and nothing is saved until it is
fixed. ``ctrl+s`` saves from any field, ``escape`` cancels (a form with something typed
or chosen in it asks first; an untouched one closes at once). Saving runs in a thread worker
and the form closes with what was saved, so the dashboard can update just that client.

A form that edits a row remembers what it showed and the row's version (``remember``): it
saves only the fields the user changed, and if someone else changed the row meanwhile the
save is refused (callsheet.models.book.clients.StaleEdit) and the form stays open with what was typed,
offering ``ctrl+r`` reload (keep what you changed, show the row as it is now for the rest)
or ``ctrl+o`` overwrite (save what you changed over it).

Before the save's transaction the store is checked (callsheet.models.store.opening.still_there): an SQLite file
deleted or replaced since the dashboard opened it refuses the save (the typing stays); a
PostgreSQL server that went away keeps the save pending, retried with back-off until the
server answers, and escape or quit ask before dropping it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Select, Static, TextArea

from callsheet.models.book.clients import StaleEdit
from callsheet.models.store.opening import ServerUnreachable, connection_lost, still_there
from callsheet.models.values.validate import InputError
from callsheet.tui.messages import ReportsWorkerFailures
from callsheet.tui.screens.keys import keys_of
from callsheet.tui.widgets.field import Field
from callsheet.tui.widgets.signal_picker import SignalPicker

if TYPE_CHECKING:
    from textual.widgets import Input

    from callsheet.tui.app import CallsheetApp
from callsheet.models.store.opening import StoreGone

_key = keys_of("form")


@dataclass
class Saved:
    """What a form saved: the client it concerns, and a word for the notification."""

    client_id: int
    what: str
    signals: tuple[str, ...] = ()
    #: a new client (the dashboard selects them)
    added: bool = False
    #: what the screen that opened the form read back after the write, in the same worker
    #: (see ``FormScreen.read_back``), so that the result shows in one frame
    shown: object = None


class FormScreen(ReportsWorkerFailures, ModalScreen[Saved | None]):
    """A titled form; subclasses give ``fields()`` and ``save()`` (run in a thread)."""

    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    BINDINGS = [
        _key("ctrl+s", "save", "Save", "Save and close"),
        _key("escape", "cancel", "Cancel", "Close without saving (asks first if you typed)"),
        _key("ctrl+r", "reload", "Reload", "Changed elsewhere: keep your changes, reload the rest"),
        _key("ctrl+o", "overwrite", "Overwrite", "Changed elsewhere: save your changes over it"),
    ]
    TITLE = "Form"
    #: the first field, not the scrolling body around the fields: focused on mount without
    #: Textual's auto focus, whose scroll (made before the form has its size) hid the first
    #: field's label ("Name" on the new-client form)
    FIRST_FIELD = ".form-body Input, .form-body Select"
    AUTO_FOCUS = ""
    #: set by the opener: called in the save's worker after a successful write, its result
    #: travels in ``Saved.shown`` (no second worker, no second frame after the form closes)
    read_back: Callable[[Saved], object] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(Text(self.form_title(), style="bold"), classes="form-title")
            with VerticalScroll(classes="form-body"):
                yield from self.fields()
            yield Static("", id="form-error", classes="field-error")
            yield Static(
                Text("ctrl+s save   escape cancel   tab next field"),
                classes="form-help dim",
            )

    def form_title(self) -> str:
        return self.TITLE

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def value(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}", Field).widget
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        if isinstance(widget, TextArea):
            return widget.text
        return cast("Input", widget).value

    # -- editing a row that another window or process may change meanwhile --------------

    #: the version of the row when the form showed it (None: a new record)
    opened_version: int | None = None
    #: what each field showed when the form was opened (or reloaded), by field name
    _shown: dict[str, object] = {}
    #: the last save was refused as stale: reload and overwrite are offered
    _stale = False
    #: the user chose to overwrite: the next save does not compare versions
    _overwrite = False

    def load(self):
        """The row this form edits, read now (None: the form adds a record)."""
        return None

    def shown(self, row) -> dict[str, object]:
        """What each field shows for ``row``, as :meth:`raw` reads it back."""
        return {}

    def remember(self, row) -> dict[str, object]:
        """Note what the form shows of ``row`` and its version; returns the fields' values."""
        self.opened_version = getattr(row, "version", None)
        self._shown = self.shown(row) if row is not None else {}
        return self._shown

    def raw(self, name: str) -> object:
        """A field's content as typed (a signal picker: its kinds, sorted)."""
        widget = self.query_one(f"#field-{name}", Field).widget
        chosen = getattr(widget, "chosen", None)
        return tuple(sorted(chosen)) if chosen is not None else self.value(name)

    def changed(self, name: str) -> bool:
        """The user changed this field since the form showed the row (a new record: all)."""
        return name not in self._shown or self.raw(name) != self._shown[name]

    def edit_version(self) -> int | None:
        """The version an edit must still find (None once the user chose to overwrite)."""
        return None if self._overwrite else self.opened_version

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reload", "overwrite"):
            return self._stale
        return True

    def action_overwrite(self) -> None:
        if self._stale:
            self._stale, self._overwrite = False, True
            self.refresh_bindings()
            self.action_save()

    def action_reload(self) -> None:
        """Show the row as it is now in every field the user left alone; keep the others."""
        if not self._stale:
            return
        row = self.load()
        if row is None:
            self._show_busy("It was deleted meanwhile: escape closes the form.")
            return
        typed = {name: self.raw(name) for name in self._shown if self.changed(name)}
        for name, value in self.remember(row).items():
            if name not in typed:
                self._set_raw(name, value)
        self._stale = False
        self.refresh_bindings()
        self._show_busy(
            "Reloaded: the fields you changed are kept, the others show it as it is now. "
            "ctrl+s saves."
        )

    def _set_raw(self, name: str, value: object) -> None:
        widget = self.query_one(f"#field-{name}", Field).widget
        if isinstance(widget, SignalPicker):
            widget.chosen = list(cast("list[str]", value))
            widget._draw()  # the picker draws its marks when told (tui/widgets/signal_picker.py)
        elif isinstance(widget, TextArea):
            widget.text = str(value)
        elif isinstance(widget, Select):
            if value in ("", None):
                widget.clear()
            else:
                widget.value = value
        else:
            cast("Input", widget).value = str(value)

    def _show_stale(self, message: str) -> None:
        self._saving, self._overwrite, self._stale = False, False, True
        self.refresh_bindings()
        self._show_busy(
            f"{message}. ctrl+r reload: keep what you changed, show theirs for the rest; "
            "ctrl+o overwrite: save what you changed over theirs; escape, then y, discards."
        )

    def values(self, *names: str) -> dict[str, str]:
        """The fields ``names`` by name (they are named as the model's arguments)."""
        return {name: self.value(name) for name in names}

    def save(self) -> Saved:
        raise NotImplementedError

    _discard_asked = False
    #: every field's content when the form opened (``edited`` compares with it)
    _opened_with: dict[str, object] | None = None

    def on_mount(self) -> None:
        self._opened_with = self._contents()
        first = next((w for w in self.query(self.FIRST_FIELD) if w.focusable), None)
        if first is not None:
            first.focus(scroll_visible=False)

    def _contents(self) -> dict[str, object]:
        return {field.field_name: self.raw(field.field_name) for field in self.query(Field)}

    def edited(self) -> bool:
        """Something was typed or chosen since the form opened (escape asks first)."""
        return self._opened_with is not None and self._contents() != self._opened_with

    def action_cancel(self) -> None:
        if self.pending and not self._discard_asked:  # a save waits for the server
            self._discard_asked = True
            self._show_busy(
                "A save is waiting for the server: escape again discards your entry, "
                "or wait and it is saved once the server answers."
            )
            return
        if not self.pending and not self._saving and self.edited():
            # deferred: only a form with something typed in it asks
            from callsheet.tui.dialogs.confirm import ConfirmScreen

            self.app.push_screen(
                ConfirmScreen(
                    "Discard what you typed in this form?",
                    "y discards it; n or escape goes back to the form.",
                ),
                self._discard_answered,
            )
            return
        self.dismiss(None)

    def _discard_answered(self, discard: bool | None) -> None:
        if discard:
            self.dismiss(None)

    #: a save is running (perhaps waiting for a locked database): a second ctrl+s must not
    #: start another, or both could commit once the lock goes
    _saving = False

    @property
    def holds_keys(self) -> bool:
        """Keys typed after ``ctrl+s`` wait for the save (tui/key_order.py): they are meant
        for the screen behind once the form closes. Not while the server is away."""
        return self._saving and not self.pending

    def action_save(self) -> None:
        if self._saving:
            self._show_busy("Still saving: waiting for the database…")
            return
        self._saving = True
        self.app.mark_start("save")
        for field in self.query(Field):
            field.show_error(None)
        self.query_one("#form-error", Static).update("")
        self._save()

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self) -> None:
        # deferred: the dashboard's first frame does not wait for these (bench startup_ms)
        from textual.worker import get_current_worker

        # deferred: as above
        from callsheet.models.store.busy import DatabaseBusy, patiently
        from callsheet.models.values.when import WhenError

        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        def busy(waited: float) -> None:
            # the form stays open with everything typed; the save goes through once the
            # other program lets go of the lock
            self.app.call_from_thread(
                self._show_busy,
                f"Database busy (another program is writing), retrying… {waited:.0f} s",
            )

        try:
            saved, reconnected = self._save_when_reachable(
                lambda: patiently(self._checked_save, on_busy=busy, cancelled=cancelled),
                cancelled,
            )
            if saved is None:  # the form was closed while the server was away: discarded
                return
        except StoreGone as error:  # deleted or replaced behind our back: never acknowledged
            self.app.call_from_thread(self._show_busy, _gone(error))
        except StaleEdit as error:  # the form stays open with what was typed
            self.app.call_from_thread(self._show_stale, str(error))
            return
        except InputError as error:
            self.app.call_from_thread(self._show_error, error.field, error.message)
        except WhenError as error:
            self.app.call_from_thread(self._show_error, getattr(error, "field", "when"), str(error))
        except DatabaseBusy:
            if not worker.is_cancelled:
                self.app.call_from_thread(
                    self._show_busy,
                    "The database stayed locked by another program; nothing was saved. "
                    "Your entry is still here: ctrl+s tries again, escape, then y, discards it.",
                )
        except ValueError as error:
            self.app.call_from_thread(self._show_error, "", str(error))
        except Exception as error:  # noqa: BLE001 - a read-only or damaged file: keep the typing
            self.app.call_from_thread(self._show_busy, _not_saved(error))
        else:
            if reconnected:
                saved.what = f"{saved.what} (saved after reconnecting to the server)"
            if self.read_back is not None and not worker.is_cancelled:
                try:
                    saved.shown = self.read_back(saved)
                except Exception:  # noqa: BLE001 - the write is done; the opener reloads instead
                    saved.shown = None
            self.app.call_from_thread(self._saved, saved)
            return
        self.app.call_from_thread(self._save_ended)

    def _checked_save(self) -> Saved:
        """``save``, once the store is known to be the one opened and reachable."""
        still_there()
        return self.save()

    #: a save is waiting for the PostgreSQL server to come back (escape asks first)
    pending = False

    def _save_when_reachable(self, attempt, cancelled) -> tuple[Saved | None, bool]:
        """Run ``attempt`` until the server answers: (what was saved, after reconnecting?).

        A server that is down (restarted, network) fails the check before the transaction
        starts, so nothing was sent: keeping the entry and trying again, with back-off, can
        store it only once. ``(None, True)`` when the form was closed meanwhile.
        """
        delay = RETRY_FIRST_S
        reconnected = False
        while True:
            try:
                saved = attempt()
            except ServerUnreachable as error:
                if cancelled():
                    return None, True
                reconnected = True
                self.app.call_from_thread(self._set_pending, True, f"{error}")
                if not _sleep(delay, cancelled):
                    return None, True
                delay = min(delay * 2, RETRY_MAX_S)
                continue
            if reconnected:
                self.app.call_from_thread(self._set_pending, False, "")
            return saved, reconnected

    def _set_pending(self, pending: bool, reason: str) -> None:
        self.pending = pending
        if pending:
            self._show_busy(
                f"Server unreachable, retrying… ({reason}). Your entry is kept and saved "
                "once the server answers; escape twice discards it."
            )

    def _save_ended(self) -> None:
        self._saving = self._overwrite = False

    def _saved(self, saved: Saved) -> None:
        self._saving = False
        if self.is_current:
            self.dismiss(saved)
        else:  # closed while the save waited for the database, and it went through after all
            self.app.notify(f"Saved after all: {saved.what}", markup=False)

    def _show_busy(self, message: str) -> None:
        # deferred: Textual loads only when a screen is shown
        from textual.css.query import NoMatches

        with suppress(NoMatches):  # the form was closed while its save waited for the database
            self.query_one("#form-error", Static).update(Text(message))

    def _show_error(self, field: str, message: str) -> None:
        fields = {f.field_name: f for f in self.query(Field)}
        target = fields.get(field) or fields.get(field.split(".")[0].split("[")[0])
        if target is not None:
            target.show_error(message)
            target.widget.focus()
        else:
            self.query_one("#form-error", Static).update(
                Text(f"{field}: {message}" if field else message)
            )


#: back-off between attempts to reach a server that went away (seconds)
RETRY_FIRST_S, RETRY_MAX_S = 0.5, 15.0


def _sleep(seconds: float, cancelled) -> bool:
    """Wait ``seconds`` in short steps; False as soon as the worker is cancelled."""
    # deferred: slow to import, and only this path needs it
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cancelled():
            return False
        time.sleep(max(0.0, min(0.1, end - time.monotonic())))
    return not cancelled()


def _gone(error: Exception) -> str:
    return (
        f"{error.args[0] if error.args else error}. Your entry is still here; quit and "
        "open the database again (callsheet restore brings back a backup) before saving it."
    )


def _not_saved(error: Exception) -> str:
    """The form's notice for a save that failed on the store itself; the typing stays."""
    # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
    from callsheet.models.store.busy import DISK_FULL, is_disk_full

    if connection_lost():  # (called in the save's worker: its own connection)
        # the server went away during the transaction: if the COMMIT had been sent it may be
        # stored; retrying on our own could store it twice, so the user looks and decides
        return (
            "The connection to the server dropped during the save: it may or may not have "
            "been stored. Check the client's log before saving again; your entry is still here."
        )
    if is_disk_full(error):
        return (
            f"{DISK_FULL[0].upper()}{DISK_FULL[1:]}. Your entry is still here: "
            "free some space, then ctrl+s tries again."
        )
    return f"Nothing was saved ({type(error).__name__}: {error}). Your entry is still here."


class AboutClient:
    """A screen about one client: their id, and their name as its title shows it."""

    def __init__(self, client_id: int, client_name: str) -> None:
        super().__init__()
        self.client_id, self.client_name = client_id, client_name


class AboutClientForm(AboutClient, FormScreen):
    """A form about one client: ``HEADING`` is its title, ``{name}`` the client's name."""

    HEADING = "{name}"

    def form_title(self) -> str:
        return self.HEADING.format(name=self.client_name)


def options(values) -> list[tuple[str, str]]:
    """A ``Select``'s options: each value shown as itself."""
    return [(value, value) for value in values]
