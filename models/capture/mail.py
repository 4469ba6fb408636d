"""E-mail into the log: Maildir trees, mbox files and .eml files.

:func:`capture_mail` walks the paths, reads each message with
:func:`callsheet.models.capture.message.read_message`, matches correspondents to clients by address,
and logs one ``email`` entry per distinct message per client through
:func:`callsheet.models.capture.store.save`.

A Maildir folder (any directory with ``cur/`` and ``new/``, at any depth) remembers the
newest file change time read, so a daily run opens only what arrived since; an mbox
remembers its modification time. Nothing a message contains stops a run: unreadable
messages are skipped and counted, messages with defects are logged with what could be read,
encrypted ones with their headers only.
"""

from __future__ import annotations

import mailbox
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from callsheet.models.capture.message import read_message
from callsheet.models.capture.store import Captured, load_marks, match_addresses, save
from callsheet.models.risk.suggestions import suggest

_CLOCK_SLACK_NS = 250_000_000
#: signs a correspondent cannot give: "my mistake" from a client is not the consultant's own
#: mistake, and praise the consultant writes is not the client's praise
_NOT_FROM_THEM = ("own_mistake",)
_NOT_FROM_ME = ("praise",)


# --- finding messages ---------------------------------------------------------------------


class SourceFailed(Exception):
    """The mailbox itself failed (an IMAP connection dropped), not one message: the run
    stops and saves nothing, rather than count every message after it as unreadable and
    move the mark past them."""


@dataclass
class Source:
    """One message to read: where it is, how to get its bytes, when the file changed."""

    label: str
    #: the message, or (with ``read_whole``) enough of it for its headers
    read: Callable[[], bytes]
    mtime: float
    #: the whole message, when ``read`` gives only the headers (IMAP: only clients' mail is
    #: fetched whole)
    read_whole: Callable[[], bytes] | None = None
    #: when the message arrived, when only known once read (IMAP's INTERNALDATE)
    arrived: Callable[[], float] | None = None


def _maildir_folders(root: Path) -> Iterator[Path]:
    for directory, subdirs, _files in os.walk(root):
        if "cur" in subdirs and "new" in subdirs:
            yield Path(directory)
        # never descend into a folder's message directories
        subdirs[:] = sorted(d for d in subdirs if d not in ("cur", "new", "tmp"))


def _read_file(path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with open(path, "rb") as stream:
            return stream.read()

    return read


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(5) == b"From "


@dataclass
class _Plan:
    sources: list[Source] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)
    not_read: int = 0  # already read in an earlier run (before the mark)
    missing: list[str] = field(default_factory=list)
    #: folders and files that could not be listed or opened: "path: reason"
    unreadable: list[str] = field(default_factory=list)


def _plan(paths: Iterable[str | os.PathLike], marks: dict[str, int]) -> _Plan:
    plan = _Plan()
    # A mark never passes the moment the scan began (less the file system clock's coarse
    # ticks): mail delivered while a folder is being listed is read next time, not lost.
    ceiling = time.time_ns() - _CLOCK_SLACK_NS
    for given in paths:
        path = Path(given).expanduser()
        try:
            if path.is_dir():
                for folder in _maildir_folders(path):
                    try:
                        _plan_folder(plan, folder, marks, ceiling)
                    except OSError as error:  # a folder we may not read: say so, go on
                        plan.unreadable.append(f"{folder}: {error.strerror or error}")
                for eml in sorted(path.rglob("*.eml")):
                    plan.sources.append(Source(str(eml), _read_file(str(eml)), eml.stat().st_mtime))
            elif path.is_file() and _is_mbox(path):
                _plan_mbox(plan, path, marks)
            elif path.is_file():
                plan.sources.append(Source(str(path), _read_file(str(path)), path.stat().st_mtime))
            else:
                plan.missing.append(str(path))
        except (OSError, mailbox.Error) as error:
            plan.unreadable.append(f"{path}: {getattr(error, 'strerror', None) or error}")
    return plan


def _plan_folder(plan: _Plan, folder: Path, marks: dict[str, int], ceiling: int) -> None:
    place = str(folder.resolve())
    mark = marks.get(place, -1)
    newest = mark
    found = []
    for sub in ("new", "cur"):
        with os.scandir(folder / sub) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                stat = entry.stat()
                if stat.st_ctime_ns <= mark:
                    plan.not_read += 1
                    continue
                newest = max(newest, stat.st_ctime_ns)
                found.append(Source(entry.path, _read_file(entry.path), stat.st_mtime))
    plan.sources += found
    if min(newest, ceiling) > mark:
        plan.marks[place] = min(newest, ceiling)


