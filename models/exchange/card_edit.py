"""A contact card's fields as callsheet owns them, read from a card and written into it in place.

callsheet owns six fields of a card: the name (``FN``, and ``N`` when the name changes),
phones (``TEL``), e-mails (``EMAIL``), organisation (``ORG``), language (``LANG``) and the
note (``NOTE``). :func:`owned_fields` reads them as the importer does
(:func:`callsheet.models.exchange.importers.card_to_client`, then the import's own checks), so
a card and the client it became compare equal. :func:`edit_card` changes only the lines of
the fields that changed: every other line of the file (the ``VERSION`` line, photos,
``X-`` properties, groups, properties callsheet does not know, their folding and line
endings) is kept byte for byte, and so is every phone or e-mail line that stays.

A field is compared in a normal form (:func:`normal`): a name without extra spaces, a
language by its primary tag, phones and e-mails as a set of (key, kind), kinds as the
importer names them; :func:`field_hashes` keeps a hash of each, the base of the sync's
three-way merge.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from callsheet.models.exchange.document import FORMAT, check_document
from callsheet.models.exchange.importers import (
    _EMAIL_KINDS,
    _TEL_KINDS,
    _kind,
    card_to_client,
)
from callsheet.models.exchange.vcard import Card, Prop, read_cards
from callsheet.models.values import validate
from callsheet.models.values.phones import is_unverified, unverified_key
from callsheet.models.values.validate import InputError

__all__ = [
    "FIELDS",
    "Owned",
    "edit_card",
    "field_hashes",
    "for_reading",
    "new_card",
    "normal",
    "owned_fields",
]

#: The fields callsheet owns, in the order a report names them.
FIELDS = ("name", "phones", "emails", "company", "language", "notes")


@dataclass
class Owned:
    """The owned fields of one side: phones as (key, as typed, kind), e-mails (address, kind)."""

    name: str
    phones: list[tuple[str, str, str]]
    emails: list[tuple[str, str]]
    company: str = ""
    language: str = ""
    notes: str = ""

    def get(self, field: str):
        return getattr(self, field)


def _canon_kind(kind: str, kinds: dict[str, str]) -> str:
    return kinds.get(kind.lower(), kind) if kind.lower() != "voice" else ""


def normal(field: str, value) -> object:
    """``value`` of ``field`` in the form two sides are compared in."""
    if field == "name":
        return " ".join(value.split())
    if field == "language":
        return value.strip().split("-")[0].lower()
    if field == "notes":
        return value.replace("\r\n", "\n").strip()
    if field == "company":
        return value.strip()
    if field == "phones":
        return sorted({(key, _canon_kind(kind, _TEL_KINDS)) for key, _raw, kind in value})
    if field == "emails":
        return sorted(
            {(address.lower(), _canon_kind(kind, _EMAIL_KINDS)) for address, kind in value}
        )
    raise KeyError(field)


def same(field: str, one, other) -> bool:
    return normal(field, one) == normal(field, other)


def field_hashes(owned: Owned, salt: str) -> dict[str, str]:
    """A hash of each field's normal form (salted with the card's UID): the merge's base."""
    return {
        field: hashlib.sha256(
            json.dumps([salt, field, normal(field, owned.get(field))]).encode("utf-8")
        ).hexdigest()[:32]
        for field in FIELDS
    }


def hash_of(field: str, value, salt: str) -> str:
    return hashlib.sha256(
        json.dumps([salt, field, normal(field, value)]).encode("utf-8")
    ).hexdigest()[:32]


def owned_fields(card: Card, region: str | None) -> tuple[Owned | None, dict, list[str]]:
    """(the owned fields, the client object an import would make, problems) of one card.

    The fields are None when the import would refuse the card (no name, organisation,
    e-mail or phone, or a field it cannot take); the problems say why, in the import's words.
    """
    client, _notes = card_to_client(card)
    if not client["name"]:
        return None, client, ["no name, organisation, e-mail or phone; add an FN: line"]
    cleaned, problems = check_document(
        {"format": FORMAT, "clients": [client]}, region=region, places=[""]
    )
    if not cleaned:
        return None, client, [p.split(": ", 1)[-1] if p.startswith(" ") else p for p in problems]
    clean = cleaned[0]
    # a card without a name carries the import's "needs-name" note: the client has it too
    notes = clean.fields["notes"] or ""
    owned = Owned(
        name=clean.fields["name"],
        phones=list(clean.phones),
        emails=list(clean.emails),
        company=clean.fields["company"],
        language=clean.fields["language"],
        notes=notes,
    )
    return owned, client, []


def for_reading(text: str) -> str:
    """``text`` with its line endings as the reader takes them, one line for each line of
    ``text.split("\\n")`` (an iPhone's CR CR LF stays one line), so a property's line
    number points into the file as it is."""
    return "\n".join(line.rstrip("\r") for line in text.split("\n"))


