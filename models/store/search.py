"""Full-text search over what was written down: log summaries and client notes.

The index is built by schema step 3 (:mod:`callsheet.models.store.migrations`): on SQLite two FTS5 tables
over ``interaction.summary`` and ``client.notes``, kept current by triggers, that fold case
and diacritics; on PostgreSQL GIN indexes over ``to_tsvector('callsheet_text', ...)`` (``simple``, diacritics folded). Both are
queried here, so the filter's ``?text`` and ``callsheet search`` give the same answers on
either backend. Every word typed must appear; the last one may be a prefix (so results
follow the user while they type). Results are newest-recorded first and carry an excerpt
around the first match, cut from the text itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from callsheet.models.store.db import database, is_sqlite

#: How much text an excerpt shows around the first match.
EXCERPT_CHARS = 80

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: a log entry (``entry_id`` set) or a client's notes."""

    client_id: int
    client_name: str
    #: epoch seconds of the entry; None for notes
    at: int | None
    entry_id: int | None
    excerpt: str

    @property
    def kind(self) -> str:
        return "entry" if self.entry_id is not None else "notes"


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased (punctuation and FTS syntax are dropped)."""
    return _WORD.findall((text or "").casefold())


def _fold(text: str) -> str:
    """Lower case without diacritics, keeping each character's position (for excerpts)."""
    return "".join(
        (unicodedata.normalize("NFKD", ch)[:1] or ch).casefold()[:1] or ch for ch in text
    )


def excerpt(text: str, words: list[str], width: int = EXCERPT_CHARS) -> str:
    """One line of ``text`` around the first of ``words`` it contains."""
    flat = " ".join(text.split())
    folded = _fold(flat)
    positions = [folded.find(_fold(w)) for w in words]
    found = [p for p in positions if p >= 0]
    start = max(min(found) - width // 3, 0) if found else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def search(text: str, limit: int = 50) -> list[Hit]:
    """Log entries and client notes containing every word of ``text``, newest first."""
    words = terms(text)
    if not words:
        return []
    if is_sqlite():
        match = " ".join(f'"{w}"*' for w in words)  # FTS5: every word, each as a prefix
        entries = database.execute_sql(
            'SELECT i."id", i."client_id", c."name", i."occurred_at", i."summary" '
            'FROM "interaction" i JOIN "client" c ON c."id" = i."client_id" '
            'WHERE i."id" IN (SELECT rowid FROM "interaction_text" '
            'WHERE "interaction_text" MATCH ? ORDER BY rowid DESC LIMIT ?) '
            'ORDER BY i."id" DESC',
            (match, limit),
        ).fetchall()
        notes = database.execute_sql(
            'SELECT c."id", c."name", c."notes" FROM "client" c '
            'WHERE c."id" IN (SELECT rowid FROM "client_text" '
            'WHERE "client_text" MATCH ? ORDER BY rowid DESC LIMIT ?)',
            (match, limit),
        ).fetchall()
    else:
        query = " & ".join(f"{w}:*" for w in words)  # words are \w+: nothing to escape
        entries = database.execute_sql(
            'SELECT i."id", i."client_id", c."name", i."occurred_at", i."summary" '
            'FROM "interaction" i JOIN "client" c ON c."id" = i."client_id" '
            "WHERE to_tsvector('callsheet_text', i.\"summary\") @@ to_tsquery('callsheet_text', %s) "
            'ORDER BY i."id" DESC LIMIT %s',
            (query, limit),
        ).fetchall()
        notes = database.execute_sql(
            'SELECT c."id", c."name", c."notes" FROM "client" c '
            "WHERE to_tsvector('callsheet_text', c.\"notes\") @@ to_tsquery('callsheet_text', %s) "
            'ORDER BY c."id" DESC LIMIT %s',
            (query, limit),
        ).fetchall()
    hits = [
        Hit(client_id, name, int(at), entry_id, excerpt(summary or "", words))
        for entry_id, client_id, name, at, summary in entries
    ]
    hits.sort(key=lambda hit: -(hit.at or 0))
    note_hits = [
        Hit(cid, name, None, None, excerpt(body or "", words)) for cid, name, body in notes
    ]
    return (note_hits + hits)[:limit]
