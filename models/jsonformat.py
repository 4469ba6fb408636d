"""callsheet/1: the one JSON format for ``--json``, export, import and test fixtures.

A document is ``{"format": "callsheet/1", "clients": [...]}``; each client object holds the
client's fields and, nested, everything recorded about them (see README, "The callsheet/1
format"). Export streams the document so a million log entries never sit in memory as one
list. Import validates the *whole* document first, collecting every problem with its place
("clients[3] 'Ana Pop': interactions[2].signals: unknown signal 'rudee'"), and only then
writes, in one transaction: a bad file changes nothing.

A client in the file that matches one already stored (same E.164 phone or same e-mail) is
merged into it rather than duplicated: new phones, e-mails and history are added, empty
fields are filled, and log entries already present (same moment, channel and summary) are
not added twice, so importing the same export twice changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from peewee import chunked, fn

from models import validate
from models.clients import name_key
from models.db import database, read_snapshot
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
from models.validate import InputError
from models.when import WhenError, iso, parse_when, utcnow

FORMAT = "callsheet/1"

CLIENT_FIELDS = {
    "name",
    "salutation",
    "language",
    "company",
    "status",
    "phones",
    "emails",
    "tags",
    "referred_by",
    "notes",
    "rapport",
    "archived",
    "interactions",
    "agreements",
    "invoices",
    "time_entries",
    "follow_ups",
    "cadence_days",
}
INTERACTION_FIELDS = {"at", "channel", "direction", "duration_min", "tone", "signals", "summary"}
#: written only when set: where a captured entry came from (models/capture), its key against
#: duplicates, and suggested signals waiting for the user or dismissed by them
CAPTURE_FIELDS = {"source", "external_key", "suggested_signals", "dismissed_signals"}
AGREEMENT_FIELDS = {"title", "scope", "budget", "currency", "start", "end", "status"}
INVOICE_FIELDS = {
    "number",
    "amount",
    "currency",
    "issued",
    "due",
    "paid",
    "disputed",
    "agreement",
    "payments",
}
PAYMENT_FIELDS = {"amount", "on", "note"}
TIME_FIELDS = {"start", "minutes", "note", "agreement"}
FOLLOW_UP_FIELDS = {"due", "text", "done"}


class FormatError(ValueError):
    """A callsheet/1 document that cannot be imported; ``problems`` lists every place."""

    def __init__(self, problems: list[str]):
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        super().__init__(shown)
        self.problems = problems


# --- writing ----------------------------------------------------------------------------


def _money(amount_cents: int | None):
    if amount_cents is None:
        return None
    whole, part = divmod(amount_cents, 100)
    return whole if part == 0 else amount_cents / 100


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _phone_json(phone: Phone):
    return {"number": phone.raw, "kind": phone.kind} if phone.kind else phone.raw


def _email_json(email: Email):
    return {"address": email.address, "kind": email.kind} if email.kind else email.address


def _referrer_names(clients: Iterable[Client]) -> dict[int, str]:
    ids = {c.referred_by_id for c in clients if c.referred_by_id}
    if not ids:
        return {}
    return dict(Client.select(Client.id, Client.name).where(Client.id.in_(list(ids))).tuples())


def _flat(client: Client, phones, emails, referrers: dict[int, str], with_id: bool) -> dict:
    record = {"id": client.id} if with_id else {}
    record.update(
        name=client.name,
        salutation=client.salutation,
        language=client.language,
        company=client.company,
        status=client.status,
        phones=[_phone_json(p) for p in phones],
        emails=[_email_json(e) for e in emails],
        tags=list(client.tags),
        referred_by=referrers.get(client.referred_by_id) or client.referred_by_text or None,
        notes=client.notes,
        rapport=client.rapport,
        archived=iso(client.archived_at) if client.archived_at else None,
    )
    if client.cadence_days:  # written only when set, like an invoice's payments
        record["cadence_days"] = client.cadence_days
    return record


def client_record(client: Client, nested: bool = True, with_id: bool = False) -> dict:
    """The client's callsheet/1 object; ``nested=False`` leaves out the history."""
    phones = list(Phone.select().where(Phone.client == client).order_by(Phone.id))
    emails = list(Email.select().where(Email.client == client).order_by(Email.id))
    record = _flat(client, phones, emails, _referrer_names([client]), with_id)
    if nested:
        record.update(_history(client))
    return record


