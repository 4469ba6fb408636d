"""A virtualised list: draws only the lines on screen, whatever the number of rows.

The client list, the log and the triage view all hold thousands to hundreds of thousands
of rows; a table widget that builds every row costs time in proportion on every filter
(see bench-notes.md). ``RowList`` keeps the rows in a Python list and renders a line only
when Textual asks for it (``render_line``), with a cursor that posts ``Highlighted``.
Subclasses say how one row becomes a line of segments, and user text always goes in as
plain segments, so markup in a client's name is printed, never interpreted.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

Row = TypeVar("Row")


def set_virtual_height(widget: ScrollView, height: int) -> None:
    """Change how many lines ``widget`` scrolls over without a screen layout.

    ``virtual_size`` is a layout reactive: setting it re-lays out and recomposites the
    whole screen (~25 ms here), every time a list is filtered or another client's log is
    shown. The scrollbar is always shown (``overflow-y: scroll``), so the layout cannot
    change; only the scrollbar and the widget need repainting.
    """
    size = Size(widget.size.width, height)
    if size == widget.virtual_size:
        return
    widget.set_reactive(Widget.virtual_size, size)
    widget._scroll_update(size)
    widget.refresh()


class RowList(ScrollView, Generic[Row], can_focus=True):
    """A cursor over ``rows``, drawn line by line."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="row_list.up", tooltip="Up a row"),
        Binding(
            "down,j", "cursor(1)", "Down", show=False, id="row_list.down", tooltip="Down a row"
        ),
        Binding("pageup", "page(-1)", "Page up", show=False, id="row_list.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="row_list.page_down"),
        Binding("home,g", "jump(0)", "First", show=False, id="row_list.first", tooltip="First row"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="row_list.last", tooltip="Last row"),
    ]

    DEFAULT_CSS = """
    RowList {
        background: $surface; overflow-y: scroll; overflow-x: hidden; scrollbar-size-vertical: 1;
    }
    RowList > .row-list--cursor { background: $primary; color: $text; }
    RowList > .row-list--cursor-blurred { background: $primary 30%; color: $text; }
    RowList > .row-list--empty { color: $text-muted; text-style: italic; }
    RowList > .row-list--muted { color: $text-muted; }
    """
    #: the cursor line (focused or not), the "nothing here" line and secondary text (never
    #: the terminal's dim, drawn at half contrast), from the theme
    COMPONENT_CLASSES = {
        "row-list--cursor",
        "row-list--cursor-blurred",
        "row-list--empty",
        "row-list--muted",
    }

    class Highlighted(Message):
        """The cursor moved to ``row`` (None when the list is empty)."""

        def __init__(self, row_list: RowList, row) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[Row] = []
        self.cursor = 0
        self.empty_text = ""

    @property
    def muted(self):
        """The style of secondary text (dates, counts) in the theme's readable grey."""
        return self.get_component_rich_style("row-list--muted", partial=True)

    # -- what subclasses provide ----------------------------------------------------------
    def row_segments(self, row: Row, width: int) -> list[Segment]:
        raise NotImplementedError

    # -- data -----------------------------------------------------------------------------
    def set_rows(self, rows: list[Row], keep: object | None = None, key=None) -> None:
        """Replace the rows; keep the cursor on the row whose ``key(row) == keep`` if any."""
        self.rows = rows
        if keep is not None and key is not None:
            for index, row in enumerate(rows):
                if key(row) == keep:
                    self.cursor = index
                    break
            else:
                self.cursor = 0
        self.cursor = max(0, min(self.cursor, len(rows) - 1))
        set_virtual_height(self, self._line_count())
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    @property
    def current(self) -> Row | None:
        return self.rows[self.cursor] if self.rows else None

    # -- lines and rows (a subclass drawing extra lines, such as headings, maps them) ------
    def _line_count(self) -> int:
        """How many lines the list scrolls over."""
        return len(self.rows)

    def _line_of(self, index: int) -> int:
        """The line row ``index`` is drawn on."""
        return index

    # -- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        base = self.rich_style
        if not self.rows:
            if y == 0 and self.empty_text:
                empty = self.get_component_rich_style("row-list--empty", partial=True)
                return Strip([Segment(self.empty_text[:width], base + empty)]).extend_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        return self._row_strip(index)

    def _row_strip(self, index: int) -> Strip:
        """Row ``index`` as a line, highlighted under the cursor."""
        width = self.scrollable_content_region.width
        segments = self.row_segments(self.rows[index], width)
        strip = Strip(segments).crop(0, width).extend_cell_length(width)
        if index == self.cursor:
            highlight = self.get_component_rich_style(
                "row-list--cursor" if self.has_focus else "row-list--cursor-blurred"
            )
            # over the row's own colours: a red score on the cursor's blue could not be read;
            # what a colour said on the row is also said in a word or a sign
            strip = Strip(
                [
                    Segment(text, style + highlight if style else highlight, control)
                    for text, style, control in strip
                ],
                strip.cell_length,
            )
        return strip.apply_style(self.rich_style)

    # -- moving ---------------------------------------------------------------------------
    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index`` and scroll it into view."""
        self._move_to(index)

    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.cursor:
            return
        previous, self.cursor = self.cursor, index
        top = round(self.scroll_offset.y)
        self._scroll_to_cursor()
        if round(self.scroll_offset.y) == top:
            # only the two lines that changed: a full repaint costs a frame's worth of time
            self.refresh_lines(self._line_of(previous))
            self.refresh_lines(self._line_of(index))
        else:
            self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def _scroll_to_cursor(self) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(self.scrollable_content_region.height - 1, 1))

    def action_jump(self, index: int) -> None:
        self._move_to(index if index >= 0 else len(self.rows) - 1)

    def _row_at(self, line: int) -> int | None:
        """The row a click on ``line`` selects (None: nothing to select there)."""
        return line

    def on_click(self, event) -> None:
        offset = event.get_content_offset(self)
        if (
            offset is not None
            and (index := self._row_at(round(self.scroll_offset.y) + offset.y)) is not None
        ):
            self._move_to(index)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        set_virtual_height(self, self._line_count())
        self._scroll_to_cursor()
