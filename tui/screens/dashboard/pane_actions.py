"""What the dashboard's keys do to its panes: triage in and out, the filter, sort, archived
clients shown or not, and which pane shows on a narrow terminal.

A mixin of :class:`~callsheet.tui.screens.dashboard.DashboardScreen` (like ClientActions), which owns
loading and selection; the left pane itself is tui/widgets/clients_pane.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from callsheet.tui.messages import AttentionLoaded

if TYPE_CHECKING:
    from callsheet.tui.screens.dashboard.host import DashboardHost
else:  # the host is for the type checker: at run time the mixin's base stays object
    DashboardHost = object

#: the panes shown one at a time on a narrow terminal, in the order ``z`` cycles them
PANES = ("left", "log", "risk")


class PaneActions(DashboardHost):
    """Triage, filter, sort and panes, for the dashboard (see the module docstring)."""

    # -- triage ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="attention", exit_on_error=False)
    def load_attention(self) -> None:
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.models.book import queries

        self.post_message(
            AttentionLoaded(queries.triage(self.app.now(), self.app.config.stale_after_days))
        )

    def action_score_check(self) -> None:
        """How good is the score? The backtest's figures, drawn (computed in a worker)."""
        # deferred: the dashboard's first frame does not wait for it (bench startup_ms)
        from callsheet.tui.screens.score_check import ScoreCheckScreen

        self.app.push_screen(ScoreCheckScreen())

    def action_triage_group(self, step: int) -> None:
        if not self.pane.in_triage:
            self.action_toggle_triage()
        self.pane.attention.action_group(step)

    def action_toggle_triage(self) -> None:
        if not self.pane.in_triage:
            self._show_pane("left")
            self.pane.show_triage(True)
            self.follow_selection()  # triage's highlighted item is the current client now
            self.load_attention()
        else:
            self._leave_triage()

    def _leave_triage(self) -> None:
        self.pane.show_triage(False)
        self.follow_selection()  # the client list's highlighted row is the current client

    # -- filter, sort, panes --------------------------------------------------------------
    def action_filter(self) -> None:
        if self.pane.in_triage:
            self._leave_triage()
        self._show_pane("left")
        self.pane.filter_input.focus()

    def action_back(self) -> None:
        """Escape: out of the filter, out of triage, back to the client list."""
        if self.pane.in_triage:
            self._leave_triage()
        self._show_pane("left")
        self.client_list.focus()

    def action_cycle_sort(self) -> None:
        self.notify(f"Sorted by {self.pane.cycle_sort()}", timeout=1.5)

    def action_toggle_archived(self) -> None:
        self.pane.toggle_archived()

    def action_next_pane(self) -> None:
        panes = self.query_one("#panes")
        current = next((p for p in PANES if panes.has_class(f"-show-{p}")), "left")
        self._show_pane(PANES[(PANES.index(current) + 1) % len(PANES)], focus=True)

    def _show_pane(self, name: str, focus: bool = False) -> None:
        """On a narrow terminal only ``name`` is shown; on wider ones it gets the focus."""
        panes = self.query_one("#panes")
        for pane in PANES:
            panes.set_class(pane == name, f"-show-{pane}")
        if focus:
            target = self.pane.attention if self.pane.in_triage else self.client_list
            (target if name == "left" else self.query_one(f"#{name}")).focus()
