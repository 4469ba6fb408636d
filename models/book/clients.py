"""The write path: every insert and update of clients and what happens with them.

Every write here is one transaction, validates before it touches the database, and keeps
the derived columns of :class:`~callsheet.models.store.tables.Client` (last contact, risk) current, so
the dashboard and the command line never disagree. The command line and the dashboard
forms write through these functions; imports through the path's bulk half,
:mod:`callsheet.models.book.bulk_writes`, inside their one transaction. Phones and e-mails are cleaned and
checked by :mod:`callsheet.models.book.contact_points`; clients are found by :mod:`callsheet.models.book.finding`.

A write that depends on what it read re-reads its row inside its own transaction with
:func:`locked` (two "pay the rest" at once must not both pass the "still owed" check); an
edit writes only the fields it names with :func:`write_row`, never every column of a copy
read earlier, and bumps the row's ``version``; an edit that carries the version its form
was opened with is refused with :class:`StaleEdit` once someone else changed the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from peewee import Model, chunked

from callsheet.models.book import contact_points as points
from callsheet.models.book.bulk_writes import add_signals, client_row, refresh_derived
from callsheet.models.book.contact_points import PhoneInput
from callsheet.models.book.finding import ClientNotFound, find_client, name_key
from callsheet.models.risk.suggestions import suggest
from callsheet.models.store.db import database
from callsheet.models.store.tables import (
    Agreement,
    Client,
    FollowUp,
    Interaction,
    Invoice,
    TimeEntry,
)
from callsheet.models.values import terms, validate
from callsheet.models.values.phones import is_unverified
from callsheet.models.values.validate import InputError
from callsheet.models.values.when import WhenError, not_in_future, to_zone, utcnow

M = TypeVar("M", bound=Model)


class StaleEdit(Exception):
    """An edit made on a copy of a row that someone else changed since it was read: the
    form keeps what was typed and offers to reload or to overwrite."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}: changed by someone else since you opened it")
        self.what = what


def locked(model: type[M], row_id: int) -> M | None:
    """The row as it is now, held against other writers until the transaction ends.

    Call inside ``database.atomic()``. On SQLite the store begins every transaction with
    ``BEGIN IMMEDIATE`` (``lock_type`` in models/store/opening.py; peewee's ``atomic()`` issues
    ``BEGIN <lock_type>``), so the write lock is already held and this read sees the last
    commit. On PostgreSQL ``SELECT ... FOR UPDATE`` makes a second writer wait here until
    the first commits, then read what it wrote. (peewee refuses ``FOR UPDATE`` on SQLite.)
    """
    if not database.in_transaction():
        raise RuntimeError("locked() reads for a write: call it inside database.atomic()")
    query = model.select().where(model._meta.primary_key == row_id)
    if database.for_update:
        query = query.for_update()
    return query.first()


def check_version(row: Model, version: int | None, what: str) -> None:
    """Refuse an edit opened on ``version`` (None: no form, read and written in one go)."""
    if version is not None and row.version != version:
        raise StaleEdit(what)


def write_row(row: Model, changes: dict[str, Any], *, bump: bool = True) -> None:
    """Write only ``changes`` (field name -> value) to ``row``'s record, one more version.

    The copy ``row`` follows (it was read by :func:`locked` in the same transaction);
    ``bump=False`` is for derived columns (last contact), which never make a form stale.
    """
    model = type(row)
    values: dict[Any, Any] = {getattr(model, name): value for name, value in changes.items()}
    if bump:
        values[model.version] = model.version + 1
    if values:
        model.update(values).where(model._meta.primary_key == row.get_id()).execute()
    for name, value in changes.items():
        setattr(row, name, value)
    if bump:
        row.version += 1


def follow(copy: Model, row: Model) -> None:
    """Bring a caller's copy up to the row as written (callers read it after an edit)."""
    copy.__data__.update(row.__data__)
    copy._dirty.clear()


def _short_text(value: str, field: str) -> str:
    if not isinstance(value, str):
        raise InputError(field, f"expected text, got {type(value).__name__}")
    if len(value) > validate.MAX_NAME:
        raise InputError(field, f"{len(value):,} characters is longer than this field can be")
    return value


def _resolve_referrer(referred_by: str | int | None) -> tuple[Client | None, str]:
    if referred_by in (None, ""):
        return None, ""
    try:
        return find_client(referred_by), ""
    except ClientNotFound:
        return None, str(referred_by).strip()


