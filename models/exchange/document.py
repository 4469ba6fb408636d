"""callsheet/1 documents checked at the edge, before anything is written.

The shape of a document (which fields exist, which are text, numbers, lists or objects,
how long a text may be, how large a number) is declared once in
:mod:`callsheet.models.exchange.shape`. What the shape cannot say (a known signal, a readable
moment, a phone number, a unique agreement title) is checked after, through
:mod:`callsheet.models.values.validate`. Every problem is one line naming the client and the field:
``clients[3] 'Ana Pop': interactions[2].signals: unknown signal 'rudee'``.

Raw bytes come in through :func:`load`, which names the line of a syntax error and refuses
invalid UTF-8 and nesting deeper than any real document. A phone number that cannot be
normalised is kept as typed and reported (an address book is not rejected for one short
local number); see :func:`callsheet.models.values.phones.unverified_key`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import msgspec

from callsheet.models.book.bulk_writes import CleanClient
from callsheet.models.exchange.shape import ClientDoc, InteractionDoc, shape_problem
from callsheet.models.values import validate
from callsheet.models.values.phones import unverified_key
from callsheet.models.values.terms import SOURCES
from callsheet.models.values.validate import InputError
from callsheet.models.values.when import WhenError, not_in_future, parse_date, parse_when

FORMAT = "callsheet/1"


class FormatError(ValueError):
    """A document that cannot be imported; ``problems`` lists every place."""

    def __init__(self, problems: list[str]):
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        super().__init__(shown)
        self.problems = problems


# --- reading bytes ------------------------------------------------------------------------


def load(data: bytes | str) -> Any:
    """Parse JSON text, naming the line of a syntax error; refuse bad bytes and deep nesting.

    Every message is ours, with a line and a column: the bytes are checked as UTF-8 here, and
    a syntax error is located by the standard library's parser, whose report is positional,
    rather than by rewording whatever the fast decoder of the day says.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start)
        raise FormatError(
            [f"line {line}, column {column}: not UTF-8 text (byte 0x{data[error.start]:02x})"]
        ) from None
    try:
        return msgspec.json.decode(data)
    except RecursionError:
        raise FormatError(["the JSON is nested deeper than any callsheet/1 document"]) from None
    except msgspec.DecodeError:
        raise FormatError([_syntax_problem(text)]) from None


