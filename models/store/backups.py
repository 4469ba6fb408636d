"""Backups that can be trusted: consistent copies, checked restores, a rolling daily copy.

Copies use SQLite's online backup API (callsheet.models.store.db.backup_to), so they are consistent even
while the dashboard or the command line is writing. A restore checks the file first
(integrity, that it is a callsheet database, a schema this version can open) and keeps the
current database aside before replacing it. The dashboard keeps one copy a day, the last 7.
Every copy is owner-only (0600) in owner-only folders (0700): it is the whole client book.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from callsheet.models.store.db import (
    DatabaseError,
    backup_to,
    file_schema_version,
    integrity_problems,
    sqlite_path,
)
from callsheet.models.store.files import create_private_file, private_dir
from callsheet.models.store.migrations import CURRENT_VERSION
from callsheet.models.values.validate import InputError


def backups_folder(db_path: Path) -> Path:
    return Path(db_path).expanduser().resolve().parent / "backups"


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


#: What to say when asked to copy a server database: the server has its own tools.
SERVER_BACKUPS = (
    "a PostgreSQL database is backed up on the server: pg_dump -Fc DBNAME > callsheet.dump "
    "(pg_restore to bring it back), or `callsheet export -o FILE.json` for a portable copy"
)


def backup(dest: str | Path | None = None) -> Path:
    """Copy the open database to ``dest`` (a file, or a folder), default the backups folder.

    Refuses a database that fails SQLite's integrity check: a copy of a damaged file would
    only look like a backup.
    """
    current = sqlite_path()
    if current is None:
        raise DatabaseError(SERVER_BACKUPS)
    problems = integrity_problems()  # the open store, on its own connection
    if problems:
        raise DatabaseError(
            f"{current}: fails the integrity check ({problems[0]}); not copied. "
            "`callsheet doctor` tells more; `callsheet export` may still save what is readable"
        ) from sqlite3.DatabaseError(problems[0])  # unusable store: exit 3
    if dest is None:
        target = backups_folder(current) / f"callsheet-{_stamp()}.db"
    else:
        target = Path(dest).expanduser()
        if target.is_dir():
            target = target / f"callsheet-{_stamp()}.db"
    if target.exists():  # the destination is the problem (bad input), not the database
        raise InputError("DEST", f"{target} already exists; choose another name")
    private_dir(target.parent)
    return backup_to(target)


def check_backup(path: Path) -> None:
    """Raise DatabaseError saying why ``path`` cannot be restored."""
    if not path.is_file():
        raise DatabaseError(f"{path}: no such file")
    problems = integrity_problems(path)
    if problems:
        raise DatabaseError(f"{path}: damaged ({problems[0]})")
    version = file_schema_version(path)
    if version == 0:
        raise DatabaseError(f"{path}: not a callsheet database")
    if version > CURRENT_VERSION:
        raise DatabaseError(
            f"{path}: made by a newer callsheet (schema {version}); upgrade to restore it"
        )
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    finally:
        connection.close()
    if not {"client", "interaction"} <= tables:
        raise DatabaseError(f"{path}: not a callsheet database")


def restore(source: Path, current: Path | str) -> Path | None:
    """Replace ``current`` with the backup ``source``; return where the old database was kept."""
    if "://" in str(current) and not str(current).startswith("sqlite:"):
        raise DatabaseError(
            "restore replaces an SQLite file; " + SERVER_BACKUPS.replace("backed up", "restored")
        )
    source, current = Path(source).expanduser(), Path(current).expanduser()
    check_backup(source)
    kept = None
    if current.exists():
        kept = current.with_name(f"{current.stem}.before-restore-{_stamp()}{current.suffix}")
        _copy(current, kept)
    # Through the backup API into the live file, so readers see either the old or the new.
    _copy(source, current)
    return kept


def _copy(source: Path, target: Path) -> None:
    if not target.exists():
        create_private_file(target)
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target_connection = sqlite3.connect(str(target))
    try:
        source_connection.backup(target_connection)
    finally:
        target_connection.close()
        source_connection.close()


def daily_backup(db_path: str | Path, keep: int = 7, today: datetime | None = None) -> Path | None:
    """One copy a day into backups/daily/, keeping the last ``keep``; None if today's exists.

    Only for an SQLite store: a server database is backed up on the server.
    """
    if sqlite_path() is None:
        return None
    folder = backups_folder(Path(db_path)) / "daily"
    day = (today or datetime.now()).strftime("%Y-%m-%d")
    target = folder / f"callsheet-{day}.db"
    if target.exists():
        return None
    private_dir(folder)
    partial = folder / f".callsheet-{day}.db.partial"
    partial.unlink(missing_ok=True)
    backup_to(partial)
    partial.replace(target)
    for old in sorted(folder.glob("callsheet-*.db"))[:-keep]:
        old.unlink()
    return target
