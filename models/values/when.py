"""Reading and showing moments: ISO 8601, "yesterday 14:30", "2 hours ago".

All moments are stored in UTC and shown in the local timezone (``arrow``'s "local", which
follows ``TZ``). Parsing takes an explicit ``now`` so tests and the risk model never depend
on the clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


class WhenError(ValueError):
    """A date or time that cannot be understood."""


#: The years a consultant's records can hold. Far enough either way for any real fact, near
#: enough that every moment survives a change of zone (year 9999 at -14:00 overflows) and
#: fits the 64-bit integers the store keeps moments in.
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: Longer than any date a person types; spares the parsers a 10,000-character string.
_MAX_TYPED = 64

#: How far ahead of "now" a fact may be dated: clocks drift, forms are filled in slowly.
FUTURE_SLACK = timedelta(minutes=5)


def _in_range(moment: datetime, raw: str) -> datetime:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise WhenError(f"the date {raw!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return moment


def not_in_future(moment: datetime, now: datetime, what: str = "a log entry") -> datetime:
    """Refuse a fact dated later than ``now`` (plus a few minutes of slack).

    A log entry records what happened; one dated "in 3 days" or with a mistyped year would
    hide the client from "gone quiet" triage. Follow-ups are plans and do not use this.
    """
    if moment > now + FUTURE_SLACK:
        raise WhenError(
            f"{iso(moment)} is in the future: {what} records what happened "
            "(use a follow-up for what is planned)"
        )
    return moment


_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})$")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def parse_when(text: str, now: datetime | None = None, tz: str = "local") -> datetime:
    """Parse a moment the user typed; return an aware UTC datetime.

    Accepts ISO 8601 ("2026-11-22", "2026-11-22T14:30", with or without offset, read in
    ``tz`` when it has none), "now", "today", "yesterday", "tomorrow" optionally followed by
    a time ("yesterday 14:30"), and relative phrases arrow understands ("2 hours ago",
    "in 3 days").
    """
    if text is not None and not isinstance(text, str):
        raise WhenError(f"expected a date as text, got {type(text).__name__}")
    raw = (text or "").strip()
    if not raw:
        raise WhenError("empty date")
    if len(raw) > _MAX_TYPED:
        raise WhenError(f"cannot read the date {raw[:_MAX_TYPED]!r}...: too long")
    try:
        return _in_range(_parse(raw, now, tz), raw)
    except (OverflowError, OSError):  # arithmetic past year 9999 or before year 1
        raise WhenError(f"the date {raw!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}") from None


def _parse(raw: str, now: datetime | None, tz: str) -> datetime:
    now_local = to_zone(now or utcnow(), tz)
    lowered = raw.lower()
    words = lowered.split()
    if lowered == "now":
        moment = now_local
    elif words[0] in _DAY_WORDS and len(words) <= 2:
        moment = now_local + timedelta(days=_DAY_WORDS[words[0]])
        if len(words) == 2:
            clock = _CLOCK.match(words[1])
            if not clock or int(clock["h"]) > 23 or int(clock["m"]) > 59:
                raise WhenError(f"cannot read the time {words[1]!r} in {raw!r} (use HH:MM)")
            wall = moment.replace(
                tzinfo=None, hour=int(clock["h"]), minute=int(clock["m"]), second=0
            )
            moment = _attach_zone(wall, tz)
    else:
        # deferred: slow to import, and only this path needs it
        import arrow  # lazily: `callsheet who` never needs it

        try:
            moment = _parse_iso(raw, tz)
        except (arrow.parser.ParserError, ValueError, TypeError):
            try:
                moment = arrow.get(now_local).dehumanize(raw).datetime
            except ValueError:
                raise WhenError(
                    f"cannot read the date {raw!r}: use ISO 8601 (2026-11-22 or "
                    "2026-11-22T14:30), 'yesterday 14:30' or '2 hours ago'"
                ) from None
    return moment.astimezone(UTC).replace(microsecond=0)


def to_zone(moment: datetime, tz: str = "local") -> datetime:
    """``moment`` in ``tz`` ("local" is the system zone, following ``TZ``)."""
    # The stdlib, not arrow's "local": dateutil's tzlocal gets summer time wrong on conversion.
    return moment.astimezone() if tz == "local" else moment.astimezone(ZoneInfo(tz))


def _attach_zone(wall: datetime, tz: str) -> datetime:
    """Read a naive wall-clock time in ``tz``."""
    return wall.astimezone() if tz == "local" else wall.replace(tzinfo=ZoneInfo(tz))


def _parse_iso(raw: str, tz: str) -> datetime:
    """ISO 8601; a moment without an offset is read in ``tz``, one with an offset keeps it."""
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        # deferred: slow to import, and only this path needs it
        import arrow

        parsed = arrow.get(raw).datetime  # ISO forms fromisoformat does not take
        if not re.search(r"(Z|[+-]\d{2}:?\d{2})$", raw):
            parsed = parsed.replace(tzinfo=None)
    return _attach_zone(parsed, tz) if parsed.tzinfo is None else parsed


def parse_date(text: str) -> date:
    """A calendar date in ISO form (2026-11-22), between the years callsheet keeps."""
    try:
        day = date.fromisoformat(str(text).strip()[:_MAX_TYPED])
    except ValueError:
        raise WhenError(
            f"cannot read the date {str(text)[:_MAX_TYPED]!r}: use YYYY-MM-DD"
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise WhenError(f"the date {text!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return day


def iso(moment: datetime, tz: str = "local") -> str:
    """ISO 8601 with the local offset, seconds precision: what callsheet/1 writes."""
    return to_zone(moment, tz).isoformat(timespec="seconds")


def day_text(moment: datetime | date, now: datetime, with_time: bool = False) -> str:
    """The one date style on screen: "21 Jan", with the year when it is not this year's.

    ``with_time`` adds the local "14:30" to moments of this year (an older moment's time
    matters less than its year, and both would not fit a list column).
    """
    this_year = to_zone(now).year
    if isinstance(moment, datetime):
        local = to_zone(moment)
        if local.year != this_year:
            return f"{local.day} {local:%b %Y}"
        return f"{local.day} {local:%b}" + (f" {local:%H:%M}" if with_time else "")
    if moment.year != this_year:
        return f"{moment.day} {moment:%b %Y}"
    return f"{moment.day} {moment:%b}"
