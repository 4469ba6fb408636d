"""The syncs ``[sync]`` in config.toml sets up, as the one list the dashboard runs.

Each :class:`SyncJob` says where config.toml points it (None: not set up) and how to run it
once; ``S`` in the dashboard and its ``every_minutes`` timer run :func:`configured_jobs` in
order, one after the other, in a worker: the contacts vdir, the calendar vdir (and the
follow-ups written into one), and every ``[[sync.imap]]`` folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from callsheet.models.config import Config
from callsheet.models.exchange.contact_sync import sync_contacts

#: (done, total) of the job running
Progress = Callable[[int, int], None]


@dataclass
class JobResult:
    #: one line for the user
    summary: str
    #: something in the book changed (the dashboard reads its list again)
    changed: bool = False
    #: things left for the user to settle (they show in triage)
    conflicts: int = 0


@dataclass(frozen=True)
class SyncJob:
    name: str
    #: where config.toml points this job (a folder, an account), or None when it is not set
    target: Callable[[Config], str | None]
    run: Callable[[Config, str, Progress | None], JobResult]


def _contacts(config: Config, target: str, progress: Progress | None) -> JobResult:
    report = sync_contacts(target, region=config.default_region, progress=progress)
    changed = bool(report.added or report.merged or report.updated or report.archived)
    summary = (
        f"Contacts: {len(report.added):,} added, {len(report.updated):,} updated, "
        f"{len(report.archived):,} archived; {report.files_written:,} cards written"
    )
    if report.conflicts:
        summary += f"; {len(report.conflicts)} conflicts (in triage)"
    if report.bad:
        summary += f"; {len(report.bad)} cards not read ({report.bad[0]})"
    return JobResult(summary, changed, len(report.conflicts))


def _calendar_target(config: Config) -> str | None:
    return config.sync.get("calendar") or config.sync.get("followups") or None


def _calendar(config: Config, target: str, progress: Progress | None) -> JobResult:
    """Meetings from ``sync.calendar``; open follow-ups into ``sync.followups``."""
    # deferred: icalendar and recurring-ical-events load only when a calendar is set up
    from callsheet.models.capture.calendar_vdir import sync_configured_calendar
    from callsheet.models.values.when import utcnow

    meetings, followups = sync_configured_calendar(config, utcnow())
    parts, changed = [], False
    if meetings is not None:
        changed = bool(meetings.logged or meetings.updated)
        parts.append(
            f"Calendar: {len(meetings.logged):,} meetings logged, {meetings.updated:,} updated"
        )
    elif config.sync.get("calendar"):
        parts.append(f"Calendar: no folder {config.sync['calendar']}")
    if followups is not None:
        parts.append(
            f"follow-ups: {len(followups.written):,} written, {len(followups.removed):,} removed"
        )
    return JobResult("; ".join(parts) or "Calendar: nothing set up", changed)


def _mail_target(config: Config) -> str | None:
    # deferred: the IMAP module loads only when an account is set up
    from callsheet.models.capture.imap import configured_urls

    urls = configured_urls(config.sync.get("imap", []))
    return ", ".join(urls) or None


def _mail(config: Config, target: str, progress: Progress | None) -> JobResult:
    """Every ``[[sync.imap]]`` folder; one that fails is named and the others still run."""
    # deferred: the IMAP module loads only when an account is set up
    from callsheet.models.capture.imap import capture_configured

    added, failed = 0, []
    for _url, outcome in capture_configured(
        config.sync.get("imap", []), config.my_addresses, progress=progress
    ):
        if isinstance(outcome, Exception):
            failed.append(str(outcome))
        else:
            added += len(outcome.added)
    summary = f"Mail: {added:,} e-mails logged"
    if failed:
        summary += f"; {len(failed)} not read ({failed[0]})"
    return JobResult(summary, added > 0)


#: Every kind of sync, in the order they run.
SYNC_JOBS: tuple[SyncJob, ...] = (
    SyncJob("contacts", lambda config: config.sync_contacts, _contacts),
    SyncJob("calendar", _calendar_target, _calendar),
    SyncJob("mail", _mail_target, _mail),
)


def configured_jobs(config: Config) -> list[tuple[SyncJob, str]]:
    """The jobs config.toml sets up, each with its target."""
    return [(job, target) for job in SYNC_JOBS if (target := job.target(config))]
