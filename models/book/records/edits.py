"""Correcting and deleting log entries, follow-ups, agreements and time entries.

Each change is one transaction that validates before it writes and returns an undoable
:class:`~callsheet.models.book.records.undo.Change`; a log entry's change refreshes the client's last
contact and risk at once. Each re-reads and locks its row inside that transaction
(:func:`callsheet.models.book.clients.locked`) and writes only the fields named over the row as it is then;
``version`` (the one a form was opened on) refuses an edit of a row changed since. Creating these records stays in :mod:`callsheet.models.book.clients`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from peewee import Model

from callsheet.models.book.bulk_writes import refresh_derived
from callsheet.models.book.clients import check_version, follow, locked, write_row
from callsheet.models.book.records.undo import (
    Change,
    RecordNotFound,
    delete_record,
    finder,
    row_of,
)
from callsheet.models.store.db import database
from callsheet.models.store.tables import (
    Agreement,
    FollowUp,
    Interaction,
    Invoice,
    Signal,
    TimeEntry,
)
from callsheet.models.values import validate
from callsheet.models.values.validate import InputError
from callsheet.models.values.when import utcnow


def _fresh(record: Model, what: str, version: int | None):
    """Inside the edit's transaction: the record as committed, locked, checked against the
    version the form was opened on."""
    fresh = locked(type(record), record.id)
    if fresh is None:
        raise RecordNotFound(f"no {what} #{record.id}")
    check_version(fresh, version, f"{what} #{record.id}")
    return fresh


# -- log entries ------------------------------------------------------------------------


get_interaction: Callable[[int | str], Interaction] = finder(Interaction, "log entry")


def edit_interaction(
    interaction: Interaction,
    *,
    at: datetime | None = None,
    channel: str | None = None,
    direction: str | None = None,
    minutes: int | str | None = ...,  # type: ignore[assignment]
    tone: str | None = ...,  # type: ignore[assignment]
    summary: str | None = None,
    signals: Sequence[str] | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> Change:
    """Correct a log entry; ``signals`` given replace its signals. Unnamed fields stay."""
    now = now or utcnow()
    changes: dict = {}
    if at is not None:
        changes["occurred_at"] = at
    if channel is not None:
        changes["channel"] = validate.channel(channel)
    if direction is not None:
        changes["direction"] = validate.direction(direction)
    if minutes is not ...:
        changes["duration_min"] = validate.minutes(minutes)
    if tone is not ...:
        changes["tone"] = validate.tone(tone)
    if summary is not None:
        changes["summary"] = summary
    clean_signals = (
        None if signals is None else list(dict.fromkeys(validate.signal(s) for s in signals))
    )
    with database.atomic():
        fresh = _fresh(interaction, "log entry", version)
        before = [row_of(fresh), *(row_of(s) for s in fresh.signals)]
        write_row(fresh, changes)
        kinds = clean_signals
        if kinds is None:
            kinds = [s.kind for s in Signal.select().where(Signal.interaction == fresh.id)]
        # Signals repeat the entry's moment for the risk engine: rewrite them together.
        Signal.delete().where(Signal.interaction == fresh.id).execute()
        if kinds:
            Signal.insert_many(
                [
                    {
                        "interaction": fresh.id,
                        "client": fresh.client_id,
                        "kind": kind,
                        "at": fresh.occurred_at,
                    }
                    for kind in kinds
                ]
            ).execute()
        refresh_derived([fresh.client], now)
    follow(interaction, fresh)
    return Change(
        f"edited log entry #{interaction.id}",
        interaction.client_id,
        before,
        replaced=[(Signal, "interaction", interaction.id)],
    )


def delete_interaction(interaction: Interaction, now: datetime | None = None) -> Change:
    """Remove a log entry and its signals (undoable)."""
    description = f"deleted log entry #{interaction.id}"
    return delete_record(interaction, description, interaction.signals, True, now)


# -- follow-ups -------------------------------------------------------------------------


get_follow_up: Callable[[int | str], FollowUp] = finder(FollowUp, "follow-up")


def edit_follow_up(
    follow_up: FollowUp,
    *,
    due_at: datetime | None = None,
    text: str | None = None,
    done_at: datetime | None = ...,  # type: ignore[assignment]
    version: int | None = None,
) -> Change:
    """Change a follow-up's text, due moment or done state (only those named)."""
    changes: dict = {}
    if text is not None:
        if not text.strip():
            raise InputError("text", "a follow-up needs a text")
        changes["text"] = text.strip()
    if due_at is not None:
        changes["due_at"] = due_at
    if done_at is not ...:
        changes["done_at"] = done_at
    with database.atomic():
        fresh = _fresh(follow_up, "follow-up", version)
        before = [row_of(fresh)]
        write_row(fresh, changes)
    follow(follow_up, fresh)
    return Change(f"changed follow-up #{follow_up.id}", follow_up.client_id, before)


