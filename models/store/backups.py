"""Backups that can be trusted: consistent copies, checked restores, a rolling daily copy.

Copies use SQLite's online backup API (:func:`backup_to` below), so they are consistent even
while the dashboard or the command line is writing. Every copy is written under a hidden
``.NAME.partial`` name, checked (integrity, size, that it opens as a callsheet store),
synced, and only then linked to its final name, which it never takes from an existing file:
a copy that failed (a full disk) leaves nothing that looks like a backup, and two copies made
in the same second get two names (microseconds, then a counter). A restore checks the file first
(integrity, that it is a callsheet database, a schema this version can open) and keeps the
current database aside before replacing it. The dashboard keeps one copy a day, the last 7.
Every copy is owner-only (0600) in owner-only folders (0700): it is the whole client book.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from callsheet.models.store.db import DatabaseError, database, sqlite_path
from callsheet.models.store.files import create_private_file, private_dir
from callsheet.models.store.migrations import CURRENT_VERSION
from callsheet.models.values.validate import InputError


class CopyFailed(DatabaseError):
    """A copy could not be written (a full disk, an I/O error); nothing was left behind.

    Exit 3 (the store is fine, the copy is not there), unlike a bad destination name (2).
    """


def backup_to(dest: str | os.PathLike) -> Path:
    """Write a consistent copy of the open SQLite database to ``dest`` (online backup API).

    Safe while other processes read and write: SQLite copies a snapshot page by page.
    """
    dest = Path(dest).expanduser()
    if not dest.exists():
        create_private_file(dest)
    source = database.obj.connection()
    target = sqlite3.connect(str(dest))
    # a copy that says "backed up" is on disk too, whatever this SQLite build's default is
    target.execute("PRAGMA synchronous = FULL")
    try:
        source.backup(target)
    finally:
        target.close()
    return dest


def integrity_problems(path: str | os.PathLike | None = None) -> list[str]:
    """SQLite's integrity-check complaints (empty if sound), one line each.

    With no ``path``, the open store is checked on its own connection: it has already
    recovered whatever a killed writer left behind, which a read-only look at the file
    cannot do (it would call such a file damaged). A ``path`` (a backup to restore) is
    opened read-only, so checking it never changes it.
    """
    try:
        if path is None:
            rows = database.obj.execute_sql("PRAGMA integrity_check").fetchall()
        else:
            connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
            try:
                rows = connection.execute("PRAGMA integrity_check").fetchall()
            finally:
                connection.close()
    except Exception as error:  # sqlite3 or peewee DatabaseError: "file is not a database"
        return [str(error)]
    if rows == [("ok",)]:
        return []
    return [line for row in rows for line in str(row[0]).splitlines() if line.strip()]


def file_schema_version(path: str | os.PathLike) -> int:
    """The schema version of the SQLite file at ``path``, read without changing it."""
    connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
        ).fetchone()
        if has_table:
            return (
                connection.execute('SELECT MAX("version") FROM schema_version').fetchone()[0] or 0
            )
        return connection.execute("PRAGMA user_version").fetchone()[0]
    finally:
        connection.close()


def backups_folder(db_path: Path) -> Path:
    return Path(db_path).expanduser().resolve().parent / "backups"


def _stamp() -> str:
    # Microseconds: two backups or restores in the same second must not share a name.
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


#: The suffix of a copy being written; never a backup, removed by the next copy and by forget.
PARTIAL = ".partial"


def partial_files(folder: Path) -> list[Path]:
    """Copies left half-written in ``folder`` (a crash, a full disk): not backups."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f".*{PARTIAL}*") if p.is_file())  # with -wal, -shm


def _is_disk_full(error: BaseException) -> bool:
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    return "full" in str(error).lower()  # SQLITE_FULL: "database or disk is full"


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_checked(
    target: Path, write: Callable[[Path], object], *, unique: bool, check: bool = True
) -> Path:
    """Write a copy with ``write(partial)``, check it, sync it, and give it its name.

    The name is taken with a hard link, which fails rather than replace a file: nothing is
    ever written over. ``check`` (off only for the copy a restore keeps aside, which must be
    kept even when damaged) runs :func:`check_backup` on it. With ``unique``, a taken name gets ``-2``, ``-3``, ...; without,
    a taken name is an error. Any failure removes the partial and raises DatabaseError
    (exit 3), saying "disk full" when that is why.
    """
    private_dir(target.parent)
    partial = target.with_name(f".{target.name}.{os.getpid()}{PARTIAL}")
    try:
        partial.unlink(missing_ok=True)
        create_private_file(partial)
        write(partial)
        _rollback_journal(partial)
        if partial.stat().st_size == 0:
            raise DatabaseError(f"{target}: the copy came out empty")
        if check:
            check_backup(partial, shown=target)
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        final = _link_unique(partial, target, unique=unique)
        partial.unlink(missing_ok=True)
        _sync_folder(final.parent)
        return final
    except (OSError, sqlite3.Error, DatabaseError) as error:
        for leftover in (partial, *_sidecars(partial)):
            leftover.unlink(missing_ok=True)
        if isinstance(error, InputError):
            raise
        if _is_disk_full(error):
            raise CopyFailed(
                f"{target.parent}: disk full; no copy was written (nothing half-written is left)"
            ) from sqlite3.OperationalError(str(error))
        raise CopyFailed(
            f"{target}: the copy could not be written ({error}); nothing half-written is left"
        ) from sqlite3.OperationalError(str(error))


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")


