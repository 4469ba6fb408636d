"""The dashboard's top line: the clock, then what needs attention, in the theme's colours."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from callsheet.models.values.text import counted

#: (count, words for one, words for more, short words for a narrow terminal, component class)
_COUNTS = (
    ("high", "high-risk client", "high-risk clients", "high risk", "header--high"),
    ("overdue", "overdue invoice", "overdue invoices", "overdue", "header--overdue"),
    ("follow_ups", "follow-up due today", "follow-ups due today", "due today", "header--due"),
)


class HeaderBar(Static):
    """The top line: the clock, then high-risk clients, overdue invoices, follow-ups due."""

    COMPONENT_CLASSES = {
        "header--title",
        "header--high",
        "header--overdue",
        "header--due",
        "header--missed",
        "header--muted",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[datetime, dict | None] | None = None
        #: what a background job is doing ("syncing contacts 1,200/10,000"), shown last
        self.status = ""

    def show_status(self, text: str) -> None:
        """Show ``text`` after the counts ("" takes it away)."""
        self.status = text
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, now: datetime, counts: dict | None) -> None:
        """Redraw with ``now`` and ``counts`` (None: still counting), in words that fit the
        terminal's width."""
        self._shown = (now, counts)
        for short in (False, True):
            bar = self._bar(now, counts, short)
            if bar.cell_len <= self.size.width or short or not self.size.width:
                break
        self.update(bar)

    def _bar(self, now: datetime, counts: dict | None, short: bool) -> Text:
        bar = Text()
        bar.append(" callsheet ", style=self.get_component_rich_style("header--title"))
        clock = (
            f"{now.astimezone():%-d %b %H:%M}" if short else f"{now.astimezone():%a %-d %b %H:%M}"
        )
        muted = self.get_component_rich_style("header--muted", partial=True)
        bar.append(f"  {clock}  ", style=muted)
        if counts is None:
            bar.append("counting…", style=muted)
            return bar
        for index, (key, word, words, short_words, class_) in enumerate(_COUNTS):
            if index:
                bar.append(" · ")
            style = self.get_component_rich_style(class_, partial=True) if counts[key] else muted
            text = f"{counts[key]:,} {short_words}" if short else counted(counts[key], word, words)
            bar.append(text, style=style)
        missed = counts.get("missed_calls", 0)
        if missed:  # the phone (callsheet ring): shown only when a call waits to be returned
            style = self.get_component_rich_style("header--missed", partial=True)
            bar.append(" · ")
            bar.append(
                f"{missed:,} missed" if short else counted(missed, "missed call"), style=style
            )
        if self.status:
            bar.append(f"  {self.status}", style="bold")
        return bar

    def on_mount(self) -> None:
        # published once the new theme's styles are in force (after Textual's CSS refresh)
        self.app.theme_changed_signal.subscribe(self, self._new_theme)

    def _new_theme(self, theme) -> None:
        if self._shown is not None:  # the line again, in the theme's colours
            self.show(*self._shown)

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)
