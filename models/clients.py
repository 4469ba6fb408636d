"""Finding clients and writing what happens with them.

Every write here is one transaction, validates before it touches the database, and keeps
the derived columns of :class:`~models.entities.Client` (last contact, risk) current, so
the dashboard and the command line never disagree. The command line, the dashboard forms
and the importers all write through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from peewee import chunked, fn

from models import validate
from models.db import database
from models.entities import (
    CONTACT_CHANNELS,
    Agreement,
    Client,
    Email,
    FollowUp,
    Interaction,
    Invoice,
    Phone,
    Signal,
    TimeEntry,
)
from models.validate import InputError
from models.when import utcnow


class ClientNotFound(LookupError):
    """No client, or more than one, answers to what the user typed."""


class AmbiguousClient(ClientNotFound):
    """Several clients (or nothing typed) answer: the person must say more (exit 2, not 1)."""


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


#: How many prefix matches an ambiguity message names before it says how many more there are.
_PREFIX_LISTED = 20


def _match_list(clients: Sequence[Client]) -> str:
    """Each client as "Name (#id, Company)", so the user can tell them apart and use the id."""
    return ", ".join(f"{c.name} (#{c.id}{', ' + c.company if c.company else ''})" for c in clients)


def find_client(ref: str | int, include_archived: bool = True) -> Client:
    """The client named by ``ref``: an id, an exact name (any case), or a unique prefix.

    When more than one client answers, the error names every one with its id (a prefix
    that matches very many names the first few and how many more), so the user can retry
    with the id at once.
    """
    text = str(ref).strip()
    query = Client.select()
    if not include_archived:
        query = query.where(Client.archived_at.is_null())
    if text.isdigit():
        client = query.where(Client.id == int(text)).first()
        if client:
            return client
    key = name_key(text)
    if not key:
        raise AmbiguousClient("no client given")
    exact = list(query.where(Client.name_key == key).order_by(Client.id))
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousClient(
            f"{len(exact)} clients are named {text!r}: {_match_list(exact)}; use the id"
        )
    # Prefix match via a range on the index: LIKE would not use it and would treat % and _.
    prefixed = query.where((Client.name_key >= key) & (Client.name_key < key + "\U0010ffff"))
    first = list(prefixed.order_by(Client.name_key, Client.id).limit(_PREFIX_LISTED + 1))
    if len(first) == 1:
        return first[0]
    if not first:
        raise ClientNotFound(f"no client matches {text!r}")
    if len(first) <= _PREFIX_LISTED:
        message = (
            f"{text!r} matches several clients ({len(first)}): {_match_list(first)}; use the id"
        )
    else:
        total = prefixed.count()
        message = (
            f"{text!r} matches several clients ({total:,}): {_match_list(first[:_PREFIX_LISTED])} "
            f"and {total - _PREFIX_LISTED:,} more; type more of the name or use the id"
        )
    raise AmbiguousClient(message)


def find_by_phone(e164: str) -> Client | None:
    phone = (
        Phone.select(Phone, Client)
        .join(Client)
        .where(Phone.e164 == e164)
        .order_by(Client.archived_at.is_null(False), Client.id)
        .first()
    )
    return phone.client if phone else None


def find_by_email(address: str) -> Client | None:
    email = Email.select(Email, Client).join(Client).where(Email.address == address.lower()).first()
    return email.client if email else None


@dataclass
class PhoneInput:
    raw: str
    kind: str = ""


def _clean_phones(
    phones: Iterable[str | PhoneInput], region: str | None
) -> list[tuple[str, str, str]]:
    cleaned: dict[str, tuple[str, str, str]] = {}
    for item in phones:
        item = item if isinstance(item, PhoneInput) else PhoneInput(str(item))
        if not item.raw.strip():
            continue
        e164 = validate.phone(item.raw, region)
        cleaned.setdefault(e164, (e164, item.raw.strip(), item.kind))
    return list(cleaned.values())


def _clean_emails(emails: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned: dict[str, tuple[str, str]] = {}
    for item in emails:
        address, kind = (item, "") if isinstance(item, str) else item
        if not address.strip():
            continue
        normalised = validate.email(address)
        cleaned.setdefault(normalised, (normalised, kind))
    return list(cleaned.values())


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
) -> Client:
    """Validate everything, then create the client with its phones and emails."""
    now = now or utcnow()
    clean_name = validate.name(name)
    clean_status = validate.status(status)
    clean_phones = _clean_phones(phones, region)
    clean_emails = _clean_emails(emails)
    with database.atomic():
        referrer, referrer_text = _resolve_referrer(referred_by)
        client = Client.create(
            name=clean_name,
            name_key=name_key(clean_name),
            salutation=salutation.strip(),
            language=language.strip(),
            company=company.strip(),
            status=clean_status,
            tags=[t.strip() for t in tags if t.strip()],
            notes=notes,
            rapport=rapport,
            referred_by=referrer,
            referred_by_text=referrer_text,
            created_at=now,
            updated_at=now,
        )
        _add_contact_points(client, clean_phones, clean_emails)
    return client


def _add_contact_points(client: Client, phones, emails) -> None:
    known_phones = {p.e164 for p in client.phones}
    for e164, raw, kind in phones:
        if e164 not in known_phones:
            Phone.create(client=client, e164=e164, raw=raw, kind=kind)
            known_phones.add(e164)
    known_emails = {e.address for e in client.emails}
    for address, kind in emails:
        if address not in known_emails:
            Email.create(client=client, address=address, kind=kind)
            known_emails.add(address)


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
    **changes,
) -> Client:
    """Change a client's fields; ``phones``/``emails`` given replace the existing lists."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(sorted(unknown)[0], "not a client field")
    if "name" in changes:
        changes["name"] = validate.name(changes["name"])
        changes["name_key"] = name_key(changes["name"])
    if "status" in changes:
        changes["status"] = validate.status(changes["status"])
    clean_phones = _clean_phones(phones, region) if phones is not None else None
    clean_emails = _clean_emails(emails) if emails is not None else None
    with database.atomic():
        for field, value in changes.items():
            setattr(
                client,
                field,
                value.strip()
                if isinstance(value, str) and field not in ("notes", "rapport")
                else value,
            )
        if referred_by is not ...:
            client.referred_by, client.referred_by_text = _resolve_referrer(referred_by)
        client.updated_at = now or utcnow()
        client.save()
        if clean_phones is not None:
            Phone.delete().where(Phone.client == client).execute()
        if clean_emails is not None:
            Email.delete().where(Email.client == client).execute()
        _add_contact_points(client, clean_phones or [], clean_emails or [])
    return client


