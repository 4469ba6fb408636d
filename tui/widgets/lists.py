"""The three lists of the dashboard: clients, the log of one client, and triage.

Each is a :class:`~tui.widgets.row_list.RowList`, so each draws only what is on screen.
The client list filters and sorts in memory over compact rows loaded once (and patched
row by row after a save), which keeps a keystroke flat from 10,000 to 100,000 clients.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from datetime import UTC, datetime

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from models.queries import Attention, ClientRow, LogRow, Triage, TriageSection
from models.validate import money_text
from models.vocabulary import POSITIVE_KINDS, SERIOUS_KINDS
from tui.widgets.row_list import RowList, printable, set_virtual_height

BAND_STYLE = {
    "low": Style(color="#7fbf7f"),
    "watch": Style(color="#e0b050", bold=True),
    "high": Style(color="#ff6060", bold=True),
}
SIGNAL_STYLE = {
    "positive": Style(color="#101010", bgcolor="#7fbf7f"),
    "own": Style(color="#101010", bgcolor="#8fa8c8"),
    "serious": Style(color="#ffffff", bgcolor="#b03030", bold=True),
    "warning": Style(color="#101010", bgcolor="#e0b050"),
}
DIM = Style(dim=True)
TONE_STYLE = {
    "warm": Style(color="#7fbf7f"),
    "neutral": Style(dim=True),
    "tense": Style(color="#e0b050"),
    "hostile": Style(color="#ff6060", bold=True),
}


def signal_style(kind: str) -> Style:
    if kind in POSITIVE_KINDS:
        return SIGNAL_STYLE["positive"]
    if kind == "own_mistake":
        return SIGNAL_STYLE["own"]
    return SIGNAL_STYLE["serious" if kind in SERIOUS_KINDS else "warning"]


def ago(epoch: int | None, now: float) -> str:
    """Compact age: "5m", "3h", "12d", "2y"."""
    if epoch is None:
        return "never"
    seconds = max(now - epoch, 0)
    for unit, size in (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"


def fit(text: str, width: int) -> str:
    text = printable(text)
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


# --- clients -------------------------------------------------------------------------------

SORTS = ("risk", "name", "last contact", "overdue")
_SORT_KEYS: dict[str, Callable[[ClientRow], object]] = {
    "risk": lambda r: (-r.risk_score, r.name.casefold()),
    "name": lambda r: (r.name.casefold(), r.id),
    # longest without contact first: those are the ones to call
    "last contact": lambda r: (r.last_contact or 0, r.name.casefold()),
    "overdue": lambda r: (-r.overdue_cents, -r.risk_score),
}


class ClientList(RowList[ClientRow]):
    """Every client: name, company, risk, days since contact, money overdue."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.all_rows: list[ClientRow] = []
        self._sorted: list[ClientRow] = []
        #: filter results per (query, show_archived), valid while _sorted is the same list
        self._filtered: dict = {}
        self._filtered_for: list | None = None
        #: queries whose result came from plain word matching (a superset of longer queries')
        self._narrowable: dict[str, bool] = {}
        self.query = ""
        self.sort = "risk"
        self.show_archived = False
        self.now = time.time()
        self.empty_text = "Loading clients…"

    def load(self, rows: list[ClientRow]) -> None:
        self.all_rows = rows
        self.resort()

    def action_cursor(self, step: int) -> None:
        # the moment a selection starts, for bench/ (ends when log and risk are shown)
        self.app.mark_start("select")
        super().action_cursor(step)

    def patch(self, rows: list[ClientRow]) -> None:
        """Replace or add these rows (after a save) without reloading or re-sorting the rest."""
        key = _SORT_KEYS[self.sort]
        for row in rows:
            old = next((i for i, r in enumerate(self.all_rows) if r.id == row.id), None)
            if old is None:
                self.all_rows.append(row)
            else:
                previous = self.all_rows[old]
                self.all_rows[old] = row
                del self._sorted[next(i for i, r in enumerate(self._sorted) if r is previous)]
            bisect.insort(self._sorted, row, key=key)
        self._filtered_for = None  # the cached filter results are stale now
        self.apply()

    def drop(self, client_id: int) -> None:
        self.all_rows = [row for row in self.all_rows if row.id != client_id]
        self.resort()

    def resort(self) -> None:
        """Sort once per change of data or order; filtering keeps this order, so a
        keystroke costs one pass over the rows and no sort."""
        self._sorted = sorted(self.all_rows, key=_SORT_KEYS[self.sort])
        self.apply()

    def apply(self) -> None:
        """Filter, keeping the cursor on the same client when it is still shown.

        Results are kept per query while the data stays the same, so typing one more
        letter narrows the previous result instead of scanning every client, and
        backspace costs nothing.
        """
        keep = self.current.id if self.current else None
        key = (self.query, self.show_archived)
        if self._filtered_for is not self._sorted:
            self._filtered, self._narrowable = {}, {}
            self._filtered_for = self._sorted
        rows = self._filtered.get(key)
        if rows is None:
            base = self._sorted if self.show_archived else self._filtered.get(("", False))
            if base is None:
                base = self._filtered[("", False)] = [r for r in self._sorted if not r.archived]
            if self.query:
                # the longest query typed so far that this one extends: its rows are a superset
                if not _is_phone_query(self.query):
                    prefixes = [
                        q
                        for (q, archived) in self._filtered
                        if archived == self.show_archived
                        and q
                        and self.query.startswith(q)
                        and self._narrowable.get(q)
                    ]
                    if prefixes:
                        base = self._filtered[(max(prefixes, key=len), self.show_archived)]
                rows, self._narrowable[self.query] = filter_rows(base, self.query)
            else:
                rows = base
            self._filtered[key] = rows
            # keep only the chain being typed (and the unfiltered lists), so memory stays flat
            for stale in [k for k in self._filtered if k[0] and not self.query.startswith(k[0])]:
                del self._filtered[stale]
        self.empty_text = "No client matches." if self.query else "No clients yet."
        self.set_rows(rows, keep=keep, key=lambda r: r.id)

    def row_segments(self, row: ClientRow, width: int) -> list[Segment]:
        overdue = money_text(row.overdue_cents) if row.overdue_cents else ""
        right = f" {ago(row.last_contact, self.now):>5} {overdue:>9}"
        name_width = max(width - 4 - len(right), 8)
        company_width = max(name_width // 3, 0) if width >= 44 else 0
        name_width -= company_width
        segments = [
            Segment(f"{row.risk_score:>3} ", BAND_STYLE[row.risk_band]),
            Segment(
                fit(row.name, name_width - 1).ljust(name_width),
                Style(italic=row.archived, dim=row.archived),
            ),
        ]
        if company_width:
            segments.append(Segment(fit(row.company, company_width - 1).ljust(company_width), DIM))
        segments.append(Segment(right, Style(color="#ff6060") if row.overdue_cents else DIM))
        return segments


def _is_phone_query(query: str) -> bool:
    digits = "".join(ch for ch in query if ch.isdigit())
    return len(digits) >= 6 and len(digits) >= len(query.replace(" ", "")) - 3


def filter_rows(rows: list[ClientRow], query: str) -> tuple[list[ClientRow], bool]:
    """Every word of ``query`` must appear (name, company, phone digits or e-mail);
    with no such client, fall back to fuzzy matching of names so a typo still finds them.

    Returns the rows and whether they came from plain word matching (so a longer query
    may narrow them instead of scanning everything).
    """
    if _is_phone_query(query):
        # a phone number typed any way: match on its trailing digits
        tail = "".join(ch for ch in query if ch.isdigit()).lstrip("0")[-9:]
        return [r for r in rows if tail in r.search.replace(" ", "")], False
    words = query.casefold().split()
    if len(words) == 1:  # the common case, without a generator per row
        word = words[0]
        found = [r for r in rows if word in r.search]
    else:
        found = [r for r in rows if all(word in r.search for word in words)]
    if found or len(query) < 3:
        return found, True
    from rapidfuzz import fuzz, process, utils

    names = [r.name for r in rows]
    matches = process.extract(
        query, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=50, score_cutoff=80
    )
    return [rows[index] for _, _, index in matches], False


# --- the log -------------------------------------------------------------------------------

ARROW = {"in": "←", "out": "→"}
#: where a captured entry came from (typed entries have none): mail @, calendar #, phone %
SOURCE_MARK = {"mail": "@", "calendar": "#", "phone": "%"}


class LogView(RowList[LogRow]):
    """One client's interactions, newest first."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = time.time()
        self.empty_text = "Nothing logged yet. Press l to log a call."

    def row_segments(self, row: LogRow, width: int) -> list[Segment]:
        moment = datetime.fromtimestamp(row.at, UTC).astimezone()
        stamp = f"{moment:%d %b %H:%M}" if moment.year == self.year else f"{moment:%d %b %Y}"
        tone = TONE_STYLE.get(row.tone, DIM)
        segments = [
            Segment(f"{stamp:<12} {ago(row.at, self.now):>4} ", DIM),
            Segment(f"{row.channel:<7}{ARROW.get(row.direction, ' ')}"),
            # the source mark takes the space before the tone dot: typed rows look as before
            Segment(SOURCE_MARK[row.source], DIM)
            if row.source in SOURCE_MARK
            else Segment(" ", tone),
            Segment("● " if row.tone else "  ", tone),
        ]
        for kind in row.signals:
            segments.append(Segment(f" {kind.replace('_', ' ')} ", signal_style(kind)))
            segments.append(Segment(" "))
        used = sum(len(s.text) for s in segments)
        # A suggestion is a question, not a fact: the signal's colour as italic text after
        # the summary, no badge. The summary keeps at least half of what is left.
        suggested = [
            Segment(
                f" ?{kind.replace('_', ' ')}", Style(color=signal_style(kind).bgcolor, italic=True)
            )
            for kind in row.suggested
        ]
        room = max(width - used, 0)
        wanted = sum(len(s.text) for s in suggested)
        summary = fit(row.summary, max(room - wanted, room // 2) if suggested else room)
        return [*segments, Segment(summary), *suggested]

    @property
    def year(self) -> int:
        return datetime.fromtimestamp(self.now).year


# --- triage --------------------------------------------------------------------------------

ATTENTION_LABEL = {
    "follow_up": ("follow-up", Style(color="#101010", bgcolor="#8fa8c8")),
    "overdue_invoice": ("overdue", Style(color="#ffffff", bgcolor="#b03030")),
    "risk_rose": ("risk up", Style(color="#101010", bgcolor="#e0b050")),
    "not_contacted": ("quiet", Style(color="#101010", bgcolor="#a0a0a0")),
    "cadence": ("in touch", Style(color="#101010", bgcolor="#98c379")),
    "suggestion": ("suggested", Style(color="#101010", bgcolor="#b0a0d0")),
}
HEADING_STYLE = Style(bold=True, underline=True)


def _attention_key(item: Attention) -> tuple:
    return (item.kind, item.ref, item.client_id, item.text)


class AttentionList(RowList[Attention]):
    """What needs the consultant today: every item, under a heading per kind with its count.

    ``rows`` holds only the items (the cursor, ``current`` and ``Highlighted`` are about
    items); the headings are extra lines drawn between them, so a line of the screen maps
    to a heading or to a row through two small sorted lists.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = time.time()
        self.empty_text = "Nothing needs attention today."
        self.sections: list[TriageSection] = []
        #: the row index where each section's items begin, and the line of its heading
        self._starts: list[int] = []
        self._heading_lines: list[int] = []

    # -- data -----------------------------------------------------------------------------
    def show(self, triage: Triage) -> None:
        """Show every item of ``triage`` grouped by kind, keeping the cursor on the same item."""
        keep = self.current
        self.sections = triage.sections if triage.total else []
        self._starts, self._heading_lines, index = [], [], 0
        for number, section in enumerate(self.sections):
            self._starts.append(index)
            self._heading_lines.append(index + number)
            index += len(section.items)
        self.set_rows(triage.items, keep=_attention_key(keep) if keep else None, key=_attention_key)

    def set_rows(self, rows: list[Attention], keep: object | None = None, key=None) -> None:
        if len(rows) != sum(len(section.items) for section in self.sections):
            self.sections, self._starts, self._heading_lines = [], [], []  # a plain list
        # as RowList.set_rows, but the height counts the headings too
        self.rows = rows
        if keep is not None and key is not None:
            self.cursor = next((i for i, row in enumerate(rows) if key(row) == keep), 0)
        self.cursor = max(0, min(self.cursor, len(rows) - 1))
        set_virtual_height(self, self._line_count())
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    # -- lines and rows -------------------------------------------------------------------
    def _line_count(self) -> int:
        return len(self.rows) + len(self._heading_lines) if self.rows else 0

    def _line_of(self, index: int) -> int:
        return index + bisect.bisect_right(self._starts, index)

    def _at_line(self, line: int) -> tuple[str, int]:
        """("heading", section number) or ("row", row index) for a line of the list."""
        before = bisect.bisect_right(self._heading_lines, line)
        if before and self._heading_lines[before - 1] == line:
            return "heading", before - 1
        return "row", line - before

    def _section_of(self, index: int) -> int:
        """The section the row ``index`` is in (the last one starting at or before it)."""
        return max(bisect.bisect_right(self._starts, index) - 1, 0)

    # -- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        if not self.rows:
            return super().render_line(y)  # the empty text
        line = round(self.scroll_offset.y) + y
        if line >= self._line_count():
            return Strip.blank(self.scrollable_content_region.width, self.rich_style)
        what, number = self._at_line(line)
        if what == "row":
            return self._row_strip(number)
        width = self.scrollable_content_region.width
        section = self.sections[number]
        count = len(section.items)
        text = f" {section.title} · {count:,}"
        style = HEADING_STYLE if count else DIM
        return (
            Strip([Segment(fit(text, width), style)])
            .extend_cell_length(width)
            .apply_style(self.rich_style)
        )

    def _row_strip(self, index: int) -> Strip:
        width = self.scrollable_content_region.width
        segments = self.row_segments(self.rows[index], width)
        strip = Strip(segments).crop(0, width).extend_cell_length(width)
        if index == self.cursor:
            highlight = Style(bgcolor="#2a4d69" if self.has_focus else "#333a44", bold=False)
            strip = strip.apply_style(highlight)
        return strip.apply_style(self.rich_style)

    def row_segments(self, row: Attention, width: int) -> list[Segment]:
        label, style = ATTENTION_LABEL.get(row.kind, (row.kind, DIM))
        if row.kind == "not_contacted" and not row.when:
            when = "never"
        elif row.kind == "risk_rose":
            when = "7 days"  # the rise is over the week, not at one moment
        elif row.kind == "follow_up" and row.when > self.now:
            when = "in " + ago(self.now - (row.when - self.now), self.now)
        else:
            when = ago(row.when, self.now)
        if width >= 60 or not self.sections:
            head = [Segment(f" {label:<9}", style), Segment(f" {when:>6}  ", DIM)]
        else:
            # narrow: the heading above already names the kind; a coloured bar keeps the hint
            head = [Segment("▌", Style(color=style.bgcolor)), Segment(f"{when:>6} ", DIM)]
        used = sum(len(s.text) for s in head)
        # the name gets about half of what is left, the text what remains after it
        name_width = min(22, max((width - used) // 2, 8))
        return head + [
            Segment(fit(row.client_name, name_width).ljust(name_width + 1), Style(bold=True)),
            Segment(fit(row.text, max(width - used - name_width - 1, 0))),
        ]

    # -- moving ---------------------------------------------------------------------------
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
            self.refresh_lines(self._line_of(previous) - top)
            self.refresh_lines(self._line_of(index) - top)
        else:
            self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return  # not laid out yet (just switched to): on_resize comes back here
        top = round(self.scroll_offset.y)
        line = self._line_of(self.cursor)
        # the first item of a kind brings its heading into view with it
        first = line - 1 if self._starts and self.cursor in self._starts else line
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    def action_group(self, step: int) -> None:
        """Go to the first item of the next (or previous) kind that has items."""
        if not self.sections:
            return
        here = self._section_of(self.cursor)
        if step < 0 and self.cursor != self._starts[here]:
            self._move_to(self._starts[here])  # first back to the top of this kind
            return
        number = here + step
        while 0 <= number < len(self.sections) and not self.sections[number].items:
            number += step
        if 0 <= number < len(self.sections):
            self._move_to(self._starts[number])
            # a new kind reads from its heading down
            self.scroll_to(y=self._heading_lines[number], animate=False, immediate=True)
            self.refresh()

    def on_click(self, event) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self.rows:
            return
        what, number = self._at_line(round(self.scroll_offset.y) + offset.y)
        if what == "heading":
            section = self.sections[number]
            if section.items:
                self._move_to(self._starts[number])
        elif number < len(self.rows):
            self._move_to(number)

    def on_resize(self) -> None:
        set_virtual_height(self, self._line_count())
        self._scroll_to_cursor()
