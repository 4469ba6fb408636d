"""Bringing contacts and time in from the tools a consultant already has.

vCard files (2.1, 3.0, 4.0; many cards in one file) are read with ``vobject``, CSV exports
of phones, Google and Outlook with the ``csv`` module (BOM, ``;`` or ``,``, quoted newlines).
Both become callsheet/1 client objects, each labelled with where it came from ("card 12
(line 140)", "line 7"), and go through :func:`callsheet.models.exchange.merge.import_document`: one
validation, one transaction, the same merging by phone and e-mail, the same ``--dry-run``
and ``--skip-bad``. Time entries from watson and timewarrior are :mod:`callsheet.models.exchange.time_trackers`.

Files are decoded as UTF-8 when they are, else in the encoding ``charset-normalizer``
detects (Outlook writes cp1252, old phones Latin-1 or UTF-16). Every card and row ends up
added, merged (and reported with whom) or named in the report: a card whose ``END:VCARD``
is missing is read up to the next ``BEGIN:VCARD`` and reported, never dropped.

"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from callsheet.models.exchange.document import FORMAT, FormatError
from callsheet.models.exchange.merge import ImportReport, import_document
from callsheet.models.exchange.time_trackers import import_time
from callsheet.models.values.text import short_reason

# --- vCard -----------------------------------------------------------------------------------

_TEL_KINDS = {
    "cell": "mobile",
    "mobile": "mobile",
    "work": "work",
    "home": "home",
    "fax": "fax",
    "voice": "",
}


def _cards(text: str) -> list[tuple[int, str, bool]]:
    """Split a file into its cards: (first line number, card text, had its END line).

    Framing only; vobject parses. A card cut short (no ``END:VCARD`` before the next
    ``BEGIN:VCARD`` or the end of the file) is closed here so it is still read.
    """
    cards: list[tuple[int, str, bool]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip().upper()
        if stripped.startswith("BEGIN:VCARD"):
            if current:
                cards.append((start, "\r\n".join(current + ["END:VCARD"]) + "\r\n", False))
            current, start = [line], number
        elif current:
            current.append(line)
            if stripped.startswith("END:VCARD"):
                cards.append((start, "\r\n".join(current) + "\r\n", True))
                current = []
    if current:
        cards.append((start, "\r\n".join(current + ["END:VCARD"]) + "\r\n", False))
    return cards


def _param_types(prop) -> list[str]:
    types = []
    for key, values in prop.params.items():
        if key.upper() == "TYPE":
            types += [v.lower() for value in values for v in value.split(",")]
        elif not values:  # vCard 2.1: TEL;CELL:...
            types.append(key.lower())
    return types


def card_to_client(card) -> dict:
    """A parsed vobject vCard as a callsheet/1 client object."""
    name = ""
    if hasattr(card, "fn"):
        name = str(card.fn.value).strip()
    if not name and hasattr(card, "n"):
        n = card.n.value
        name = " ".join(
            part for part in (n.prefix, n.given, n.additional, n.family, n.suffix) if part
        ).strip()
    client: dict = {"name": name}
    if hasattr(card, "org"):
        org = card.org.value
        client["company"] = " ".join(org if isinstance(org, list) else [org]).strip()
    phones = []
    for prop in card.contents.get("tel", []):
        number = str(prop.value).strip()
        if number.lower().startswith("tel:"):
            # RFC 3966: the number, then ;ext=, ;phone-context= and other parameters
            number = number[4:].split(";")[0]
        kinds = [_TEL_KINDS[t] for t in _param_types(prop) if t in _TEL_KINDS and _TEL_KINDS[t]]
        phones.append({"number": number, "kind": kinds[0]} if kinds else number)
    emails = []
    for prop in card.contents.get("email", []):
        kinds = [t for t in _param_types(prop) if t in ("work", "home")]
        address = str(prop.value).strip()
        emails.append({"address": address, "kind": kinds[0]} if kinds else address)
    if phones:
        client["phones"] = phones
    if emails:
        client["emails"] = emails
    notes = [str(p.value).strip() for p in card.contents.get("note", []) if str(p.value).strip()]
    if notes:
        client["notes"] = "\n".join(notes)
    categories = []
    for prop in card.contents.get("categories", []):
        value = prop.value
        categories += [
            c.strip()
            for c in (value if isinstance(value, list) else str(value).split(","))
            if c.strip()
        ]
    if categories:
        client["tags"] = categories
    language = [str(p.value).strip() for p in card.contents.get("lang", [])]
    if language:
        client["language"] = language[0].split("-")[0].lower()
    return client


def read_vcards(
    text: str, warnings: list[str] | None = None
) -> tuple[list[dict], list[str], list[str]]:
    """(clients, their places, problems with cards vobject could not read).

    A card without its END line is read anyway and a line added to ``warnings``.
    """
    # deferred: slow to import, and only this path needs it
    import vobject

    clients, places, problems = [], [], []
    for index, (line, card_text, ended) in enumerate(_cards(text), 1):
        place = f"card {index} (line {line})"
        try:
            card = vobject.readOne(card_text, allowQP=True)
            client = card_to_client(card)
        except Exception as error:  # vobject raises several kinds for malformed cards
            problems.append(f"{place}: cannot read the card: {short_reason(error)}")
            continue
        if not ended and warnings is not None:
            warnings.append(f"{place}: no END:VCARD before the next card; read up to there")
        clients.append(client)
        places.append(place)
    if not clients and not problems:
        problems.append("no BEGIN:VCARD found: this is not a vCard file")
    return clients, places, problems


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
    report.skipped = problems + report.skipped
    report.warnings = warnings + report.warnings
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
