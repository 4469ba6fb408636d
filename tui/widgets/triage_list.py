"""The triage list: every item that needs attention today, under a heading per kind.

A :class:`~callsheet.tui.widgets.row_list.RowList` like the client list, with the headings drawn as
extra lines between the items; the colours of the kinds are component classes (app.tcss).
"""

from __future__ import annotations

import bisect
import time
from collections import Counter
from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from callsheet.models.book.queries import Attention, Triage, TriageSection
from callsheet.models.values.text import money_text
from callsheet.tui.widgets.lists import ago, fit
from callsheet.tui.widgets.row_list import RowList

#: kind -> (label, component class with its colours in styles/app.tcss)
ATTENTION_LABEL = {
    "follow_up": ("follow-up", "attention--follow-up"),
    "overdue_invoice": ("overdue", "attention--overdue"),
    "risk_rose": ("risk up", "attention--risk-up"),
    "not_contacted": ("quiet", "attention--quiet"),
    "cadence": ("in touch", "attention--quiet"),
    "suggestion": ("suggested", "attention--suggestion"),
    "sync_conflict": ("conflict", "attention--overdue"),
    "missed_call": ("missed", "attention--missed"),
}
#: kinds whose heading is left out when they have no items (usually empty, rarely there)
SHOWN_WHEN_THERE = frozenset({"missed_call", "sync_conflict"})
HEADING_STYLE = Style(bold=True, underline=True)
#: a name this long is shown whole when the line has room (as in the client list)
NAME_FULL = 30


def _attention_key(item: Attention) -> tuple:
    return (item.kind, item.ref, item.client_id, item.text)


