"""Meetings from a calendar folder (vdir), kept current: ``callsheet sync calendar VDIR``.

A vdir (pimutils' spec; what vdirsyncer keeps in step with a CalDAV server, and khal reads)
is one ``.ics`` file per item; ``.tmp`` and other files are ignored. Each file is read the
way ``callsheet import meetings.ics`` reads a whole calendar
(:func:`callsheet.models.capture.calendar.read_meetings`: matched on client addresses before
any expansion, repeating events expanded up to now, cancelled ones left out), and its
meetings are logged once per occurrence (keys ``ics:UID:start``, the same as import's, so an
imported calendar and a synced one never log a meeting twice).

Incremental: :class:`~callsheet.models.store.tables.CalendarItem` keeps, per file, its etag
(``mtime_ns;inode``) and hash, so an unchanged file is not parsed again, and the moment it
must be read again anyway (a meeting still to come, a repeating one). An edited event
updates the entry it logged (a new title, length or start; a moved single event keeps its
entry), unless the user edited that entry since; an event deleted or cancelled after it was
logged keeps its entry (the log is history; the report counts them).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from callsheet.models.book.bulk_writes import refresh_derived
from callsheet.models.book.clients import log_captured
from callsheet.models.capture.calendar import CalendarError, meeting_entries, read_meetings
from callsheet.models.capture.store import Captured, match_addresses
from callsheet.models.store.db import database
from callsheet.models.store.tables import CalendarItem, Interaction

#: the version recorded for an entry the user deleted: never logged again
DELETED = -1
#: the UIDs of the follow-ups callsheet writes (:mod:`.followups_vdir`): never meetings
OWN_UID_SUFFIX = "@callsheet"


@dataclass
class CalendarSyncReport:
    """What one run read, logged and changed, for the one-screen report and --json."""

    collection: str = ""
    files: int = 0
    #: files not parsed: unchanged since the last run
    unchanged: int = 0
    #: files parsed (new, changed, or due again)
    read: int = 0
    logged: list[Captured] = field(default_factory=list)
    #: entries brought up to date with their edited event
    updated: int = 0
    #: entries left as the user edited them although their event changed
    kept_edited: int = 0
    #: logged entries whose event was deleted or cancelled since (the entries stay)
    gone: int = 0
    #: meetings (occurrences) without any client
    without_clients: int = 0
    #: "file: what is wrong": files that could not be read (the others are)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class _File:
    name: str
    etag: str
    path: str


def _etag(info: os.stat_result) -> str:
    return f"{info.st_mtime_ns};{info.st_ino}"


def vdir_items(folder: Path, suffix: str = ".ics") -> list[_File]:
    """The items of a vdir: ``*.ics`` files, not hidden, not ``.tmp`` (a write under way)."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.lower().endswith(suffix):
                continue
            if not entry.is_file():
                continue
            found.append(_File(entry.name, _etag(entry.stat()), entry.path))
    return sorted(found, key=lambda f: f.name)


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0)).astimezone(UTC)
    raise ValueError(value)


#: rules so fine-grained that finding their next occurrence could take long: such a file
#: is simply read again on every run
_FINE_FREQUENCIES = {"SECONDLY", "MINUTELY", "HOURLY"}


def _uid_and_due(data: bytes, now: datetime) -> tuple[str, int | None]:
    """The file's first UID, and when it must be read again unchanged: the start of its next
    meeting (a single one still to come, or a series' next occurrence), else never."""
    # deferred: slow to import, and only this path needs it
    import icalendar
    import recurring_ical_events

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError:
        return "", None
    events = list(calendar.walk("VEVENT"))
    uid = next((str(e.get("UID")).strip() for e in events if e.get("UID")), "")
    for event in events:
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
            if (rule.get("FREQ") or [""])[0] in _FINE_FREQUENCIES:
                return uid, int(now.timestamp())
    repeating = any(e.get("RRULE") is not None or e.get("RDATE") is not None for e in events)
    if not repeating:  # single events: the earliest start still to come, no expansion
        starts = []
        for event in events:
            start = event.get("DTSTART")
            try:
                moment = _moment(start.dt) if start is not None else None
            except ValueError:
                moment = None
            if moment is not None and moment > now:
                starts.append(int(moment.timestamp()))
        return uid, min(starts, default=None)
    try:
        for occurrence in recurring_ical_events.of(calendar).after(now):
            start = occurrence.get("DTSTART")
            if start is not None:
                return uid, int(_moment(start.dt).timestamp())
    except Exception:  # a rule or zone it cannot expand: read_meetings named it; look again
        return uid, int(now.timestamp())
    return uid, None


def _event_uid(entry: Captured) -> str:
    """The event UID inside an ``ics:UID:start`` key."""
    key = entry.key[len("ics:") :]
    tail = ":" + entry.at.isoformat()
    return key[: -len(tail)] if key.endswith(tail) else key


