"""Reading the vCards real programs write: 2.1, 3.0 and 4.0, as phones and mail programs do.

A small reader of the vCard line grammar (RFC 2425/2426/6350 and the vCard 2.1 text) rather
than vobject: vobject refuses a whole card for things real exports contain (vCard 2.1
quoted-printable text in a ``CHARSET``, a long base64 photo, ``PROFILE:VCard`` with
``NAME:``), and its refusals are in its words, not the user's. Here every card is read
property by property; a line that cannot be read names its card, line and field.

What is read: unfolding in any style (a space or tab, either line ending), quoted-printable
with soft line breaks and ``CHARSET=``, bare vCard 2.1 type parameters (``TEL;CELL;PREF``),
``TYPE=a,b`` and repeated ``type=``, groups (``item1.TEL`` with ``item1.X-ABLabel``),
backslash escapes, structured values (``N``, ``ORG``, ``ADR``) with any number of parts.
Binary values (2.1 ``ENCODING=BASE64`` ending at a blank line, 3.0 ``ENCODING=b``, 4.0
``data:`` URIs) and a vCard 2.1 ``AGENT`` card embedded whole are skipped (pictures
counted); every other property (``PROFILE``, ``NAME``, ``SOURCE``, ``X-``) is kept for the caller,
which uses the ones callsheet stores.
"""

from __future__ import annotations

import quopri
from dataclasses import dataclass, field

__all__ = ["Card", "CardError", "Prop", "read_cards"]


class CardError(ValueError):
    """A card that cannot be read: ``str()`` is one line in our words."""


@dataclass
class Prop:
    name: str  # upper case, without its group
    value: str  # decoded (quoted-printable, charset), escapes still in place
    params: dict[str, list[str]] = field(default_factory=dict)  # upper keys, lower values
    group: str = ""  # lower case
    line: int = 0

    @property
    def types(self) -> list[str]:
        return self.params.get("TYPE", [])

    def text(self) -> str:
        return unescape(self.value).strip()

    def parts(self, sep: str = ";") -> list[str]:
        return [unescape(part).strip() for part in split_escaped(self.value, sep)]


@dataclass
class Card:
    number: int  # 1-based, in the file
    line: int  # of its BEGIN line
    ended: bool  # had its END line
    props: list[Prop] = field(default_factory=list)
    binary: list[str] = field(default_factory=list)  # names of the binary properties skipped

    @property
    def place(self) -> str:
        return f"card {self.number} (line {self.line})"

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def first(self, name: str) -> Prop | None:
        found = self.all(name)
        return found[0] if found else None

    def label(self, prop: Prop) -> str:
        """The Apple/Google label of a grouped property (``item1.X-ABLabel``), without
        Apple's ``_$!<...>!$_`` around the built-in ones."""
        if not prop.group:
            return ""
        for other in self.props:
            if other.group == prop.group and other.name == "X-ABLABEL":
                text = other.text()
                if text.startswith("_$!<") and text.endswith(">!$_"):
                    text = text[4:-4]
                return text.strip()
        return ""


_BINARY_ENCODINGS = {"b", "base64"}


def read_cards(text: str) -> tuple[list[Card], list[str]]:
    """(the cards read, problems naming the cards that could not be read).

    ``text`` has universal newlines. A card cut short (no ``END:VCARD`` before the next
    ``BEGIN:VCARD`` or the end of the file) is read up to there, with ``ended`` False.
    """
    cards: list[Card] = []
    problems: list[str] = []
    for number, (start, lines, ended) in enumerate(_frame(text), 1):
        card = Card(number, start, ended)
        try:
            _read_props(card, lines)
        except CardError as error:
            problems.append(f"{card.place}: {error}")
            continue
        cards.append(card)
    return cards, problems


def _frame(text: str) -> list[tuple[int, list[tuple[int, str]], bool]]:
    """Split a file into cards: (BEGIN line number, its inner numbered lines, had END).

    A vCard 2.1 ``AGENT:`` followed by a whole embedded card stays inside its card.
    """
    cards: list[tuple[int, list[tuple[int, str]], bool]] = []
    current: list[tuple[int, str]] | None = None
    start = depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        upper = line.strip().upper()
        if upper.startswith("BEGIN:VCARD"):
            if current is not None and current and current[-1][1].upper().startswith("AGENT"):
                depth += 1
                current.append((number, line))
                continue
            if current is not None:
                cards.append((start, current, False))
            current, start, depth = [], number, 0
        elif current is not None:
            if upper.startswith("END:VCARD"):
                if depth:
                    depth -= 1
                    current.append((number, line))
                    continue
                cards.append((start, current, True))
                current = None
            else:
                current.append((number, line))
    if current is not None:
        cards.append((start, current, False))
    return cards


