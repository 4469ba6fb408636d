"""The syncs ``[sync]`` in config.toml sets up, as the one list the dashboard runs.

Each :class:`SyncJob` says where config.toml points it (None: not set up) and how to run it
once; ``S`` in the dashboard and its ``every_minutes`` timer run :func:`configured_jobs` in
order, one after the other, in a worker. A sync of another kind (a calendar, an IMAP
account) is one more row of :data:`SYNC_JOBS`.
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


#: Every kind of sync, in the order they run.
SYNC_JOBS: tuple[SyncJob, ...] = (
    SyncJob("contacts", lambda config: config.sync_contacts, _contacts),
)


def configured_jobs(config: Config) -> list[tuple[SyncJob, str]]:
    """The jobs config.toml sets up, each with its target."""
    return [(job, target) for job in SYNC_JOBS if (target := job.target(config))]