# --- writing ------------------------------------------------------------------------------------


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _fold(line: str) -> list[str]:
    """RFC 6350 folding: lines of at most 75 octets, continued after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return [line]
    out: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(char)
        size += width
    out.append("".join(current))
    return out


_TEL_TYPES = {"mobile": "CELL", "work": "WORK", "home": "HOME", "fax": "FAX"}
_EMAIL_TYPES = {"work": "WORK", "home": "HOME"}


def _head(name: str, group: str = "", params: str = "") -> str:
    return f"{group + '.' if group else ''}{name}{params}"


def _point_lines(
    name: str, value: str, kind: str, types: dict[str, str], groups: set[str]
) -> list[str]:
    """The line(s) of one phone or e-mail: a TYPE for a kind vCard names, else an
    Apple/Google-style group with its ``X-ABLabel`` (so a label such as "Assistant" reads
    back as it was)."""
    if not kind or kind.lower() in ("voice",):
        return [f"{name}:{value}"]
    if kind in types:
        return [f"{name};TYPE={types[kind]}:{value}"]
    number = 1
    while f"item{number}" in groups:
        number += 1
    group = f"item{number}"
    groups.add(group)
    return [f"{group}.{name}:{value}", f"{group}.X-ABLabel:{_escape(kind)}"]


def _phone_value(key: str, raw: str) -> str:
    return raw if is_unverified(key) else key


def _name_parts(name: str) -> str:
    parts = name.rsplit(" ", 1)
    family, given = (parts[1], parts[0]) if len(parts) > 1 else (parts[0], "")
    return f"{_escape(family)};{_escape(given)};;;"


@dataclass
class _Extent:
    prop: Prop
    start: int  # index of its first physical line
    end: int  # one past its last


def _extents(lines: list[str], card: Card) -> list[_Extent]:
    found = []
    for prop in card.props:
        start = prop.line - 1
        end = start + 1
        quoted = "quoted-printable" in prop.params.get("ENCODING", [])
        while end < len(lines) and (
            lines[end][:1] in (" ", "\t")
            or (quoted and lines[end - 1].rstrip("\r").endswith("="))
            or (not lines[end].rstrip("\r") and _continues(lines, end))
        ):
            end += 1
        found.append(_Extent(prop, start, end))
    return found


def _continues(lines: list[str], index: int) -> bool:
    while index < len(lines) and not lines[index].rstrip("\r"):
        index += 1
    return index < len(lines) and lines[index][:1] in (" ", "\t")


def _kept_params(prop: Prop, line: str) -> str:
    """The parameters of ``prop``'s line as written, without an encoding or charset (the
    new value is plain UTF-8 text)."""
    head = line.split(":", 1)[0]
    parts = head.split(";")[1:] if '"' not in head else []
    kept = [
        part
        for part in parts
        if part.split("=", 1)[0].strip().upper() not in ("ENCODING", "CHARSET")
        and part.strip().upper() not in ("QUOTED-PRINTABLE", "BASE64")
    ]
    return "".join(f";{part}" for part in kept)


def _point_key(card: Card, prop: Prop, region: str | None) -> tuple[str, str] | None:
    """(key, kind) of a TEL or EMAIL line as the import reads it; None when it reads none."""
    if prop.name == "TEL":
        number = prop.text()
        if number.lower().startswith("tel:"):
            number = number[4:].split(";")[0]
        try:
            key = validate.phone(number, region)
        except InputError:
            kept = unverified_key(number)
            if kept is None:
                return None
            key = kept
        return key, _canon_kind(_kind(card, prop, _TEL_KINDS), _TEL_KINDS)
    address = prop.text()
    if address.lower().startswith("mailto:"):
        address = address[7:]
    try:
        clean = validate.email(address)
    except InputError:
        return None
    return clean, _canon_kind(_kind(card, prop, _EMAIL_KINDS), _EMAIL_KINDS)


def edit_card(
    text: str, card: Card, now: Owned, wanted: Owned, changed: set[str], region: str | None
) -> str:
    """``text`` (one card, ``card`` as read from it) with the ``changed`` fields set to
    ``wanted``'s; every other line kept as it is. ``now`` is what the card holds."""
    lines = text.split("\n")
    newline = "\r\n" if lines and lines[0].endswith("\r") else "\n"
    extents = _extents(lines, card)
    groups = {prop.group for prop in card.props if prop.group}
    replace: dict[int, tuple[int, list[str]]] = {}
    insert: dict[int, list[str]] = {}
    end_line = next(
        (
            index
            for index in range(len(lines) - 1, -1, -1)
            if lines[index].strip().upper().startswith("END:VCARD")
        ),
        len(lines),
    )

    def of(name: str) -> list[_Extent]:
        return [extent for extent in extents if extent.prop.name == name]

    def drop(extent: _Extent) -> None:
        replace[extent.start] = (extent.end, [])

    def put_after(name: str, new: list[str], *fallbacks: str) -> None:
        for anchor_name in (name, *fallbacks):
            found = of(anchor_name)
            if found:
                last = found[-1]
                # after the whole group of the last one (iPhone's item1.TEL, item1.X-ABLabel)
                end = max(
                    [last.end]
                    + [
                        e.end
                        for e in extents
                        if last.prop.group and e.prop.group == last.prop.group
                    ]
                )
                insert.setdefault(end, []).extend(new)
                return
        insert.setdefault(end_line, []).extend(new)

    def set_single(name: str, value: str, *fallbacks: str) -> None:
        found = of(name)
        if not value:
            for extent in found:
                drop(extent)
            return
        if found:
            first = found[0]
            params = _kept_params(first.prop, lines[first.start])
            replace[first.start] = (
                first.end,
                [_head(name, first.prop.group, params) + ":" + value],
            )
            for extent in found[1:]:
                drop(extent)
        else:
            put_after(name, [f"{name}:{value}"], *fallbacks)

    if "name" in changed:
        if of("FN"):
            set_single("FN", _escape(wanted.name))
        if of("N"):
            set_single("N", _name_parts(wanted.name))
        missing = [] if of("FN") else [f"FN:{_escape(wanted.name)}"]
        missing += [] if of("N") else [f"N:{_name_parts(wanted.name)}"]
        if missing:
            put_after("FN", missing, "UID", "VERSION")
    if "company" in changed:
        set_single("ORG", _escape(wanted.company), "EMAIL", "TEL", "N", "FN")
    if "language" in changed:
        set_single("LANG", _escape(wanted.language), "ORG", "EMAIL", "TEL", "FN")
    if "notes" in changed:
        set_single("NOTE", _escape(wanted.notes), "LANG", "ORG", "EMAIL", "TEL", "FN")
    for field, name, types, anchors in (
        ("phones", "TEL", _TEL_TYPES, ("ORG", "N", "FN")),
        ("emails", "EMAIL", _EMAIL_TYPES, ("TEL", "ORG", "N", "FN")),
    ):
        if field not in changed:
            continue
        if field == "phones":
            desired = {
                (key, _canon_kind(kind, _TEL_KINDS)): (key, raw) for key, raw, kind in wanted.phones
            }
        else:
            desired = {
                (address, _canon_kind(kind, _EMAIL_KINDS)): (address, address)
                for address, kind in wanted.emails
            }
        kept: set[tuple[str, str]] = set()
        dropped_groups: set[str] = set()
        for extent in of(name):
            point = _point_key(card, extent.prop, region)
            if point is None:
                continue  # a line callsheet cannot read stays as it is
            if point in desired and point not in kept:
                kept.add(point)
                continue
            drop(extent)
            if extent.prop.group:
                dropped_groups.add(extent.prop.group)
        for group in dropped_groups:
            # the label of a dropped grouped line goes with it, unless the group holds more
            members = [e for e in extents if e.prop.group == group]
            if all(e.start in replace or e.prop.name.startswith("X-AB") for e in members):
                for member in members:
                    drop(member)
        new: list[str] = []
        for point, (key, raw) in desired.items():
            if point in kept:
                continue
            value = _escape(_phone_value(key, raw)) if field == "phones" else key
            new += _point_lines(name, value, point[1], types, groups)
        if new:
            put_after(name, new, *anchors)

    out: list[str] = []
    index = 0
    while index < len(lines):
        for line in insert.get(index, []):
            out += [part + newline for part in _fold(line)]
        if index in replace:
            end, new_lines = replace[index]
            for line in new_lines:
                out += [part + newline for part in _fold(line)]
            # the line before keeps its own ending; a replaced range ends where it ended
            index = end
            continue
        line = lines[index]
        out.append(line + ("\n" if index < len(lines) - 1 else ""))
        index += 1
    for line in insert.get(len(lines), []):
        out += [part + newline for part in _fold(line)]
    return "".join(out)


def new_card(uid: str, wanted: Owned, region: str | None) -> str:
    """A vCard 3.0 for a client that has none yet (CRLF line endings, as RFC 6350 says)."""
    skeleton = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//callsheet//contacts sync//EN\r\n"
        f"UID:{uid}\r\nEND:VCARD\r\n"
    )
    cards, _ = read_cards(skeleton.replace("\r\n", "\n"))
    empty = Owned(name="", phones=[], emails=[])
    changed = {field for field in FIELDS if not same(field, empty.get(field), wanted.get(field))}
    return edit_card(skeleton, cards[0], empty, wanted, changed | {"name"}, region)