class AttentionList(RowList[Attention]):
    """What needs the consultant today: every item, under a heading per kind with its count.

    ``rows`` holds only the items (the cursor, ``current`` and ``Highlighted`` are about
    items); the headings are extra lines drawn between them, so a line of the screen maps
    to a heading or to a row through two small sorted lists.
    """

    COMPONENT_CLASSES = (
        RowList.COMPONENT_CLASSES
        | {class_ for _, class_ in ATTENTION_LABEL.values()}
        | {"attention--money"}
    )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = time.time()
        self.empty_text = "Nothing needs attention today."
        #: client id -> company, set by the pane (the client list knows every client's)
        self.company_of: Callable[[int], str] = lambda client_id: ""
        #: names shared by more than one client in triage -> {company: how many clients}
        self.homonyms: dict[str, dict[str, int]] = {}
        self.sections: list[TriageSection] = []
        #: the row index where each section's items begin, and the line of its heading
        self._starts: list[int] = []
        self._heading_lines: list[int] = []
        #: items the user dealt with here (``x`` done, ``Z`` snoozed): when one goes, the
        #: cursor stays where it was, on the next item, even if its client has others
        self._dealt_with: set[tuple] = set()

    def dealt_with(self, item: Attention) -> None:
        """``item`` is being done or snoozed: once it goes, the next item is current."""
        self._dealt_with.add(_attention_key(item))

    # -- data -----------------------------------------------------------------------------
    def show(self, triage: Triage) -> None:
        """Show every item of ``triage`` grouped by kind, keeping the cursor on the same item;
        when it is gone, where it was (the next item) if the user dealt with it here
        (``x x x`` works down the list), else on another item of the same client (a write
        elsewhere must not move the current client), else where it was."""
        keep = self.current
        where = self.cursor
        sections = [s for s in triage.sections if s.items or s.kind not in SHOWN_WHEN_THERE]
        self.sections = sections if triage.total else []
        self._starts, self._heading_lines, index = [], [], 0
        for number, section in enumerate(self.sections):
            self._starts.append(index)
            self._heading_lines.append(index + number)
            index += len(section.items)
        items = triage.items
        self.homonyms = self._homonyms(items)
        if keep is not None:
            wanted = _attention_key(keep)
            same_client = None
            for index, item in enumerate(items):
                if _attention_key(item) == wanted:
                    where = index
                    break
                if same_client is None and item.client_id == keep.client_id:
                    same_client = index
            else:
                if wanted not in self._dealt_with and same_client is not None:
                    where = same_client
        present = {_attention_key(item) for item in items}
        self._dealt_with &= present  # gone: forgotten (a reopened item is an item again)
        self.cursor = max(0, min(where, len(items) - 1))
        self.set_rows(items)

    def _homonyms(self, items: list[Attention]) -> dict[str, dict[str, int]]:
        clients: dict[str, set[int]] = {}
        for item in items:
            if item.client_id is not None:  # a missed call from a number nobody has: no client
                clients.setdefault(item.client_name, set()).add(item.client_id)
        return {
            name: Counter(self.company_of(client_id) for client_id in ids)
            for name, ids in clients.items()
            if len(ids) > 1
        }

    def set_rows(self, rows: list[Attention], keep: object | None = None, key=None) -> None:
        if len(rows) != sum(len(section.items) for section in self.sections):
            self.sections, self._starts, self._heading_lines = [], [], []  # a plain list
        super().set_rows(rows, keep, key)

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
        style = HEADING_STYLE if count else self.muted
        return (
            Strip([Segment(fit(text, width), style)])
            .extend_cell_length(width)
            .apply_style(self.rich_style)
        )

    def row_segments(self, row: Attention, width: int) -> list[Segment]:
        """Kind and when, then what matters first: an overdue invoice's amount, a
        follow-up's task; then the client (with company or id where names repeat)."""
        label, class_ = ATTENTION_LABEL.get(row.kind, (row.kind, ""))
        style = self.get_component_rich_style(class_, partial=True) if class_ else self.muted
        if row.kind == "not_contacted" and not row.when:
            when = "never"
        elif row.kind == "risk_rose":
            when = "7 days"  # the rise is over the week, not at one moment
        elif row.kind == "follow_up" and row.when > self.now:
            when = "in " + ago(self.now - (row.when - self.now), self.now)
        else:
            when = ago(row.when, self.now)
        if width >= 60 or not self.sections:
            head = [Segment(f" {label:<9}", style), Segment(f" {when:>6} ", self.muted)]
        else:
            # narrow: the heading above already names the kind; a coloured bar keeps the hint
            head = [Segment("▌", Style(color=style.bgcolor)), Segment(f"{when:>6} ", self.muted)]
        rest = max(width - sum(len(s.text) for s in head), 0)
        client = self.client_label(row)
        bold = Style(bold=True)
        if row.kind == "overdue_invoice" and row.amount is not None:
            currency, cents = row.amount
            amount = f"{money_text(cents)} {currency}"
            lead = [Segment(f"{amount:>12} ", self.get_component_rich_style("attention--money"))]
            # the invoice's number alone: the heading says "invoices", amount and days are shown
            what = row.text.split(":", 1)[0].removeprefix("invoice ")
        elif row.kind == "follow_up":
            # the task first: it is what is due; the client after it, in up to 2/5
            name_width = min(NAME_FULL, max(rest * 2 // 5, 8))
            task = max(rest - name_width - 1, 0)
            return head + [
                Segment(fit(row.text, task).ljust(task + 1)),
                Segment(fit(client, name_width), bold),
            ]
        else:
            lead, what = [], row.text
        rest -= sum(len(s.text) for s in lead)
        # the client gets half of what is left (beside an invoice, all of it, the number
        # after it if there is room), whole up to 30: one column for every row of the list
        name_width = min(NAME_FULL, max(rest if lead else rest // 2, 8))
        left = rest - name_width - 1
        return [
            *head,
            *lead,
            Segment(fit(client, name_width).ljust(name_width + 1), bold),
            Segment(fit(what, left) if left >= 6 or not lead else ""),
        ]

    def client_label(self, row: Attention) -> str:
        """The client's name; where two clients in triage share it, with the company (or
        the id when the company does not tell them apart). A missed call from a number
        nobody has: the number stands where the name would."""
        if not row.client_name:
            return row.number or "number withheld"
        if row.client_name not in self.homonyms or row.client_id is None:
            return row.client_name
        company = self.company_of(row.client_id)
        if company and self.homonyms[row.client_name].get(company, 0) == 1:
            return f"{row.client_name} · {company}"
        return f"{row.client_name} #{row.client_id}"

    # -- moving ---------------------------------------------------------------------------
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

    def _row_at(self, line: int) -> int | None:
        """A heading selects the first item of its kind; the lines after the last, nothing."""
        if not self.rows:
            return None
        what, number = self._at_line(line)
        if what == "heading":
            return self._starts[number] if self.sections[number].items else None
        return number if number < len(self.rows) else None
