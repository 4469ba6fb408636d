"""Bringing contacts and time in from the tools a consultant already has.

vCard files (2.1, 3.0, 4.0; many cards in one file) are read with
:mod:`callsheet.models.exchange.vcard` (why not vobject: there), CSV exports
of phones, Google and Outlook with the ``csv`` module (BOM, ``;`` or ``,``, quoted newlines).
Both become callsheet/1 client objects, each labelled with where it came from ("card 12
(line 140)", "line 7"), and go through :func:`callsheet.models.exchange.merge.import_document`: one
validation, one transaction, the same merging by phone and e-mail, the same ``--dry-run``
and ``--skip-bad``. Time entries from watson and timewarrior are :mod:`callsheet.models.exchange.time_trackers`.

Files are decoded as UTF-8 when they are, else in the encoding ``charset-normalizer``
detects (Outlook writes cp1252, old phones Latin-1 or UTF-16). Every card and row ends up
added, merged (and reported with whom) or named in the report: a card whose ``END:VCARD``
is missing is read up to the next ``BEGIN:VCARD`` and reported, never dropped. A vCard
file is a phone's address book: a bad card is left out and named among the warnings while
the others come in, unless ``strict`` (then the file is refused whole, as a CSV is).

"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from callsheet.models.exchange.document import FORMAT, FormatError
from callsheet.models.exchange.merge import ImportReport, import_document
from callsheet.models.exchange.time_trackers import import_time
from callsheet.models.exchange.vcard import Card, Prop, read_cards
from callsheet.models.values import validate
from callsheet.models.values.validate import InputError

# --- vCard -----------------------------------------------------------------------------------

_TEL_KINDS = {
    "cell": "mobile",
    "mobile": "mobile",
    "iphone": "mobile",
    "work": "work",
    "home": "home",
    "fax": "fax",
    "workfax": "fax",
    "homefax": "fax",
    "voice": "",
}
_EMAIL_KINDS = {"work": "work", "home": "home"}

#: most addresses; the others go through the full check before the card is kept
_LOOKS_LIKE_AN_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.ASCII)

#: the tag a card imported without a name gets, so the user can find and name it
NEEDS_NAME = "needs-name"


#: a fax number at work is a fax, a work mobile a mobile
_KIND_ORDER = ("fax", "mobile", "work", "home")


def _kind(card: Card, prop: Prop, kinds: dict[str, str]) -> str:
    """The kind of a phone or e-mail: its TYPE, else its group's label (iPhone, Gmail) as
    the user wrote it ("Assistant", "Studio") when it is not one callsheet knows."""
    label = card.label(prop)
    found = {kinds[word] for word in [*prop.types, label.lower()] if kinds.get(word)}
    return next((kind for kind in _KIND_ORDER if kind in found), label[:40])


def card_to_client(card: Card) -> tuple[dict, list[str]]:
    """A card read by :mod:`callsheet.models.exchange.vcard` as a callsheet/1 client object,
    and notes about it for the report (a card without a name)."""
    notes_for_report: list[str] = []
    fn = card.first("FN")
    name = " ".join(fn.text().split()) if fn else ""
    if not name and (n := card.first("N")):
        family, given, additional, prefix, suffix = (n.parts() + [""] * 5)[:5]
        name = " ".join(p for p in (prefix, given, additional, family, suffix) if p)
        name = " ".join(name.replace(",", " ").split())
    client: dict = {}
    if org := card.first("ORG"):
        company = ", ".join(part for part in org.parts() if part)
        if company:
            client["company"] = company
    phones: list = []
    for prop in card.all("TEL"):
        number = prop.text()
        if number.lower().startswith("tel:"):
            # RFC 3966: the number, then ;ext=, ;phone-context= and other parameters
            number = number[4:].split(";")[0]
        if not number:
            continue
        kind = _kind(card, prop, _TEL_KINDS)
        phones.append({"number": number, "kind": kind} if kind else number)
    emails: list = []
    for prop in card.all("EMAIL"):
        address = prop.text()
        if address.lower().startswith("mailto:"):
            address = address[7:]
        if not address:
            continue
        try:
            if not _LOOKS_LIKE_AN_ADDRESS.fullmatch(address):  # the full check is slow
                validate.email(address)
        except InputError:
            notes_for_report.append(
                f"{card.place}: line {prop.line}: e-mail {address!r} is not an address; "
                "left out (correct it in the address book and import the file again)"
            )
            continue
        kind = _kind(card, prop, _EMAIL_KINDS)
        emails.append({"address": address, "kind": kind} if kind else address)
    notes = [p.text() for p in card.all("NOTE") if p.text()]
    tags = [c for p in card.all("CATEGORIES") for c in p.parts(",") if c]
    if not name:
        for what, value in (
            ("organisation", client.get("company")),
            ("e-mail", _plain(emails[0]) if emails else ""),
            ("phone", _plain(phones[0]) if phones else ""),
        ):
            if value:
                name = value
                notes_for_report.append(
                    f"{card.place}: no name; imported as {value!r} (its {what}) and tagged "
                    f"{NEEDS_NAME}: give it a name"
                )
                tags.append(NEEDS_NAME)
                # the note shows on the client and `callsheet search needs-name` finds it
                notes.append(f"{NEEDS_NAME}: the card had no name; imported under its {what}")
                break
    client = {"name": name, **client}
    if phones:
        client["phones"] = phones
    if emails:
        client["emails"] = emails
    if notes:
        client["notes"] = "\n".join(notes)
    if tags:
        client["tags"] = list(dict.fromkeys(tags))
    language = [p.text() for p in card.all("LANG") if p.text()]
    if language:
        client["language"] = language[0].split("-")[0].lower()
    return client, notes_for_report


def _plain(item: dict | str) -> str:
    return item if isinstance(item, str) else next(iter(item.values()))


def read_vcards(
    text: str, warnings: list[str] | None = None
) -> tuple[list[dict], list[str], list[str]]:
    """(clients, their places, problems naming the cards that could not be read).

    A card without its END line, a card without a name and the pictures left out are
    added to ``warnings``.
    """
    warnings = [] if warnings is None else warnings
    cards, problems = read_cards(text)
    clients, places = [], []
    pictures = 0
    for card in cards:
        client, notes = card_to_client(card)
        if not client["name"]:
            problems.append(
                f"{card.place}: no name, organisation, e-mail or phone; "
                "add an FN: line or delete the card"
            )
            continue
        if not card.ended:
            warnings.append(f"{card.place}: no END:VCARD before the next card; read up to there")
        warnings.extend(notes)
        pictures += bool(card.binary)
        clients.append(client)
        places.append(card.place)
    if pictures:
        warnings.append(
            f"{pictures} card{'s' if pictures > 1 else ''} had a photo, logo, key or sound "
            "left out: callsheet keeps no pictures or files of a contact"
        )
    if not clients and not problems:
        problems.append("no BEGIN:VCARD found: this is not a vCard file")
    return clients, places, sorted(problems, key=_place_order)


# --- CSV ---------------------------------------------------------------------------------------

#: header (lower-cased) -> callsheet field; "phone" and "email" collect several columns
CSV_COLUMNS = {
    "name": "name",
    "full name": "name",
    "display name": "name",
    "contact": "name",
    "client": "name",
    "first name": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "family name": "last_name",
    "surname": "last_name",
    "company": "company",
    "organization": "company",
    "organisation": "company",
    "organization 1 - name": "company",
    "company name": "company",
    "phone": "phone",
    "telephone": "phone",
    "mobile": "phone",
    "mobile phone": "phone",
    "business phone": "phone",
    "home phone": "phone",
    "primary phone": "phone",
    "phone 1 - value": "phone",
    "phone 2 - value": "phone",
    "phone 3 - value": "phone",
    "other phone": "phone",
    "cell": "phone",
    "email": "email",
    "e-mail": "email",
    "e-mail address": "email",
    "email address": "email",
    "e-mail 1 - value": "email",
    "e-mail 2 - value": "email",
    "e-mail 2 address": "email",
    "e-mail 3 address": "email",
    "notes": "notes",
    "note": "notes",
    "salutation": "salutation",
    "greeting": "salutation",
    "title": "salutation",
    "language": "language",
    "status": "status",
    "tags": "tags",
    "labels": "tags",
    "categories": "tags",
    "referred by": "referred_by",
    "referred_by": "referred_by",
    # callsheet's own CSV export
    "phones": "phone",
    "emails": "email",
    "rapport": "rapport",
}
CSV_FIELDS = {
    "name",
    "first_name",
    "last_name",
    "company",
    "phone",
    "email",
    "notes",
    "salutation",
    "language",
    "status",
    "tags",
    "referred_by",
    "rapport",
    "ignore",
}


def read_csv(
    text: str, mapping: dict[str, str] | None = None
) -> tuple[list[dict], list[str], list[str]]:
    """(clients, their places, problems) from a CSV with a header row."""
    text = text.lstrip("\ufeff")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        return [], [], ["the file is empty"]
    except csv.Error as error:
        raise FormatError([f"line 1: cannot read the header: {error}"]) from None
    mapping = {k.strip().lower(): v for k, v in (mapping or {}).items()}
    for column, field in mapping.items():
        if field not in CSV_FIELDS:
            raise FormatError(
                [f"--map {column}={field}: unknown field (one of: {', '.join(sorted(CSV_FIELDS))})"]
            )
    columns = []
    for title in header:
        key = title.strip().lower()
        columns.append(mapping.get(key) or CSV_COLUMNS.get(key))
    if not any(c in ("name", "first_name", "last_name") for c in columns):
        raise FormatError(
            [
                f"line 1: no name column among {', '.join(h.strip() for h in header)} "
                "(map one with --map COLUMN=name)"
            ]
        )
    clients: list[dict] = []
    places: list[str] = []
    problems: list[str] = []
    last_line = 1
    for row in _rows(reader, problems):
        place = f"line {last_line + 1}"
        last_line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"{place}: {len(row)} cells but the header has {len(header)}")
            continue
        values: dict[str, list[str]] = {}
        for target, cell in zip(columns, row, strict=False):
            if target and target != "ignore" and cell.strip():
                values.setdefault(target, []).append(cell.strip())
        name = " ".join(values.get("name", [])) or " ".join(
            values.get("first_name", []) + values.get("last_name", [])
        )
        client: dict = {"name": name}
        for field in (
            "company",
            "notes",
            "salutation",
            "language",
            "status",
            "referred_by",
            "rapport",
        ):
            if field in values:
                client[field] = (
                    " ".join(values[field]) if field != "notes" else "\n".join(values[field])
                )
        if "status" in client:
            client["status"] = client["status"].lower()
        phones = [
            p
            for cell in values.get("phone", [])
            for p in cell.replace(" ::: ", ";").split(";")
            if p.strip()
        ]
        emails = [
            e
            for cell in values.get("email", [])
            for e in cell.replace(" ::: ", ";").split(";")
            if e.strip()
        ]
        if phones:
            client["phones"] = [p.strip() for p in phones]
        if emails:
            client["emails"] = [e.strip() for e in emails]
        if "tags" in values:
            client["tags"] = [
                t.strip()
                for cell in values["tags"]
                for t in cell.replace(";", ",").split(",")
                if t.strip()
            ]
        clients.append(client)
        places.append(place)
    return clients, places, problems


def _rows(reader, problems: list[str]):
    """The reader's rows; a row the csv module cannot read (a field over its size limit)
    is named and the reading goes on, so one bad row never hides the rest."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(f"line {reader.line_num}: {error}")