def client_records_flat(query) -> Iterator[dict]:
    """Flat records (with ``id``) for every client of ``query``, in pages of three queries."""
    for page in chunked(query, 2000):
        ids = [c.id for c in page]
        phones, emails = defaultdict(list), defaultdict(list)
        for phone in Phone.select().where(Phone.client.in_(ids)).order_by(Phone.id):
            phones[phone.client_id].append(phone)
        for email in Email.select().where(Email.client.in_(ids)).order_by(Email.id):
            emails[email.client_id].append(email)
        referrers = _referrer_names(page)
        for client in page:
            yield _flat(client, phones[client.id], emails[client.id], referrers, True)


def _history(client: Client) -> dict:
    signals = defaultdict(list)
    for interaction_id, kind in (
        Signal.select(Signal.interaction, Signal.kind)
        .where(Signal.client == client)
        .order_by(Signal.id)
        .tuples()
    ):
        signals[interaction_id].append(kind)
    interactions = [
        {
            "at": iso(i.occurred_at),
            "channel": i.channel,
            "direction": i.direction,
            "duration_min": i.duration_min,
            "tone": i.tone,
            "signals": signals.get(i.id, []),
            "summary": i.summary,
            **_capture_json(i),
        }
        for i in Interaction.select()
        .where(Interaction.client == client)
        .order_by(Interaction.occurred_at, Interaction.id)
    ]
    agreements = list(Agreement.select().where(Agreement.client == client).order_by(Agreement.id))
    payments = defaultdict(list)  # partial payments; an invoice without any has no key
    for p in (
        Payment.select()
        .join(Invoice)
        .where(Invoice.client == client)
        .order_by(Payment.paid_on, Payment.id)
    ):
        payments[p.invoice_id].append(
            {"amount": _money(p.amount_cents), "on": _day(p.paid_on), "note": p.note}
        )
    titles = {a.id: a.title for a in agreements}
    return {
        "interactions": interactions,
        "agreements": [
            {
                "title": a.title,
                "scope": a.scope,
                "budget": _money(a.budget_cents),
                "currency": a.currency,
                "start": _day(a.start),
                "end": _day(a.end),
                "status": a.status,
            }
            for a in agreements
        ],
        "invoices": [
            {
                "number": v.number,
                "amount": _money(v.amount_cents),
                "currency": v.currency,
                "issued": _day(v.issued),
                "due": _day(v.due),
                "paid": _day(v.paid),
                "disputed": v.disputed,
                "agreement": titles.get(v.agreement_id),
                **({"payments": payments[v.id]} if v.id in payments else {}),
            }
            for v in Invoice.select()
            .where(Invoice.client == client)
            .order_by(Invoice.issued, Invoice.id)
        ],
        "time_entries": [
            {
                "start": iso(t.started_at),
                "minutes": t.minutes,
                "note": t.note,
                "agreement": titles.get(t.agreement_id),
            }
            for t in TimeEntry.select()
            .where(TimeEntry.client == client)
            .order_by(TimeEntry.started_at, TimeEntry.id)
        ],
        "follow_ups": [
            {"due": iso(f.due_at), "text": f.text, "done": iso(f.done_at) if f.done_at else None}
            for f in FollowUp.select()
            .where(FollowUp.client == client)
            .order_by(FollowUp.due_at, FollowUp.id)
        ],
    }


def _capture_json(interaction: Interaction) -> dict:
    values = {
        "source": interaction.source if interaction.source != "typed" else None,
        "external_key": interaction.external_key,
        "suggested_signals": interaction.suggested_signals,
        "dismissed_signals": interaction.dismissed_signals,
    }
    return {key: value for key, value in values.items() if value}


