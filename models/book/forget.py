"""Forgetting a client for good: the right to erasure, as far as callsheet's own files go.

``forget_client`` removes the client and every row about them (contact points, the log and
its signals, agreements, invoices, time entries, follow-ups; other clients' referral links
to them are cut), then rewrites the database so no deleted byte survives: ``secure_delete``
zeroes freed space, ``VACUUM`` rebuilds the file, and a ``TRUNCATE`` checkpoint empties the
write-ahead log. It then does the same to callsheet's own copies: manual backups in the
backups folder, the daily rotation, the copies a restore kept aside, and the fact sheets
written to the default folder, and removes half-written copies (``.*.partial``).
Copies made elsewhere (an export, a backup to another folder, a synced or system backup)
are out of its reach; the README says so.

The full-text index (FTS5, external content) keeps a deleted row's words in its segments
(and its 'delete' markers repeat them), so before the file is rewritten each index is
``optimize``d: merged into one segment, which drops deleted rows and their terms.

An erasure is resumable: before anything is deleted, a sidecar ``.NAME.db.forget-pending``
(0600, synced) records what to erase as the client's id, creation moment and a SHA-256 of
the name key, never the name or any word about them, so the record itself cannot leak what
it is there to erase, and it lives outside the database so it does not have to be scrubbed
from the very copies it lists. It is removed only once the database and every copy are
clean; until then every ``forget`` (and the dashboard's) finishes it first, and ``doctor``
names it as a problem.

On PostgreSQL the rows are deleted, then the tables rewritten with ``VACUUM (FULL)`` where
the role owns them; what the server keeps anyway (its WAL, replicas, its own backups) is
said in :data:`SERVER_KEEPS`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from peewee import PostgresqlDatabase, SqliteDatabase

from callsheet.models.book.finding import name_key
from callsheet.models.store.backups import backups_folder, partial_files
from callsheet.models.store.busy import patiently
from callsheet.models.store.db import DatabaseError, database
from callsheet.models.store.erasures import pending_path, read_pending
from callsheet.models.store.files import default_folder, private_text_file, slug_of
from callsheet.models.store.tables import ALL_MODELS, Client, Phone, RingEvent, RiskCache

#: Every table of records about a client (phones, log, invoices, ...), counted as erased; the
#: risk cache goes with them but is derived, not a record the user kept.
_ABOUT_A_CLIENT = tuple(
    model for model in ALL_MODELS if "client" in model._meta.fields and model is not RiskCache
)


#: The FTS5 indexes over client text (schema step 4): their segments keep deleted terms.
FTS_INDEXES = ("interaction_text", "client_text")

#: What a PostgreSQL server keeps after forget, said by the command and the README.
SERVER_KEEPS = (
    "the PostgreSQL server still keeps the erased rows in its write-ahead log (pg_wal) until "
    "it is recycled, in any replica or WAL archive, and in its own backups and pg_dump files: "
    "those are the server administrator's to clear"
)


@dataclass
class Forgotten:
    """What forgetting a client did, for the confirmation line."""

    name: str
    rows: int = 0
    referrals_cut: int = 0
    files_rewritten: list[Path] = field(default_factory=list)
    files_removed: list[Path] = field(default_factory=list)
    #: callsheet's own copies that could not be cleaned, with the reason
    problems: list[str] = field(default_factory=list)
    #: what is out of callsheet's reach (PostgreSQL: the server's WAL and backups)
    caveats: list[str] = field(default_factory=list)
    #: unfinished erasures (from an earlier forget cut short) completed on the way
    resumed: int = 0

    def as_json(self) -> dict:
        return {
            "forgotten": self.name,
            "rows": self.rows,
            "referrals_cut": self.referrals_cut,
            "files_rewritten": [str(p) for p in self.files_rewritten],
            "files_removed": [str(p) for p in self.files_removed],
            "problems": self.problems,
            "caveats": self.caveats,
            "resumed": self.resumed,
        }


def forget_client(client: Client, fact_sheets: Path | None = None) -> Forgotten:
    """Erase ``client`` from the database and from callsheet's own copies of it.

    ``fact_sheets`` is the folder whose fact sheets about the client are removed (default:
    callsheet.models.briefing.facts.default_folder()). Callers must have asked the person to confirm.
    """
    identity = (client.id, _key_hash(name_key(client.name)), _moment(client))
    report = Forgotten(client.name)
    path = _sqlite_file()
    if path is not None:
        try:
            _record_pending(path, identity)  # first: a cut-short forget is finished later
        except OSError as error:  # a full disk: refuse before anything is erased (exit 3)
            raise DatabaseError(
                f"{pending_path(path)}: {error.strerror or error}; nothing was erased"
            ) from sqlite3.OperationalError(str(error))

    def erase() -> None:
        with database.atomic():
            report.rows = 1 + sum(
                model.select().where(model.client == client.id).count() for model in _ABOUT_A_CLIENT
            )
            report.referrals_cut = _cut_referrals(name_key(client.name), client.id)
            _forget_their_calls(client.id)
            Client.delete().where(Client.id == client.id).execute()  # the rest cascades

    patiently(erase)
    _remove_fact_sheets(client, fact_sheets, report)
    _finish(path, report)
    return report


def finish_pending(fact_sheets: Path | None = None) -> Forgotten | None:
    """Complete erasures a cut-short ``forget`` left (None if there were none)."""
    path = _sqlite_file()
    if path is None or not pending_path(path).exists():
        return None
    report = Forgotten("")
    pending = read_pending(path)
    report.resumed = len(pending)
    for client_id, key_hash, created in pending:
        doomed = [
            row
            for row in Client.select().where(Client.id == client_id)
            if _moment(row) == created or _key_hash(name_key(row.name)) == key_hash
        ]
        for row in doomed:  # cut short before the delete was committed
            report.name = row.name

            def erase(row: Client = row) -> None:
                _delete_client(row, report)

            patiently(erase)
            _remove_fact_sheets(row, fact_sheets, report)
    _finish(path, report)
    return report


def _delete_client(client: Client, report: Forgotten) -> None:
    with database.atomic():
        report.rows += 1 + sum(
            model.select().where(model.client == client.id).count() for model in _ABOUT_A_CLIENT
        )
        report.referrals_cut += _cut_referrals(name_key(client.name), client.id)
        _forget_their_calls(client.id)
        Client.delete().where(Client.id == client.id).execute()


def _forget_their_calls(client_id: int) -> None:
    """Ring events (callsheet ring) from their numbers, also those from before they were a
    client (kept without a client): their own go with them by the cascade."""
    numbers = [
        e164 for (e164,) in Phone.select(Phone.e164).where(Phone.client == client_id).tuples()
    ]
    if numbers:
        RingEvent.delete().where(RingEvent.e164.in_(numbers)).execute()


def _sqlite_file() -> Path | None:
    db = database.obj
    return Path(db.database) if isinstance(db, SqliteDatabase) else None


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _record_pending(db_path: Path, identity: tuple) -> None:
    """Add ``identity`` to the sidecar, durably, before anything is erased."""
    client_id, key_hash, created = identity
    entries = [
        {"id": i, "key": k, "created": c}
        for i, k, c in read_pending(db_path)
        if (i, k, c) != identity
    ]
    entries.append({"id": client_id, "key": key_hash, "created": created})
    target = pending_path(db_path)
    with private_text_file(target) as out:
        json.dump(entries, out)
    _sync(target)
    _sync(target.parent)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _finish(path: Path | None, report: Forgotten) -> None:
    """Rewrite the store (and, on SQLite, every own copy) so nothing deleted survives."""
    db = database.obj
    if isinstance(db, PostgresqlDatabase):
        _vacuum_server(db, report)
        return
    if path is None:
        return
    purge_text_index(db)
    patiently(lambda: db.execute_sql("VACUUM"))
    busy, _, _ = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        report.problems.append(
            f"{path.name}-wal: another program (the dashboard?) is reading the database, "
            "so its write-ahead log could not be emptied yet; it is when that program closes"
        )
    pending = read_pending(path)
    before = len(report.problems)  # a busy WAL empties itself later: not unfinished
    for copy in own_copies(path):
        _scrub_copy(copy, pending, report, always=report.resumed > 0 or len(pending) > 1)
    _remove_partials(path, report)
    if len(report.problems) == before:
        pending_path(path).unlink(missing_ok=True)
        _sync(path.parent)
    else:
        report.problems.append(
            "the erasure is not finished: `callsheet forget` run again (any name) finishes it"
        )


def purge_text_index(db, execute=None) -> None:
    """Merge each FTS5 index into one segment, dropping the terms of deleted rows.

    External-content FTS5 only marks a deleted row; its words stay in the old segments
    (and in the 'delete' marker itself) until a merge. 'optimize' merges everything.
    """
    run = execute or db.execute_sql
    present = {
        row[0] for row in run("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    }
    for index in FTS_INDEXES:
        if index in present:
            run(f'INSERT INTO "{index}"("{index}") VALUES (\'optimize\')')


def _vacuum_server(db: PostgresqlDatabase, report: Forgotten) -> None:
    """Rewrite the tables the role owns (VACUUM FULL), and say what the server keeps."""
    tables = [model._meta.table_name for model in ALL_MODELS]
    owned = {
        row[0]
        for row in db.execute_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relname = ANY(%s) "
            "AND pg_has_role(c.relowner, 'MEMBER')",
            (tables,),
        ).fetchall()
    }
    skipped = [table for table in tables if table not in owned]
    for table in tables:
        if table not in owned:
            continue
        try:
            # outside a transaction (autocommit); ANALYZE replaces the planner's statistics,
            # whose sample values (pg_statistic) may hold her words since autovacuum's last run
            db.execute_sql(f'VACUUM (FULL, ANALYZE) "{table}"')
        except Exception as error:  # permission, lock: the rows are deleted all the same
            skipped.append(f"{table} ({str(error).splitlines()[0]})")
    try:
        # the replaced statistics rows are dead tuples in pg_statistic's own file until it is
        # rewritten; a database owner may do that (a role that only owns the tables may not)
        db.execute_sql("VACUUM (FULL) pg_catalog.pg_statistic")
    except Exception as error:
        report.problems.append(
            "the planner's statistics (pg_statistic) may keep sample values of the erased rows "
            "until the database owner runs VACUUM (FULL) pg_catalog.pg_statistic "
            f"({str(error).splitlines()[0]})"
        )
    if skipped:
        report.problems.append(
            "VACUUM (FULL) not allowed for this role on: "
            + ", ".join(skipped)
            + "; the deleted rows stay in those table files until the owner runs "
            "VACUUM (FULL) or the space is reused"
        )
    report.caveats.append(SERVER_KEEPS)


def _moment(client: Client) -> int | None:
    created = client.created_at
    return int(created.timestamp()) if created is not None else None


def _cut_referrals(key: str, client_id: int) -> int:
    """Clear free-text referrals naming the client (links by id are cut by the schema)."""
    linked = Client.select().where(Client.referred_by == client_id).count()
    named = [
        other_id
        for other_id, text in Client.select(Client.id, Client.referred_by_text)
        .where(Client.referred_by_text != "")
        .tuples()
        if name_key(text) == key
    ]
    if named:
        Client.update(referred_by_text="").where(Client.id.in_(named)).execute()
    return linked + len(named)


def own_copies(db_path: Path) -> list[Path]:
    """callsheet's own copies of the database at ``db_path``: backups, daily, kept aside."""
    db_path = Path(db_path)
    folder = backups_folder(db_path)
    copies = sorted(folder.glob("*.db")) + sorted((folder / "daily").glob("*.db"))
    copies += sorted(db_path.parent.glob(f"{db_path.stem}.before-restore-*{db_path.suffix}"))
    return [copy for copy in copies if copy.is_file() and copy.resolve() != db_path.resolve()]


