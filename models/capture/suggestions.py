"""Suggested signals: the warning and positive signs a log entry's text seems to mention.

The words come from ``lexicon.toml`` beside this module (English, Romanian, Polish, Russian).
Text and lexicon are both folded the same way (case, diacritics, ``ё``), and a word ending in
``*`` is a prefix, which stands in for stemming: Romanian, Polish and Russian inflect, and a
prefix covers ``avocat``/``avocatul``/``avocații`` without a stemmer per language.

A suggestion is never a signal: it is stored beside the entry's signals, counts toward risk
only once the user confirms it (:func:`confirm`), and a dismissed one is kept as dismissed so
it is never suggested again; both answers are written by
:func:`models.clients.resolve_suggestions`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from models.entities import SIGNALS

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")
LANGUAGES = ("en", "ro", "pl", "ru")

#: Letters that do not decompose under NFKD but are written without their mark by people
#: typing on a keyboard without the layout (Polish ł, Romanian cedilla forms are covered by NFKD).
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "ß": "ss", "’": "'"})


def fold(text: str) -> str:
    """Lower case without diacritics: what both the lexicon and the scanned text become."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _phrase_pattern(phrase: str) -> str:
    words = fold(phrase).split()
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[\w'-]*")
        else:
            parts.append(re.escape(word))
    # Words are separated by any run of spaces or punctuation; a hyphen joins words into
    # another one ("procesul-verbal" is minutes of a meeting, not a trial).
    return r"(?<![\w-])" + r"[\W_]+".join(parts) + r"(?![\w-])"


@dataclass(frozen=True)
class Lexicon:
    """One compiled pattern per signal, all languages together (mail rarely says its language)."""

    patterns: tuple[tuple[str, re.Pattern], ...]

    def suggest(self, text: str) -> list[str]:
        folded = fold(text)
        return [kind for kind, pattern in self.patterns if pattern.search(folded)]


def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read and compile the lexicon; an unknown language or signal is an error naming it."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    phrases: dict[str, list[str]] = {}
    for language, table in data.items():
        if language not in LANGUAGES:
            raise ValueError(f"{path}: unknown language {language!r}")
        for kind, entries in table.items():
            if kind not in SIGNALS:
                raise ValueError(f"{path}: [{language}] unknown signal {kind!r}")
            phrases.setdefault(kind, []).extend(entries)
    patterns = tuple(
        (kind, re.compile("|".join(_phrase_pattern(p) for p in phrases[kind])))
        for kind in SIGNALS
        if phrases.get(kind)
    )
    return Lexicon(patterns)


@cache
def default_lexicon() -> Lexicon:
    return load_lexicon()


def suggest(text: str, *, exclude=()) -> list[str]:
    """The signals ``text`` suggests, in the order of :data:`SIGNALS`, minus ``exclude``."""
    if not text:
        return []
    skip = set(exclude)
    return [kind for kind in default_lexicon().suggest(text) if kind not in skip]


# --- what the user still has to answer -------------------------------------------------------


@dataclass(frozen=True)
class ToReview:
    """One log entry with suggestions waiting for the user's yes or no."""

    interaction_id: int
    client_id: int
    client_name: str
    at: datetime
    channel: str
    source: str
    summary: str
    suggested: tuple[str, ...]


def suggestions_to_review(limit: int = 200) -> tuple[int, list[ToReview]]:
    """How many log entries of current clients carry unanswered suggestions, and the newest.

    Confirming (:func:`models.clients.resolve_suggestions` with ``confirm``) makes them
    signals; dismissing keeps them aside for good. Archived clients are left out, as in triage.
    """
    from models.entities import Client, Interaction

    waiting = (
        Interaction.select(Interaction, Client.id, Client.name)
        .join(Client)
        .where((Interaction.suggested_signals > "") & Client.archived_at.is_null())
    )
    count = waiting.count()
    items = [
        ToReview(
            row.id,
            row.client.id,
            row.client.name,
            row.occurred_at,
            row.channel,
            row.source,
            row.summary,
            tuple(row.suggested_signals),
        )
        for row in waiting.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(
            limit
        )
    ]
    return count, items
