"""Phone calls into the log: Android "SMS Backup & Restore" call logs (.xml) and CSV call logs.

Numbers are matched to clients through the same normalisation as everywhere else
(:func:`callsheet.models.values.phones.to_e164` with the default region), so "0721 234 567", "+40721234567"
and "0040 721 234 567" are one client. Private and unknown numbers are skipped and counted.
Each call is keyed by its moment and number, so importing the same backup again adds nothing.

The XML is read with ``defusedxml``: a backup file comes from a phone app, and an XML file
can carry entity tricks that expand to gigabytes.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from callsheet.models.capture.store import Captured
from callsheet.models.values.phones import PhoneError, international_digits, to_e164
from callsheet.models.values.when import WhenError, parse_when


class CallLogError(ValueError):
    """The file cannot be read as a call log at all; ``problems`` say why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:3]))
        self.problems = problems


@dataclass
class Call:
    """One call as the phone recorded it."""

    place: str  # "call 12" or "line 7", for messages
    at: datetime
    number: str
    #: "in", "out", "missed", "rejected", "voicemail", "blocked"
    kind: str
    seconds: int
    name: str = ""


#: Android CallLog.Calls.TYPE
_ANDROID_TYPES = {
    "1": "in",
    "2": "out",
    "3": "missed",
    "4": "voicemail",
    "5": "rejected",
    "6": "blocked",
    "7": "in",  # answered on another device
}
#: how CSV exports spell a direction
_CSV_KINDS = {
    **_ANDROID_TYPES,
    "incoming": "in",
    "inbound": "in",
    "received": "in",
    "answered": "in",
    "outgoing": "out",
    "outbound": "out",
    "dialed": "out",
    "dialled": "out",
    "placed": "out",
    "missed": "missed",
    "rejected": "rejected",
    "declined": "rejected",
    "voicemail": "voicemail",
    "blocked": "blocked",
    "in": "in",
    "out": "out",
}
#: CSV headers (lower case) that name each field
_CSV_COLUMNS = {
    "date": ("date", "time", "datetime", "start", "call date", "date/time", "started"),
    "number": ("number", "phone", "phone number", "caller", "contact number", "from/to"),
    "direction": ("direction", "type", "call type"),
    "seconds": ("seconds", "duration", "duration (s)", "duration (seconds)", "length"),
}


def read_android_xml(data: bytes) -> tuple[list[Call], list[str]]:
    """The ``<call>`` records of an SMS Backup & Restore call-log file, and a line naming
    each record that could not be read."""
    # deferred: slow to import, and only this path needs it
    from xml.etree.ElementTree import ParseError

    # deferred: slow to import, and only this path needs it
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as error:
        raise CallLogError([f"not a readable XML call log ({error})"]) from None
    if root.tag != "calls":
        raise CallLogError([f"<{root.tag}> is not an SMS Backup & Restore call log (<calls>)"])
    calls, problems = [], []
    for number, element in enumerate(root.iter("call"), 1):
        place = f"call {number}"
        attributes = element.attrib
        try:
            at = datetime.fromtimestamp(int(attributes["date"]) / 1000, tz=UTC)
            seconds = int(attributes.get("duration") or 0)
        except (KeyError, ValueError, OverflowError):
            problems.append(f"{place}: date {attributes.get('date')!r} / duration unreadable")
            continue
        kind = _ANDROID_TYPES.get(attributes.get("type", ""), "")
        if not kind:
            problems.append(f"{place}: unknown call type {attributes.get('type')!r}")
            continue
        raw = attributes.get("number", "")
        if attributes.get("presentation", "1") not in ("1", ""):
            raw = ""  # restricted, unknown or payphone: the number field holds junk
        calls.append(Call(place, at, raw, kind, seconds, attributes.get("contact_name", "")))
    return calls, problems