def add_client(
    name: str,
    *,
    phones: Sequence[str | PhoneInput] = (),
    emails: Sequence[str | tuple[str, str]] = (),
    company: str = "",
    salutation: str = "",
    language: str = "",
    status: str = "prospect",
    tags: Sequence[str] = (),
    notes: str = "",
    rapport: str = "",
    referred_by: str | int | None = None,
    region: str | None = None,
    now: datetime | None = None,
    allow_shared_phone: bool = False,
    allow_shared_email: bool = False,
) -> Client:
    """Validate everything, then create the client with its phones and emails.

    A phone or e-mail that already belongs to another client is refused with their name
    (an :class:`InputError` on "phone" or "email") unless ``allow_shared_*`` says it is shared.
    """
    now = now or utcnow()
    clean_name = validate.name(name)
    clean_status = validate.status(status)
    clean_phones = points.clean_phones(phones, region)
    clean_emails = points.clean_emails(emails)
    short_texts = (("salutation", salutation), ("language", language), ("company", company))
    for field, text in short_texts:
        _short_text(text, field)
    with database.atomic():
        points.refuse_shared(
            clean_phones,
            clean_emails,
            None,
            allow_phone=allow_shared_phone,
            allow_email=allow_shared_email,
        )
        referrer, referrer_text = _resolve_referrer(referred_by)
        fields = {
            "name": clean_name,
            "status": clean_status,
            "tags": [t.strip() for t in tags if t.strip()],
            "notes": notes,
            "rapport": rapport,
            **{field: text.strip() for field, text in short_texts},
        }
        row = client_row(fields, now)
        client = Client.create(**row, referred_by=referrer, referred_by_text=referrer_text)
        points.add_contact_points(client, clean_phones, clean_emails)
    return client


#: Client fields a user may edit directly.
EDITABLE = ("name", "salutation", "language", "company", "status", "tags", "notes", "rapport")