def _scrub_copy(path: Path, identities: list[tuple], report: Forgotten, always: bool) -> None:
    """Delete the clients from one SQLite copy and rebuild it, so nothing of them is left.

    ``always`` (finishing a forget cut short) rebuilds the copy even when no row matches:
    the earlier attempt may have deleted the rows and failed before the rebuild.
    """
    try:
        connection = sqlite3.connect(str(path), timeout=10)
    except sqlite3.Error as error:
        report.problems.append(f"{path}: {error}")
        return
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA secure_delete = ON")
        rows = connection.execute(
            "SELECT id, name, created_at, referred_by_text FROM client"
        ).fetchall()
        keys = {key for _, key, _ in identities}
        ids = {(client_id, created) for client_id, _, created in identities}
        doomed = [
            row_id
            for row_id, name, made, _ in rows
            if _key_hash(name_key(name or "")) in keys or (row_id, made) in ids
        ]
        cut = [row_id for row_id, _, _, text in rows if text and _key_hash(name_key(text)) in keys]
        if not doomed and not cut and not always:
            return
        with connection:
            for row_id in cut:
                connection.execute(
                    "UPDATE client SET referred_by_text = '' WHERE id = ?", (row_id,)
                )
            for row_id in doomed:
                connection.execute("DELETE FROM client WHERE id = ?", (row_id,))
            purge_text_index(None, connection.execute)
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        report.files_rewritten.append(path)
    except sqlite3.Error as error:
        report.problems.append(f"{path}: not cleaned ({error})")
    finally:
        connection.close()


