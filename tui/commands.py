"""The command palette (ctrl+p): every action of the dashboard, and every client by name.

Actions come from the screen's and the app's live bindings (after the user's ``[keys]``),
so a new binding is in the palette, with the key that really triggers it, without touching
this file. Client names are user text: they are shown as plain
``Content`` (Textual's default highlighter would parse them as markup).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from callsheet.tui.app import CallsheetApp

CLIENT_HITS = 20


def _highlight(matcher, text: str) -> Content:
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets if score else ():
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class DashboardCommands(Provider):
    """Actions and clients of the dashboard screen."""

    def _screen(self):
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.dashboard import DashboardScreen

        if self.screen.COMMANDS:  # a screen with palette actions of its own offers only those
            return None

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, DashboardScreen):
                return screen
        return None

    def _actions(self, screen):
        """(title with the live key, help, action) per action of the screen and the app."""
        app = cast("CallsheetApp", self.app)  # a Provider's app is typed as any App
        keys: dict[str, list[str]] = {}
        #: each action once, with the node (the screen or the app) that runs it
        bindings: dict[str, tuple[Binding, Widget | App[object]]] = {}
        for node in (screen, app):
            for key, binding in app.live_bindings(node):
                if binding.action in ("back", "command_palette") or not binding.description:
                    continue
                bindings.setdefault(binding.action, (binding, node))
                shown = app.get_key_display(Binding(key, binding.action))
                keys.setdefault(binding.action, []).append(shown)
        for action, (binding, node) in bindings.items():
            yield (
                f"{binding.description} ({' '.join(keys[action])})",
                binding.tooltip or binding.description,
                partial(node.run_action, action),
            )

    async def discover(self) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        for title, help_text, run in self._actions(screen):
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        matcher = self.matcher(query)
        for title, help_text, run in self._actions(screen):
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    run,
                    help=help_text,
                )
        needle = query.casefold().strip()
        if len(needle) < 2:
            return
        shown = 0
        for row in screen.client_list.all_rows:
            if needle in row.search:
                label = f"Go to {row.name}" + (f" · {row.company}" if row.company else "")
                yield Hit(
                    0.9 if row.name.casefold().startswith(needle) else 0.6,
                    _highlight(matcher, label),
                    partial(screen.select_client, row.id),
                    text=label,
                    help=f"risk {row.risk_score} ({row.risk_band})",
                )
                shown += 1
                if shown >= CLIENT_HITS:
                    break