def set_archived(client: Client, archived: bool, now: datetime | None = None) -> Client:
    """Archive (soft delete) or bring back a client; nothing of their history is removed."""
    now = now or utcnow()
    with database.atomic():
        client.archived_at = now if archived else None
        client.updated_at = now
        client.save()
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
    """Record one call, email, meeting, message or note, and refresh the client's risk."""
    now = now or utcnow()
    at = at or now
    clean = dict(
        channel=validate.channel(channel),
        direction=validate.direction(direction),
        duration_min=validate.minutes(minutes),
        tone=validate.tone(tone),
        summary=summary or "",
    )
    clean_signals = list(dict.fromkeys(validate.signal(s) for s in signals))
    from models.capture.suggestions import suggest

    suggested = suggest(clean["summary"], exclude=clean_signals)
    with database.atomic():
        interaction = Interaction.create(
            client=client, occurred_at=at, suggested_signals=suggested, **clean
        )
        if clean_signals:
            Signal.insert_many(
                [
                    {"interaction": interaction.id, "client": client.id, "kind": kind, "at": at}
                    for kind in clean_signals
                ]
            ).execute()
        if clean["channel"] in CONTACT_CHANNELS and (
            client.last_contact_at is None or at > client.last_contact_at
        ):
            client.last_contact_at = at
        client.updated_at = now
        client.save(only=[Client.last_contact_at, Client.updated_at])
        refresh_risk(client, now)
    return interaction


def log_captured(entries: Sequence, now: datetime | None = None) -> list:
    """Log many captured entries (:class:`models.capture.store.Captured`) in one transaction.

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
        touched = sorted({e.client_id for e in added})
        for batch in chunked(touched, 500):
            latest = Interaction.select(fn.MAX(Interaction.occurred_at)).where(
                Interaction.client == Client.id
            )
            Client.update(last_contact_at=latest).where(Client.id.in_(batch)).execute()
        if touched:
            from models.scoring import refresh_clients

            refresh_clients(touched, now)
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
        if new:
            Signal.insert_many(
                [
                    {
                        "interaction": interaction.id,
                        "client": interaction.client_id,
                        "kind": kind,
                        "at": interaction.occurred_at,
                    }
                    for kind in new
                ]
            ).execute()
        interaction.suggested_signals = [k for k in rest if k not in dismissed]
        interaction.dismissed_signals = list(
            dict.fromkeys([*interaction.dismissed_signals, *dismissed])
        )
        interaction.save(only=[Interaction.suggested_signals, Interaction.dismissed_signals])
        if new:
            refresh_risk(interaction.client, now)
    return interaction


def delete_interaction(interaction: Interaction, now: datetime | None = None) -> None:
    now = now or utcnow()
    client = interaction.client
    with database.atomic():
        interaction.delete_instance(recursive=True)
        latest = Interaction.occurred_at.python_value(
            Interaction.select(fn.MAX(Interaction.occurred_at))
            .where((Interaction.client == client) & Interaction.channel.in_(CONTACT_CHANNELS))
            .scalar()
        )
        client.last_contact_at = latest
        client.save(only=[Client.last_contact_at])
        refresh_risk(client, now)


def add_follow_up(client: Client, due_at: datetime, text: str) -> FollowUp:
    if not text.strip():
        raise InputError("text", "a follow-up needs a text")
    with database.atomic():
        return FollowUp.create(client=client, due_at=due_at, text=text.strip())


def complete_follow_up(
    follow_up: FollowUp, done: bool = True, now: datetime | None = None
) -> FollowUp:
    with database.atomic():
        follow_up.done_at = (now or utcnow()) if done else None
        follow_up.save()
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
    amount_cents = validate.cents(amount)
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
        refresh_risk(client, now or utcnow())
    return invoice


def record_payment(invoice: Invoice, paid: date | None, now: datetime | None = None) -> Invoice:
    """Mark an invoice paid on ``paid`` (or unpaid again with ``None``)."""
    with database.atomic():
        invoice.paid = paid
        invoice.save()
        refresh_risk(invoice.client, now or utcnow())
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


def refresh_risk(client: Client, now: datetime) -> None:
    """Recompute the client's stored risk after their events changed (see models.scoring)."""
    from models.scoring import refresh_client

    refresh_client(client, now)