def _read_props(card: Card, lines: list[tuple[int, str]]) -> None:
    index = 0
    while index < len(lines):
        number, line = lines[index]
        index += 1
        if not line.strip():
            continue
        # unfold: the next lines that start with a space or a tab belong to this one, also
        # across the empty lines a doubled line ending leaves (iPhone's CR CR LF)
        while (after := _continuation(lines, index)) is not None:
            line += lines[after][1][1:]
            index = after + 1
        head, colon, value = _split_head(line)
        if not colon:
            raise CardError(
                f"line {number}: {_clip(line)!r} has no ':' between a field and its value; "
                "fix or delete that line"
            )
        group, _, name = head[0].rpartition(".")
        name = name.strip().upper()
        params = _params(head[1:])
        encoding = (params.get("ENCODING") or [""])[0]
        if encoding in _BINARY_ENCODINGS or (
            value.strip().lower().startswith("data:") and name in ("PHOTO", "LOGO", "SOUND", "KEY")
        ):
            # 2.1 base64 runs on over unindented lines up to a blank line
            if encoding == "base64":
                while index < len(lines) and lines[index][1].strip() and ":" not in lines[index][1]:
                    index += 1
            card.binary.append(name)
            continue
        if encoding == "quoted-printable":
            # soft line breaks: a line ending in '=' goes on on the next line
            while value.endswith("=") and index < len(lines):
                value = value[:-1] + lines[index][1].lstrip(" \t")
                index += 1
            value = _unquote(value, (params.get("CHARSET") or ["utf-8"])[0])
        if name == "AGENT" and not value.strip():
            index = _after_embedded_card(lines, index)  # 2.1: a whole card follows; not ours
            continue
        if name in ("BEGIN", "END") and value.strip().upper() == "VCARD":
            continue
        card.props.append(Prop(name, value, params, group.strip().lower(), number))


def _after_embedded_card(lines: list[tuple[int, str]], index: int) -> int:
    depth = 0
    while index < len(lines):
        upper = lines[index][1].strip().upper()
        index += 1
        if upper.startswith("BEGIN:VCARD"):
            depth += 1
        elif upper.startswith("END:VCARD"):
            depth -= 1
            if depth <= 0:
                break
        elif not depth and upper:
            return index - 1  # no card followed after all
    return index


def _continuation(lines: list[tuple[int, str]], index: int) -> int | None:
    while index < len(lines) and not lines[index][1]:
        index += 1
    if index < len(lines) and lines[index][1][:1] in (" ", "\t"):
        return index
    return None


def _split_head(line: str) -> tuple[list[str], bool, str]:
    """(name and parameters split at ';', whether a ':' was found, the value); quotes kept."""
    head, colon, value = line.partition(":")
    if '"' not in head:  # the common case, without walking the line
        return (
            (head.split(";"), bool(head.split(";")[0].strip()), value) if colon else ([], False, "")
        )
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for position, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        elif char == ":" and not quoted:
            parts.append("".join(current))
            return parts, bool(parts[0].strip()), line[position + 1 :]
        current.append(char)
    return [], False, ""


def _params(raw: list[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for item in raw:
        key, equals, value = item.partition("=")
        if not equals:  # vCard 2.1: TEL;CELL;PREF, KEY;X509;ENCODING=BASE64, or bare BASE64
            key, value = "TYPE", item
        key = key.strip().upper()
        values = [v.strip().strip('"').lower() for v in value.split(",") if v.strip()]
        if key == "TYPE" and values and values[0] in ("quoted-printable", "base64", "b"):
            key = "ENCODING"
        params.setdefault(key, []).extend(values)
    return params


def _unquote(value: str, charset: str) -> str:
    data = quopri.decodestring(value.encode("utf-8", "surrogateescape"))
    for name in (charset, "utf-8", "cp1252"):
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def split_escaped(value: str, sep: str) -> list[str]:
    """``value`` split at each ``sep`` not escaped with a backslash; escapes kept."""
    if "\\" not in value:
        return value.split(sep)
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}


def unescape(value: str) -> str:
    if "\\" not in value:
        return value
    out, escaped = [], False
    for char in value:
        if escaped:
            out.append(_ESCAPES.get(char, "\\" + char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    if escaped:
        out.append("\\")
    return "".join(out)


def _clip(line: str) -> str:
    return line if len(line) <= 40 else line[:37] + "..."
