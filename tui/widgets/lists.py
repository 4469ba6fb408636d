"""Two of the dashboard's lists: clients, and the log of one client (triage: triage_list.py).

Each is a :class:`~callsheet.tui.widgets.row_list.RowList`, so each draws only what is on screen.
The client list filters and sorts in memory over compact rows loaded once (and patched
row by row after a save), which keeps a keystroke flat from 10,000 to 100,000 clients.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import getters
from textual.binding import Binding
from textual.message import Message

from callsheet.models.book.queries import ClientRow, LogRow
from callsheet.models.risk.vocabulary import POSITIVE_KINDS, SERIOUS_KINDS
from callsheet.models.values.money import column_text
from callsheet.models.values.text import fold, printable
from callsheet.models.values.when import day_text
from callsheet.tui.widgets.row_list import RowList

if TYPE_CHECKING:
    from callsheet.tui.app import CallsheetApp

SERIOUS = set(SERIOUS_KINDS)
POSITIVE = set(POSITIVE_KINDS)

#: the theme's styles for risk bands, signals and tones: component classes whose colours
#: live in styles/app.tcss as theme variables, so a theme (light or dark) restyles them
MARK_CLASSES = {
    "mark--band-low",
    "mark--band-watch",
    "mark--band-high",
    "mark--signal-serious",
    "mark--signal-warning",
    "mark--signal-positive",
    "mark--signal-own",
    "mark--text-serious",
    "mark--text-warning",
    "mark--text-positive",
    "mark--text-own",
    "mark--tone-warm",
    "mark--tone-neutral",
    "mark--tone-tense",
    "mark--tone-hostile",
    "mark--dim",
    "mark--alert",
}


def _short_signal(words: str) -> str:
    """A signal by its first word when that says enough ("refused", "legal", "scope")."""
    first = words.split()[0]
    return first if len(first) > 2 else words


def signal_kind(kind: str) -> str:
    """serious, warning, positive or own: how a signal is marked."""
    if kind in POSITIVE:
        return "positive"
    if kind == "own_mistake":
        return "own"
    return "serious" if kind in SERIOUS else "warning"


class Marks:
    """Mixin for widgets that draw bands, signals and tones in the theme's colours."""

    COMPONENT_CLASSES: ClassVar[set[str]] = MARK_CLASSES

    def mark(self, name: str) -> Style:
        return self.get_component_rich_style(f"mark--{name}", partial=True)  # type: ignore[attr-defined]

    def band_style(self, band: str) -> Style:
        return self.mark(f"band-{band}")

    def signal_style(self, kind: str) -> Style:
        return self.mark(f"signal-{signal_kind(kind)}")


#: a risk band in a sign after the score, so the band does not rest on colour alone
BAND_SIGN = {"high": "!!", "watch": "!"}


def ago(epoch: float | None, now: float) -> str:
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
_SORT_KEYS: dict[str, Callable[[ClientRow], Any]] = {
    "risk": lambda r: (-r.risk_score, r.name.casefold()),
    "name": lambda r: (r.name.casefold(), r.id),
    # longest without contact first: those are the ones to call
    "last contact": lambda r: (r.last_contact or 0, r.name.casefold()),
    # home money (others at the user's rates) first; then money with no rate, named apart
    "overdue": lambda r: (-r.overdue_home_cents, not r.overdue_uncounted, -r.risk_score),
}


