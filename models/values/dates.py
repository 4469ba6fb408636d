"""Dates typed the way people say them, and when a snoozed follow-up comes back.

``natural_moment`` reads callsheet's own forms first (:mod:`callsheet.models.values.when`), then ``vineri``,
``w piątek``, ``в пятницу``, ``next monday`` through ``dateparser``; the forms, the CLI and
triage's snooze all read dates through here. Pure: no database.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from callsheet.models.values.when import WhenError, parse_when, to_zone, utcnow

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
    except WhenError:
        pass
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


# -- undo -------------------------------------------------------------------------------


#: What `z` offers: words the snooze reads, each a function of "now" (local time).
SNOOZE_CHOICES = ("tomorrow", "next week")


def snooze_until(choice: str, now: datetime | None = None) -> datetime:
    """When a snoozed follow-up comes back: tomorrow 09:00, next Monday 09:00, or a date."""
    now = now or utcnow()
    local = to_zone(now)
    word = choice.strip().lower()
    if word == "tomorrow":
        day = local.date() + timedelta(days=1)
    elif word == "next week":
        day = local.date() + timedelta(days=7 - local.weekday())
    else:
        return natural_moment(choice, now, prefer="future")
    return datetime.combine(day, time(9, 0)).astimezone().astimezone(now.tzinfo)
