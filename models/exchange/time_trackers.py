"""Time entries from the time trackers a consultant already has: watson and timewarrior.

``watson log --json`` and ``timew export`` are read as JSON lists; each entry's client is
found through ``--map`` (project or tag -> client), else by the project or tag as a client
name. Entries already recorded (same client, start and minutes) are not added twice, and an
entry still running is left out until it stops. One transaction, as every import.
"""

from __future__ import annotations

from datetime import UTC, datetime

from callsheet.models.book.bulk_writes import add_tracked_time
from callsheet.models.book.finding import ClientNotFound, find_client
from callsheet.models.exchange.document import FormatError, load
from callsheet.models.exchange.merge import ImportReport
from callsheet.models.store.db import database
from callsheet.models.values.text import short_reason
from callsheet.models.values.validate import MAX_MINUTES
from callsheet.models.values.when import FIRST_YEAR, LAST_YEAR


def _moment(value: str) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(f"{str(value)[:30]!r} is not a moment")
    if len(value) == 16 and value.endswith("Z") and "T" in value:  # timewarrior: 20261120T090000Z
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def detect_time_format(document) -> str | None:
    if isinstance(document, list) and document and isinstance(document[0], dict):
        if "project" in document[0]:
            return "watson"
        if "start" in document[0]:
            return "timewarrior"
    return None


def import_time(
    text: str, kind: str, mapping: dict[str, str], *, dry_run: bool = False, skip_bad: bool = False
) -> ImportReport:
    """Time entries from ``watson log --json`` or ``timew export``.

    Each entry's client is found through ``mapping`` (watson project or timewarrior tag ->
    client), else by the project/tag itself as a client name. Entries already recorded
    (same client, start and minutes) are not added twice.
    """
    entries = load(text)
    if not isinstance(entries, list):
        raise FormatError([f"expected a JSON list of {kind} entries"])
    rows, problems, warnings = [], [], []
    for index, entry in enumerate(entries):
        place = f"entry {index}"
        try:
            start = _moment(entry["start"])
            end_value = entry.get("stop") or entry.get("end")
            if not end_value:  # still running: imported once it has stopped
                warnings.append(f"{place}: still running; left out until it stops")
                continue
            minutes = round((_moment(end_value) - start).total_seconds() / 60)
            labels = [entry["project"]] if kind == "watson" else []
            labels += list(entry.get("tags") or [])
            if not all(isinstance(label, str) for label in labels):
                raise ValueError("projects and tags must be text")
            if not FIRST_YEAR <= start.year <= LAST_YEAR:
                raise ValueError(f"the year {start.year} is outside {FIRST_YEAR}-{LAST_YEAR}")
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
            problems.append(f"{place}: cannot read it ({short_reason(error)})")
            continue
        client = None
        for label in labels:
            target = mapping.get(label) or mapping.get(f"project={label}") or label
            try:
                client = find_client(target)
                break
            except ClientNotFound:
                continue
        if client is None:
            problems.append(
                f"{place}: no client for {', '.join(labels) or 'an untagged entry'} "
                "(map one with --map NAME=CLIENT)"
            )
            continue
        if minutes <= 0:
            problems.append(f"{place}: ends before it starts")
            continue
        if minutes > MAX_MINUTES:
            problems.append(f"{place}: lasts {minutes:,} minutes, longer than callsheet keeps")
            continue
        note = ", ".join(entry.get("tags") or []) if kind == "watson" else ", ".join(labels[1:])
        rows.append((client, start, minutes, note))
    if problems and not skip_bad:
        raise FormatError(problems)
    report = ImportReport(dry_run=dry_run, skipped=problems, warnings=warnings, time_entries=0)
    with database.atomic() as transaction:
        added = add_tracked_time(rows)
        report.time_entries = len(added)
        report.merged = list(dict.fromkeys(client.name for client in added))
        if dry_run:
            transaction.rollback()
    return report