# --- the entry point the command line uses --------------------------------------------------------


def import_file(
    path: Path,
    kind: str,
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
    strict: bool = False,
    region: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> ImportReport:
    text = decode(path.read_bytes())
    if kind in ("watson", "timewarrior"):
        return import_time(text, kind, mapping or {}, dry_run=dry_run, skip_bad=skip_bad)
    warnings: list[str] = []
    if kind == "vcf":
        clients, places, problems = read_vcards(text, warnings)
    elif kind == "csv":
        clients, places, problems = read_csv(text, mapping)
    else:
        raise FormatError([f"{kind}: not a format import_file reads"])
    # A phone's address book: one bad card never sinks the others unless --strict; the
    # cards left out are listed as warnings, and importing the file again once they are
    # fixed adds only them (the others merge with themselves).
    lenient = kind == "vcf" and not strict and not skip_bad
    skip_bad = skip_bad or lenient
    document = {"format": FORMAT, "clients": clients}
    run = partial(import_document, document, region=region, now=now, places=places)
    if problems and not skip_bad:
        # name every bad record, not only the ones the framing caught
        checked = run(dry_run=True, skip_bad=True)
        raise FormatError(sorted(problems + checked.skipped, key=_place_order))
    try:
        report = run(dry_run=dry_run, skip_bad=skip_bad, progress=progress)
    except FormatError as error:
        raise FormatError(problems + error.problems) from None
    report.skipped = sorted(problems + report.skipped, key=_place_order)
    report.warnings = warnings + report.warnings
    if lenient:
        report.warnings = [f"not imported: {p}" for p in report.skipped] + report.warnings
        report.skipped = []
    return report


def decode(data: bytes) -> str:
    """The text of an imported file: UTF-8 (with or without BOM), else the detected encoding."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # deferred: slow to import, and only this path needs it
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise FormatError(
                ["cannot tell the file's character encoding; save it as UTF-8"]
            ) from None
        text = str(best)
    # Universal newlines, as reading in text mode would give (the CSV sniffer needs them).
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _place_order(problem: str) -> tuple[int, str]:
    words = problem.split()
    return (int(words[1]) if len(words) > 1 and words[1].isdigit() else 0, problem)
