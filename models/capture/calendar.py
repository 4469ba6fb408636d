"""Meetings into the log: every event of an .ics file that a client organises or attends.

``icalendar`` parses the file and ``recurring-ical-events`` expands repeating events
(RRULE, RDATE, EXDATE, moved occurrences) up to now: a weekly call with a client is one log
entry per week that has happened. Each occurrence is keyed by UID and start, so importing
the same calendar again, or a later export of it, adds only the new occurrences.

The work is bounded whatever the file says: only events a client organises or attends are
expanded (matched on their addresses before any expansion), only over the last
``calendar_years`` years, and at most ``OCCURRENCE_CAP`` occurrences per event, with a
warning naming the event when the cap is reached. A 300-byte ``RRULE:FREQ=SECONDLY`` from
1970 must not make a million meetings or run for minutes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from callsheet.models.capture.store import Captured
from callsheet.models.risk.suggestions import suggest

#: most occurrences taken from one event (one UID) in one import
OCCURRENCE_CAP = 1000

#: seconds in one step of each frequency that has a fixed length (wall clock)
_STEP = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 7 * 86400}
_WEEK = 7 * 86400


class CalendarError(ValueError):
    """The file is not an iCalendar file callsheet can read."""


@dataclass
class CalendarReading:
    """What an .ics file holds for callsheet: the meetings to log and what to tell the user."""

    meetings: list
    #: an event that could not be read (exit 2 without --skip-bad)
    problems: list[str]
    #: an event cut short at the cap: logged up to it, named so nothing is silently dropped
    warnings: list[str]
    #: events (UIDs) with no client taking part: never expanded
    without_clients: int = 0


@dataclass
class Meeting:
    """One occurrence of an event."""

    key: str
    start: datetime
    minutes: int | None
    summary: str
    organizer: str
    attendees: list[str]
    description: str = ""
    #: the UID, with the RECURRENCE-ID of an occurrence of a series
    occurrence: str = ""


def _address(value) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        # a floating time ("09:00" with no zone) is the user's own wall clock
        return value.astimezone(UTC)
    return datetime.combine(value, time(0)).astimezone(UTC)


def _minutes(event, start) -> int | None:
    if isinstance(start, date) and not isinstance(start, datetime):
        return None  # an all-day event says nothing about how long anyone met
    end = event.get("DTEND")
    if end is not None:
        length = _moment(end.dt) - _moment(start)
    elif event.get("DURATION") is not None:
        length = event.get("DURATION").dt
    else:
        return None
    if not isinstance(length, timedelta) or length.total_seconds() < 0:
        return None
    return int(length.total_seconds() // 60)


def _one_line(text) -> str:
    return " ".join(str(text or "").split())


def _addresses(event) -> list[str]:
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    return [_address(event.get("ORGANIZER")), *(_address(a) for a in attendees)]


def _involves_client(events, clients_of: dict, mine: set[str]) -> bool:
    return any(
        address and address not in mine and clients_of.get(address)
        for event in events
        for address in _addresses(event)
    )


def _rebase(event, since: datetime) -> None:
    """Move the start of a long-running fixed-step rule (SECONDLY to WEEKLY) close to
    ``since``, so that expanding it does not first walk every second since 1970.

    The shift is a whole number of the rule's steps and of weeks, so the grid, the weekdays
    and every BY... filter give the same occurrences from ``since`` on; it stops two days
    short of ``since``, so a summer-time change cannot skip one. A rule with COUNT numbers
    its occurrences from the start: it is moved only when it has no BY... filter (each step
    is then exactly one occurrence, taken off COUNT), and never past its last occurrence."""
    # deferred: slow to import, and only this path needs it
    import math

    rules = event.get("RRULE")
    start = event.get("DTSTART")
    if (
        rules is None
        or start is None
        or isinstance(rules, list)
        or not isinstance(start.dt, datetime)
    ):
        return
    freq = (rules.get("FREQ") or [""])[0]
    if freq not in _STEP:
        return
    interval = int((rules.get("INTERVAL") or [1])[0] or 1)
    count = int((rules.get("COUNT") or [0])[0] or 0)
    filtered = any(key.startswith("BY") for key in rules)
    if count and filtered:
        return
    one = _STEP[freq] * interval  # seconds from one occurrence to the next
    step = one if count else math.lcm(one, _WEEK)
    behind = (since.astimezone(UTC) - _moment(start.dt)).total_seconds() - 2 * 86400
    steps = int(behind) // step
    if steps <= 0:
        return
    if count:
        skipped = min(steps * step // one, count - 1)  # keep at least the last occurrence
        if skipped <= 0:
            return
        shift = timedelta(seconds=skipped * one)
        rules["COUNT"] = [count - skipped]
    else:
        shift = timedelta(seconds=steps * step)
    end = event.get("DTEND")
    start.dt = start.dt + shift  # wall-clock arithmetic, as the rule itself steps
    if end is not None and isinstance(end.dt, datetime):
        end.dt = end.dt + shift


def _occurrences(
    calendar, now: datetime, since: datetime, clients_of: dict, mine: set[str], cap: int
) -> tuple[list, list[str], list[str], int]:
    """Expand each event on its own (with the file's time zones), so one broken event is
    named and skipped instead of hiding every other meeting in the file. Events with no
    client are read (so a broken one is still named) but never expanded."""
    # deferred: slow to import, and only this path needs it
    import icalendar
    import recurring_ical_events

    timezones = list(calendar.walk("VTIMEZONE"))
    groups: dict[str, list] = {}
    for number, event in enumerate(calendar.walk("VEVENT"), 1):
        # an event and its moved occurrences (RECURRENCE-ID) share a UID: expand them together
        uid = str(event.get("UID") or "").strip() or f"#{number}"
        groups.setdefault(uid, []).append(event)
    occurrences: list = []
    problems: list[str] = []
    warnings: list[str] = []
    without = 0
    for uid, events in groups.items():
        title = _one_line(events[0].get("SUMMARY")) or "(no title)"
        part = icalendar.Calendar()
        for component in [*timezones, *events]:
            part.add_component(component)
        try:
            if not _involves_client(events, clients_of, mine):
                recurring_ical_events.of(part)  # reads the series (a broken start is named)
                without += 1
                continue
            for event in events:
                _rebase(event, since)
            expanded = recurring_ical_events.of(part).after(since)
            for taken, occurrence in enumerate(expanded):
                start = occurrence.get("DTSTART")
                if start is not None and _moment(start.dt) > now:
                    break  # in order of start: nothing after this has happened yet
                if taken == cap:
                    warnings.append(f"event {uid} {title!r}: stopped after {cap:,} occurrences")
                    break
                occurrences.append(occurrence)
        except Exception:  # a broken date, RRULE or time zone: named in our words
            problems.append(
                f"event {uid} {title!r}: cannot read its start, repetition (RRULE) or time "
                "zone; the other events are read"
            )
    return occurrences, problems, warnings, without


def read_meetings(
    data: bytes,
    now: datetime,
    clients_of: dict[str, list[int]],
    mine: set[str] = frozenset(),  # type: ignore[assignment]
    years: int = 2,
    cap: int = OCCURRENCE_CAP,
) -> CalendarReading:
    """Every occurrence, in the last ``years`` years up to ``now``, of every event in the
    file that a client takes part in and that was not cancelled; a line for each event that
    could not be read, and one for each event cut at ``cap`` occurrences."""
    # deferred: slow to import, and only this path needs it
    import icalendar

    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise CalendarError("no BEGIN:VCALENDAR at the start: this is not an iCalendar file")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError:
        raise CalendarError(
            f"not a readable iCalendar file (line {_first_bad_line(data)}): export it again "
            "as .ics from the calendar program"
        ) from None
    since = now - timedelta(days=round(365.25 * years))
    occurrences, problems, warnings, without = _occurrences(
        calendar, now, since, clients_of, mine, cap
    )
    meetings = []
    for event in occurrences:
        if event.name != "VEVENT" or str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start = event.get("DTSTART")
        if start is None:
            continue
        moment = _moment(start.dt)
        if moment > now:
            continue
        attendees = event.get("ATTENDEE") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        summary = _one_line(event.get("SUMMARY")) or "(no title)"
        uid = str(event.get("UID") or "").strip()
        if not uid:
            uid = "sha:" + hashlib.sha256(summary.encode()).hexdigest()[:16]
        recurrence = event.get("RECURRENCE-ID")
        occurrence = uid
        if recurrence is not None:
            occurrence += "@" + _moment(recurrence.dt).isoformat()
        meetings.append(
            Meeting(
                occurrence=occurrence,
                key=f"ics:{uid}:{moment.isoformat()}",
                start=moment,
                minutes=_minutes(event, start.dt),
                summary=summary,
                organizer=_address(event.get("ORGANIZER")),
                attendees=[_address(a) for a in attendees],
                description=str(event.get("DESCRIPTION") or "")[:4000],
            )
        )
    return CalendarReading(meetings, problems, warnings, without)


def meeting_entries(
    meetings: list[Meeting], clients_of: dict[str, list[int]], mine: set[str]
) -> tuple[list[Captured], int]:
    """One ``meeting`` entry per occurrence per client taking part; and how many had none."""
    entries, without_clients = [], 0
    for meeting in meetings:
        client_ids: dict[int, None] = {}
        for address in [meeting.organizer, *meeting.attendees]:
            if address and address not in mine:
                client_ids.update(dict.fromkeys(clients_of.get(address, ())))
        if not client_ids:
            without_clients += 1
            continue
        organised_by_client = bool(clients_of.get(meeting.organizer))
        direction = "in" if organised_by_client and meeting.organizer not in mine else "out"
        suggested = suggest(meeting.summary + "\n" + meeting.description)
        for client_id in client_ids:
            entries.append(
                Captured(
                    client_id=client_id,
                    at=meeting.start,
                    channel="meeting",
                    direction=direction,
                    summary=meeting.summary,
                    source="calendar",
                    key=meeting.key,
                    minutes=meeting.minutes,
                    suggested=list(suggested),
                    occurrence=meeting.occurrence,
                )
            )
    return entries, without_clients


def _first_bad_line(data: bytes) -> int:
    """The first line, counted after unfolding is undone, that is not ``NAME[;params]:value``."""
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if not line.strip() or line[:1] in (" ", "\t"):
            continue  # blank, or a folded continuation
        name = line.split(":", 1)[0].split(";", 1)[0]
        if ":" not in line or not name.replace("-", "").isalnum():
            return number
    return 1