def _rollback_journal(path: Path) -> None:
    """A copy in WAL mode grows -wal and -shm files wherever it is opened (even read-only,
    for a check): a backup is one self-contained file, so it is switched to a rollback journal.
    """
    if path.stat().st_size == 0:
        return
    connection = sqlite3.connect(str(path))
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()
    for sidecar in _sidecars(path):
        sidecar.unlink(missing_ok=True)


def _link_unique(partial: Path, target: Path, *, unique: bool) -> Path:
    candidate, counter = target, 1
    while True:
        try:
            os.link(partial, candidate)
            return candidate
        except FileExistsError:
            if not unique:
                raise InputError(
                    "DEST", f"{candidate} already exists; choose another name"
                ) from None
            counter += 1
            candidate = target.with_name(f"{target.stem}-{counter}{target.suffix}")
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EOPNOTSUPP):
                raise
            # A file system without hard links (a FAT stick): exclusive create, then replace
            # that empty placeholder, which only this process owns.
            try:
                create_private_file(candidate)
            except FileExistsError:
                if not unique:
                    raise InputError(
                        "DEST", f"{candidate} already exists; choose another name"
                    ) from None
                counter += 1
                candidate = target.with_name(f"{target.stem}-{counter}{target.suffix}")
                continue
            os.replace(partial, candidate)
            return candidate


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
    for stale in partial_files(target.parent) if dest is None else []:
        stale.unlink(missing_ok=True)  # what an earlier failed copy left
    return _write_checked(target, backup_to, unique=dest is None or Path(dest).is_dir())


#: What a file that is not a backup looks like when it is one ``callsheet import`` reads.
_IMPORTABLE = (
    ("callsheet JSON", (b"{", b"["), (".json",)),
    ("vCard", (b"begin:vcard",), (".vcf", ".vcard")),
    ("CSV", (), (".csv", ".tsv")),
)


def _not_a_backup(name: Path, start: bytes) -> str:
    """Why ``name`` (its first bytes ``start``) is no backup, and what to do with it instead."""
    head = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for kind, openings, suffixes in _IMPORTABLE:
        if name.suffix.lower() in suffixes or head.startswith(openings):
            return (
                f"{name}: a {kind} file, not a database backup; to bring its clients in, "
                f"run `callsheet import {name}`"
            )
    return (
        f"{name}: not a database backup (a backup is an SQLite file made by `callsheet "
        "backup`; files of other programs come in with `callsheet import`)"
    )


def check_backup(path: Path, shown: Path | None = None) -> None:
    """Raise DatabaseError saying why ``path`` cannot be restored (named ``shown`` if given)."""
    name = shown or path
    if not path.is_file():
        raise DatabaseError(f"{name}: no such file")
    if path.stat().st_size == 0:
        raise DatabaseError(f"{name}: empty, not a backup")
    with path.open("rb") as stream:
        start = stream.read(512)
    if not start.startswith(b"SQLite format 3\x00"):
        raise DatabaseError(_not_a_backup(name, start))
    problems = integrity_problems(path)
    if problems:
        raise DatabaseError(f"{name}: damaged ({problems[0]})")
    version = file_schema_version(path)
    if version == 0:
        raise DatabaseError(f"{name}: not a callsheet database")
    if version > CURRENT_VERSION:
        raise DatabaseError(
            f"{name}: made by a newer callsheet (schema {version}); upgrade to restore it"
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
        raise DatabaseError(f"{name}: not a callsheet database")


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
        # A name of its own, never an existing one: two restores in the same second used to
        # share a name, and the second overwrote the only copy of the original.
        wanted = current.with_name(f"{current.stem}.before-restore-{_stamp()}{current.suffix}")
        kept = _write_checked(
            wanted, lambda partial: _copy(current, partial), unique=True, check=False
        )
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
    for stale in partial_files(folder):
        stale.unlink(missing_ok=True)  # what a copy cut short (a full disk) left behind
    try:
        target = _write_checked(target, backup_to, unique=False)
    except InputError:
        return None  # another window made today's copy meanwhile
    for old in sorted(folder.glob("callsheet-*.db"))[:-keep]:
        old.unlink()
    return target
