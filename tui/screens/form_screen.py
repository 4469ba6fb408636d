"""What every form shares: the titled modal, one save path in a thread worker, the busy retry,
and errors shown under the field they name (the forms themselves: forms.py, record_forms.py).

Each form validates through the same functions as the command line (models.validate via
models.clients); a bad value is named under its field and nothing is saved until it is
fixed. ``ctrl+s`` saves from any field, ``escape`` cancels. Saving runs in a thread worker
and the form closes with what was saved, so the dashboard can update just that client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Select, Static

from models.validate import InputError
from tui.messages import ReportsWorkerFailures
from tui.screens.keys import keys_of
from tui.widgets.field import Field

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

    BINDINGS = [
        _key("ctrl+s", "save", "Save", "Save and close"),
        _key("escape", "cancel", "Cancel", "Close without saving"),
    ]
    TITLE = "Form"
    #: the first field, not the scrolling body around the fields
    AUTO_FOCUS = ".form-body Input, .form-body Select"
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
                Text("ctrl+s save   escape cancel   tab next field", style="dim"),
                classes="form-help",
            )

    def form_title(self) -> str:
        return self.TITLE

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def value(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}", Field).widget
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        return widget.value

    def values(self, *names: str) -> dict[str, str]:
        """The fields ``names`` by name (they are named as the model's arguments)."""
        return {name: self.value(name) for name in names}

    def save(self) -> Saved:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    #: a save is running (perhaps waiting for a locked database): a second ctrl+s must not
    #: start another, or both could commit once the lock goes
    _saving = False

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
        from textual.worker import get_current_worker

        from models.busy import DatabaseBusy, patiently
        from models.when import WhenError

        worker = get_current_worker()

        def busy(waited: float) -> None:
            # the form stays open with everything typed; the save goes through once the
            # other program lets go of the lock
            self.app.call_from_thread(
                self._show_busy,
                f"Database busy (another program is writing), retrying… {waited:.0f} s",
            )

        try:
            saved = patiently(self.save, on_busy=busy, cancelled=lambda: worker.is_cancelled)
        except InputError as error:
            self.app.call_from_thread(self._show_error, error.field, error.message)
        except WhenError as error:
            self.app.call_from_thread(self._show_error, getattr(error, "field", "when"), str(error))
        except DatabaseBusy:
            if not worker.is_cancelled:
                self.app.call_from_thread(
                    self._show_busy,
                    "The database stayed locked by another program; nothing was saved. "
                    "Your entry is still here: ctrl+s tries again, escape discards it.",
                )
        except ValueError as error:
            self.app.call_from_thread(self._show_error, "", str(error))
        except Exception as error:  # noqa: BLE001 - a read-only or damaged file: keep the typing
            self.app.call_from_thread(self._show_busy, _not_saved(error))
        else:
            if self.read_back is not None and not worker.is_cancelled:
                try:
                    saved.shown = self.read_back(saved)
                except Exception:  # noqa: BLE001 - the write is done; the opener reloads instead
                    saved.shown = None
            self.app.call_from_thread(self._saved, saved)
            return
        self.app.call_from_thread(self._save_ended)

    def _save_ended(self) -> None:
        self._saving = False

    def _saved(self, saved: Saved) -> None:
        self._saving = False
        if self.is_current:
            self.dismiss(saved)
        else:  # closed while the save waited for the database, and it went through after all
            self.app.notify(f"Saved after all: {saved.what}", markup=False)

    def _show_busy(self, message: str) -> None:
        from contextlib import suppress

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


def _not_saved(error: Exception) -> str:
    """The form's notice for a save that failed on the store itself; the typing stays."""
    from models.busy import DISK_FULL, is_disk_full

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
