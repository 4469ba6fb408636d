"""Dates typed the way people say them, and when a snoozed follow-up comes back.

``natural_moment`` reads callsheet's own forms first (:mod:`callsheet.models.values.when`), then ``vineri``,
``w piątek``, ``в пятницу``, ``next monday`` through ``dateparser``. :func:`read_moment` and
:func:`read_date` are the one reader of what a user typed into a named field: every form, every
CLI option (``log --at``, ``entry edit --at``, ``followup add --due``, ``invoice --due``...) and
triage's snooze read dates through them, so the same text means the same moment everywhere and
a bad one is an :class:`~callsheet.models.values.validate.InputError` naming the field. Pure: no
database.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Literal, overload

from callsheet.models.values.validate import InputError
from callsheet.models.values.when import (
    FIRST_YEAR,
    LAST_YEAR,
    WhenError,
    not_in_future,
    parse_when,
    to_zone,
    utcnow,
)

#: A time of day as typed ("10:00", "9:30")
_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")

#: The languages natural dates are read in (dateparser guesses among these only: fast, and
#: "luni" is Romanian Monday, not something else). The user's own language comes first.
DATE_LANGUAGES = ("en", "ro", "pl", "ru")


def natural_moment(
    text: str, now: datetime | None = None, *, prefer: str = "future", tz: str = "local"
) -> datetime:
    """A moment typed the way people say it, in English, Romanian, Polish or Russian.

    ISO dates and callsheet's own forms ("yesterday 14:30", "2 hours ago") are read first;
    then ``dateparser`` reads "vineri", "w piątek", "в пятницу", "next monday", "3
    decembrie". ``prefer`` says which way a bare weekday points (follow-ups: the coming
    one; log entries: the last one). A day without a time of day means 09:00 ahead, noon
    behind. Raises :class:`WhenError` naming the text when nothing reads it.
    """
    now = now or utcnow()
    try:
        return parse_when(text, now, tz)
    except WhenError as error:
        first = error  # said again if nothing else reads the text: it may name the reason
    for hour, minute in _CLOCK.findall(text or ""):
        if int(hour) > 23 or int(minute) > 59:  # dateparser would drop it and keep the day
            raise WhenError(f"cannot read the time {hour}:{minute} in {text!r} (use HH:MM)")
    # deferred: slow to import, and only this path needs it
    import dateparser  # lazily: it takes a while to import, and `callsheet who` never needs it

    local_now = to_zone(now, tz)
    parsed = dateparser.parse(
        text.strip(),
        languages=list(DATE_LANGUAGES),
        settings={
            "PREFER_DATES_FROM": "past" if prefer == "past" else "future",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        if "outside the years" in str(first) or "too long" in str(first):
            raise first
        raise WhenError(
            f"cannot read the date {text!r}: use 2026-11-27, 'tomorrow 10:00', "
            "'next monday', 'vineri', 'w piątek' or 'в пятницу'"
        )
    if parsed.time() == time(0) and not any(ch.isdigit() for ch in text):
        parsed = parsed.replace(hour=9 if prefer != "past" else 12)
    wall = parsed.astimezone() if tz == "local" else parsed.replace(tzinfo=local_now.tzinfo)
    return wall.astimezone(now.tzinfo).replace(microsecond=0)


def natural_date(text: str, now: datetime | None = None, *, prefer: str = "future") -> date:
    """A calendar date typed in any of the languages :func:`natural_moment` reads."""
    raw = (text or "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return to_zone(natural_moment(raw, now, prefer=prefer)).date()


# -- what a user typed into a named field ---------------------------------------------------


@overload
def read_moment(
    text: str | None,
    field: str,
    now: datetime | None = None,
    *,
    prefer: str = "future",
    required: Literal[True] = True,
    tz: str = "local",
    happened: bool = False,
) -> datetime: ...
@overload
def read_moment(
    text: str | None,
    field: str,
    now: datetime | None = None,
    *,
    prefer: str = "future",
    required: bool,
    tz: str = "local",
    happened: bool = False,
) -> datetime | None: ...
def read_moment(
    text: str | None,
    field: str,
    now: datetime | None = None,
    *,
    prefer: str = "future",
    required: bool = True,
    tz: str = "local",
    happened: bool = False,
) -> datetime | None:
    """The moment typed into ``field`` (see :func:`natural_moment` for what is read).

    ``prefer`` says which way a bare weekday points ("future" for plans, "past" for what
    happened). Empty text is None when the field is optional, else an error; text that reads
    as no moment raises :class:`InputError` naming ``field``. ``happened`` (a log entry, time
    spent) also refuses a moment later than ``now`` (see :func:`when.not_in_future`).
    """
    if text is not None and not isinstance(text, str):
        raise InputError(field, f"expected a date as text, got {type(text).__name__}")
    if not (text or "").strip():
        if required:
            raise InputError(field, "a date is needed (e.g. 'tomorrow 10:00' or 2026-11-27)")
        return None
    now = now or utcnow()
    try:
        moment = natural_moment(text or "", now, prefer=prefer, tz=tz)
        return not_in_future(moment, now) if happened else moment
    except WhenError as error:
        raise InputError(field, str(error)) from None
    except (OverflowError, ValueError) as error:  # dateparser's arithmetic past its calendar
        raise InputError(field, f"cannot read the date {text!r}: {error}") from None


@overload
def read_date(
    text: str | None,
    field: str,
    now: datetime | None = None,
    *,
    prefer: str = "future",
    required: Literal[True],
) -> date: ...
@overload
def read_date(
    text: str | None,
    field: str,
    now: datetime | None = None,
    *,
    prefer: str = "future",
    required: bool = False,
) -> date | None: ...
def read_date(
    text: str | None,
    field: str,
    now: datetime | None = None,
    *,
    prefer: str = "future",
    required: bool = False,
) -> date | None:
    """The calendar day typed into ``field``: the same inputs as :func:`read_moment`."""
    if text is not None and not isinstance(text, str):
        raise InputError(field, f"expected a date as text, got {type(text).__name__}")
    raw = (text or "").strip()
    if not raw:
        if required:
            raise InputError(field, "a date is needed (e.g. 2026-11-27 or 'next friday')")
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return to_zone(read_moment(raw, field, now, prefer=prefer)).date()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InputError(field, f"the date {raw!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return day


# -- undo -------------------------------------------------------------------------------


#: What `z` offers: words the snooze reads, each a function of "now" (local time).
SNOOZE_CHOICES = ("tomorrow", "next week")


def snooze_until(choice: str, now: datetime | None = None, field: str = "until") -> datetime:
    """When a snoozed follow-up comes back: tomorrow 09:00, next Monday 09:00, or a date.

    Anything else is read by :func:`read_moment`; text it cannot read raises
    :class:`InputError` naming ``field``.
    """
    now = now or utcnow()
    local = to_zone(now)
    word = choice.strip().lower()
    if word == "tomorrow":
        day = local.date() + timedelta(days=1)
    elif word == "next week":
        day = local.date() + timedelta(days=7 - local.weekday())
    else:
        return read_moment(choice, field, now, prefer="future")
    return datetime.combine(day, time(9, 0)).astimezone().astimezone(now.tzinfo)
