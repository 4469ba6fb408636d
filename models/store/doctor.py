"""The store's health, for ``callsheet doctor``: what it is, whether it is sound, what to fix.

Checks are read-only. A *problem* is something that puts the data at risk (a damaged file,
a database others can read, a schema this callsheet cannot use); a *warning* is worth
knowing but not alarming (no recent backup). Each comes as one line that says what to do.
"""

from __future__ import annotations

import sqlite3
import stat
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from callsheet.models.store.backups import backups_folder, integrity_problems
from callsheet.models.store.db import database, sqlite_path
from callsheet.models.store.erasures import pending_erasures
from callsheet.models.store.migrations import CURRENT_VERSION, stored_version
from callsheet.models.store.tables import ALL_MODELS

#: A backup older than this is worth a warning (days).
BACKUP_WARN_DAYS = 7


@dataclass
class Health:
    backend: str
    store: str
    schema_version: int
    current_version: int = CURRENT_VERSION
    integrity: str = "ok"
    size_bytes: int | None = None
    last_backup: str | None = None
    last_backup_age_days: float | None = None
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        """Every field above, and whether the store is healthy."""
        return {**asdict(self), "healthy": self.healthy}


def _private(path: Path, wanted: int, what: str) -> str | None:
    """A problem line if group or others may use ``path``, else None."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return f"{what} {path} is mode {mode:04o}: others can read it (chmod {wanted:o} '{path}')"
    return None


def _unusable(copy: Path) -> str | None:
    """Why ``copy`` cannot be restored (empty, not SQLite, not callsheet's), else None.

    Cheap (header and schema, no full integrity check of every copy); a restore checks the
    whole file before it replaces anything.
    """
    try:
        if copy.stat().st_size == 0:
            return "is empty (0 bytes)"
        with open(copy, "rb") as file:
            if file.read(16) != b"SQLite format 3\x00":
                return "is not an SQLite database"
        connection = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except (OSError, sqlite3.Error) as error:
        return f"cannot be read ({error})"
    if not {"client", "interaction"} <= tables:
        return "is not a callsheet database"
    return None


def check(store: str) -> Health:
    """Examine the open store (named ``store`` in messages, password already masked)."""
    db = database.obj
    path = sqlite_path()
    health = Health(
        backend="sqlite" if path is not None else "postgresql",
        store=store,
        schema_version=stored_version(db),
    )
    if health.schema_version < CURRENT_VERSION:
        health.warnings.append(
            f"schema version {health.schema_version}: the next command that writes "
            f"brings it to {CURRENT_VERSION}"
        )
    damaged = integrity_problems() if path is not None else []
    if not damaged:
        for model in ALL_MODELS:
            health.rows[model._meta.table_name] = model.select().count()

    if path is None:
        health.integrity = "checked by the server"
        health.size_bytes = db.execute_sql(
            "SELECT pg_database_size(current_database())"
        ).fetchone()[0]
        health.warnings.append(
            "backups of a PostgreSQL database are the server's: pg_dump -Fc, "
            "or `callsheet export -o FILE.json`"
        )
        return health

    if damaged:
        health.integrity = "; ".join(damaged[:3])
        health.problems.append(
            f"the database fails SQLite's integrity check ({damaged[0]}): restore a backup "
            "(`callsheet restore FILE`) or `callsheet export` what is readable"
        )
    broken_links = [] if damaged else db.execute_sql("PRAGMA foreign_key_check").fetchall()
    if broken_links:
        health.problems.append(
            f"{len(broken_links)} rows point at rows that no longer exist (foreign_key_check)"
        )
    health.size_bytes = sum(
        candidate.stat().st_size for candidate in (path, Path(f"{path}-wal")) if candidate.exists()
    )
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            problem = _private(candidate, 0o600, "file")
            if problem:
                health.problems.append(problem)
    problem = _private(path.parent, 0o700, "folder")
    if problem:
        health.warnings.append(problem)

    unfinished = pending_erasures(path)
    if unfinished:
        health.problems.append(
            f"{unfinished} erasure(s) by `callsheet forget` were cut short: the backups may "
            "still hold that client; `callsheet forget` run again (any name) finishes them"
        )
    folder = backups_folder(path)
    # Hidden files are copies being written (or cut short): not backups, not counted.
    found = [c for c in folder.rglob("*.db") if c.is_file() and not c.name.startswith(".")]
    copies = []
    for copy in found:
        trouble = _unusable(copy)
        if trouble:
            health.problems.append(
                f"backup {copy} {trouble}: it is not a backup (delete it; `callsheet backup` "
                "makes a new one)"
            )
        else:
            copies.append(copy)
    copies.sort(key=lambda candidate: candidate.stat().st_mtime)
    if not copies:
        health.warnings.append("no backup yet: `callsheet backup` makes one")
    else:
        newest = copies[-1]
        age_days = (time.time() - newest.stat().st_mtime) / 86400
        health.last_backup = str(newest)
        health.last_backup_age_days = round(age_days, 1)
        if age_days > BACKUP_WARN_DAYS:
            health.warnings.append(
                f"the newest backup is {age_days:.0f} days old: `callsheet backup` makes one"
            )
        for copy in copies:
            problem = _private(copy, 0o600, "backup")
            if problem:
                health.problems.append(problem)
    return health