def update_client(
    client: Client,
    *,
    phones: Sequence[str | PhoneInput] | None = None,
    emails: Sequence[str | tuple[str, str]] | None = None,
    referred_by: str | int | None = ...,  # type: ignore[assignment]
    region: str | None = None,
    now: datetime | None = None,
    allow_shared_phone: bool = False,
    allow_shared_email: bool = False,
    version: int | None = None,
    **changes,
) -> Client:
    """Change a client's fields; ``phones``/``emails`` given replace the existing lists.

    Only the fields named are written. As in :func:`add_client`, another client's phone or
    e-mail is refused unless allowed. ``version``: the one the form was opened on (a
    :class:`StaleEdit` if the client changed since).
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(sorted(unknown)[0], "not a client field")
    if "name" in changes:
        changes["name"] = validate.name(changes["name"])
        changes["name_key"] = name_key(changes["name"])
    if "status" in changes:
        changes["status"] = validate.status(changes["status"])
    clean_emails = points.clean_emails(emails) if emails is not None else None
    with database.atomic():
        fresh = locked(Client, client.id)
        if fresh is None:
            raise ClientNotFound(f"client #{client.id} is no longer in the book")
        check_version(fresh, version, fresh.name)
        kept = {p.raw: p.e164 for p in fresh.phones if is_unverified(p.e164)}
        clean_phones = points.clean_phones(phones, region, kept) if phones is not None else None
        # Only what the edit adds is checked: a line shared on purpose stays editable.
        had_phones = {p.e164 for p in fresh.phones}
        had_emails = {e.address for e in fresh.emails}
        points.refuse_shared(
            [p for p in clean_phones or [] if p[0] not in had_phones],
            [e for e in clean_emails or [] if e[0] not in had_emails],
            fresh,
            allow_phone=allow_shared_phone,
            allow_email=allow_shared_email,
        )
        written = {
            field: value.strip()
            if isinstance(value, str) and field not in ("notes", "rapport")
            else value
            for field, value in changes.items()
        }
        if referred_by is not ...:
            written["referred_by"], written["referred_by_text"] = _resolve_referrer(referred_by)
        # derived columns (last contact, stored risk) are never written from an edit
        write_row(fresh, written | {"updated_at": now or utcnow()})
        points.replace_contact_points(fresh, clean_phones, clean_emails)
    follow(client, fresh)
    return client


def set_archived(client: Client, archived: bool, now: datetime | None = None) -> Client:
    """Archive (soft delete) or bring back a client; nothing of their history is removed."""
    now = now or utcnow()
    with database.atomic():
        fresh = locked(Client, client.id)
        if fresh is None:
            raise ClientNotFound(f"client #{client.id} is no longer in the book")
        write_row(fresh, {"archived_at": now if archived else None, "updated_at": now})
    follow(client, fresh)
    return client


def delete_client(client: Client) -> None:
    """Remove a client and everything recorded about them. Callers must confirm first."""
    with database.atomic():
        client.delete_instance(recursive=False)


def log_interaction(
    client: Client,
    *,
    channel: str = "call",
    direction: str = "in",
    summary: str = "",
    at: datetime | None = None,
    minutes: int | str | None = None,
    tone: str | None = None,
    signals: Sequence[str] = (),
    now: datetime | None = None,
) -> Interaction:
    """Record one call, email, meeting, message or note, and refresh the client's risk.

    ``at`` may not be in the future (beyond a few minutes of clock drift): a log entry is a
    fact, and one dated ahead would hide the client from "gone quiet" triage.
    """
    now = now or utcnow()
    at = at or now
    try:
        not_in_future(at, now)
    except WhenError as error:
        raise InputError("at", str(error)) from None
    clean = dict(
        channel=validate.channel(channel),
        direction=validate.direction(direction),
        duration_min=validate.minutes(minutes),
        tone=validate.tone(tone),
        summary=summary or "",
    )
    clean_signals = list(dict.fromkeys(validate.signal(s) for s in signals))
    suggested = suggest(str(clean["summary"]), exclude=clean_signals)
    with database.atomic():
        # the last contact as committed now, not as this copy of the client was read: a
        # call logged meanwhile from another terminal may be newer than this one (locked
        # first: two PostgreSQL writers that both inserted would wait for each other)
        fresh = locked(Client, client.id) or client
        interaction = Interaction.create(
            client=client, occurred_at=at, suggested_signals=suggested, **clean
        )
        add_signals(interaction.id, client.id, clean_signals, at)
        derived: dict[str, Any] = {"updated_at": now}
        if clean["channel"] in terms.CONTACT_CHANNELS and (
            fresh.last_contact_at is None or at > fresh.last_contact_at
        ):
            derived["last_contact_at"] = at
        write_row(fresh, derived, bump=False)
        follow(client, fresh)
        refresh_derived([client], now)
    return interaction


def log_captured(entries: Sequence, now: datetime | None = None) -> list:
    """Log many captured entries (:class:`callsheet.models.capture.store.Captured`) in one transaction.

    An entry whose ``(client, key)`` is already in the log, or earlier in ``entries``, is
    left out, so capturing the same mail, meeting or call twice logs it once. Returns the
    entries actually added. Last contact and risk are refreshed once per touched client.
    """
    now = now or utcnow()
    added: list = []
    with database.atomic():
        client_ids = sorted({e.client_id for e in entries})
        known: set[tuple[int, str]] = set()
        for batch in chunked(client_ids, 500):
            known.update(
                Interaction.select(Interaction.client, Interaction.external_key)
                .where(Interaction.client.in_(batch) & Interaction.external_key.is_null(False))
                .tuples()
            )
        for entry in entries:
            if (entry.client_id, entry.key) not in known:
                known.add((entry.client_id, entry.key))
                added.append(entry)
        rows = [
            {
                "client": e.client_id,
                "occurred_at": e.at,
                "channel": validate.channel(e.channel),
                "direction": validate.direction(e.direction),
                "duration_min": e.minutes,
                "summary": e.summary,
                "source": e.source,
                "external_key": e.key,
                "suggested_signals": e.suggested,
            }
            for e in added
        ]
        for batch in chunked(rows, 500):
            # A capture running at the same moment in another terminal may have won the race.
            Interaction.insert_many(batch).on_conflict_ignore().execute()
        refresh_derived(sorted({e.client_id for e in added}), now)
    return added


def resolve_suggestions(
    interaction: Interaction,
    *,
    confirm: Iterable[str] | None = (),
    dismiss: Iterable[str] | None = (),
    now: datetime | None = None,
) -> Interaction:
    """Confirm suggested signals (they become signals and count) or dismiss them (for good).

    ``None`` means all of the entry's suggestions. Kinds that are not suggested are ignored.
    """
    now = now or utcnow()
    with database.atomic():
        interaction = Interaction.get_by_id(interaction.id)
        suggested = list(interaction.suggested_signals)
        confirmed = [k for k in suggested if confirm is None or k in set(confirm)]
        rest = [k for k in suggested if k not in confirmed]
        dismissed = [k for k in rest if dismiss is None or k in set(dismiss)]
        if not confirmed and not dismissed:
            return interaction
        existing = {s.kind for s in interaction.signals}
        new = [k for k in confirmed if k not in existing]
        add_signals(interaction.id, interaction.client_id, new, interaction.occurred_at)
        interaction.suggested_signals = [k for k in rest if k not in dismissed]
        interaction.dismissed_signals = list(
            dict.fromkeys([*interaction.dismissed_signals, *dismissed])
        )
        interaction.save(only=[Interaction.suggested_signals, Interaction.dismissed_signals])
        if new:
            refresh_derived([interaction.client], now)
    return interaction


def add_follow_up(client: Client, due_at: datetime, text: str) -> FollowUp:
    if not text.strip():
        raise InputError("text", "a follow-up needs a text")
    with database.atomic():
        return FollowUp.create(client=client, due_at=due_at, text=text.strip())


def complete_follow_up(
    follow_up: FollowUp, done: bool = True, now: datetime | None = None
) -> FollowUp:
    with database.atomic():
        fresh = locked(FollowUp, follow_up.id)
        if fresh is not None:
            write_row(fresh, {"done_at": (now or utcnow()) if done else None})
            follow(follow_up, fresh)
    return follow_up


def add_invoice(
    client: Client,
    *,
    number: str,
    amount: str | int | float,
    issued: date,
    due: date | None = None,
    paid: date | None = None,
    currency: str | None = None,
    disputed: bool = False,
    agreement: Agreement | None = None,
    default_currency: str = "EUR",
    now: datetime | None = None,
) -> Invoice:
    if not str(number).strip():
        raise InputError("number", "an invoice needs a number")
    amount_cents = validate.positive_cents(amount)
    clean_currency = validate.currency(currency, default_currency)
    if due and due < issued:
        raise InputError("due", f"due date {due} is before the issue date {issued}")
    with database.atomic():
        invoice = Invoice.create(
            client=client,
            agreement=agreement,
            number=str(number).strip(),
            amount_cents=amount_cents,
            currency=clean_currency,
            issued=issued,
            due=due,
            paid=paid,
            disputed=disputed,
        )
        refresh_derived([client], now or utcnow())
    return invoice


def record_payment(invoice: Invoice, paid: date | None, now: datetime | None = None) -> Invoice:
    """Mark an invoice paid on ``paid`` (or unpaid again with ``None``); not a future day."""
    now = now or utcnow()
    if paid is not None and paid > to_zone(now).date() + timedelta(days=1):
        raise InputError("paid", f"{paid} is in the future: record a payment once it is made")
    with database.atomic():
        fresh = locked(Invoice, invoice.id)
        if fresh is not None:
            write_row(fresh, {"paid": paid})
            follow(invoice, fresh)
            refresh_derived([invoice.client], now)
    return invoice


def add_time_entry(
    client: Client,
    *,
    started_at: datetime,
    minutes: int | str,
    note: str = "",
    agreement: Agreement | None = None,
) -> TimeEntry:
    clean_minutes = validate.minutes(minutes)
    if not clean_minutes:
        raise InputError("minutes", "a time entry needs a number of minutes above 0")
    with database.atomic():
        return TimeEntry.create(
            client=client,
            agreement=agreement,
            started_at=started_at,
            minutes=clean_minutes,
            note=note,
        )


def add_agreement(
    client: Client,
    *,
    title: str,
    scope: str = "",
    budget: str | int | float | None = None,
    currency: str | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str = "active",
    default_currency: str = "EUR",
) -> Agreement:
    if not title.strip():
        raise InputError("title", "an agreement needs a title")
    budget_cents = None if budget in (None, "") else validate.cents(budget, "budget")
    if start and end and end < start:
        raise InputError("end", f"end {end} is before start {start}")
    with database.atomic():
        return Agreement.create(
            client=client,
            title=title.strip(),
            scope=scope,
            budget_cents=budget_cents,
            currency=validate.currency(currency, default_currency),
            start=start,
            end=end,
            status=validate.agreement_status(status),
        )
