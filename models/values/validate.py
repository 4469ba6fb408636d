"""Checking what a user typed or a file held, with messages that name the field.

Every input path (command line, dashboard forms, imports) validates through these
functions, so the same bad value gets the same clear message everywhere.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from callsheet.models.values.phones import PhoneError, to_e164
from callsheet.models.values.terms import (
    AGREEMENT_STATUSES,
    CHANNELS,
    DIRECTIONS,
    SIGNALS,
    STATUSES,
    TONES,
)


class InputError(ValueError):
    """Bad input, tied to the field (and, for imports, the place) it came from."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _choice(field: str, value: str, allowed: tuple[str, ...], what: str) -> str:
    if value is not None and not isinstance(value, str):
        raise InputError(field, f"expected a {what} as text, got {type(value).__name__}")
    cleaned = (value or "").strip().lower()
    if cleaned not in allowed:
        raise InputError(field, f"unknown {what} {value!r} (one of: {', '.join(allowed)})")
    return cleaned


def status(value: str) -> str:
    return _choice("status", value, STATUSES, "status")


def channel(value: str) -> str:
    return _choice("channel", value, CHANNELS, "channel")


def direction(value: str) -> str:
    return _choice("direction", value, DIRECTIONS, "direction")


def tone(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return _choice("tone", value, TONES, "tone")


def signal(value: str) -> str:
    return _choice("signal", value, SIGNALS, "signal")


def agreement_status(value: str) -> str:
    return _choice("status", value, AGREEMENT_STATUSES, "agreement status")


#: Longer than any real name; a 10,000-character "name" is a mistake or an attack.
MAX_NAME = 1_000


def name(value: str) -> str:
    if value is not None and not isinstance(value, str):
        raise InputError("name", f"expected a name as text, got {type(value).__name__}")
    cleaned = " ".join((value or "").split())
    if len(cleaned) > MAX_NAME:
        raise InputError("name", f"{len(cleaned):,} characters is longer than a name can be")
    if not cleaned:
        raise InputError("name", "a client needs a name")
    return cleaned


def email(value: str) -> str:
    """A syntactically valid address, lower-cased for matching (no DNS look-up)."""
    # deferred: slow to import, and only this path needs it
    from email_validator import EmailNotValidError, validate_email

    if not isinstance(value, str):
        raise InputError("email", f"expected an address as text, got {type(value).__name__}")
    if len(value) > 320:  # RFC 3696's limit for a whole address
        raise InputError("email", f"{value[:40]!r}...: longer than an address can be")
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InputError("email", f"{value!r}: {error}") from None


def phone(value: str, region: str | None) -> str:
    try:
        return to_e164(value, region)
    except PhoneError as error:
        raise InputError("phone", str(error)) from None


#: A month of minutes: longer than any call, meeting or block of work.
MAX_MINUTES = 24 * 60 * 31
#: The largest amount kept, in minor units: far above any invoice, far inside 64 bits.
MAX_CENTS = 10**15


def minutes(value, field: str = "minutes") -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, str) and len(value) > 12):
        raise InputError(field, f"{str(value)[:20]!r} is not a whole number of minutes")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(field, f"{value!r} is not a whole number of minutes") from None
    if number < 0 or number > MAX_MINUTES:
        raise InputError(field, f"{number} is out of range")
    return number


_AMOUNT = re.compile(r"^-?\d+([.,]\d{1,2})?$")


def cents(value, field: str = "amount") -> int:
    """Money typed as "1200", "1200.50", "1 200,50" or a JSON number, in minor units."""
    if isinstance(value, bool):
        raise InputError(field, f"{value!r} is not an amount")
    if isinstance(value, int):
        return _bounded(value * 100, field)
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, str | None):
        raise InputError(field, f"expected an amount, got {type(value).__name__}")
    if value and len(value) > 40:
        raise InputError(field, f"{value[:20]!r}... is not an amount")
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    if "," in text and "." in text:  # 1,200.50 or 1.200,50: the last one is decimal
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "")
    if not _AMOUNT.match(text):
        raise InputError(field, f"{value!r} is not an amount (use 1200 or 1200.50)")
    try:
        return _bounded(int((Decimal(text.replace(",", ".")) * 100).to_integral_value()), field)
    except InvalidOperation:
        raise InputError(field, f"{value!r} is not an amount") from None


def _bounded(amount_cents: int, field: str) -> int:
    if abs(amount_cents) > MAX_CENTS:
        raise InputError(field, "the amount is larger than callsheet keeps")
    return amount_cents


def positive_cents(value, field: str = "amount") -> int:
    """An amount invoiced or paid: above zero (a credit note is not an invoice)."""
    amount_cents = cents(value, field)
    if amount_cents <= 0:
        raise InputError(field, f"{value!r}: an amount must be above 0")
    return amount_cents


def currency(value: str | None, default: str) -> str:
    if value is not None and not isinstance(value, str):
        raise InputError("currency", f"expected a currency code, got {type(value).__name__}")
    cleaned = (value or default).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", cleaned):
        raise InputError("currency", f"{value!r} is not a three-letter currency code")
    return cleaned