def _clean_capture(item: dict, where: str, problems: _Problems, place: str) -> dict:
    from models.entities import SOURCES

    clean: dict = {}
    source = item.get("source") or "typed"
    if source not in SOURCES:
        problems.add(place, f"{where}.source: unknown source {source!r}")
    clean["source"] = source
    key = item.get("external_key")
    if key is not None and not isinstance(key, str):
        problems.add(place, f"{where}.external_key: expected text")
        key = None
    clean["external_key"] = key or None
    for name in ("suggested_signals", "dismissed_signals"):
        kinds = item.get(name) or []
        if not isinstance(kinds, list):
            problems.add(place, f"{where}.{name}: expected a list")
            kinds = []
        checked = (
            _validated(
                validate.signal,
                k if isinstance(k, str) else repr(k),
                f"{where}.{name}",
                problems,
                place,
            )
            for k in kinds
        )
        clean[name] = [kind for kind in dict.fromkeys(checked) if kind]
    return clean


def write_export(stream: IO[str], progress: Callable[[int, int], None] | None = None) -> int:
    """Write the complete, lossless document to ``stream``; return the number of clients.

    One client at a time, so memory stays flat however long the log is.
    """
    total = Client.select().count()
    stream.write(f'{{"format": "{FORMAT}", "clients": [')
    written = 0
    with read_snapshot():  # one consistent snapshot while the dashboard may be writing
        for client in Client.select().order_by(Client.id).iterator():
            stream.write(",\n  " if written else "\n  ")
            stream.write(json.dumps(client_record(client, nested=True), ensure_ascii=False))
            written += 1
            if progress:
                progress(written, total)
    stream.write("\n]}\n" if written else "]}\n")
    return written


# --- reading ----------------------------------------------------------------------------


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    interactions: int = 0
    skipped: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: set for time-tracker imports, which add time entries rather than clients
    time_entries: int | None = None

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        if self.time_entries is not None:
            return f"{verb} {self.time_entries} time entries for {len(self.merged)} clients"
        text = (
            f"{verb} {len(self.added)} clients, merged {len(self.merged)} into existing ones, "
            f"{self.interactions} log entries"
        )
        if self.skipped:
            text += f"; skipped {len(self.skipped)} bad clients"
        return text


@dataclass
class _Clean:
    """One validated client from a document, ready to write."""

    place: str
    fields: dict
    phones: list  # (e164, raw, kind)
    emails: list  # (address, kind)
    referred_by: str | None
    archived: datetime | None
    interactions: list = field(
        default_factory=list
    )  # (at, channel, direction, minutes, tone, summary, signals, capture fields)
    agreements: list = field(default_factory=list)
    invoices: list = field(default_factory=list)
    time_entries: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)


