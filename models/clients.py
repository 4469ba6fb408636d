"""Finding clients and writing what happens with them.

Every write here is one transaction, validates before it touches the database, and keeps
the derived columns of :class:`~models.entities.Client` (last contact, risk) current, so
the dashboard and the command line never disagree. The command line, the dashboard forms
and the importers all write through these functions.

(Over 450 lines on purpose: every insert and update of clients, contact points, interactions
and signals goes through this one write path, bulk helpers for imports included; one module
keeps each transaction's rules (derived columns, risk refresh, the contact rule) in one place.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
    Payment,
    Phone,
    Signal,
    TimeEntry,
)
from models.phones import is_unverified
from models.validate import InputError
from models.when import WhenError, not_in_future, to_zone, utcnow


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
    if text.isascii() and text.isdigit() and len(text) <= 18:  # "²" is a digit to str.isdigit
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
    phones: Iterable[str | PhoneInput], region: str | None, kept: dict[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """Phones as (E.164, as typed, kind); strict, except that a number an import kept as
    typed (``kept``: as typed -> its key) may stay when the client is edited."""
    cleaned: dict[str, tuple[str, str, str]] = {}
    for item in phones:
        item = item if isinstance(item, PhoneInput) else PhoneInput(str(item))
        if not item.raw.strip():
            continue
        if kept and item.raw.strip() in kept:
            key = kept[item.raw.strip()]
            cleaned.setdefault(key, (key, item.raw.strip(), item.kind))
            continue
        e164 = validate.phone(item.raw, region)
        cleaned.setdefault(e164, (e164, item.raw.strip(), item.kind))
    return list(cleaned.values())


def _short_text(value: str, field: str) -> str:
    if not isinstance(value, str):
        raise InputError(field, f"expected text, got {type(value).__name__}")
    if len(value) > validate.MAX_NAME:
        raise InputError(field, f"{len(value):,} characters is longer than this field can be")
    return value


def _clean_emails(emails: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned: dict[str, tuple[str, str]] = {}
    for item in emails:
        address, kind = (item, "") if isinstance(item, str) else item
        if not address.strip():
            continue
        normalised = validate.email(address)
        cleaned.setdefault(normalised, (normalised, kind))
    return list(cleaned.values())


def _refuse_shared(
    phones: list[tuple[str, str, str]],
    emails: list[tuple[str, str]],
    client: Client | None,
    allow_shared: bool,
) -> None:
    """Refuse a phone or e-mail that already belongs to another client, naming them.

    Two owners of one number make "who is calling" a guess, and a later JSON round trip
    would merge the two clients into one. ``allow_shared`` is for a real shared line (a
    company switchboard, a couple's landline).
    """
    if allow_shared:
        return
    for e164, raw, _ in phones:
        owner = find_by_phone(e164)
        if owner is not None and (client is None or owner.id != client.id):
            raise InputError(
                "phone",
                f"{raw} already belongs to #{owner.id} {owner.name}: log with that client, "
                "or add it anyway with --allow-shared-phone",
            )
    for address, _ in emails:
        owner = find_by_email(address)
        if owner is not None and (client is None or owner.id != client.id):
            raise InputError(
                "email",
                f"{address} already belongs to #{owner.id} {owner.name}: log with that client, "
                "or add it anyway with --allow-shared-email",
            )


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
    clean_phones = _clean_phones(phones, region)
    clean_emails = _clean_emails(emails)
    for text, field in ((salutation, "salutation"), (language, "language"), (company, "company")):
        _short_text(text, field)
    with database.atomic():
        _refuse_shared(clean_phones, [], None, allow_shared_phone)
        _refuse_shared([], clean_emails, None, allow_shared_email)
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
        add_contact_points(client, clean_phones, clean_emails)
    return client


def add_contact_points(client: Client, phones, emails) -> None:
    """Add (key, raw, kind) phones and (address, kind) e-mails the client does not have yet.

    A phone's key is its E.164 form, or :func:`models.phones.unverified_key` for a number
    an import kept as typed.
    """
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
    allow_shared_phone: bool = False,
    allow_shared_email: bool = False,
    **changes,
) -> Client:
    """Change a client's fields; ``phones``/``emails`` given replace the existing lists.

    As in :func:`add_client`, another client's phone or e-mail is refused unless allowed.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(sorted(unknown)[0], "not a client field")
    if "name" in changes:
        changes["name"] = validate.name(changes["name"])
        changes["name_key"] = name_key(changes["name"])
    if "status" in changes:
        changes["status"] = validate.status(changes["status"])
    kept = {p.raw: p.e164 for p in client.phones if is_unverified(p.e164)}
    clean_phones = _clean_phones(phones, region, kept) if phones is not None else None
    clean_emails = _clean_emails(emails) if emails is not None else None
    with database.atomic():
        # Only what the edit adds is checked: a line shared on purpose stays editable.
        had_phones = {p.e164 for p in client.phones}
        had_emails = {e.address for e in client.emails}
        _refuse_shared(
            [p for p in clean_phones or [] if p[0] not in had_phones],
            [],
            client,
            allow_shared_phone,
        )
        _refuse_shared(
            [],
            [e for e in clean_emails or [] if e[0] not in had_emails],
            client,
            allow_shared_email,
        )
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
        add_contact_points(client, clean_phones or [], clean_emails or [])
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
    from models.capture.suggestions import suggest

    suggested = suggest(str(clean["summary"]), exclude=clean_signals)
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
        refresh_risk(client, now or utcnow())
    return invoice


def record_payment(invoice: Invoice, paid: date | None, now: datetime | None = None) -> Invoice:
    """Mark an invoice paid on ``paid`` (or unpaid again with ``None``); not a future day."""
    now = now or utcnow()
    if paid is not None and paid > to_zone(now).date() + timedelta(days=1):
        raise InputError("paid", f"{paid} is in the future: record a payment once it is made")
    with database.atomic():
        invoice.paid = paid
        invoice.save()
        refresh_risk(invoice.client, now)
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


# --- bulk writes for imports ---------------------------------------------------------------
# Called by models.merge and models.importers inside their one import transaction, so a
# bad file or a crash leaves nothing half-written. Portable peewee calls only: the store
# also runs on PostgreSQL.


def create_imported(fields: dict, archived: datetime | None, now: datetime) -> Client:
    """A new client from checked import fields (see :class:`models.document.CleanClient`)."""
    return Client.create(
        **fields,
        name_key=name_key(fields["name"]),
        created_at=now,
        updated_at=now,
        archived_at=archived,
    )


def fill_empty_fields(client: Client, fields: dict, now: datetime) -> None:
    """Merge: an imported value fills a field the stored client left empty, never replaces."""
    for key, value in fields.items():
        if key in ("name", "status"):
            continue
        if value and not getattr(client, key):
            setattr(client, key, value)
    client.updated_at = now
    client.save()


def link_referrer(client: Client, referred_by: str, *, text_if_unknown: bool = True) -> None:
    """Point ``client`` at the client named ``referred_by``, else keep the name as text."""
    referrer = Client.select().where(Client.name_key == name_key(referred_by)).first()
    if referrer and referrer.id != client.id:
        client.referred_by, client.referred_by_text = referrer, ""
    elif text_if_unknown:
        client.referred_by, client.referred_by_text = None, referred_by
    else:
        return
    client.save(only=[Client.referred_by, Client.referred_by_text])


def add_interactions(client: Client, rows: Sequence[tuple], known: set) -> int:
    """Add (at, channel, direction, minutes, tone, summary, signals, capture) entries not
    yet known.

    ``known`` holds (at, channel, summary) of entries already stored, so the same export
    imported twice adds nothing; it is updated as entries are added. A captured entry
    (``capture["external_key"]``, from mail or a calendar) is also known by its key.
    """
    from peewee import chunked

    keys = [row[7]["external_key"] for row in rows if row[7].get("external_key")]
    known_keys: set = set()
    for batch in chunked(keys, 500):
        known_keys.update(
            key
            for (key,) in Interaction.select(Interaction.external_key)
            .where((Interaction.client == client) & Interaction.external_key.in_(batch))
            .tuples()
        )
    added = 0
    for at, channel, direction, minutes, tone, summary, signals, capture in rows:
        if (at, channel, summary) in known or capture.get("external_key") in known_keys:
            continue
        known.add((at, channel, summary))
        if capture.get("external_key"):
            known_keys.add(capture["external_key"])
        interaction = Interaction.create(
            client=client,
            occurred_at=at,
            channel=channel,
            direction=direction,
            duration_min=minutes,
            tone=tone,
            summary=summary,
            **capture,
        )
        if signals:
            Signal.insert_many(
                [
                    {"interaction": interaction.id, "client": client.id, "kind": kind, "at": at}
                    for kind in signals
                ]
            ).execute()
        added += 1
    return added


def known_interactions(client: Client) -> set:
    return set(
        Interaction.select(Interaction.occurred_at, Interaction.channel, Interaction.summary)
        .where(Interaction.client == client)
        .tuples()
    )


def add_money_and_plans(client: Client, agreements, invoices, time_entries, follow_ups) -> None:
    """Add the checked agreements, invoices, time entries and follow-ups not yet stored."""
    by_title = {a.title: a for a in Agreement.select().where(Agreement.client == client)}
    for item in agreements:
        if item["title"] not in by_title:
            by_title[item["title"]] = Agreement.create(client=client, **item)
    known_invoices = {
        v.number for v in Invoice.select(Invoice.number).where(Invoice.client == client)
    }
    for item in invoices:
        if item["number"] in known_invoices:
            continue
        known_invoices.add(item["number"])
        row = {**item, "agreement": by_title.get(item["agreement"] or "")}
        parts = row.pop("payments", [])
        invoice = Invoice.create(client=client, **row)
        if parts:  # an invoice paid in parts (models.records keeps them current afterwards)
            Payment.insert_many([{"invoice": invoice.id, **part} for part in parts]).execute()
    known_time = set(
        TimeEntry.select(TimeEntry.started_at, TimeEntry.minutes)
        .where(TimeEntry.client == client)
        .tuples()
    )
    for item in time_entries:
        if (item["started_at"], item["minutes"]) in known_time:
            continue
        known_time.add((item["started_at"], item["minutes"]))
        row = {**item, "agreement": by_title.get(item["agreement"] or "")}
        TimeEntry.create(client=client, **row)
    known_follow_ups = set(
        FollowUp.select(FollowUp.due_at, FollowUp.text).where(FollowUp.client == client).tuples()
    )
    for item in follow_ups:
        if (item["due_at"], item["text"]) not in known_follow_ups:
            known_follow_ups.add((item["due_at"], item["text"]))
            FollowUp.create(client=client, **item)


def add_tracked_time(rows: Sequence[tuple[Client, datetime, int, str]]) -> list[Client]:
    """Time entries from a time tracker, each (client, start, minutes, note), unless recorded.

    Returns the client of every entry added (an entry already stored is left alone).
    """
    added = []
    for client, start, minutes, note in rows:
        exists = (
            TimeEntry.select()
            .where(
                (TimeEntry.client == client)
                & (TimeEntry.started_at == start)
                & (TimeEntry.minutes == minutes)
            )
            .exists()
        )
        if not exists:
            TimeEntry.create(client=client, started_at=start, minutes=minutes, note=note)
            added.append(client)
    return added


def refresh_after_import(client_ids: Iterable[int], now: datetime) -> None:
    """Last contact and risk of every client an import touched, a batch at a time."""
    from peewee import chunked

    from models.scoring import refresh_clients

    ids = list(dict.fromkeys(client_ids))
    for batch in chunked(ids, 500):
        # one statement per batch, not per client: a 10,000-card file is one import
        latest = Interaction.select(fn.MAX(Interaction.occurred_at)).where(
            (Interaction.client == Client.id) & Interaction.channel.in_(CONTACT_CHANNELS)
        )
        Client.update(last_contact_at=latest).where(Client.id.in_(batch)).execute()
    if ids:
        refresh_clients(ids, now)