def _csv_rows(text: str) -> tuple[list[str], list[list[str]]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return (rows[0] if rows else []), rows[1:]


def _csv_fields(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    lowered = [h.strip().lower() for h in header]
    for field_name, names in _CSV_COLUMNS.items():
        for index, name in enumerate(lowered):
            if name in names and field_name not in columns:
                columns[field_name] = index
    for column, field_name in mapping.items():
        if column.strip().lower() in lowered and field_name in _CSV_COLUMNS:
            columns[field_name] = lowered.index(column.strip().lower())
    return columns


def looks_like_call_log(text: str, mapping: dict[str, str] | None = None) -> bool:
    """A CSV whose header (with ``--map``) has a date, a number and a duration column."""
    header, _ = _csv_rows(text.split("\n", 1)[0])
    return {"date", "number", "seconds"} <= set(_csv_fields(header, mapping or {}))


def read_csv_calls(
    text: str, mapping: dict[str, str] | None = None
) -> tuple[list[Call], list[str]]:
    """Calls from a CSV with date, number, direction and seconds columns (``--map`` others),
    and a line naming each row that could not be read."""
    header, rows = _csv_rows(text)
    columns = _csv_fields(header, mapping or {})
    missing = [f for f in ("date", "number", "seconds") if f not in columns]
    if missing:
        raise CallLogError([f"line 1: no {missing[0]} column (use --map COLUMN={missing[0]})"])
    calls, problems = [], []
    for line, row in enumerate(rows, 2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row=row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        place = f"line {line}"
        raw_date = cell("date")
        try:
            if raw_date.isdigit():  # epoch seconds or milliseconds
                stamp = int(raw_date)
                at = datetime.fromtimestamp(stamp / 1000 if stamp > 10**11 else stamp, tz=UTC)
            else:
                at = parse_when(raw_date)
        except (WhenError, ValueError, OverflowError):
            problems.append(f"{place}: date {raw_date!r} unreadable")
            continue
        try:
            seconds = int(float(cell("seconds") or 0))
        except ValueError:
            problems.append(f"{place}: seconds {cell('seconds')!r} is not a number")
            continue
        kind = _CSV_KINDS.get(cell("direction").lower() or "in", "")
        if not kind:
            problems.append(f"{place}: direction {cell('direction')!r} unknown")
            continue
        calls.append(Call(place, at, cell("number"), kind, seconds))
    return calls, problems


@dataclass
class CallReport:
    entries: list[Captured] = field(default_factory=list)
    #: numbers that are no client's, with how many calls
    unknown: Counter = field(default_factory=Counter)
    private: int = 0
    blocked: int = 0


_SUMMARIES = {
    "in": "Incoming call",
    "out": "Outgoing call",
    "missed": "Missed call",
    "rejected": "Rejected call",
    "voicemail": "Voicemail",
}


def call_entries(calls: list[Call], clients_of: dict[str, list[int]], region: str | None):
    """One ``call`` entry per call per client owning the number."""
    report = CallReport()
    for call in calls:
        if call.kind == "blocked":
            report.blocked += 1
            continue
        raw = call.number.strip()
        if not raw or raw.startswith("-") or not any(ch.isdigit() for ch in raw):
            report.private += 1  # Android writes -1/-2/-3 for private, unknown, payphone
            continue
        try:
            e164 = international_digits(raw) or to_e164(raw, region)
        except PhoneError:
            report.unknown[raw] += 1
            continue
        client_ids = clients_of.get(e164)
        if not client_ids and international_digits(raw):
            try:  # international_digits does not parse; a full parse may differ
                client_ids = clients_of.get(to_e164(raw, region))
            except PhoneError:
                client_ids = None
        if not client_ids:
            report.unknown[e164] += 1
            continue
        direction = "out" if call.kind == "out" else "in"
        answered = call.kind in ("in", "out") and call.seconds > 0
        minutes = (call.seconds + 59) // 60 if answered else 0
        summary = _SUMMARIES[call.kind]
        suggested = []
        if call.kind == "out" and call.seconds == 0:
            # the client did not take the call: worth a question, not a silent signal
            summary = "Outgoing call, not answered"
            suggested = ["missed_call"]
        elif not answered and call.kind == "in":
            summary = "Incoming call, not answered"
        for client_id in client_ids:
            report.entries.append(
                Captured(
                    client_id=client_id,
                    at=call.at,
                    channel="call",
                    direction=direction,
                    summary=summary,
                    source="phone",
                    key=f"call:{int(call.at.timestamp())}:{e164}",
                    minutes=minutes,
                    suggested=list(suggested),
                )
            )
    return report
