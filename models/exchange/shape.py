"""The shape of a callsheet/1 document, declared once as ``msgspec`` structs.

Which fields a client object has, which are text, numbers, lists or objects, how long a
text may be and how large a number: msgspec refuses an unknown field, a list where a name
goes, ``minutes: null`` or an int with 40 digits, with the path of the value, and
:func:`shape_problem` says it in the house style. What a shape cannot say (a known signal,
a readable moment, a phone number) is checked by :mod:`callsheet.models.exchange.document`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec

from callsheet.models.values import validate

#: A name, a title, a kind: longer than any real one.
Short = Annotated[str, msgspec.Meta(max_length=1_000)]
#: A summary, notes, a scope: a few pages at most.
Long = Annotated[str, msgspec.Meta(max_length=100_000)]
Minutes = Annotated[int, msgspec.Meta(ge=0, le=validate.MAX_MINUTES)]
#: Amounts as JSON numbers (or text such as "1 200,50"); validate.cents bounds them.
Amount = Annotated[int, msgspec.Meta(ge=-(10**15), le=10**15)] | float | Short


class _Strict(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Unknown fields are errors: a misspelt field must not vanish silently."""


class PhoneDoc(_Strict):
    number: Short
    kind: Short | None = None


class EmailDoc(_Strict):
    address: Short
    kind: Short | None = None


class InteractionDoc(_Strict):
    at: Short
    channel: Short | None = None
    direction: Short | None = None
    duration_min: Minutes | None = None
    tone: Short | None = None
    signals: list[Short] = []
    summary: Long | None = None
    # written only when set (see callsheet.models.exchange.export_json._capture_json)
    source: Short | None = None
    external_key: Short | None = None
    suggested_signals: list[Short] = []
    dismissed_signals: list[Short] = []


class AgreementDoc(_Strict):
    title: Short | None = None
    scope: Long | None = None
    budget: Amount | None = None
    currency: Short | None = None
    start: Short | None = None
    end: Short | None = None
    status: Short | None = None


class PaymentDoc(_Strict):
    """One part of an invoice paid: {"amount": 800, "on": "2026-11-20", "note": ""}."""

    amount: Amount
    on: Short
    note: Long | None = None


class InvoiceDoc(_Strict):
    issued: Short
    amount: Amount
    number: Short | Annotated[int, msgspec.Meta(ge=0, le=10**15)] | None = None
    currency: Short | None = None
    due: Short | None = None
    paid: Short | None = None
    disputed: bool = False
    agreement: Short | None = None
    payments: list[PaymentDoc] = []


class TimeEntryDoc(_Strict):
    start: Short
    minutes: Minutes
    note: Long | None = None
    agreement: Short | None = None


class FollowUpDoc(_Strict):
    due: Short
    text: Long
    done: Short | None = None


class ClientDoc(_Strict):
    name: Short | None = None
    salutation: Short | None = None
    language: Short | None = None
    company: Short | None = None
    status: Short | None = None
    phones: list[Short | PhoneDoc] = []
    emails: list[Short | EmailDoc] = []
    tags: list[Short] = []
    referred_by: Short | None = None
    notes: Long | None = None
    rapport: Long | None = None
    archived: Short | None = None
    #: "stay in touch every N days"
    cadence_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None
    interactions: list[InteractionDoc] = []
    agreements: list[AgreementDoc] = []
    invoices: list[InvoiceDoc] = []
    time_entries: list[TimeEntryDoc] = []
    follow_ups: list[FollowUpDoc] = []


_UNKNOWN_FIELD = re.compile(r"Object contains unknown field `(.*)`")
_EXPECTED = re.compile(r"Expected `([\w |]+)`, got `(\w+)`")
_TOO_LONG = re.compile(r"Expected `str` of length <= (\d+)")
_OUT_OF_RANGE = re.compile(r"Expected `int` (<=|>=) (-?\d+)")
_JSON_TYPES = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "array": "a list",
    "object": "an object",
}


def shape_problem(error: msgspec.ValidationError, raw: Any = None) -> str:
    """msgspec's "Expected `str`, got `array` - at `$.phones[0]`" in the house style.

    A wording this does not know (a newer msgspec) still gives our own line: the field's path
    and the kind of value found there, read from ``raw`` rather than from the message.
    """
    message, _, path = str(error).partition(" - at `$")
    path = path.rstrip("`").lstrip(".")
    known = (_UNKNOWN_FIELD, _EXPECTED, _TOO_LONG, _OUT_OF_RANGE)
    if not any(pattern.match(message) for pattern in known) and not message.startswith(
        "Object missing required field"
    ):
        found = _json_kind(_value_at(raw, path))
        return f"{path or 'client'}: not an allowed value here (got {found})"
    if unknown := _UNKNOWN_FIELD.match(message):
        return f"{path + '.' if path else ''}unknown field {unknown.group(1)!r}"
    if expected := _EXPECTED.match(message):
        wants, got = expected.groups()
        want = " or ".join(_JSON_TYPES.get(w, w) for w in wants.split(" | ") if w != "null")
        message = f"expected {want}, got {_JSON_TYPES.get(got, got)}"
    elif too_long := _TOO_LONG.match(message):
        message = f"longer than {int(too_long.group(1)):,} characters"
    elif bound := _OUT_OF_RANGE.match(message):
        limit = int(bound.group(2))
        message = f"must be at {'most' if bound.group(1) == '<=' else 'least'} {limit:,}"
    elif message.startswith("Object missing required field"):
        missing = message.split("`")[1]
        path, message = f"{path + '.' if path else ''}{missing}", "required"
    return f"{path}: {message}" if path else message


_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def _value_at(raw: Any, path: str) -> Any:
    """The value at a msgspec path such as ``phones[0].number`` in the raw document."""
    value = raw
    for name, index in _STEP.findall(path):
        try:
            value = value[int(index)] if index else value[name]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return _JSON_TYPES["bool"]
    for kind, name in (
        (str, "str"),
        (int, "int"),
        (float, "float"),
        (list, "array"),
        (dict, "object"),
    ):
        if isinstance(value, kind):
            return _JSON_TYPES[name]
    return "null" if value is None else type(value).__name__
