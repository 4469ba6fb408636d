"""Phone numbers: typed any way, stored as E.164, matched exactly.

The ``phonenumbers`` library (Google's libphonenumber) does the parsing; a national number
("0721 234 567") needs the default region from the configuration.
"""

from __future__ import annotations

import phonenumbers


class PhoneError(ValueError):
    """A phone number that cannot be understood."""


def to_e164(raw: str, region: str | None) -> str:
    """Normalise ``raw`` to E.164 ("+40721234567"), or raise :class:`PhoneError`."""
    text = (raw or "").strip()
    if not text:
        raise PhoneError("empty phone number")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            hint = " (a national number needs default_region in config.toml or CALLSHEET_REGION)"
            if region:
                hint = ""
            raise PhoneError(f"phone {raw!r}: no country code{hint}") from error
        raise PhoneError(f"phone {raw!r}: {error._msg}") from error
    if not phonenumbers.is_possible_number(number):
        raise PhoneError(f"phone {raw!r} is not a possible number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def pretty(e164: str) -> str:
    """Show an E.164 number the international way: "+40 721 234 567"."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
