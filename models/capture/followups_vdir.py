"""Open follow-ups as calendar items in a vdir: ``callsheet sync calendar --write-followups``.

Each open follow-up is one ``.ics`` file: a VTODO (a task, due at the follow-up's moment), or
a 15-minute VEVENT for phone calendars that show no tasks (``followups_as = "vevent"`` in
``[sync]``). vdirsyncer carries them to the CalDAV server and the phone. Its UID is
``callsheet-followup-ID@callsheet``; the file keeps the name it has (a file vdirsyncer
brought back under another name is found by its UID), is written only when its text
changes (a snoozed follow-up moves, nothing else is touched: mtimes stay), atomically (a
``.tmp`` file in the same folder, then a rename) and readable by its owner only.

A follow-up marked done becomes a COMPLETED task (its event is removed); a deleted one's
file is removed. Items that are not callsheet's are never read beyond their UID, nor
changed.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from callsheet.models.store.files import FILE_MODE, private_dir, sync_folder
from callsheet.models.store.tables import Client, FollowUp

_UID = re.compile(rb"^UID:callsheet-followup-(\d+)@callsheet\r?$", re.MULTILINE)
_DTSTAMP = re.compile(rb"^DTSTAMP:[^\r\n]*\r?\n", re.MULTILINE)
EVENT_MINUTES = 15


@dataclass
class FollowupsReport:
    folder: str = ""
    #: files written: new follow-ups, and changed ones (text, due moment, done)
    written: list[str] = field(default_factory=list)
    completed: int = 0
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False


def uid_of(follow_up_id: int) -> str:
    return f"callsheet-followup-{follow_up_id}@callsheet"


def _render(follow_up: FollowUp, client_name: str, as_vevent: bool, now: datetime) -> bytes:
    # deferred: slow to import, and only this path needs it
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//callsheet//follow-ups//EN")
    calendar.add("version", "2.0")
    item = icalendar.Event() if as_vevent else icalendar.Todo()
    item.add("uid", uid_of(follow_up.id))
    item.add("dtstamp", now)
    item.add("summary", f"{client_name}: {follow_up.text}")
    item.add("description", f"callsheet follow-up #{follow_up.id} with {client_name}")
    item.add("categories", ["callsheet"])
    if as_vevent:
        item.add("dtstart", follow_up.due_at)
        item.add("duration", timedelta(minutes=EVENT_MINUTES))
    else:
        item.add("due", follow_up.due_at)
        if follow_up.done_at is not None:
            item.add("status", "COMPLETED")
            item.add("completed", follow_up.done_at)
        else:
            item.add("status", "NEEDS-ACTION")
    calendar.add_component(item)
    return calendar.to_ical()


def _same(old: bytes, new: bytes) -> bool:
    """Equal but for DTSTAMP (when the text was made, not part of what it says)."""
    return _DTSTAMP.sub(b"", old) == _DTSTAMP.sub(b"", new)


def _write(folder: Path, name: str, data: bytes) -> None:
    """The vdir way: a ``.tmp`` file in the same folder, synced, then renamed over the item."""
    fd, partial = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, folder / name)
    finally:
        Path(partial).unlink(missing_ok=True)


def _ours(folder: Path) -> dict[int, tuple[str, bytes]]:
    """callsheet's follow-up items in the folder, by follow-up id: (file name, text)."""
    found: dict[int, tuple[str, bytes]] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.lower().endswith(".ics"):
                continue
            if not entry.is_file():
                continue
            with open(entry.path, "rb") as stream:
                data = stream.read()
            match = _UID.search(data)
            if match:
                found[int(match.group(1))] = (entry.name, data)
    return found


def write_followups(
    folder: str | os.PathLike,
    *,
    now: datetime,
    as_vevent: bool = False,
    dry_run: bool = False,
) -> FollowupsReport:
    """Write the open follow-ups into the calendar folder ``folder`` (made 0700 if missing)."""
    path = Path(folder).expanduser()
    report = FollowupsReport(folder=str(path), dry_run=dry_run)
    if not dry_run:
        private_dir(path)
    existing = _ours(path) if path.is_dir() else {}
    query = (
        FollowUp.select(FollowUp, Client.name)
        .join(Client)
        .where(FollowUp.done_at.is_null() | FollowUp.id.in_(list(existing) or [0]))
        .order_by(FollowUp.id)
    )
    changed = False
    for follow_up in query:
        name, old = existing.pop(follow_up.id, (f"callsheet-followup-{follow_up.id}.ics", None))
        done = follow_up.done_at is not None
        if done and as_vevent:  # an event that is done is no longer on the calendar
            report.removed.append(name)
            if not dry_run:
                (path / name).unlink(missing_ok=True)
                changed = True
            continue
        data = _render(follow_up, follow_up.client.name, as_vevent, now)
        if old is not None and _same(old, data):
            report.unchanged += 1
            continue
        report.written.append(name)
        report.completed += done
        if not dry_run:
            _write(path, name, data)
            changed = True
    for name, _data in existing.values():  # follow-ups deleted in callsheet
        report.removed.append(name)
        if not dry_run:
            (path / name).unlink(missing_ok=True)
            changed = True
    if changed:
        sync_folder(path)
    return report
