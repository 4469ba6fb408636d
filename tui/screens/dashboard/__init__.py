"""The dashboard, the screen the consultant keeps open all day: the screen itself (loading,
selection, layout) in ``screen``, and what it does, split by concern into mixins that mypy
checks against ``host.DashboardHost``: one client (``client_actions``), records and search
(``record_actions``), mail capture (``capture_actions``), panes and triage (``pane_actions``).
"""

from callsheet.tui.screens.dashboard.screen import DashboardScreen

__all__ = ["DashboardScreen"]
