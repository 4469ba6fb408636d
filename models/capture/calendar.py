"""Meetings into the log: every event of an .ics file that a client organises or attends.

``icalendar`` parses the file and ``recurring-ical-events`` expands repeating events
(RRULE, RDATE, EXDATE, moved occurrences) up to now: a weekly call with a client is one log
entry per week that has happened. Each occurrence is keyed by UID and start, so importing
the same calendar again, or a later export of it, adds only the new occurrences.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from callsheet.models.capture.store import Captured
from callsheet.models.risk.suggestions import suggest


class CalendarError(ValueError):
    """The file is not an iCalendar file callsheet can read."""


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


def _occurrences(calendar, now: datetime) -> tuple[list, list[str]]:
    """Expand each event on its own (with the file's time zones), so one broken event is
    named and skipped instead of hiding every other meeting in the file."""
    # deferred: slow to import, and only this path needs it
    import icalendar
    import recurring_ical_events

    timezones = list(calendar.walk("VTIMEZONE"))
    groups: dict[str, list] = {}
    for number, event in enumerate(calendar.walk("VEVENT"), 1):
        # an event and its moved occurrences (RECURRENCE-ID) share a UID: expand them together
        uid = str(event.get("UID") or "").strip() or f"#{number}"
        groups.setdefault(uid, []).append(event)
    occurrences, problems = [], []
    for uid, events in groups.items():
        part = icalendar.Calendar()
        for component in [*timezones, *events]:
            part.add_component(component)
        try:
            occurrences += recurring_ical_events.of(part).between(datetime(1970, 1, 2), now)
        except Exception as error:  # a broken date, RRULE or time zone
            title = _one_line(events[0].get("SUMMARY")) or "(no title)"
            problems.append(f"event {uid} {title!r}: {type(error).__name__}: {error}")
    return occurrences, problems


def read_meetings(data: bytes, now: datetime) -> tuple[list[Meeting], list[str]]:
    """Every occurrence, up to ``now``, of every event in the file that was not cancelled;
    and a line for each event that could not be read."""
    # deferred: slow to import, and only this path needs it
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        raise CalendarError(f"not an iCalendar file ({error})") from None
    occurrences, problems = _occurrences(calendar, now)
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
        meetings.append(
            Meeting(
                key=f"ics:{uid}:{moment.isoformat()}",
                start=moment,
                minutes=_minutes(event, start.dt),
                summary=summary,
                organizer=_address(event.get("ORGANIZER")),
                attendees=[_address(a) for a in attendees],
                description=str(event.get("DESCRIPTION") or "")[:4000],
            )
        )
    return meetings, problems


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
                )
            )
    return entries, without_clients
