"""Two-way sync of the clients with a contacts vdir (``callsheet sync contacts VDIR``).

A vdir (pimutils' vdir spec) is a folder with one ``.vcf`` file a card, which vdirsyncer
keeps in step with a CardDAV server (the phone's address book) and khard reads. Filenames
are not UIDs and are kept; files are written atomically (a ``.tmp`` file, then a rename,
mode 0600); ``.tmp`` and extensionless files are not cards; a file whose ``mtime_ns;inode``
(its etag) is what the last sync left is not read again.

What the last sync agreed is kept per card in ``contact_sync`` (schema step 7): the client,
the file, its UID and etag, the hash of its bytes, and a hash of each owned field
(:mod:`callsheet.models.exchange.card_edit`). From there each run sees, per card:

- a card new in the vdir: paired with the client whose earlier card had its UID, else
  merged into a client with the same phone or e-mail exactly as ``callsheet import`` merges
  (fields it left empty filled, phones and e-mails added, the merge named), else added;
- a card changed in the vdir, a client changed in callsheet, or both: a three-way merge per
  field against the base. Fields changed on one side are taken from it; a field changed
  on both sides to different values is a **conflict**: the card and the client are left as
  they are (and listed, with both versions) unless ``prefer`` says which side wins;
- a client new in callsheet (not archived): written as a new card, a fresh UID its name;
- a card deleted in the vdir: its client is archived (history is never deleted);
- a client deleted in callsheet: its card is removed (unless the card changed since, a
  conflict). An **archived** client keeps its card and keeps syncing: archiving is
  reversible and the phone should still know who is calling.

Everything the database gets is written in one transaction, the files inside it before
the commit: a run cut short leaves either nothing or files the next run finds equal to the
clients. ``dry_run`` writes nothing at all. A second run with nothing changed reads no
card and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from callsheet.models.book import bulk_writes as bulk
from callsheet.models.book.clients import write_row
from callsheet.models.book.contact_points import Owners, add_contact_points, replace_contact_points
from callsheet.models.book.finding import name_key
from callsheet.models.exchange.card_edit import (
    FIELDS,
    Owned,
    edit_card,
    field_hashes,
    for_reading,
    hash_of,
    new_card,
    normal,
    owned_fields,
    same,
)
from callsheet.models.exchange.document import FORMAT, check_document
from callsheet.models.exchange.vcard import Card, read_cards
from callsheet.models.store.db import database
from callsheet.models.store.tables import Client, ContactSync, Email, Phone
from callsheet.models.values.validate import InputError
from callsheet.models.values.when import utcnow

__all__ = ["Conflict", "SyncReport", "sync_contacts"]

PREFER = ("callsheet", "vdir")
_FILE_MODE = 0o600


@dataclass
class Conflict:
    filename: str
    client_id: int | None
    name: str
    #: field -> {"callsheet": value, "vdir": value}
    fields: dict[str, dict[str, object]]


@dataclass
class SyncReport:
    collection: str
    dry_run: bool = False
    cards: int = 0
    #: clients added from new cards: "Name (file.vcf)"
    added: list[str] = field(default_factory=list)
    #: "Name (file.vcf) -> #12 Stored Name (same phone +40...)"
    merged: list[str] = field(default_factory=list)
    #: clients changed from their cards: "#12 Name: phones, notes"
    updated: list[str] = field(default_factory=list)
    #: new cards written: "file.vcf: Name"
    written: list[str] = field(default_factory=list)
    #: cards edited in place: "file.vcf: phones"
    edited: list[str] = field(default_factory=list)
    #: cards removed because their client was deleted
    removed: list[str] = field(default_factory=list)
    #: clients archived because their card was deleted
    archived: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    #: one line per card that cannot be read: "file.vcf: why"
    bad: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def files_written(self) -> int:
        return len(self.written) + len(self.edited) + len(self.removed)

    def summary(self) -> str:
        verb = "would" if self.dry_run else ""
        parts = [
            f"{len(self.added):,} clients added",
            f"{len(self.merged):,} merged",
            f"{len(self.updated):,} updated",
            f"{len(self.archived):,} archived",
            f"{len(self.written):,} cards written",
            f"{len(self.edited):,} edited",
            f"{len(self.removed):,} removed",
        ]
        text = f"contacts {self.collection}: {self.cards:,} cards; "
        text += (f"{verb} " if verb else "") + ", ".join(parts)
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflicts"
        if self.bad:
            text += f"; {len(self.bad)} cards not read"
        return text


# --- files -------------------------------------------------------------------------------------


def _etag(stat: os.stat_result) -> str:
    return f"{stat.st_mtime_ns};{stat.st_ino}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_card(name: str) -> bool:
    """A vdir item: a ``.vcf`` file (not a ``.tmp`` one, not a hidden or extensionless one)."""
    return not name.startswith(".") and name.lower().endswith(".vcf")


def _write_temporary(folder: Path, filename: str, data: bytes) -> tuple[Path, str]:
    """Write ``data`` to a ``.tmp`` file beside ``folder/filename`` (mode 0600); return it
    and its etag, which the rename into place keeps (a rename changes neither)."""
    temporary = folder / f"{filename}.{uuid.uuid4().hex[:8]}.tmp"
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            etag = _etag(os.fstat(stream.fileno()))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary, etag


def _put_in_place(folder: Path, written: list[tuple[Path, str]]) -> None:
    """Rename the ``.tmp`` files over their cards, once their bytes are on disk: one file is
    flushed by itself, many by one ``sync`` (a first run writes thousands; one flush each
    would take minutes). Then the folder, so the renames are on disk too."""
    if not written:
        return
    try:
        if len(written) == 1:
            with open(written[0][0], "rb") as stream:
                os.fsync(stream.fileno())
        else:
            os.sync()
        for temporary, filename in written:
            os.replace(temporary, folder / filename)
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _decode(data: bytes) -> str:
    """The card's text; bytes that are not UTF-8 survive a rewrite unchanged."""
    return data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _parse(text: str) -> tuple[Card | None, str]:
    cards, problems = read_cards(for_reading(text))
    if problems:
        return None, problems[0]
    if not cards:
        return None, "no BEGIN:VCARD found: not a vCard"
    if len(cards) > 1:
        return None, f"holds {len(cards)} cards; a vdir keeps one card a file"
    return cards[0], ""