def _syntax_problem(text: str) -> str:
    """Where and what is wrong in JSON text that the decoder refused."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        what = error.msg[0].lower() + error.msg[1:]
        if error.pos >= len(text.rstrip()):
            what = f"the text ends early ({what})"
        return f"line {error.lineno}, column {error.colno}: not valid JSON: {what}"
    except RecursionError:
        return "the JSON is nested deeper than any callsheet/1 document"
    except ValueError as error:  # a number too large for the standard parser
        return f"not valid JSON: {error}"
    # Accepted by the standard parser, refused by the fast one (a number too large to read).
    return "not valid JSON: a number too large to read"


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1


# --- checking ------------------------------------------------------------------------------


def check_document(
    document: Any,
    *,
    region: str | None,
    default_currency: str = "EUR",
    places: list[str] | None = None,
    now: datetime | None = None,
) -> tuple[list[CleanClient], list[str]]:
    """Every client of ``document`` checked: (the good ones, one line per problem)."""
    if not isinstance(document, dict):
        raise FormatError(["the document must be a JSON object"])
    if document.get("format") != FORMAT:
        shown = document.get("format")
        raise FormatError([f"format: expected {FORMAT!r}, got {shown!r}"[:200]])
    extra = sorted(str(key) for key in set(document) - {"format", "clients"})
    if extra:
        raise FormatError([f"unknown top-level field {extra[0]!r}"])
    raw_clients = document.get("clients")
    if not isinstance(raw_clients, list):
        raise FormatError(["clients: expected a list"])
    cleaned, problems = [], []
    for index, raw in enumerate(raw_clients):
        where = places[index] if places else f"clients[{index}]"
        clean, found = check_client(raw, where, Settings(region, default_currency, now))
        problems.extend(found)
        if clean:
            cleaned.append(clean)
    return cleaned, problems


def _place(raw: Any, where: str) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    if isinstance(name, str) and name.strip():
        return f"{where} {' '.join(name.split())[:80]!r}"
    return where


class _Problems:
    def __init__(self, place: str):
        self.place = place
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{self.place}: {where}: {message}")

    def valid(self, check, value, where: str, *args):
        try:
            return check(value, *args)
        except InputError as error:
            self.add(where, error.message)
        except WhenError as error:
            self.add(where, str(error))
        return None


def _text(value: str | None) -> str:
    return value or ""


@dataclass(frozen=True)
class Settings:
    """What a whole document is checked with."""

    #: the country of a national number ("0721 234 567")
    region: str | None
    #: the currency of an amount that names none
    default_currency: str = "EUR"
    #: with it, a log entry dated in the future is a problem (follow-ups may be)
    now: datetime | None = None


def check_client(raw: Any, where: str, settings: Settings) -> tuple[CleanClient | None, list[str]]:
    """One client object checked: (the clean client or None, its problems)."""
    region, default_currency, now = settings.region, settings.default_currency, settings.now
    place = _place(raw, where)
    if not isinstance(raw, dict):
        return None, [f"{where}: expected an object"]
    try:
        doc = msgspec.convert(raw, ClientDoc)
    except msgspec.ValidationError as error:
        return None, [f"{place}: {shape_problem(error, raw)}"]
    except RecursionError:
        return None, [f"{place}: nested deeper than any client"]
    problems = _Problems(place)
    warnings: list[str] = []
    clean_name = problems.valid(validate.name, doc.name or "", "name")
    status = problems.valid(validate.status, doc.status or "prospect", "status")

    phones: dict[str, tuple[str, str, str]] = {}
    for n, phone_item in enumerate(doc.phones):
        number, kind = (
            (phone_item, "")
            if isinstance(phone_item, str)
            else (phone_item.number, phone_item.kind or "")
        )
        try:
            key = validate.phone(number, region)
        except InputError as error:
            # Kept as typed rather than rejecting an address book for one number.
            kept = unverified_key(number)
            if kept is None:
                warnings.append(f"{place}: phones[{n}]: {number!r} has no digits; left out")
                continue
            key = kept
            warnings.append(f"{place}: phones[{n}]: kept as typed ({error.message})")
        phones.setdefault(key, (key, number.strip(), kind))
    emails: dict[str, tuple[str, str]] = {}
    for n, email_item in enumerate(doc.emails):
        address, kind = (
            (email_item, "")
            if isinstance(email_item, str)
            else (email_item.address, email_item.kind or "")
        )
        clean = problems.valid(validate.email, address, f"emails[{n}]")
        if clean:
            emails.setdefault(clean, (clean, kind))
    fields = {
        "name": clean_name,
        "salutation": _text(doc.salutation),
        "language": _text(doc.language),
        "company": _text(doc.company),
        "status": status,
        "tags": [t.strip() for t in doc.tags if t.strip()],
        "notes": _text(doc.notes),
        "rapport": _text(doc.rapport),
        "cadence_days": doc.cadence_days,
    }
    archived = (
        problems.valid(parse_when, doc.archived, "archived") if doc.archived is not None else None
    )
    clean = CleanClient(
        place,
        fields,
        list(phones.values()),
        list(emails.values()),
        doc.referred_by or None,
        archived,
        warnings=warnings,
    )

    for n, entry in enumerate(doc.interactions):
        at_ = f"interactions[{n}]"
        signals = [problems.valid(validate.signal, s, f"{at_}.signals") for s in entry.signals]
        at = problems.valid(parse_when, entry.at, f"{at_}.at")
        if at is not None and now is not None:
            at = problems.valid(not_in_future, at, f"{at_}.at", now)
        clean.interactions.append(
            (
                at,
                problems.valid(validate.channel, entry.channel or "", f"{at_}.channel"),
                problems.valid(validate.direction, entry.direction or "in", f"{at_}.direction"),
                entry.duration_min,
                problems.valid(validate.tone, entry.tone, f"{at_}.tone"),
                _text(entry.summary),
                list(dict.fromkeys(s for s in signals if s)),
                _capture(problems, entry, at_),
            )
        )
    for n, agreement in enumerate(doc.agreements):
        at_ = f"agreements[{n}]"
        title = (agreement.title or "").strip()
        if not title:
            problems.add(f"{at_}.title", "an agreement needs a title")
        elif title in {a["title"] for a in clean.agreements}:
            # invoices and time entries point at agreements by title
            problems.add(f"{at_}.title", f"another agreement of this client is titled {title!r}")
        clean.agreements.append(
            {
                "title": title,
                "scope": _text(agreement.scope),
                "budget_cents": None
                if agreement.budget is None
                else problems.valid(validate.cents, agreement.budget, f"{at_}.budget", "budget"),
                "currency": problems.valid(
                    validate.currency, agreement.currency, f"{at_}.currency", default_currency
                ),
                "start": _day(problems, agreement.start, f"{at_}.start"),
                "end": _day(problems, agreement.end, f"{at_}.end"),
                "status": problems.valid(
                    validate.agreement_status, agreement.status or "active", f"{at_}.status"
                ),
            }
        )
    titles = {a["title"] for a in clean.agreements}
    for n, invoice in enumerate(doc.invoices):
        at_ = f"invoices[{n}]"
        number = str(invoice.number if invoice.number is not None else "").strip()
        if not number:
            problems.add(f"{at_}.number", "an invoice needs a number")
        if invoice.agreement is not None and invoice.agreement not in titles:
            problems.add(f"{at_}.agreement", f"no agreement titled {invoice.agreement!r}")
        clean.invoices.append(
            {
                "number": number,
                "amount_cents": problems.valid(
                    validate.positive_cents, invoice.amount, f"{at_}.amount"
                ),
                "currency": problems.valid(
                    validate.currency, invoice.currency, f"{at_}.currency", default_currency
                ),
                "issued": _day(problems, invoice.issued, f"{at_}.issued"),
                "due": _day(problems, invoice.due, f"{at_}.due"),
                "paid": _day(problems, invoice.paid, f"{at_}.paid"),
                "disputed": invoice.disputed,
                "agreement": invoice.agreement,
                "payments": [
                    {
                        "amount_cents": problems.valid(
                            validate.positive_cents, part.amount, f"{at_}.payments[{k}].amount"
                        ),
                        "paid_on": _day(problems, part.on, f"{at_}.payments[{k}].on"),
                        "note": _text(part.note),
                    }
                    for k, part in enumerate(invoice.payments)
                ],
            }
        )
    for n, time_entry in enumerate(doc.time_entries):
        at_ = f"time_entries[{n}]"
        if time_entry.agreement is not None and time_entry.agreement not in titles:
            problems.add(f"{at_}.agreement", f"no agreement titled {time_entry.agreement!r}")
        clean.time_entries.append(
            {
                "started_at": problems.valid(parse_when, time_entry.start, f"{at_}.start"),
                "minutes": time_entry.minutes,
                "note": _text(time_entry.note),
                "agreement": time_entry.agreement,
            }
        )
    for n, follow_up in enumerate(doc.follow_ups):
        at_ = f"follow_ups[{n}]"
        if not follow_up.text.strip():
            problems.add(f"{at_}.text", "a follow-up needs a text")
        clean.follow_ups.append(
            {
                "due_at": problems.valid(parse_when, follow_up.due, f"{at_}.due"),
                "text": follow_up.text.strip(),
                "done_at": None
                if follow_up.done is None
                else problems.valid(parse_when, follow_up.done, f"{at_}.done"),
            }
        )
    return (None if problems.items else clean), problems.items


def _capture(problems: _Problems, item: InteractionDoc, where: str) -> dict:
    """The capture fields of a log entry, checked: a known source, known signal kinds."""
    source = item.source or "typed"
    if source not in SOURCES:
        problems.add(f"{where}.source", f"unknown source {source!r}")
    clean: dict = {"source": source, "external_key": item.external_key or None}
    for name in ("suggested_signals", "dismissed_signals"):
        kinds = [problems.valid(validate.signal, k, f"{where}.{name}") for k in getattr(item, name)]
        clean[name] = [kind for kind in dict.fromkeys(kinds) if kind]
    return clean


def _day(problems: _Problems, value: str | None, where: str) -> date | None:
    if value is None:
        return None
    return problems.valid(parse_date, value, where)
