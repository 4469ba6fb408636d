"""Suggested signals: the warning and positive signs a log entry's text seems to mention.

The words come from ``lexicon.toml`` beside this module (English, Romanian, Polish, Russian).
Text and lexicon are both folded the same way (case, diacritics, ``ё``), and a word ending in
``*`` is a prefix, which stands in for stemming: Romanian, Polish and Russian inflect, and a
prefix covers ``avocat``/``avocatul``/``avocații`` without a stemmer per language.

A suggestion is never a signal: it is stored beside the entry's signals, counts toward risk
only once the user confirms it, and a dismissed one is kept as dismissed so it is never
suggested again; both answers are written by :func:`callsheet.models.book.clients.resolve_suggestions`.
:func:`callsheet.models.book.queries.suggestions_to_review` is the triage group where they wait.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from callsheet.models.values.terms import SIGNALS
from callsheet.models.values.text import fold

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")
LANGUAGES = ("en", "ro", "pl", "ru")

#: A word: letters and digits, with inner apostrophes and hyphens ("won't", "m-am",
#: "procesul-verbal" is one word, so it is not "proces" the trial).
_WORD = re.compile(r"\w+(?:['-]\w+)*")

#: (word, is_prefix): one word of a lexicon phrase
Word = tuple[str, bool]


def _phrase_words(phrase: str) -> tuple[Word, ...]:
    words: list[Word] = []
    for chunk in fold(phrase).split():
        prefix = chunk.endswith("*")
        tokens = _WORD.findall(chunk.rstrip("*"))
        words += [(token, False) for token in tokens[:-1]]
        if tokens:
            words.append((tokens[-1], prefix))
    return tuple(words)


@dataclass(frozen=True)
class Lexicon:
    """The phrases of every language, indexed by their first word.

    Scanning is one pass over the text's words with a dictionary look-up per word (and per
    prefix length for the ``*`` entries), so a long mail costs microseconds per word however
    large the lexicon grows; a regular expression with hundreds of alternatives cost ~9 ms
    per mail.
    """

    exact: dict[str, list[tuple[str, tuple[Word, ...]]]]
    prefixes: dict[str, list[tuple[str, tuple[Word, ...]]]]
    shortest_prefix: int
    #: the phrases that may start at a word, per word seen: mail repeats its vocabulary
    _starting: dict[str, tuple] = field(default_factory=dict, compare=False, repr=False)

    def starting_with(self, word: str) -> tuple:
        found = self._starting.get(word)
        if found is None:
            candidates = list(self.exact.get(word, ()))
            for length in range(self.shortest_prefix, len(word) + 1):
                candidates += self.prefixes.get(word[:length], ())
            if len(self._starting) > 500_000:  # a bound, not a policy: start again
                self._starting.clear()
            found = self._starting[word] = tuple(candidates)
        return found

    def suggest(self, text: str) -> list[str]:
        words = _WORD.findall(fold(text))
        found: set[str] = set()
        for index, word in enumerate(words):
            for kind, rest in self.starting_with(word):
                if kind not in found and _follows(words, index + 1, rest):
                    found.add(kind)
        return [kind for kind in SIGNALS if kind in found]


def _follows(words: list[str], start: int, rest: tuple[Word, ...]) -> bool:
    if start + len(rest) > len(words):
        return False
    return all(
        words[start + n].startswith(word) if prefix else words[start + n] == word
        for n, (word, prefix) in enumerate(rest)
    )


def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read and index the lexicon; an unknown language or signal is an error naming it."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    exact: dict = {}
    prefixes: dict = {}
    for language, table in data.items():
        if language not in LANGUAGES:
            raise ValueError(f"{path}: unknown language {language!r}")
        for kind, entries in table.items():
            if kind not in SIGNALS:
                raise ValueError(f"{path}: [{language}] unknown signal {kind!r}")
            for phrase in entries:
                words = _phrase_words(phrase)
                if not words:
                    continue
                (first, prefix), rest = words[0], words[1:]
                (prefixes if prefix else exact).setdefault(first, []).append((kind, rest))
    shortest = min((len(p) for p in prefixes), default=1)
    return Lexicon(exact, prefixes, shortest)


@cache
def default_lexicon() -> Lexicon:
    return load_lexicon()


def suggest(text: str, *, exclude=()) -> list[str]:
    """The signals ``text`` suggests, in the order of :data:`SIGNALS`, minus ``exclude``."""
    if not text:
        return []
    skip = set(exclude)
    return [kind for kind in default_lexicon().suggest(text) if kind not in skip]