def _uid(card: Card) -> str:
    prop = card.first("UID")
    return prop.text() if prop else ""


# --- the callsheet side ------------------------------------------------------------------------


def _clients_now(ids: set[int] | None = None) -> dict[int, tuple[Owned, bool, str]]:
    """(owned fields, archived, name) of every client (or of ``ids``)."""
    query = Client.select(
        Client.id, Client.name, Client.company, Client.language, Client.notes, Client.archived_at
    )
    phones: dict[int, list] = {}
    emails: dict[int, list] = {}
    phone_query = Phone.select(Phone.client, Phone.e164, Phone.raw, Phone.kind).order_by(Phone.id)
    email_query = Email.select(Email.client, Email.address, Email.kind).order_by(Email.id)
    if ids is not None:
        query = query.where(Client.id.in_(list(ids)))
        phone_query = phone_query.where(Phone.client.in_(list(ids)))
        email_query = email_query.where(Email.client.in_(list(ids)))
    for client_id, e164, raw, kind in phone_query.tuples().iterator():
        phones.setdefault(client_id, []).append((e164, raw, kind))
    for client_id, address, kind in email_query.tuples().iterator():
        emails.setdefault(client_id, []).append((address, kind))
    found = {}
    for client_id, name, company, language, notes, archived in query.tuples().iterator():
        owned = Owned(
            name=name,
            phones=phones.get(client_id, []),
            emails=emails.get(client_id, []),
            company=company or "",
            language=language or "",
            notes=notes or "",
        )
        found[client_id] = (owned, archived is not None, name)
    return found


def _update_client(client_id: int, wanted: Owned, fields: set[str], now: datetime) -> None:
    client = Client.get_by_id(client_id)
    changes: dict[str, object] = {}
    for name in fields & {"name", "company", "language", "notes"}:
        changes[name] = wanted.get(name)
    if "name" in changes:
        changes["name_key"] = name_key(wanted.name)
    write_row(client, changes | {"updated_at": now})
    replace_contact_points(
        client,
        wanted.phones if "phones" in fields else None,
        wanted.emails if "emails" in fields else None,
    )


# --- the sync ----------------------------------------------------------------------------------


