"""The callsheet dashboard application: configuration, the clock, keys, themes, and errors.

The app owns "now" (a callable, fixed in tests and screenshots so that relative times
and decayed scores are reproducible) and a few timing marks that the benchmark reads:
``mark_start(name)`` when a user action begins and ``mark(name)`` after the refresh that
shows its result (``clients``, ``filter``, ``select``, ``save``).

Keys: every binding has an id; ``[keys]`` in config.toml maps ids to other keys (Textual's
keymap), and help, footer and palette read the live bindings (:meth:`live_bindings`).
Errors: workers run with ``exit_on_error=False``; one ``Worker.StateChanged`` handler here
turns a failure into a notification (the error's kind and message, never logged).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from callsheet.models.config import Config
from callsheet.models.store.opening import ServerUnreachable
from callsheet.tui.commands import DashboardCommands
from callsheet.tui.key_order import KeysInOrder

#: The two themes callsheet offers, and the only ones registered: every pair of colours they
#: draw reaches WCAG AA (4.5:1), measured by tests/test_tui_contrast.py. Each colour has
#: two roles: the base (``$error``) is a background under light or dark text (badges, the
#: header's title, the cursor), the ``text-*`` variable is the same hue as text on the
#: background, the surface and the panel. ``text-muted`` replaces the terminal's dim, which
#: terminals draw at about half contrast.
DARK_THEME = Theme(
    name="callsheet-dark",
    primary="#1a5fb4",
    secondary="#4a6a8a",
    accent="#d7a0f0",
    warning="#f0b44c",
    error="#b3261e",
    success="#6bd98a",
    foreground="#e0e0e0",
    background="#121212",
    surface="#1e1e1e",
    panel="#262b31",
    dark=True,
    variables={
        "text-muted": "#a8a8a8",
        "text-primary": "#7ab8ff",
        "text-error": "#ff7b8e",
        "text-warning": "#f0b44c",
        "text-success": "#6bd98a",
        "text-accent": "#d7a0f0",
        "footer-key-foreground": "#f0b44c",
        "footer-description-foreground": "#e0e0e0",
        "input-selection-background": "#1a5fb4",
    },
)
LIGHT_THEME = Theme(
    name="callsheet-light",
    primary="#1f5f99",
    secondary="#4a5d75",
    accent="#7a3e9d",
    warning="#7a4f00",
    error="#b3261e",
    success="#2a6130",
    foreground="#1c1c1c",
    background="#f7f7f5",
    surface="#ffffff",
    panel="#e6e6e2",
    dark=False,
    variables={
        "text-muted": "#5a5a5a",
        "text-primary": "#1f5f99",
        "text-error": "#b3261e",
        "text-warning": "#7a4f00",
        "text-success": "#2a6130",
        "text-accent": "#7a3e9d",
        "footer-key-foreground": "#1f5f99",
        "footer-description-foreground": "#1c1c1c",
        "block-hover-background": "#dcdcd8",
        "input-selection-background": "#1f5f99 40%",
    },
)
#: the names config.toml's ``theme`` setting maps to
THEMES = {"dark": DARK_THEME, "light": LIGHT_THEME}
OUR_THEMES = {theme.name for theme in THEMES.values()}
LIGHT = LIGHT_THEME
DARK = DARK_THEME.name
#: the cycle collector's thresholds once the list is loaded: full collections 10x rarer than
#: Python's default (they walk every long-lived object; the young generations stay as they are)
GC_THRESHOLDS = (700, 10, 100)
DEFAULT_GC_THRESHOLDS = gc.get_threshold()


class CallsheetApp(KeysInOrder, App):
    TITLE = "callsheet"
    # absolute, so subclasses defined elsewhere (bench/, tests) find it too
    CSS_PATH = Path(__file__).resolve().parent / "styles" / "app.tcss"
    # ours only: Textual's system commands added its own entries (screenshot, keys, maximise)
    # and a second "Theme" listing every registered theme
    COMMANDS = {DashboardCommands}
    # ctrl+p is Textual's own palette binding, shown once at the footer's right end
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave callsheet"),
        Binding(
            "T",
            "toggle_theme",
            "Theme",
            show=False,
            id="app.theme",
            tooltip="Switch between the dark and the light theme",
        ),
    ]

    def __init__(
        self, config: Config | None = None, now: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self._now = now
        #: name -> perf_counter when the last such action started / was shown
        self.started: dict[str, float] = {}
        self.marks: dict[str, float] = {}
        self.mark_counts: dict[str, int] = {}
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = THEMES.get(getattr(self.config, "theme", "dark"), DARK_THEME).name
        # only our themes: Textual's own fail the contrast test, so none is offered
        for name in [name for name in self.available_themes if name not in OUR_THEMES]:
            self.unregister_theme(name)
        keys = getattr(self.config, "keys", None)
        if keys:
            self.set_keymap(keys)

    def now(self) -> datetime:
        return self._now() if self._now else datetime.now(UTC).replace(microsecond=0)

    def get_default_screen(self):
        # deferred: slow to import, and only this command needs it
        from callsheet.tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def settle_heap(self) -> None:
        """After the whole client list is shown: one collection, then exempt what is alive
        from the cycle collector and turn it back on.

        The first screen is built with the collector off (``on_load``); the list, the
        widgets and the imported modules are then ~80k tracked objects that live as long as
        the app. Each full collection walked them all: 29 of them in a 40-keystroke bench run,
        100-500 ms each, stalls that landed on keystrokes and saves. Frozen objects are still
        freed by reference counting when a reload replaces them; the next settle unfreezes
        first, so anything frozen that died in a cycle is collected then.
        """
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        gc.enable()

    def on_load(self) -> None:
        # no cycle collection while the first screen is built: it only allocates (see
        # settle_heap, which turns the collector back on)
        gc.disable()

    def on_unmount(self) -> None:
        # the process outlives the app (tests, bench): leave the collector as Python's default
        gc.unfreeze()
        gc.set_threshold(*DEFAULT_GC_THRESHOLDS)
        gc.enable()

    def mark_start(self, name: str) -> None:
        self.started[name] = time.perf_counter()

    def mark(self, name: str) -> None:
        """Record that the result of ``name`` is on screen (read by bench/)."""
        self.marks[name] = time.perf_counter()
        self.mark_counts[name] = self.mark_counts.get(name, 0) + 1

    # -- keys -------------------------------------------------------------------------------
    def live_bindings(self, node: DOMNode | type[DOMNode]) -> list[tuple[str, Binding]]:
        """(key, binding) of ``node``'s own bindings (a widget or a screen class, for help
        about a screen not open yet), after the user's ``[keys]`` keymap."""
        merged = node._bindings if isinstance(node, DOMNode) else node._merged_bindings
        bindings = merged.copy() if merged is not None else None
        if bindings is None:
            return []
        if self._keymap:
            bindings.apply_keymap(self._keymap)
        return [
            (key, binding)
            for key, key_bindings in bindings.key_to_bindings.items()
            for binding in key_bindings
        ]

    def key_help(
        self, sections: Iterable[tuple[str, Iterable[DOMNode | type[DOMNode]]]] | DOMNode
    ) -> list:
        """Per section, (keys, what they do) for every binding with an id, each once.

        Textual's own bindings without an id (focus next, scroll left, ...) are left out.
        """
        if isinstance(sections, DOMNode):  # one screen: its rows, without headings
            return [row for _, rows in self.key_help([("Keys", [sections])]) for row in rows]
        out = []
        seen: set[str] = set()
        for title, nodes in [*sections, ("Anywhere", [self])]:
            rows: dict[str, tuple[list[str], str]] = {}
            for node in nodes:
                for key, binding in self.live_bindings(node):
                    if not binding.id or binding.id in seen - set(rows):
                        continue
                    what = binding.tooltip or binding.description
                    keys, _ = rows.setdefault(binding.id, ([], what))
                    shown = self.get_key_display(Binding(key, binding.action))
                    if shown not in keys:
                        keys.append(shown)
            if title == "Anywhere":
                palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette")
                rows["palette"] = (
                    [self.get_key_display(palette)],
                    "Command palette: every action, and any client by name",
                )
            seen |= set(rows)
            out.append((title, [(" ".join(keys), what) for keys, what in rows.values()]))
        return out

    _quit_asked = False

    async def action_quit(self) -> None:
        """Quit; but a save waiting for the server to come back is not dropped silently."""
        if getattr(self.screen, "pending", False) and not self._quit_asked:
            self._quit_asked = True
            self.notify(
                "A save is waiting for the server: quit again to lose it, "
                "or wait and it is saved once the server answers.",
                severity="warning",
                timeout=8,
            )
            return
        await super().action_quit()

    def action_toggle_theme(self) -> None:
        self.theme = DARK if self.theme == LIGHT.name else LIGHT.name

    # -- errors -----------------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """The one place a worker's failure is reported: a notification, nothing logged.

        Screens hand their workers' failures here (callsheet.tui.messages.ReportsWorkerFailures).
        """
        error = worker.error
        # deferred: slow to import, and only this command needs it
        from callsheet.models.store.busy import DISK_FULL, is_disk_full

        if error is not None and is_disk_full(error):  # not the failed rollback that hides it
            self.notify(DISK_FULL, title="That did not work", severity="error", timeout=8)
            return
        if isinstance(error, ServerUnreachable):  # said in words; each use tries again
            self.notify(str(error), title="Server unreachable", severity="warning", markup=False)
            return
        detail = str(error).splitlines()[0][:200] if error is not None and str(error) else ""
        said = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
        if any(note.message == said for note in self._notifications):
            return  # still on screen: a second worker meeting the same fault says nothing new
        self.notify(
            said,
            title="That did not work",
            severity="error",
            timeout=8,
            markup=False,
        )


def run_dashboard(config: Config) -> None:
    CallsheetApp(config).run()
