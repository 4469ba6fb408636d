"""Reading and showing moments: ISO 8601, "yesterday 14:30", "2 hours ago".

All moments are stored in UTC and shown in the local timezone (``arrow``'s "local", which
follows ``TZ``). Parsing takes an explicit ``now`` so tests and the risk model never depend
on the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import arrow


class WhenError(ValueError):
    """A date or time that cannot be understood."""


_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})$")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_when(text: str, now: datetime | None = None, tz: str = "local") -> datetime:
    """Parse a moment the user typed; return an aware UTC datetime.

    Accepts ISO 8601 ("2026-11-22", "2026-11-22T14:30", with or without offset, read in
    ``tz`` when it has none), "now", "today", "yesterday", "tomorrow" optionally followed by
    a time ("yesterday 14:30"), and relative phrases arrow understands ("2 hours ago",
    "in 3 days").
    """
    raw = (text or "").strip()
    if not raw:
        raise WhenError("empty date")
    now_local = arrow.get(now or utcnow()).to(tz)
    lowered = raw.lower()
    if lowered == "now":
        return now_local.to("UTC").datetime.replace(microsecond=0)
    words = lowered.split()
    if words[0] in _DAY_WORDS and len(words) <= 2:
        day = now_local.shift(days=_DAY_WORDS[words[0]])
        if len(words) == 2:
            clock = _CLOCK.match(words[1])
            if not clock or int(clock["h"]) > 23 or int(clock["m"]) > 59:
                raise WhenError(f"cannot read the time {words[1]!r} in {raw!r} (use HH:MM)")
            day = day.replace(hour=int(clock["h"]), minute=int(clock["m"]), second=0, microsecond=0)
        elif words[0] != "today":
            day = day.replace(microsecond=0)
        else:
            day = now_local.replace(microsecond=0)
        return day.to("UTC").datetime
    try:
        parsed = _parse_iso(raw, tz)
    except (arrow.parser.ParserError, ValueError, TypeError):
        try:
            parsed = now_local.dehumanize(raw)
        except ValueError:
            raise WhenError(
                f"cannot read the date {raw!r}: use ISO 8601 (2026-11-22 or "
                "2026-11-22T14:30), 'yesterday 14:30' or '2 hours ago'"
            ) from None
    return parsed.to("UTC").datetime.replace(microsecond=0)


def _parse_iso(raw: str, tz: str) -> arrow.Arrow:
    """ISO 8601; a moment without an offset is read in ``tz``, one with an offset keeps it."""
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = arrow.get(raw).datetime  # ISO forms fromisoformat does not take
        if not re.search(r"(Z|[+-]\d{2}:?\d{2})$", raw):
            parsed = parsed.replace(tzinfo=None)
    if parsed.tzinfo is None:
        return arrow.get(parsed, tzinfo=tz)
    return arrow.get(parsed)


def parse_date(text: str) -> date:
    """A calendar date in ISO form (2026-11-22)."""
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise WhenError(f"cannot read the date {text!r}: use YYYY-MM-DD") from None


def local(moment: datetime, tz: str = "local") -> arrow.Arrow:
    return arrow.get(moment).to(tz)


def iso(moment: datetime, tz: str = "local") -> str:
    """ISO 8601 with the local offset, seconds precision: what callsheet/1 writes."""
    return arrow.get(moment).to(tz).isoformat(timespec="seconds")