@dataclass
class _Card:
    filename: str
    etag: str
    data: bytes = b""
    text: str = ""
    card: Card | None = None
    owned: Owned | None = None
    client_object: dict | None = None


def sync_contacts(
    folder: Path | str,
    *,
    dry_run: bool = False,
    prefer: str | None = None,
    region: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> SyncReport:
    """Sync the clients with the contacts vdir ``folder``; see the module's docstring."""
    if prefer is not None and prefer not in PREFER:
        raise InputError("--prefer", f"{prefer!r}: say callsheet or vdir")
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InputError("VDIR", f"{folder}: no such folder (a vdir is a folder of .vcf files)")
    collection = str(folder.resolve())
    now = now or utcnow()
    report = SyncReport(collection, dry_run=dry_run)
    run = _Run(folder, collection, report, dry_run, prefer, region, now, progress)
    try:
        with database.atomic() as transaction:
            run.go()
            if dry_run:
                transaction.rollback()
            else:
                # inside the transaction: a commit that fails leaves cards equal to the
                # clients, which the next run finds agreeing (never a lost edit)
                _put_in_place(run.folder, run.written)
                run.written = []
    finally:
        for temporary, _ in run.written:  # the run failed before the renames
            temporary.unlink(missing_ok=True)
    return report


class _Run:
    def __init__(self, folder, collection, report, dry_run, prefer, region, now, progress):
        self.folder: Path = folder
        self.collection: str = collection
        self.report: SyncReport = report
        self.dry_run: bool = dry_run
        self.prefer: str | None = prefer
        self.region: str | None = region
        self.now: datetime = now
        self.progress = progress
        self.done = 0
        self.total = 0
        #: the .tmp files written, renamed over their cards at the end of the run
        self.written: list[tuple[Path, str]] = []

    # -- helpers

    def tick(self) -> None:
        self.done += 1
        if self.progress and (self.done % 100 == 0 or self.done == self.total):
            self.progress(self.done, self.total)

    def read(self, item: _Card) -> bool:
        """Read and parse ``item``'s file; False (and the card named) when it cannot be read."""
        try:
            item.data = (self.folder / item.filename).read_bytes()
        except OSError as error:
            self.report.bad.append(f"{item.filename}: {error.strerror or error}")
            return False
        item.text = _decode(item.data)
        item.card, problem = _parse(item.text)
        if item.card is None:
            self.report.bad.append(f"{item.filename}: {problem}")
            return False
        item.owned, item.client_object, problems = owned_fields(item.card, self.region)
        if item.owned is None:
            self.report.bad.append(f"{item.filename}: {problems[0] if problems else 'unreadable'}")
            return False
        return True

    def write(self, filename: str, text: str) -> tuple[str, str]:
        """(etag, hash) of ``filename`` written with ``text`` (nothing written on a dry run)."""
        data = _encode(text)
        if self.dry_run:
            return "", _digest(data)
        temporary, etag = _write_temporary(self.folder, filename, data)
        self.written.append((temporary, filename))
        return etag, _digest(data)

    def save_state(self, row: ContactSync | None, **values) -> None:
        if row is None:
            ContactSync.create(collection=self.collection, **values)
        else:
            ContactSync.update(values).where(ContactSync.id == row.id).execute()

    # -- the run

    def go(self) -> None:
        files: dict[str, str] = {}
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if _is_card(entry.name) and entry.is_file():
                    files[entry.name] = _etag(entry.stat())
        self.report.cards = len(files)
        states = {
            row.filename: row
            for row in ContactSync.select().where(ContactSync.collection == self.collection)
        }
        clients = _clients_now()
        self.total = len(files) + len(clients)
        new_cards: list[_Card] = []
        for filename in sorted(files):
            row = states.get(filename)
            item = _Card(filename, files[filename])
            if row is None:
                if self.read(item):
                    new_cards.append(item)
                self.tick()
                continue
            self.known_card(row, item, clients)
            self.tick()
        gone = [row for filename, row in states.items() if filename not in files]
        self.new_cards(new_cards, gone, clients)
        for row in gone:
            if row.id is not None:
                self.card_deleted(row, clients)
        paired = {
            client_id
            for (client_id,) in ContactSync.select(ContactSync.client)
            .where((ContactSync.collection == self.collection) & ContactSync.client.is_null(False))
            .tuples()
        }
        for client_id, (owned, archived, _name) in clients.items():
            if client_id not in paired and not archived:
                self.client_new(client_id, owned)
            self.tick()

    def known_card(self, row: ContactSync, item: _Card, clients) -> None:
        base: dict[str, str] = json.loads(row.fields)
        salt = row.uid or row.filename
        vdir_changed = item.etag != row.etag
        if vdir_changed:
            try:
                item.data = (self.folder / item.filename).read_bytes()
            except OSError as error:
                self.report.bad.append(f"{item.filename}: {error.strerror or error}")
                return
            if _digest(item.data) == row.text_hash:
                vdir_changed = False  # touched, not changed: remember its new stat only
                if not self.dry_run:
                    self.save_state(row, etag=item.etag)
        if row.client_id is None or row.client_id not in clients:
            self.client_deleted(row, item, vdir_changed)
            return
        ours, _archived, stored_name = clients[row.client_id]
        ours_changed = {f for f in FIELDS if hash_of(f, ours.get(f), salt) != base.get(f)}
        if not vdir_changed and not ours_changed:
            if row.conflict:
                self.save_state(row, conflict="")
            self.report.unchanged += 1
            return
        # changed, or as the last sync left it and read to be edited
        if not self.read(item):
            return
        assert item.owned is not None
        theirs = item.owned
        theirs_changed = {f for f in FIELDS if hash_of(f, theirs.get(f), salt) != base.get(f)}
        both = {f for f in ours_changed & theirs_changed if not same(f, ours.get(f), theirs.get(f))}
        if both and self.prefer is None:
            self.report.conflicts.append(
                Conflict(
                    item.filename,
                    row.client_id,
                    stored_name,
                    {
                        f: {"callsheet": _shown(f, ours.get(f)), "vdir": _shown(f, theirs.get(f))}
                        for f in FIELDS
                        if f in both
                    },
                )
            )
            fields = ", ".join(f for f in FIELDS if f in both)
            if row.conflict != fields:  # listed again each run, written once
                self.save_state(row, conflict=fields)
            return
        merged = Owned(name="", phones=[], emails=[])
        for f in FIELDS:
            take_theirs = f in theirs_changed and (f not in both or self.prefer == "vdir")
            setattr(merged, f, theirs.get(f) if take_theirs else ours.get(f))
        self.apply(row, item, row.client_id, ours, theirs, merged, stored_name)

    def apply(self, row, item: _Card, client_id: int, ours: Owned, theirs: Owned, merged, name):
        """Bring the client and the card to ``merged``; save the new base."""
        to_client = {f for f in FIELDS if not same(f, ours.get(f), merged.get(f))}
        to_card = {f for f in FIELDS if not same(f, theirs.get(f), merged.get(f))}
        if to_client:
            _update_client(client_id, merged, to_client, self.now)
            self.report.updated.append(f"#{client_id} {merged.name}: {_names(to_client)}")
        etag, digest = item.etag, _digest(item.data)
        if to_card:
            assert item.card is not None
            text = edit_card(item.text, item.card, theirs, merged, to_card, self.region)
            etag, digest = self.write(item.filename, text)
            self.report.edited.append(f"{item.filename}: {_names(to_card)}")
        uid = _uid(item.card) if item.card else (row.uid if row else "")
        salt = (row.uid or row.filename) if row is not None else (uid or item.filename)
        self.save_state(
            row,
            client=client_id,
            filename=item.filename,
            uid=uid,
            etag=etag,
            text_hash=digest,
            fields=json.dumps(field_hashes(merged, salt)),
            conflict="",
        )

    def client_deleted(self, row: ContactSync, item: _Card, vdir_changed: bool) -> None:
        if vdir_changed and self.prefer != "callsheet":
            if self.prefer == "vdir":
                ContactSync.delete().where(ContactSync.id == row.id).execute()
                if self.read(item):
                    self.new_cards([item], [], {})
                return
            self.report.conflicts.append(
                Conflict(
                    item.filename, None, "", {"client": {"callsheet": "deleted", "vdir": "changed"}}
                )
            )
            self.save_state(row, conflict="deleted")
            return
        if not self.dry_run:
            (self.folder / item.filename).unlink(missing_ok=True)
        self.report.removed.append(item.filename)
        ContactSync.delete().where(ContactSync.id == row.id).execute()

    def card_deleted(self, row: ContactSync, clients) -> None:
        ContactSync.delete().where(ContactSync.id == row.id).execute()
        if row.client_id is None or row.client_id not in clients:
            return
        _owned, archived, name = clients[row.client_id]
        other_cards = ContactSync.select().where(
            (ContactSync.collection == self.collection) & (ContactSync.client == row.client_id)
        )
        if archived or other_cards.exists():
            return  # a duplicate card deleted on the phone: the client still has one
        client = Client.get_by_id(row.client_id)
        write_row(client, {"archived_at": self.now, "updated_at": self.now})
        clients[row.client_id] = (clients[row.client_id][0], True, name)
        self.report.archived.append(f"#{row.client_id} {name} ({row.filename} deleted)")

    def client_new(self, client_id: int, owned: Owned) -> None:
        uid = str(uuid.uuid4())
        filename = f"{uid}.vcf"
        text = new_card(uid, owned, self.region)
        etag, digest = self.write(filename, text)
        self.save_state(
            None,
            client=client_id,
            filename=filename,
            uid=uid,
            etag=etag,
            text_hash=digest,
            fields=json.dumps(field_hashes(owned, uid)),
            conflict="",
        )
        self.report.written.append(f"{filename}: {owned.name}")

    def new_cards(self, items: list[_Card], gone: list[ContactSync], clients) -> None:
        """Pair each new card with a client: by UID (a card renamed), then as import merges
        (same phone, then same e-mail), else add it as a new client."""
        if not items:
            return
        by_uid = {row.uid: row for row in gone if row.uid and row.client_id in clients}
        by_file = {}
        for item in items:
            cleaned, problems = check_document(
                {"format": FORMAT, "clients": [item.client_object]},
                region=self.region,
                places=[item.filename],
                now=self.now,
            )
            # a card the checks refuse is named and left out (owned_fields checked it already)
            self.report.bad.extend(problems)
            if cleaned:
                by_file[item.filename] = cleaned[0]
        owners = Owners.load()
        new = bulk.NewClients(owners, self.now)
        waiting: dict[int, _Card] = {}
        added: list[int] = []

        def insert_held() -> None:
            for client_id, clean in new.flush():
                item = waiting.pop(id(clean))
                assert item.owned is not None
                self.apply(None, item, client_id, item.owned, item.owned, item.owned, "")
                added.append(client_id)

        for item in items:
            clean = by_file.get(item.filename)
            if clean is None or item.owned is None or item.card is None:
                continue
            uid = _uid(item.card)
            earlier = by_uid.get(uid)
            if earlier is not None and earlier.id is not None:
                # the same card under another name: take over its state
                ContactSync.update(filename=item.filename).where(
                    ContactSync.id == earlier.id
                ).execute()
                earlier.filename = item.filename
                gone.remove(earlier)
                earlier.etag = ""
                self.known_card(earlier, item, clients)
                continue
            found, why = owners.match(clean.phones, clean.emails, clean.fields["name"])
            if found is not None and new.pending(found):
                insert_held()
                found, why = owners.match(clean.phones, clean.emails, clean.fields["name"])
            if found is None:
                self.report.added.append(f"{clean.fields['name']} ({item.filename})")
                waiting[id(clean)] = item
                if new.add(clean):
                    insert_held()
                continue
            client = Client.get_by_id(found)
            bulk.fill_empty_fields(client, clean.fields, self.now)
            add_contact_points(client, clean.phones, clean.emails)
            owners.claim_all(client.id, clean.phones, clean.emails)
            self.report.merged.append(
                f"{clean.fields['name']} ({item.filename}) -> #{client.id} {client.name} ({why})"
            )
            ours = _clients_now({client.id})[client.id][0]
            clients[client.id] = (ours, client.archived_at is not None, client.name)
            # the client as merged wins for what the card and it disagree on (import's rule)
            self.apply(None, item, client.id, ours, item.owned, ours, client.name)
        insert_held()
        if added:
            bulk.refresh_derived(added, self.now)


def _names(fields: set[str]) -> str:
    return ", ".join(f for f in FIELDS if f in fields)


def _shown(field_name: str, value) -> object:
    if field_name == "phones":
        return [raw or key for key, raw, _kind in value]
    if field_name == "emails":
        return [address for address, _kind in value]
    return normal(field_name, value)