def _cadence(value, problems, place: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
        problems.add(place, f"cadence_days: expected a number of days (1 to 3650), not {value!r}")
        return None
    return value


def _payments(raw, where: str, problems, place: str) -> list[dict]:
    """An invoice's partial payments: [{"amount": 400, "on": "2026-11-01", "note": ""}]."""
    clean = []
    for n, item in enumerate(_list_of_objects(raw, f"{where}.payments", problems, place)):
        at = f"{where}.payments[{n}]"
        _unknown(item, PAYMENT_FIELDS, at + ".", problems, place)
        clean.append(
            {
                "amount_cents": _validated(
                    validate.cents, item.get("amount"), f"{at}.amount", problems, place
                ),
                "paid_on": _date(item.get("on"), f"{at}.on", problems, place, required=True),
                "note": _text(item.get("note"), f"{at}.note", problems, place),
            }
        )
    return clean


class _Problems:
    def __init__(self):
        self.items: list[str] = []

    def add(self, place: str, message: str) -> None:
        self.items.append(f"{place}: {message}")


def _text(value, where: str, problems: _Problems, place: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(place, f"{where}: expected text, got {type(value).__name__}")
        return ""
    return value


def _moment(
    value, where: str, problems: _Problems, place: str, required: bool = True
) -> datetime | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        problems.add(place, f"{where}: expected an ISO 8601 moment, got {value!r}")
        return None
    try:
        return parse_when(value)
    except WhenError as error:
        problems.add(place, f"{where}: {error}")
        return None


def _date(
    value, where: str, problems: _Problems, place: str, required: bool = False
) -> date | None:
    if value is None and not required:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.add(place, f"{where}: expected a date YYYY-MM-DD, got {value!r}")
        return None


def _unknown(obj: dict, allowed: set, where: str, problems: _Problems, place: str) -> None:
    for key in sorted(set(obj) - allowed):
        problems.add(place, f"{where}unknown field {key!r}")


def _list_of_objects(value, where: str, problems: _Problems, place: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        problems.add(place, f"{where}: expected a list of objects")
        return []
    return value


def _validated(fn_, value, where: str, problems: _Problems, place: str, *args):
    try:
        return fn_(value, *args)
    except InputError as error:
        problems.add(place, f"{where}: {error.message}")
        return None


def _clean_client(
    index: int, raw, region: str | None, default_currency: str, where: str | None = None
) -> tuple[_Clean | None, list[str]]:
    problems = _Problems()
    where = where or f"clients[{index}]"
    if not isinstance(raw, dict):
        return None, [f"{where}: expected an object"]
    name = raw.get("name")
    place = f"{where} {name!r}" if isinstance(name, str) and name.strip() else where
    _unknown(raw, CLIENT_FIELDS, "", problems, place)
    clean_name = _validated(
        validate.name, name if isinstance(name, str) else "", "name", problems, place
    )
    status = _validated(validate.status, raw.get("status") or "prospect", "status", problems, place)
    phones, emails = [], []
    for n, item in enumerate(raw.get("phones") or []):
        number, kind = (
            (item.get("number"), item.get("kind", "")) if isinstance(item, dict) else (item, "")
        )
        if not isinstance(number, str):
            problems.add(place, f"phones[{n}]: expected a phone number as text")
            continue
        e164 = _validated(validate.phone, number, f"phones[{n}]", problems, place, region)
        if e164 and e164 not in {p[0] for p in phones}:
            phones.append((e164, number.strip(), kind or ""))
    for n, item in enumerate(raw.get("emails") or []):
        address, kind = (
            (item.get("address"), item.get("kind", "")) if isinstance(item, dict) else (item, "")
        )
        if not isinstance(address, str):
            problems.add(place, f"emails[{n}]: expected an address as text")
            continue
        clean = _validated(validate.email, address, f"emails[{n}]", problems, place)
        if clean and clean not in {e[0] for e in emails}:
            emails.append((clean, kind or ""))
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.add(place, "tags: expected a list of text")
        tags = []
    fields = {
        "name": clean_name,
        "salutation": _text(raw.get("salutation"), "salutation", problems, place),
        "language": _text(raw.get("language"), "language", problems, place),
        "company": _text(raw.get("company"), "company", problems, place),
        "status": status,
        "tags": tags,
        "notes": _text(raw.get("notes"), "notes", problems, place),
        "rapport": _text(raw.get("rapport"), "rapport", problems, place),
        "cadence_days": _cadence(raw.get("cadence_days"), problems, place),
    }
    referred_by = raw.get("referred_by")
    if referred_by is not None and not isinstance(referred_by, str):
        problems.add(place, "referred_by: expected a name as text")
        referred_by = None
    clean = _Clean(
        place,
        fields,
        phones,
        emails,
        referred_by,
        _moment(raw.get("archived"), "archived", problems, place, required=False),
    )

    for n, item in enumerate(
        _list_of_objects(raw.get("interactions"), "interactions", problems, place)
    ):
        where = f"interactions[{n}]"
        _unknown(item, INTERACTION_FIELDS | CAPTURE_FIELDS, where + ".", problems, place)
        signals = item.get("signals") or []
        if not isinstance(signals, list):
            problems.add(place, f"{where}.signals: expected a list")
            signals = []
        clean_signals = [
            _validated(
                validate.signal,
                s if isinstance(s, str) else repr(s),
                f"{where}.signals",
                problems,
                place,
            )
            for s in signals
        ]
        clean.interactions.append(
            (
                _moment(item.get("at"), f"{where}.at", problems, place),
                _validated(
                    validate.channel, item.get("channel") or "", f"{where}.channel", problems, place
                ),
                _validated(
                    validate.direction,
                    item.get("direction") or "in",
                    f"{where}.direction",
                    problems,
                    place,
                ),
                _validated(
                    validate.minutes,
                    item.get("duration_min"),
                    f"{where}.duration_min",
                    problems,
                    place,
                ),
                _validated(validate.tone, item.get("tone"), f"{where}.tone", problems, place),
                _text(item.get("summary"), f"{where}.summary", problems, place),
                list(dict.fromkeys(s for s in clean_signals if s)),
                _clean_capture(item, where, problems, place),
            )
        )
    for n, item in enumerate(
        _list_of_objects(raw.get("agreements"), "agreements", problems, place)
    ):
        where = f"agreements[{n}]"
        _unknown(item, AGREEMENT_FIELDS, where + ".", problems, place)
        title = _text(item.get("title"), f"{where}.title", problems, place)
        if not title.strip():
            problems.add(place, f"{where}.title: an agreement needs a title")
        elif title.strip() in {a["title"] for a in clean.agreements}:
            # invoices and time entries point at agreements by title
            problems.add(
                place, f"{where}.title: another agreement of this client is titled {title!r}"
            )
        budget = item.get("budget")
        clean.agreements.append(
            {
                "title": title.strip(),
                "scope": _text(item.get("scope"), f"{where}.scope", problems, place),
                "budget_cents": None
                if budget is None
                else _validated(validate.cents, budget, f"{where}.budget", problems, place),
                "currency": _validated(
                    validate.currency,
                    item.get("currency"),
                    f"{where}.currency",
                    problems,
                    place,
                    default_currency,
                ),
                "start": _date(item.get("start"), f"{where}.start", problems, place),
                "end": _date(item.get("end"), f"{where}.end", problems, place),
                "status": _validated(
                    validate.agreement_status,
                    item.get("status") or "active",
                    f"{where}.status",
                    problems,
                    place,
                ),
            }
        )
    titles = {a["title"] for a in clean.agreements}
    for n, item in enumerate(_list_of_objects(raw.get("invoices"), "invoices", problems, place)):
        where = f"invoices[{n}]"
        _unknown(item, INVOICE_FIELDS, where + ".", problems, place)
        number = item.get("number")
        if not isinstance(number, (str, int)) or not str(number).strip():
            problems.add(place, f"{where}.number: an invoice needs a number")
        if item.get("agreement") is not None and item.get("agreement") not in titles:
            problems.add(place, f"{where}.agreement: no agreement titled {item.get('agreement')!r}")
        disputed = item.get("disputed", False)
        if not isinstance(disputed, bool):
            problems.add(place, f"{where}.disputed: expected true or false")
        clean.invoices.append(
            {
                "number": str(number or "").strip(),
                "amount_cents": _validated(
                    validate.cents, item.get("amount"), f"{where}.amount", problems, place
                ),
                "currency": _validated(
                    validate.currency,
                    item.get("currency"),
                    f"{where}.currency",
                    problems,
                    place,
                    default_currency,
                ),
                "issued": _date(
                    item.get("issued"), f"{where}.issued", problems, place, required=True
                ),
                "due": _date(item.get("due"), f"{where}.due", problems, place),
                "paid": _date(item.get("paid"), f"{where}.paid", problems, place),
                "disputed": disputed is True,
                "agreement": item.get("agreement"),
                "payments": _payments(item.get("payments"), where, problems, place),
            }
        )
    for n, item in enumerate(
        _list_of_objects(raw.get("time_entries"), "time_entries", problems, place)
    ):
        where = f"time_entries[{n}]"
        _unknown(item, TIME_FIELDS, where + ".", problems, place)
        if item.get("agreement") is not None and item.get("agreement") not in titles:
            problems.add(place, f"{where}.agreement: no agreement titled {item.get('agreement')!r}")
        minutes = _validated(
            validate.minutes, item.get("minutes"), f"{where}.minutes", problems, place
        )
        if minutes is None and "minutes" not in item:
            problems.add(place, f"{where}.minutes: a time entry needs minutes")
        clean.time_entries.append(
            {
                "started_at": _moment(item.get("start"), f"{where}.start", problems, place),
                "minutes": minutes,
                "note": _text(item.get("note"), f"{where}.note", problems, place),
                "agreement": item.get("agreement"),
            }
        )
    for n, item in enumerate(
        _list_of_objects(raw.get("follow_ups"), "follow_ups", problems, place)
    ):
        where = f"follow_ups[{n}]"
        _unknown(item, FOLLOW_UP_FIELDS, where + ".", problems, place)
        text = _text(item.get("text"), f"{where}.text", problems, place)
        if not text.strip():
            problems.add(place, f"{where}.text: a follow-up needs a text")
        done = item.get("done")
        clean.follow_ups.append(
            {
                "due_at": _moment(item.get("due"), f"{where}.due", problems, place),
                "text": text.strip(),
                "done_at": None
                if done is None
                else _moment(done, f"{where}.done", problems, place),
            }
        )
    return (None if problems.items else clean), problems.items


def load(stream: IO[str]) -> dict:
    """Parse a callsheet/1 document, naming the line of a JSON syntax error."""
    try:
        document = json.load(stream)
    except json.JSONDecodeError as error:
        raise FormatError([f"line {error.lineno}, column {error.colno}: {error.msg}"]) from None
    return document


def import_document(
    document,
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
    region: str | None = None,
    default_currency: str = "EUR",
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    places: list[str] | None = None,
) -> ImportReport:
    """Import a callsheet/1 document: all of it, or (with ``skip_bad``) its good clients.

    ``places`` names where each client came from ("card 12 (line 140)", "line 7") when the
    document was made from another format, so problems point into the user's file.

    Raises :class:`FormatError` listing every problem when anything is bad and ``skip_bad``
    is off; nothing is written then. With ``dry_run`` nothing is written either, and the
    report says what would change.
    """
    now = now or utcnow()
    if not isinstance(document, dict):
        raise FormatError(["the document must be a JSON object"])
    if document.get("format") != FORMAT:
        raise FormatError([f"format: expected {FORMAT!r}, got {document.get('format')!r}"])
    extra = sorted(set(document) - {"format", "clients"})
    if extra:
        raise FormatError([f"unknown top-level field {extra[0]!r}"])
    raw_clients = document.get("clients")
    if not isinstance(raw_clients, list):
        raise FormatError(["clients: expected a list"])

    cleaned, problems = [], []
    for index, raw in enumerate(raw_clients):
        clean, found = _clean_client(
            index, raw, region, default_currency, places[index] if places else None
        )
        problems.extend(found)
        if clean:
            cleaned.append(clean)
    report = ImportReport(dry_run=dry_run, skipped=problems if skip_bad else [])
    if problems and not skip_bad:
        raise FormatError(problems)

    with database.atomic() as transaction:
        _write(cleaned, report, now, progress)
        if dry_run:
            transaction.rollback()
    return report


def _find_existing(clean: _Clean) -> Client | None:
    phones = [p[0] for p in clean.phones]
    emails = [e[0] for e in clean.emails]
    if phones:
        match = (
            Phone.select(Phone.client).where(Phone.e164.in_(phones)).order_by(Phone.client).first()
        )
        if match:
            return Client.get_by_id(match.client_id)
    if emails:
        match = (
            Email.select(Email.client)
            .where(Email.address.in_(emails))
            .order_by(Email.client)
            .first()
        )
        if match:
            return Client.get_by_id(match.client_id)
    return None


def _write(cleaned: list[_Clean], report: ImportReport, now: datetime, progress) -> None:
    from models.scoring import refresh_clients

    touched: list[Client] = []
    for done, clean in enumerate(cleaned, 1):
        client = _find_existing(clean)
        if client is None:
            client = Client.create(
                **clean.fields,
                name_key=name_key(clean.fields["name"]),
                created_at=now,
                updated_at=now,
                archived_at=clean.archived,
            )
            report.added.append(clean.fields["name"])
            known_phones, known_emails, known_events = set(), set(), set()
        else:
            for key, value in clean.fields.items():
                if key in ("name", "status"):
                    continue
                if value and not getattr(client, key):
                    setattr(client, key, value)
            client.updated_at = now
            client.save()
            report.merged.append(f"{clean.fields['name']} -> #{client.id} {client.name}")
            known_phones = {p.e164 for p in client.phones}
            known_emails = {e.address for e in client.emails}
            known_events = set(
                Interaction.select(
                    Interaction.occurred_at, Interaction.channel, Interaction.summary
                )
                .where(Interaction.client == client)
                .tuples()
            )
        for e164, raw, kind in clean.phones:
            if e164 not in known_phones:
                Phone.create(client=client, e164=e164, raw=raw, kind=kind)
        for address, kind in clean.emails:
            if address not in known_emails:
                Email.create(client=client, address=address, kind=kind)
        _write_history(client, clean, known_events, report)
        if clean.referred_by:
            referrer = Client.select().where(Client.name_key == name_key(clean.referred_by)).first()
            if referrer and referrer.id != client.id:
                client.referred_by, client.referred_by_text = referrer, ""
            else:
                client.referred_by, client.referred_by_text = None, clean.referred_by
            client.save(only=[Client.referred_by, Client.referred_by_text])
        touched.append(client)
        if progress:
            progress(done, len(cleaned))
    # Referrers may come later in the file than the clients they referred.
    for client, clean in zip(touched, cleaned, strict=True):
        if clean.referred_by and client.referred_by_id is None:
            referrer = Client.select().where(Client.name_key == name_key(clean.referred_by)).first()
            if referrer and referrer.id != client.id:
                client.referred_by, client.referred_by_text = referrer, ""
                client.save(only=[Client.referred_by, Client.referred_by_text])
    ids = list({c.id for c in touched})
    for batch in chunked(ids, 500):
        # one statement per batch, not per client: a 10,000-card file is one import
        latest = Interaction.select(fn.MAX(Interaction.occurred_at)).where(
            (Interaction.client == Client.id) & Interaction.channel.in_(CONTACT_CHANNELS)
        )
        Client.update(last_contact_at=latest).where(Client.id.in_(batch)).execute()
    if ids:
        refresh_clients(ids, now)


def _write_history(client: Client, clean: _Clean, known_events: set, report: ImportReport) -> None:
    new_rows = []
    captured_keys = [c[-1]["external_key"] for c in clean.interactions if c[-1]["external_key"]]
    known_keys = set()
    for batch in chunked(captured_keys, 500):
        known_keys.update(
            k
            for (k,) in Interaction.select(Interaction.external_key)
            .where((Interaction.client == client) & Interaction.external_key.in_(batch))
            .tuples()
        )
    for at, channel, direction, minutes, tone, summary, signals, capture in clean.interactions:
        key = (at, channel, summary)
        if key in known_events or capture["external_key"] in known_keys:
            continue
        known_events.add(key)
        if capture["external_key"]:
            known_keys.add(capture["external_key"])
        new_rows.append((at, channel, direction, minutes, tone, summary, signals, capture))
    for batch in chunked(new_rows, 500):
        for at, channel, direction, minutes, tone, summary, signals, capture in batch:
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
    report.interactions += len(new_rows)

    agreements = {a.title: a for a in Agreement.select().where(Agreement.client == client)}
    for item in clean.agreements:
        if item["title"] not in agreements:
            agreements[item["title"]] = Agreement.create(client=client, **item)
    known_invoices = {
        v.number for v in Invoice.select(Invoice.number).where(Invoice.client == client)
    }
    for item in clean.invoices:
        if item["number"] in known_invoices:
            continue
        agreement = (
            agreements.get(item.pop("agreement"))
            if item.get("agreement")
            else item.pop("agreement", None)
        )
        parts = item.pop("payments")
        invoice = Invoice.create(client=client, agreement=agreement, **item)
        if parts:
            Payment.insert_many([{"invoice": invoice.id, **part} for part in parts]).execute()
    known_time = set(
        TimeEntry.select(TimeEntry.started_at, TimeEntry.minutes)
        .where(TimeEntry.client == client)
        .tuples()
    )
    for item in clean.time_entries:
        if (item["started_at"], item["minutes"]) in known_time:
            continue
        agreement = (
            agreements.get(item.pop("agreement"))
            if item.get("agreement")
            else item.pop("agreement", None)
        )
        TimeEntry.create(client=client, agreement=agreement, **item)
    known_follow_ups = set(
        FollowUp.select(FollowUp.due_at, FollowUp.text).where(FollowUp.client == client).tuples()
    )
    for item in clean.follow_ups:
        if (item["due_at"], item["text"]) not in known_follow_ups:
            FollowUp.create(client=client, **item)
