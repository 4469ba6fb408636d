"""Phone numbers: typed any way, stored as E.164, matched exactly.

The ``phonenumbers`` library (Google's libphonenumber) does the parsing; a national number
("0721 234 567") needs the default region from the configuration.
"""

from __future__ import annotations

import contextlib
import re


class PhoneError(ValueError):
    """A phone number that cannot be understood."""


_INTERNATIONAL = re.compile(r"^\s*(\+|00)[\d\s().\-/]{6,}$")


def international_digits(raw: str) -> str | None:
    """ "+40 721-234 567" or "0040721234567" as "+40721234567", without parsing; else None.

    A caller display usually shows the international form, and for that form E.164 is
    just "+" and the digits: `callsheet who` tries this first and spares itself loading
    the numbering plans, falling back to full parsing when nobody has that number.
    """
    if not _INTERNATIONAL.match(raw or ""):
        return None
    digits = re.sub(r"\D", "", raw)
    if raw.strip().startswith("00"):
        digits = digits[2:]
    return "+" + digits if 8 <= len(digits) <= 15 else None


#: The prefixes people dial before a country code: "+", "00" (most of the world) and "011"
#: (North America). "011" is read as one first where it is one (no region known, or a region
#: that dials it), elsewhere only when the number reads as nothing else: in Britain "0114"
#: is Sheffield.
_DIALLED_ABROAD = re.compile(r"^\s*(\+|00|011)\s*[-.(]?\s*(?=\d)")


def _dials_011(region: str | None) -> bool:
    if region is None:
        return True
    # deferred: slow to import, and only this path needs it
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper())
    return bool(metadata and metadata.international_prefix == "011")


def lookup_keys(raw: str, region: str | None) -> tuple[list[str], PhoneError | None]:
    """The keys a number typed to look someone up may be stored under, most likely first.

    "+40 721 234 567", "0040-721-234-567" and "011 40 721 234 567" all read as
    "+40721234567" whatever the region; a national number reads in ``region``; a number
    that reads as none of these may still be one an import kept as typed ("1850 (?)").
    Returns the keys and, when the number could not be normalised, why (for the message).
    """
    keys: list[str] = []
    error: PhoneError | None = None
    prefix = _DIALLED_ABROAD.match(raw or "")
    abroad = None
    if prefix:
        with contextlib.suppress(PhoneError):
            abroad = to_e164("+" + raw[prefix.end() :], None)
    if abroad and (prefix and prefix.group(1) != "011" or _dials_011(region)):
        keys.append(abroad)
    try:
        keys.append(to_e164(raw, region))
    except PhoneError as refused:
        if abroad and abroad not in keys:  # "011 40 ..." read nowhere else: dialled abroad
            keys.append(abroad)
        error = None if keys else refused
    kept = unverified_key(raw)
    if kept:
        keys.append(kept)
    if keys and not is_unverified(keys[0]):
        # a national number kept as typed before any region was known ("0721 234 567 (?)")
        keys += [UNVERIFIED + "0" + _national(keys[0]), UNVERIFIED + _national(keys[0])]
    return list(dict.fromkeys(keys)), error


def _national(e164: str) -> str:
    # deferred: slow to import, and only this path needs it
    import phonenumbers

    return phonenumbers.national_significant_number(phonenumbers.parse(e164, None))


def to_e164(raw: str, region: str | None) -> str:
    """Normalise ``raw`` to E.164 ("+40721234567"), or raise :class:`PhoneError`."""
    # deferred: slow to import, and only this path needs it
    import phonenumbers

    if raw is not None and not isinstance(raw, str):
        raise PhoneError(f"expected a phone number as text, got {type(raw).__name__}")
    text = (raw or "").strip()
    if len(text) > 64:
        raise PhoneError(f"phone {text[:20]!r}...: longer than a phone number can be")
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


#: The hint of a phone field where numbers are Romanian (the house's own example).
_HINTS = {"RO": "e.g. 0721 234 567, +40 744 555 010"}


def example_hint(region: str | None) -> str:
    """A phone field's hint that reads in ``region``: a national example there, and with no
    country known only the international form (a national number would be refused)."""
    if not region:
        return "e.g. +40 721 234 567 (with the country code: no country is set)"
    if region.upper() in _HINTS:
        return _HINTS[region.upper()]
    # deferred: slow to import, and only this path needs it
    import phonenumbers

    number = phonenumbers.example_number_for_type(
        region.upper(), phonenumbers.PhoneNumberType.MOBILE
    )
    if number is None:
        return "e.g. +40 721 234 567"
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"e.g. {national}, {international}"


def pretty(e164: str) -> str:
    """Show an E.164 number the international way: "+40 721 234 567"."""
    # deferred: slow to import, and only this path needs it
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def why_invalid(e164: str) -> str | None:
    """Why a possible-looking number cannot be dialled ("not a valid number in Romania"), or None.

    ``to_e164`` accepts any number of a possible length so that imports keep what people
    typed; a caller lookup offering to save a number should be stricter.
    """
    # deferred: slow to import, and only this path needs it
    import phonenumbers
    from phonenumbers import ValidationResult, geocoder

    number = phonenumbers.parse(e164, None)
    if phonenumbers.is_valid_number(number):
        return None
    country = geocoder.country_name_for_number(number, "en") or (
        f"+{number.country_code}" if number.country_code else "any country"
    )
    reason = {
        ValidationResult.TOO_SHORT: "too short",
        ValidationResult.TOO_LONG: "too long",
        ValidationResult.INVALID_LENGTH: "the wrong length",
        ValidationResult.INVALID_COUNTRY_CODE: "not a country's code",
    }.get(phonenumbers.is_possible_number_with_reason(number), "not a valid number")
    return f"{reason} in {country}"


#: Marks a number kept as typed because it could not be normalised (a short local number,
#: a service code, an extension). E.164 always starts with "+", so such a key never matches
#: a caller's number by accident, yet the same typed number read again matches itself.
UNVERIFIED = "?"


def unverified_key(raw: str) -> str | None:
    """The key a number that cannot be normalised is stored under, or None without digits."""
    digits = re.sub(r"\D", "", raw or "")
    return UNVERIFIED + digits[:32] if digits else None


def is_unverified(key: str) -> bool:
    return key.startswith(UNVERIFIED)


def for_display(key: str, raw: str) -> str:
    """A stored number to show: the international form, or as typed with a warning mark
    ("1850 (?)") when an import kept it without being able to normalise it."""
    return f"{raw} (?)" if is_unverified(key) else pretty(key)