class ClientList(Marks, RowList[ClientRow]):
    """Every client: name, company, risk, days since contact, money overdue."""

    if TYPE_CHECKING:
        app = getters.app(CallsheetApp)  # Textual types ``app`` as any App

    COMPONENT_CLASSES = RowList.COMPONENT_CLASSES | MARK_CLASSES

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.all_rows: list[ClientRow] = []
        self._position: dict[int, int] = {}
        self.archived_count = 0
        self._sorted: list[ClientRow] = []
        #: filter results per (query, show_archived), valid while _sorted is the same list
        self._filtered: dict = {}
        self._filtered_for: list | None = None
        #: queries whose result came from plain word matching (a superset of longer queries')
        self._narrowable: dict[str, bool] = {}
        #: what is typed in the filter (not ``query``: that is Textual's DOM query)
        self.filter_text = ""
        self.sort = "risk"
        self.show_archived = False
        self.now = time.time()
        self.empty_text = "Loading clients…"

    def load(self, rows: list[ClientRow]) -> None:
        self.all_rows = rows
        self._reindex()
        self.resort()

    def _reindex(self) -> None:
        """Where each client is in ``all_rows``, and how many are archived: kept up to date
        by :meth:`patch`, so a save costs no pass over 100,000 rows."""
        self._position = {row.id: index for index, row in enumerate(self.all_rows)}
        self.archived_count = sum(1 for row in self.all_rows if row.archived)

    def on_resize(self) -> None:
        # (Textual also calls RowList.on_resize: handlers run for every class in the MRO)
        # the column headings live outside the list; they follow its width once laid out
        self.call_after_refresh(self.post_message, self.Resized(self))

    class Resized(Message):
        """The list changed width: column headings must follow."""

        def __init__(self, client_list: ClientList) -> None:
            super().__init__()
            self.client_list = client_list

    def action_cursor(self, step: int) -> None:
        # the moment a selection starts, for bench/ (ends when log and risk are shown)
        self.app.mark_start("select")
        super().action_cursor(step)

    def patch(self, rows: list[ClientRow]) -> None:
        """Replace or add these rows (after a save) without reloading or re-sorting the rest."""
        key = _SORT_KEYS[self.sort]
        for row in rows:
            old = self._position.get(row.id)
            if old is None:
                self._position[row.id] = len(self.all_rows)
                self.all_rows.append(row)
            else:
                previous = self.all_rows[old]
                self.all_rows[old] = row
                self.archived_count -= previous.archived
                # the first row sorting equal to the old one, then the old one itself
                at = bisect.bisect_left(self._sorted, key(previous), key=key)
                while self._sorted[at] is not previous:
                    at += 1
                del self._sorted[at]
            self.archived_count += row.archived
            bisect.insort(self._sorted, row, key=key)
        self._filtered_for = None  # the cached filter results are stale now
        self.apply()

    def company_of(self, client_id: int) -> str:
        """The company of ``client_id`` ("" when unknown or not loaded yet)."""
        index = self._position.get(client_id)
        return self.all_rows[index].company if index is not None else ""

    def drop(self, client_id: int) -> None:
        self.all_rows = [row for row in self.all_rows if row.id != client_id]
        self._reindex()
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
        key = (self.filter_text, self.show_archived)
        if self._filtered_for is not self._sorted:
            self._filtered, self._narrowable = {}, {}
            self._filtered_for = self._sorted
        rows = self._filtered.get(key)
        if rows is None:
            base = self._sorted if self.show_archived else self._filtered.get(("", False))
            if base is None:
                base = self._filtered[("", False)] = [r for r in self._sorted if not r.archived]
            if self.filter_text:
                # the longest query typed so far that this one extends: its rows are a superset
                if not _is_phone_query(self.filter_text):
                    prefixes = [
                        q
                        for (q, archived) in self._filtered
                        if archived == self.show_archived
                        and q
                        and self.filter_text.startswith(q)
                        and self._narrowable.get(q)
                    ]
                    if prefixes:
                        base = self._filtered[(max(prefixes, key=len), self.show_archived)]
                rows, self._narrowable[self.filter_text] = filter_rows(base, self.filter_text)
            else:
                rows = base
            self._filtered[key] = rows
            # keep only the chain being typed (and the unfiltered lists), so memory stays flat
            for stale in [
                k for k in self._filtered if k[0] and not self.filter_text.startswith(k[0])
            ]:
                del self._filtered[stale]
        self.empty_text = "No client matches." if self.filter_text else "No clients yet."
        self.set_rows(rows, keep=keep, key=lambda r: r.id)

    #: risk score and its band's sign, then name and company share what is left, then last
    #: contact and overdue
    LEFT = 6
    RIGHT = 16
    #: a name this long is shown whole when the line has room (a space after it)
    NAME_FULL = 30
    COMPANY_MIN = 8

    def columns(self, width: int) -> tuple[int, int]:
        """(name, company) widths for a line ``width`` cells wide; company 0 when too narrow.

        The name comes first: whole up to 30 characters when the line allows, while the
        company keeps 8; with less room they share it 11 to 9.
        """
        rest = max(width - self.LEFT - self.RIGHT, 8)
        if width < 50:
            return rest, 0
        name = min(self.NAME_FULL + 1, max(rest - self.COMPANY_MIN, rest * 11 // 20))
        return name, rest - name

    def header(self, width: int) -> str:
        """The column headings, aligned with :meth:`row_segments`."""
        name_width, company_width = self.columns(width)
        return (
            "risk".ljust(self.LEFT)
            + "name".ljust(name_width)
            + ("company".ljust(company_width) if company_width else "")
            + f" {'last':>5} {'overdue':>9}"
        )[:width]

    def row_segments(self, row: ClientRow, width: int) -> list[Segment]:
        overdue = column_text(row.overdue, self.app.config.currency)
        right = f" {ago(row.last_contact, self.now):>5} {overdue:>9}"
        name_width, company_width = self.columns(width)
        name = row.name
        if row.archived:  # a word, not only a style, says it is archived
            name_style = self.mark("dim") + Style(italic=True)
            name = f"{fit(name, max(name_width - 12, 4))} (archived)"
        else:
            name_style = Style()
        segments = [
            Segment(
                f"{row.risk_score:>3}{BAND_SIGN.get(row.risk_band, ''):<2} ",
                self.band_style(row.risk_band),
            ),
            Segment(fit(name, name_width - 1).ljust(name_width), name_style),
        ]
        if company_width:
            segments.append(
                Segment(fit(row.company, company_width - 1).ljust(company_width), self.mark("dim"))
            )
        segments.append(Segment(right, self.mark("alert" if row.overdue else "dim")))
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
    words = fold(query).split()  # as the rows' search text: no case, no diacritics
    if len(words) == 1:  # the common case, without a generator per row
        word = words[0]
        found = [r for r in rows if word in r.search]
    else:
        found = [r for r in rows if all(word in r.search for word in words)]
    if found or len(query) < 3:
        return found, True
    # deferred: slow to import, and only this path needs it
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


class LogView(Marks, RowList[LogRow]):
    """One client's interactions, newest first; Enter opens one in full."""

    COMPONENT_CLASSES = RowList.COMPONENT_CLASSES | MARK_CLASSES
    BINDINGS = [
        Binding(
            "enter",
            "open_entry",
            "Open entry",
            id="log.open",
            tooltip="Read the selected log entry in full: signals, suggestions, source",
        )
    ]

    class Opened(Message):
        """Enter on an entry: show ``row`` in full."""

        def __init__(self, row: LogRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = time.time()
        self.empty_text = "Nothing logged yet. Press l to log a call."

    def action_open_entry(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    #: under this many cells a line uses short channel names ("mail", "meet") and no time
    COMPACT_WIDTH = 64
    SHORT_CHANNEL = {"email": "mail", "meeting": "meet", "message": "msg"}

    def row_segments(self, row: LogRow, width: int) -> list[Segment]:
        """Date, channel and direction, then the tone, the signals and the summary.

        The summary keeps at least half of the line: the tone and the signals take what is
        left of the other half (the first signal shortened if need be, then "+N" for the
        rest), so a narrow pane reads what was said rather than empty columns.
        """
        now = datetime.fromtimestamp(self.now, UTC)
        compact = width < self.COMPACT_WIDTH
        # narrow: the day without the time (Enter shows the entry in full)
        stamp = day_text(datetime.fromtimestamp(row.at, UTC), now, with_time=not compact)
        dim = self.mark("dim")
        channel = self.SHORT_CHANNEL.get(row.channel, row.channel) if compact else row.channel
        segments = [
            Segment(f"{stamp:<{6 if compact else 12}} ", dim),
            Segment(f"{channel:<{4 if compact else 7}} {ARROW.get(row.direction, ' ')}"),
            Segment(SOURCE_MARK.get(row.source, " "), dim),
        ]
        # the tone as a word in its colour: colour alone says nothing to some readers; a
        # column of its own only where the line has room for it
        if row.tone:
            segments.append(
                Segment(
                    f"{row.tone:<8}" if not compact else f"{row.tone} ",
                    self.mark(f"tone-{row.tone}"),
                )
            )
        elif not compact:
            segments.append(Segment(" " * 8))
        used = sum(len(s.text) for s in segments)
        # half of the pane, counting its border and scrollbar (3 cells)
        summary_min = min((width + 4) // 2, len(printable(row.summary))) if row.summary else 0
        # and "+N" always says that there are signals
        budget = max(width - used - summary_min, 3 if row.signals else 0)
        for index, kind in enumerate(row.signals):
            words = kind.replace("_", " ")
            after = len(row.signals) - index - 1
            more = 4 if after else 0  # room for "+N " after it
            # the first signal may go by its first word ("refused" for "refused payment")
            tags = [(f" {words} ", more)]
            if index == 0:  # by its first word, with room for "+N" after it or without
                tags += [(f" {_short_signal(words)} ", more), (f" {_short_signal(words)} ", 0)]
            tag = next((t for t, room in tags if len(t) + 1 + room <= budget), None)
            if tag is not None:
                segments += [Segment(tag, self.signal_style(kind)), Segment(" ")]
                budget -= len(tag) + 1
                continue
            # the rest counted, in the colour of the first one not shown
            segments.append(Segment(f"+{after + 1}", self.signal_style(kind)))
            segments.append(Segment(" "))
            break
        used = sum(len(s.text) for s in segments)
        # A suggestion is a question, not a fact: the signal's colour as italic text after
        # the summary, no badge. The summary keeps at least half of what is left.
        suggested = [
            Segment(
                f" ?{kind.replace('_', ' ')}",
                self.mark(f"text-{signal_kind(kind)}") + Style(italic=True),
            )
            for kind in row.suggested
        ]
        room = max(width - used, 0)
        wanted = sum(len(s.text) for s in suggested)
        summary = fit(row.summary, max(room - wanted, room // 2) if suggested else room)
        return [*segments, Segment(summary), *suggested]
