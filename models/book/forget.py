"""Forgetting a client for good: the right to erasure, as far as callsheet's own files go.

``forget_client`` removes the client and every row about them (contact points, the log and
its signals, agreements, invoices, time entries, follow-ups; other clients' referral links
to them are cut), then rewrites the database so no deleted byte survives: ``secure_delete``
zeroes freed space, ``VACUUM`` rebuilds the file, and a ``TRUNCATE`` checkpoint empties the
write-ahead log. It then does the same to callsheet's own copies: manual backups in the
backups folder, the daily rotation, the copies a restore kept aside, and the fact sheets
written to the default folder. Copies made elsewhere (an export, a backup to another
folder, a synced or system backup) are out of its reach; the README says so.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from peewee import SqliteDatabase

from callsheet.models.book.finding import name_key
from callsheet.models.store.backups import backups_folder
from callsheet.models.store.busy import patiently
from callsheet.models.store.db import database
from callsheet.models.store.files import default_folder, slug_of
from callsheet.models.store.tables import ALL_MODELS, Client, RiskCache

#: Every table of records about a client (phones, log, invoices, ...), counted as erased; the
#: risk cache goes with them but is derived, not a record the user kept.
_ABOUT_A_CLIENT = tuple(
    model for model in ALL_MODELS if "client" in model._meta.fields and model is not RiskCache
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

    def as_json(self) -> dict:
        return {
            "forgotten": self.name,
            "rows": self.rows,
            "referrals_cut": self.referrals_cut,
            "files_rewritten": [str(p) for p in self.files_rewritten],
            "files_removed": [str(p) for p in self.files_removed],
            "problems": self.problems,
        }


def forget_client(client: Client, fact_sheets: Path | None = None) -> Forgotten:
    """Erase ``client`` from the database and from callsheet's own copies of it.

    ``fact_sheets`` is the folder whose fact sheets about the client are removed (default:
    callsheet.models.briefing.facts.default_folder()). Callers must have asked the person to confirm.
    """
    identity = (client.id, name_key(client.name), _moment(client))
    report = Forgotten(client.name)

    def erase() -> None:
        with database.atomic():
            report.rows = 1 + sum(
                model.select().where(model.client == client.id).count() for model in _ABOUT_A_CLIENT
            )
            report.referrals_cut = _cut_referrals(identity[1], client.id)
            Client.delete().where(Client.id == client.id).execute()  # the rest cascades

    patiently(erase)
    db = database.obj
    if isinstance(db, SqliteDatabase):
        path = Path(db.database)
        patiently(lambda: db.execute_sql("VACUUM"))
        busy, _, _ = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            report.problems.append(
                f"{path.name}-wal: another program (the dashboard?) is reading the database, "
                "so its write-ahead log could not be emptied yet; it is when that program closes"
            )
        for copy in own_copies(path):
            _scrub_copy(copy, identity, report)
    _remove_fact_sheets(client, fact_sheets, report)
    return report


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


def _scrub_copy(path: Path, identity: tuple, report: Forgotten) -> None:
    """Delete the client from one SQLite copy and rebuild it, so nothing of them is left."""
    client_id, key, created = identity
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
        doomed = [
            row_id
            for row_id, name, made, _ in rows
            if name_key(name or "") == key or (row_id == client_id and made == created)
        ]
        cut = [row_id for row_id, _, _, text in rows if text and name_key(text) == key]
        if not doomed and not cut:
            return
        with connection:
            for row_id in cut:
                connection.execute(
                    "UPDATE client SET referred_by_text = '' WHERE id = ?", (row_id,)
                )
            for row_id in doomed:
                connection.execute("DELETE FROM client WHERE id = ?", (row_id,))
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        report.files_rewritten.append(path)
    except sqlite3.Error as error:
        report.problems.append(f"{path}: not cleaned ({error})")
    finally:
        connection.close()


def _remove_fact_sheets(client: Client, folder: Path | None, report: Forgotten) -> None:
    folder = default_folder() if folder is None else folder
    pattern = re.compile(re.escape(slug_of(client)) + r"-\d{4}-\d{2}-\d{2}\.md")
    if not folder.is_dir():
        return
    for sheet in folder.iterdir():
        if pattern.fullmatch(sheet.name):
            sheet.unlink()
            report.files_removed.append(sheet)