def sync_calendar(
    folder: str | os.PathLike,
    me: Iterable[str] = (),
    *,
    now: datetime,
    years: int = 2,
    rescan: bool = False,
    dry_run: bool = False,
) -> CalendarSyncReport:
    """Log the meetings with clients of the calendar folder ``folder``; see the module."""
    collection = str(Path(folder).expanduser().resolve())
    mine = {a.strip().lower() for a in me if a.strip()}
    report = CalendarSyncReport(collection=collection, dry_run=dry_run)
    files = vdir_items(Path(collection))
    report.files = len(files)
    clients_of = match_addresses()
    known = {
        item.filename: item
        for item in CalendarItem.select().where(CalendarItem.collection == collection)
    }
    stamp = int(now.timestamp())
    readings: list[tuple[_File, str, str, int | None, list[Captured]]] = []
    etag_only: list[tuple[CalendarItem, str]] = []
    for item in files:
        before = None if rescan else known.get(item.name)
        settled = before is not None and (before.due is None or before.due > stamp)
        if before is not None and settled and before.etag == item.etag:
            report.unchanged += 1
            continue
        try:
            data = Path(item.path).read_bytes()
        except OSError as error:
            report.problems.append(f"{item.name}: {error.strerror or error}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if before is not None and settled and before.hash == digest:
            report.unchanged += 1
            etag_only.append((before, item.etag))
            continue
        report.read += 1
        try:
            reading = read_meetings(data, now, clients_of, mine, years)
        except CalendarError as error:
            report.problems.append(f"{item.name}: {error}")
            continue
        report.problems += [f"{item.name}: {p}" for p in reading.problems]
        report.warnings += [f"{item.name}: {w}" for w in reading.warnings]
        meetings = [m for m in reading.meetings if f"{OWN_UID_SUFFIX}:" not in m.key]
        entries, without = meeting_entries(meetings, clients_of, mine)
        report.without_clients += without + reading.without_clients
        uid, due = _uid_and_due(data, now)
        readings.append((item, digest, uid, due, entries))
    present = {item.name for item in files}
    with database.atomic() as transaction:
        for before, etag in etag_only:
            CalendarItem.update(etag=etag).where(CalendarItem.id == before.id).execute()
        # each file's updates first, then every new entry in one batch (one refresh of
        # last contact and risk per client, not one per file), then each file's record
        plans = []
        fresh: list[Captured] = []
        touched: set[int] = set()
        for item, digest, uid, due, entries in readings:
            before = known.get(item.name)
            plan = _apply(report, entries, json.loads(before.logged) if before else [], touched)
            fresh += plan.fresh
            plans.append((item, digest, uid, due, before, plan))
        report.logged += log_captured(fresh, now)
        if touched:
            refresh_derived(sorted(touched), now)
        versions = _entries_of(pair for *_rest, plan in plans for pair in plan.current)
        for item, digest, uid, due, before, plan in plans:
            logged = plan.logged(versions)
            values = {
                "uid": uid,
                "etag": item.etag,
                "hash": digest,
                "due": due,
                "logged": json.dumps(logged),
            }
            if before is None:
                CalendarItem.create(collection=collection, filename=item.name, **values)
            else:
                CalendarItem.update(values).where(CalendarItem.id == before.id).execute()
        for name, before in known.items():
            if name not in present:  # deleted from the calendar: its entries stay (history)
                report.gone += len(json.loads(before.logged))
                CalendarItem.delete().where(CalendarItem.id == before.id).execute()
        if dry_run:
            transaction.rollback()
    return report


@dataclass
class _FilePlan:
    """One file's entries after its updates: the new ones to log, and what to remember."""

    fresh: list[Captured]
    current: dict[tuple[int, str], Captured]
    #: entries the user edited (or deleted) since the sync wrote them: key now -> as left
    kept: dict[tuple[int, str], tuple[str, int]]

    def logged(self, versions: dict[tuple[int, str], Interaction]) -> list:
        """The file's ``logged`` record, once its new entries are in the log."""
        rows = []
        for (client, key), entry in self.current.items():
            uid = _event_uid(entry)
            if (client, key) in self.kept:
                key_left, version_left = self.kept[(client, key)]
                rows.append([client, key_left, uid, entry.occurrence, version_left])
            elif (client, key) in versions:
                rows.append([client, key, uid, entry.occurrence, versions[(client, key)].version])
        return rows


def _apply(
    report: CalendarSyncReport, entries: list[Captured], before: list, touched: set[int]
) -> _FilePlan:
    """Update the entries one file's events logged before (moved, retitled; the clients
    touched are added to ``touched``) and say which entries are new."""
    # the sync's own record: [client, key, event UID, occurrence, entry version as left]
    previous = {(row[0], row[1]): (row[2], row[3], row[4]) for row in before}
    current = {(e.client_id, e.key): e for e in entries}
    # Entries whose key vanished are paired with keys that appeared: the same occurrence
    # (UID, RECURRENCE-ID) moved; else, per event, as many old as new (a series moved as a
    # whole) in order of start. What stays unpaired was deleted or cancelled.
    vanished = [
        (client, key, uid, occurrence)
        for (client, key), (uid, occurrence, _version) in previous.items()
        if (client, key) not in current
    ]
    appeared = [e for e in entries if (e.client_id, e.key) not in previous]
    by_occurrence = {(e.client_id, e.occurrence): e for e in appeared if e.occurrence}
    moves: dict[tuple[int, str], Captured] = {}  # (client, old key) -> the event now
    unpaired: dict[tuple[int, str], list[str]] = defaultdict(list)
    for client, key, uid, occurrence in vanished:
        entry = by_occurrence.pop((client, occurrence), None) if occurrence else None
        if entry is not None:
            moves[(client, key)] = entry
        else:
            unpaired[(client, uid)].append(key)
    taken = {id(entry) for entry in moves.values()}
    rest: dict[tuple[int, str], list[Captured]] = defaultdict(list)
    for entry in appeared:
        if id(entry) not in taken:
            rest[(entry.client_id, _event_uid(entry))].append(entry)
    for (client, uid), old_keys in unpaired.items():
        new = rest.get((client, uid), [])
        if len(new) == len(old_keys):
            for old_key, entry in zip(
                sorted(old_keys), sorted(new, key=lambda e: e.at), strict=True
            ):
                moves[(client, old_key)] = entry
        else:
            report.gone += len(old_keys)
    moved_to: set[tuple[int, str]] = set()
    kept: dict[tuple[int, str], tuple[str, int]] = {}
    rows = _entries_of(previous.keys())
    for (client, key), (_uid, _occurrence, version) in previous.items():
        row = rows.get((client, key))
        target = current.get((client, key)) or moves.get((client, key))
        if target is None:
            continue
        if row is None:  # the user deleted the entry: the sync does not bring it back
            moved_to.add((client, target.key))
            kept[(client, target.key)] = (target.key, DELETED)
            continue
        changes = {
            "occurred_at": target.at,
            "summary": target.summary,
            "duration_min": target.minutes,
            "direction": target.direction,
            "external_key": target.key,
        }
        changes = {k: v for k, v in changes.items() if getattr(row, k) != v}
        if not changes:
            moved_to.add((client, target.key))
            continue
        if row.version != version:
            # the user's correction wins; remembered as the sync left it, so a later run
            # still knows the entry is theirs (and logs the event no second time)
            report.kept_edited += 1
            moved_to.add((client, target.key))
            kept[(client, target.key)] = (key, version)
            continue
        if "external_key" in changes and _logged(client, target.key):
            continue  # the new occurrence is logged already (by import): leave both
        Interaction.update({**changes, "version": Interaction.version + 1}).where(
            Interaction.id == row.id
        ).execute()
        report.updated += 1
        touched.add(client)
        moved_to.add((client, target.key))
    fresh = [e for e in entries if (e.client_id, e.key) not in moved_to]
    return _FilePlan(fresh, current, kept)


def _logged(client: int, key: str) -> bool:
    return (
        Interaction.select()
        .where((Interaction.client == client) & (Interaction.external_key == key))
        .exists()
    )


def _entries_of(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Interaction]:
    """The log entries with these (client, external key) pairs."""
    wanted = set(pairs)
    by_client: dict[int, list[str]] = defaultdict(list)
    for client, key in wanted:
        by_client[client].append(key)
    found: dict[tuple[int, str], Interaction] = {}
    for client, keys in by_client.items():
        for start in range(0, len(keys), 500):
            query = Interaction.select().where(
                (Interaction.client == client)
                & Interaction.external_key.in_(keys[start : start + 500])
            )
            for row in query:
                found[(client, row.external_key)] = row
    return found


def sync_configured_calendar(config, now: datetime):
    """``[sync]``'s calendar read, and the follow-ups written when ``sync.followups`` names
    a folder: (CalendarSyncReport or None, FollowupsReport or None). What a "sync now" in
    the dashboard runs in a worker thread (``config`` is a callsheet.models.config.Config)."""
    # deferred: only a sync that writes follow-ups needs it
    from callsheet.models.capture.followups_vdir import write_followups

    calendar = config.sync.get("calendar")
    meetings = None
    if calendar and Path(calendar).expanduser().is_dir():
        meetings = sync_calendar(
            calendar, config.my_addresses, now=now, years=config.calendar_years
        )
    target = config.sync.get("followups")
    followups = None
    if target:
        followups = write_followups(
            target, now=now, as_vevent=config.sync.get("followups_as", "vtodo") == "vevent"
        )
    return meetings, followups
