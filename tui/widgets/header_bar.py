"""The dashboard's top line: the clock, then what needs attention, in the theme's colours."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static


class HeaderBar(Static):
    """The top line: the clock, then high-risk clients, overdue invoices, follow-ups due."""

    COMPONENT_CLASSES = {"header--title", "header--high", "header--overdue", "header--due"}

    def show(self, now: datetime, counts: dict) -> None:
        bar = Text()
        bar.append(" callsheet ", style=self.get_component_rich_style("header--title"))
        bar.append(f"  {now.astimezone():%a %-d %b %H:%M}  ", style="dim")
        for key, words, class_ in (
            ("high", "high-risk clients", "header--high"),
            ("overdue", "overdue invoices", "header--overdue"),
            ("follow_ups", "follow-ups due today", "header--due"),
        ):
            if key != "high":
                bar.append(" · ")
            style = self.get_component_rich_style(class_, partial=True) if counts[key] else "dim"
            bar.append(f"{counts[key]:,} {words}", style=style)
        self.update(bar)