def _plan_mbox(plan: _Plan, path: Path, marks: dict[str, int]) -> None:
    place = str(path.resolve())
    stat = path.stat()
    if stat.st_mtime_ns <= marks.get(place, -1):
        plan.not_read += 1
        return
    box = mailbox.mbox(path, create=False)
    for number, key in enumerate(box.iterkeys(), 1):
        plan.sources.append(
            Source(f"{path} message {number}", _mbox_reader(box, key), stat.st_mtime)
        )
    plan.marks[place] = stat.st_mtime_ns


def _mbox_reader(box: mailbox.mbox, key: str) -> Callable[[], bytes]:
    return lambda: box.get_bytes(key)


# --- the run -------------------------------------------------------------------------------


@dataclass
class MailReport:
    """What a run read, logged and left out, for the one-screen report."""

    messages: int = 0
    #: messages with at least one client among their correspondents
    matched: int = 0
    entries: list[Captured] = field(default_factory=list)
    #: entries logged (or, with --dry-run, that would be)
    added: list[Captured] = field(default_factory=list)
    #: unknown correspondents (senders of incoming, recipients of outgoing mail), with counts
    unknown: Counter = field(default_factory=Counter)
    duplicates: int = 0
    not_read: int = 0
    before_since: int = 0
    encrypted: int = 0
    with_defects: int = 0
    #: messages that could not be read at all: "label: reason"
    broken: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    dry_run: bool = False


def capture_mail(
    paths: Iterable[str | os.PathLike],
    me: Iterable[str] = (),
    *,
    since: datetime | None = None,
    rescan: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> MailReport:
    """Log the mail in ``paths``: one ``email`` entry per distinct message per client.

    ``me`` are the user's own addresses (From one of them: direction ``out``). ``rescan``
    reads folders from the start, ignoring the marks of earlier runs (after adding clients).
    """
    mine = {a.strip().lower() for a in me if a.strip()}
    plan = _plan(paths, {} if rescan else load_marks())
    report = MailReport(
        not_read=plan.not_read, missing=plan.missing, broken=plan.unreadable, dry_run=dry_run
    )
    read_sources(report, plan.sources, mine, since, progress)
    report.added = save(report.entries, {} if dry_run else plan.marks, now, dry_run=dry_run)
    return report


def read_sources(
    report: MailReport,
    sources: list[Source],
    mine: set[str],
    since: datetime | None,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Read ``sources`` into ``report.entries`` (and its counts): what every kind of mailbox
    shares, from matching correspondents to clients to the suggested signals."""
    clients_of = match_addresses()
    seen: set[str] = set()
    total = len(sources)
    for done, source in enumerate(sources, 1):
        if progress:
            progress(done, total)
        report.messages += 1
        try:
            data = source.read()
            mail = read_message(data, headers_only=True)
        except SourceFailed:
            raise
        except Exception as error:  # a message must never stop the run
            report.broken.append(f"{source.label}: {type(error).__name__}: {error}")
            continue
        if mail.key in seen:
            report.duplicates += 1
            continue
        seen.add(mail.key)
        outgoing = any(a in mine for a in mail.senders)
        client_ids: dict[int, None] = {}
        for address in mail.senders + mail.recipients:
            if address not in mine:
                for client_id in clients_of.get(address, ()):
                    client_ids[client_id] = None
        if not client_ids:
            for address in mail.recipients if outgoing else mail.senders:
                if address not in mine:
                    report.unknown[address] += 1
            continue
        mtime = source.arrived() if source.arrived else source.mtime
        at = mail.at or datetime.fromtimestamp(mtime, tz=UTC)
        if since and at < since:
            report.before_since += 1
            continue
        try:
            if source.read_whole:
                data = source.read_whole()
            mail = read_message(data, head=mail)  # a client's: now the body too
        except SourceFailed:
            raise
        except Exception as error:
            report.broken.append(f"{source.label}: {type(error).__name__}: {error}")
            continue
        report.encrypted += mail.encrypted
        report.with_defects += bool(mail.defects)
        report.matched += 1
        # Whose words they are matters: "my mistake" from a client is not the consultant's
        # own mistake, and praise the consultant writes is not the client's praise.
        suggested = suggest(mail.text, exclude=_NOT_FROM_THEM if not outgoing else _NOT_FROM_ME)
        summary = mail.summary
        for client_id in client_ids:
            report.entries.append(
                Captured(
                    client_id=client_id,
                    at=at,
                    channel="email",
                    direction="out" if outgoing else "in",
                    summary=summary,
                    source="mail",
                    key=mail.key,
                    suggested=list(suggested),
                )
            )