def _remove_partials(db_path: Path, report: Forgotten) -> None:
    """Half-written copies (a backup cut short by a full disk) hold the client too: gone."""
    folder = backups_folder(db_path)
    for partial in partial_files(folder) + partial_files(folder / "daily"):
        try:
            _zero_and_unlink(partial)
            report.files_removed.append(partial)
        except OSError as error:
            report.problems.append(f"{partial}: not removed ({error.strerror or error})")


def _zero_and_unlink(path: Path) -> None:
    """Overwrite in place (no new blocks needed on a full disk), sync, then unlink."""
    size = path.stat().st_size
    with open(path, "r+b") as out:
        chunk = b"\0" * 65536
        for _ in range(0, size, len(chunk)):
            out.write(chunk)
        out.truncate(size)
        out.flush()
        os.fsync(out.fileno())
    path.unlink()


def _remove_fact_sheets(client: Client, folder: Path | None, report: Forgotten) -> None:
    folder = default_folder() if folder is None else folder
    pattern = re.compile(re.escape(slug_of(client)) + r"-\d{4}-\d{2}-\d{2}\.md")
    if not folder.is_dir():
        return
    for sheet in folder.iterdir():
        if pattern.fullmatch(sheet.name):
            sheet.unlink()
            report.files_removed.append(sheet)
