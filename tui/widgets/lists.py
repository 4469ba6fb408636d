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

from models.queries import Attention, ClientRow, LogRow
from models.validate import money_text
from tui.widgets.row_list import RowList, printable

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
SERIOUS = {"rude", "aggressive", "refused_payment", "legal_threat"}
POSITIVE = {"referral", "praise", "paid_on_time"}
DIM = Style(dim=True)
TONE_STYLE = {
    "warm": Style(color="#7fbf7f"),
    "neutral": Style(dim=True),
    "tense": Style(color="#e0b050"),
    "hostile": Style(color="#ff6060", bold=True),
}


def signal_style(kind: str) -> Style:
    if kind in POSITIVE:
        return SIGNAL_STYLE["positive"]
    if kind == "own_mistake":
        return SIGNAL_STYLE["own"]
    return SIGNAL_STYLE["serious" if kind in SERIOUS else "warning"]


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


class LogView(RowList[LogRow]):
    """One client's interactions, newest first."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = time.time()
        self.empty_text = "Nothing logged yet. Press l to log a call."

    def row_segments(self, row: LogRow, width: int) -> list[Segment]:
        moment = datetime.fromtimestamp(row.at, UTC).astimezone()
        stamp = f"{moment:%d %b %H:%M}" if moment.year == self.year else f"{moment:%d %b %Y}"
        segments = [
            Segment(f"{stamp:<12} {ago(row.at, self.now):>4} ", DIM),
            Segment(f"{row.channel:<7}{ARROW.get(row.direction, ' ')}"),
            Segment(" ● " if row.tone else "   ", TONE_STYLE.get(row.tone, DIM)),
        ]
        for kind in row.signals:
            segments.append(Segment(f" {kind.replace('_', ' ')} ", signal_style(kind)))
            segments.append(Segment(" "))
        used = sum(len(s.text) for s in segments)
        segments.append(Segment(fit(row.summary, max(width - used, 0))))
        return segments

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
}


class AttentionList(RowList[Attention]):
    """What needs the consultant today, most urgent first."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = time.time()
        self.empty_text = "Nothing needs attention today."

    def row_segments(self, row: Attention, width: int) -> list[Segment]:
        label, style = ATTENTION_LABEL[row.kind]
        when = (
            "due " + ago(row.when, self.now)
            if row.kind == "follow_up" and row.when > self.now
            else ago(row.when, self.now)
        )
        head = [Segment(f" {label:<9}", style), Segment(f" {when:>5}  ", DIM)]
        used = sum(len(s.text) for s in head)
        name_width = min(18, max(width - used - 14, 8))
        return head + [
            Segment(fit(row.client_name, name_width).ljust(name_width + 1), Style(bold=True)),
            Segment(fit(row.text, max(width - used - name_width - 1, 0))),
        ]