def snooze_follow_up(follow_up: FollowUp, until: datetime) -> Change:
    return edit_follow_up(follow_up, due_at=until, done_at=None)


def delete_follow_up(follow_up: FollowUp) -> Change:
    return delete_record(follow_up, f"deleted follow-up #{follow_up.id}")


# -- agreements and time ----------------------------------------------------------------


get_agreement: Callable[[int | str], Agreement] = finder(Agreement, "agreement")


def edit_agreement(
    agreement: Agreement,
    *,
    title: str | None = None,
    scope: str | None = None,
    budget: str | int | float | None = ...,  # type: ignore[assignment]
    currency: str | None = None,
    start: date | None = ...,  # type: ignore[assignment]
    end: date | None = ...,  # type: ignore[assignment]
    status: str | None = None,
    version: int | None = None,
) -> Change:
    """Correct an agreement's title, scope, budget, currency, dates or status (only those named)."""
    changes: dict = {}
    if title is not None and not title.strip():
        raise InputError("title", "an agreement needs a title")
    if scope is not None:
        changes["scope"] = scope
    if budget is not ...:
        changes["budget_cents"] = None if budget in (None, "") else validate.cents(budget, "budget")
    if start is not ...:
        changes["start"] = start
    if end is not ...:
        changes["end"] = end
    if status is not None:
        changes["status"] = validate.agreement_status(status)
    with database.atomic():
        fresh = _fresh(agreement, "agreement", version)
        if title is not None:
            clash = Agreement.select().where(
                (Agreement.client == fresh.client_id)
                & (Agreement.title == title.strip())
                & (Agreement.id != fresh.id)
            )
            if clash.exists():
                raise InputError("title", f"this client already has an agreement {title.strip()!r}")
            changes["title"] = title.strip()
        if currency is not None:
            changes["currency"] = validate.currency(currency, fresh.currency)
        start_on, end_on = changes.get("start", fresh.start), changes.get("end", fresh.end)
        if start_on and end_on and end_on < start_on:
            raise InputError("end", f"end {end_on} is before start {start_on}")
        before = [row_of(fresh)]
        write_row(fresh, changes)
    follow(agreement, fresh)
    return Change(f"edited agreement {fresh.title!r}", fresh.client_id, before)


def close_agreement(agreement: Agreement, status: str = "done") -> Change:
    """Close an agreement as done (or cancelled): the call sheet stops counting its scope."""
    if validate.agreement_status(status) not in ("done", "cancelled"):
        raise InputError("status", "an agreement closes as done or cancelled")
    return edit_agreement(agreement, status=status)


def delete_agreement(agreement: Agreement) -> Change:
    """Remove an agreement; its invoices and time entries stay, unlinked (undo relinks)."""
    with database.atomic():
        before = [row_of(_fresh(agreement, "agreement", None))]
        links = [
            (
                Invoice,
                "agreement",
                agreement.id,
                [i.id for i in Invoice.select(Invoice.id).where(Invoice.agreement == agreement)],
            ),
            (
                TimeEntry,
                "agreement",
                agreement.id,
                [
                    t.id
                    for t in TimeEntry.select(TimeEntry.id).where(TimeEntry.agreement == agreement)
                ],
            ),
        ]
        agreement.delete_instance()
    return Change(
        f"deleted agreement {agreement.title!r}", agreement.client_id, before, links=links
    )


get_time_entry: Callable[[int | str], TimeEntry] = finder(TimeEntry, "time entry")


def edit_time_entry(
    entry: TimeEntry,
    *,
    started_at: datetime | None = None,
    minutes: int | str | None = None,
    note: str | None = None,
    version: int | None = None,
) -> Change:
    """Correct a time entry's start, minutes or note (only those named)."""
    changes: dict = {}
    if started_at is not None:
        changes["started_at"] = started_at
    if minutes is not None:
        clean = validate.minutes(minutes)
        if not clean:
            raise InputError("minutes", "a time entry needs a number of minutes above 0")
        changes["minutes"] = clean
    if note is not None:
        changes["note"] = note
    with database.atomic():
        fresh = _fresh(entry, "time entry", version)
        before = [row_of(fresh)]
        write_row(fresh, changes)
    follow(entry, fresh)
    return Change(f"edited time entry #{entry.id}", entry.client_id, before)


def delete_time_entry(entry: TimeEntry) -> Change:
    return delete_record(entry, f"deleted time entry #{entry.id}")


# -- stay in touch ----------------------------------------------------------------------
