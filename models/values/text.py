"""User text on its way out: terminal lines, Markdown, and money.

The one place that decides how a client's name, a summary or an imported note is shown
outside the database. Text that came from a user or a file is data, never instructions to
the terminal: C0 and C1 control characters (ESC, BEL, CSI ...), DEL, lone surrogates (from
undecodable bytes), line and paragraph separators and the bidirectional overrides that can
reorder a line are made *visible* as ``\\x1b``, ``\\x9b``, ``\\u202e``, so a name such as
``"\\x1b]2;PWNED\\x07Evil"`` prints as those characters instead of renaming the window.
Everything else (accents, Cyrillic, RTL letters, emoji with their joiners) passes unchanged.

Imports nothing heavy: ``callsheet who`` uses it on every incoming call.
"""

from __future__ import annotations

import re
import unicodedata

# C0 (except tab/newline handled below), DEL, C1, surrogates, LS/PS, bidi embeddings,
# overrides and isolates. Zero-width joiners and LRM/RLM stay: emoji and RTL names use them.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_LINE_BREAKS = re.compile(r"[\t\n\r]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str | None, *, keep_newlines: bool = False) -> str:
    """``text`` safe to write to a terminal: controls shown as ``\\x1b``-style escapes.

    Tabs and carriage returns become spaces; newlines too, unless ``keep_newlines`` (for a
    multi-line block such as ``callsheet show`` or a list of import problems).
    """
    if not text:
        return ""
    if text.isprintable():  # the common case, and cheap
        return text
    if keep_newlines:
        text = text.replace("\r\n", "\n").replace("\t", " ").replace("\r", " ")
    else:
        text = _LINE_BREAKS.sub(" ", text)
    return _UNSAFE.sub(_visible, text)


def has_raw_controls(text: str) -> bool:
    """True when ``text`` still holds a byte a terminal would act on (for tests and fuzzing)."""
    return _UNSAFE.search(text.replace("\n", "").replace("\t", "").replace("\r", "")) is not None


#: What ``json.dumps(..., ensure_ascii=False)`` leaves raw but a terminal may act on: DEL,
#: C1 (U+009B is CSI), line separators and bidi controls. JSON escapes them losslessly.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_safe(encoded: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with no raw terminal controls.

    Those characters can only occur inside JSON strings, where ``\\u009b`` means the same,
    so the document is unchanged for any reader while ``callsheet list --json`` in a terminal
    stays inert.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def markdown_inline(text: str | None) -> str:
    """User text as one line of Markdown (inline, or a table cell) that cannot break structure.

    Whitespace runs (newlines included) collapse to one space, controls are made visible,
    and Markdown's special characters are backslash-escaped, so a ``|`` or a leading ``#``
    in a summary stays text.
    """
    flat = " ".join((text or "").split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(flat))


def money_text(amount_cents: int | None) -> str:
    """1234567 -> "12,345.67"; whole amounts lose the ".00"."""
    if amount_cents is None:
        return ""
    sign = "-" if amount_cents < 0 else ""
    whole, part = divmod(abs(amount_cents), 100)
    return f"{sign}{whole:,}" + (f".{part:02d}" if part else "")


def counted(number: int, word: str, words: str | None = None) -> str:
    """ "1 client", "2 clients", "1,200 log entries": the count and the word that agrees."""
    return f"{number:,} {word if number == 1 else words or word + 's'}"


def a_or_an(word: str) -> str:
    """ "an invoice", "a log entry": the article a word takes (by its first letter)."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def span_text(days: int) -> str:
    """How long a relationship has lasted, in the unit that reads: "9 days", "3 weeks",
    "5 months", "1.5 years" (never "0.0 years")."""
    if days < 14:
        return counted(days, "day")
    if days < 61:
        return counted(round(days / 7), "week")
    if days < 365:
        return counted(round(days / 30.44), "month")
    years = f"{days / 365:.1f}".removesuffix(".0")
    return f"{years} year" + ("" if years == "1" else "s")


# -- text compared, not shown ---------------------------------------------------------------
#: Letters that NFKD does not decompose but people type without their mark (Polish ł).
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "’": "'"})
#: The combining marks NFKD splits off Latin and Cyrillic letters (ă, ș, ę, ё, й).
_MARKS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case without diacritics, for matching: ``Ștefănescu`` and ``stefanescu`` meet.

    Used by the client filter, the full-text search and the signal lexicon alike, so a
    query typed on a keyboard without the client's layout still finds them.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS).casefold())
    return _MARKS.sub("", decomposed)


def short_reason(error: Exception) -> str:
    """An error's message on one line, cut to 200 characters."""
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:200] + "..."
