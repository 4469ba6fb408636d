"""Erasures that ``forget`` began and has not finished: the sidecar file that lists them.

It lies beside the database (``.callsheet.db.forget-pending``, owner-only) and holds no word
of the client, only their id, creation time and a hash of their name key, so it never has to
be scrubbed itself. ``forget`` writes it before it erases and removes it once every copy is
clean; ``doctor`` names what it lists.
"""

from __future__ import annotations

import json
from pathlib import Path


def pending_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}.forget-pending")


def read_pending(db_path: Path) -> list[tuple]:
    try:
        entries = json.loads(pending_path(db_path).read_text(encoding="utf-8"))
        return [(int(e["id"]), str(e["key"]), e["created"]) for e in entries]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def pending_erasures(db_path: Path) -> int:
    """How many erasures a cut-short ``forget`` left unfinished for ``db_path``."""
    return len(read_pending(Path(db_path))) if pending_path(Path(db_path)).exists() else 0
