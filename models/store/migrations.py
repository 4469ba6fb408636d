"""Schema versions, from an empty database to the current layout, on SQLite and PostgreSQL.

Each entry of :data:`STEPS` takes a database from version *n* to *n + 1* inside one
transaction. A step is **frozen**: it declares the tables it creates as Model classes of its
own, inside the step, and alters existing ones with ``playhouse.migrate``; it never reads the
live models in :mod:`callsheet.models.store.tables`, which keep changing. So a column added to a model
together with its ``add_column`` step works on a fresh database and on an old file alike.
Steps are only ever appended, never edited once released; the current version is the number
of steps.

The version a database has reached is kept in a one-row ``schema_version`` table (it works
on both backends). Files made before that table existed carry it in SQLite's
``PRAGMA user_version``, which is read once and carried over by the next migration.

Moments are stored as 64-bit integers (``BigIntegerField``: ``INTEGER`` on SQLite, which is
64-bit already, ``BIGINT`` on PostgreSQL, so dates after 2038 fit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    Database,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    SqliteDatabase,
    TextField,
)

if TYPE_CHECKING:  # the migrator is imported only when a database is behind (start-up time)
    from playhouse.migrate import SchemaMigrator

VERSION_TABLE = "schema_version"

Step = Callable[[Database, "SchemaMigrator"], None]


class SchemaError(Exception):
    """The database's schema cannot be used by this callsheet (newer, or not ours)."""


def _table(
    db: Database,
    table_name: str,
    indexes: tuple = (),
    /,
    *,
    legacy_names: bool = True,
    **columns: Field,
) -> type[Model]:
    """One table as a step declares it, frozen inside the step: ``columns`` in order (an
    ``id`` primary key is added when none is named), on ``db``, never the live models."""
    meta = {"database": db, "table_name": table_name, "legacy_table_names": legacy_names}
    # the class name as the step once declared it: it names the indexes of legacy names
    class_name = table_name.title().replace("_", "")
    return type(
        class_name, (Model,), {**columns, "Meta": type("Meta", (), meta | {"indexes": indexes})}
    )


def _v1_initial_schema(db: Database, migrator: SchemaMigrator) -> None:
    """The first layout: clients, contact points, the log and its signals, money, follow-ups."""

    def table(table_name: str, indexes: tuple = (), /, **columns: Field) -> type[Model]:
        # index names follow the table names, as in v1 files
        return _table(db, table_name, indexes, legacy_names=False, **columns)

    text, moment = TextField, BigIntegerField  # moments: epoch seconds

    def of(model: type[Model], on_delete: str = "CASCADE", **options) -> ForeignKeyField:
        """A record's link to what it belongs to: it goes when that goes, unless told."""
        return ForeignKeyField(model, on_delete=on_delete, **options)

    # One table a statement, its columns several to a line: a record of the v1 layout.
    # fmt: off
    client = table(
        "client", ((("archived_at", "risk_score"), False),),
        id=AutoField(), name=text(), name_key=text(index=True), salutation=text(),
        language=text(), company=text(), status=text(),
        referred_by=ForeignKeyField("self", null=True, on_delete="SET NULL"),
        referred_by_text=text(), tags=text(), notes=text(), rapport=text(),
        created_at=moment(), updated_at=moment(), archived_at=moment(null=True),
        last_contact_at=moment(null=True), risk_score=IntegerField(), risk_band=text(),
        risk_as_of=moment(null=True), risk_week_ago=IntegerField(),
    )
    # raw: the column's name; it hides Model.raw(), never used on this model
    phone = table("phone", ((("client", "e164"), True),),
                  client=of(client), e164=text(index=True), raw=text(), kind=text())
    email = table("email", ((("client", "address"), True),),
                  client=of(client), address=text(index=True), kind=text())
    interaction = table(
        "interaction", ((("client", "occurred_at"), False),),
        id=AutoField(), client=of(client, index=False), occurred_at=moment(), channel=text(),
        direction=text(), duration_min=IntegerField(null=True), tone=text(null=True),
        summary=text(),
    )
    signal = table("signal", ((("client", "at"), False),),
                   interaction=of(interaction), client=of(client, index=False), kind=text(),
                   at=moment())
    agreement = table(
        "agreement",
        client=of(client), title=text(), scope=text(), budget_cents=IntegerField(null=True),
        currency=text(), start=text(null=True), end=text(null=True), status=text(),
    )
    invoice = table(
        "invoice", ((("paid", "due"), False),),
        client=of(client), agreement=of(agreement, "SET NULL", null=True), number=text(),
        amount_cents=IntegerField(), currency=text(), issued=text(), due=text(null=True),
        paid=text(null=True), disputed=BooleanField(),
    )
    time_entry = table("time_entry",
                       client=of(client), agreement=of(agreement, "SET NULL", null=True),
                       started_at=moment(), minutes=IntegerField(), note=text())
    follow_up = table("follow_up", ((("done_at", "due_at"), False),),
                      client=of(client), due_at=moment(), text=text(), done_at=moment(null=True))
    # fmt: on

    db.create_tables(
        [client, phone, email, interaction, signal, agreement, invoice, time_entry, follow_up],
        safe=False,
    )


#: The tables whose changes another window must see (the dashboard's change watch).
_WATCHED_TABLES = (
    "client",
    "phone",
    "email",
    "interaction",
    "signal",
    "agreement",
    "invoice",
    "time_entry",
    "follow_up",
)


def _v2_change_notifications(db: Database, migrator: SchemaMigrator) -> None:
    """PostgreSQL: every committed change to a callsheet table notifies ``callsheet_changes``.

    SQLite needs nothing (``PRAGMA data_version`` already tells a connection that another
    one committed). On PostgreSQL a statement-level trigger calls ``pg_notify``; notifications
    are delivered at commit and folded into one per transaction, so the dashboard's watcher
    LISTENs instead of polling tables.
    """
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION callsheet_notify_change() RETURNS trigger AS $$ "
        "BEGIN PERFORM pg_notify('callsheet_changes', TG_TABLE_NAME); RETURN NULL; END; "
        "$$ LANGUAGE plpgsql"
    )
    for table in _WATCHED_TABLES:
        db.execute_sql(
            f'CREATE TRIGGER "{table}_notify_change" AFTER INSERT OR UPDATE OR DELETE '
            f'OR TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION callsheet_notify_change()'
        )


def _v3_captured_log(db: Database, migrator: SchemaMigrator) -> None:
    """Capture (models/capture): where a log entry came from, its key against duplicates, the
    signals suggested by its text and those the user dismissed; how far mail was read."""
    # deferred: slow to import, and only this path needs it
    from playhouse.migrate import migrate

    capture_mark = _table(db, "capture_mark", place=TextField(unique=True), mark=BigIntegerField())
    migrate(
        migrator.add_column("interaction", "source", TextField(default="typed")),
        migrator.add_column("interaction", "external_key", TextField(null=True)),
        migrator.add_column("interaction", "suggested_signals", TextField(default="")),
        migrator.add_column("interaction", "dismissed_signals", TextField(default="")),
        # NULL keys (typed entries) never collide, on SQLite and PostgreSQL alike
        migrator.add_index("interaction", ("client_id", "external_key"), True),
        migrator.add_index("interaction", ("suggested_signals",), False),
    )
    db.create_tables([capture_mark], safe=False)


def _v4_records(db: Database, migrator: SchemaMigrator) -> None:
    """Partial payments, a stay-in-touch cadence per client, and full-text search.

    ``payment`` holds each part paid of an invoice (``invoice.paid`` stays "fully paid on").
    ``client.cadence_days`` is "stay in touch every N days" (null: no cadence). The text
    index covers interaction summaries and client notes: on SQLite two external-content
    FTS5 tables kept current by triggers (the log itself is not copied; diacritics are
    folded, so "carpati" finds "Carpați"; prefixes of one to three letters are indexed,
    so the first keystrokes of a search answer in a millisecond at a million entries), on
    PostgreSQL GIN indexes over
    ``to_tsvector('callsheet_text', ...)`` (``simple`` with diacritics folded: no stemming,
    right for mixed languages).
    """
    # deferred: slow to import, and only this path needs it
    from playhouse.migrate import migrate as apply

    invoice = _table(db, "invoice", legacy_names=False)
    payment = _table(
        db,
        "payment",
        legacy_names=False,
        id=AutoField(),
        invoice=ForeignKeyField(invoice, on_delete="CASCADE"),
        amount_cents=IntegerField(),
        paid_on=TextField(),
        note=TextField(),
    )
    db.create_tables([payment], safe=False)
    apply(migrator.add_column("client", "cadence_days", IntegerField(null=True)))
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(  # the change watch of step 2 covers the new table too
            'CREATE TRIGGER "payment_notify_change" AFTER INSERT OR UPDATE OR DELETE '
            'OR TRUNCATE ON "payment" FOR EACH STATEMENT EXECUTE FUNCTION callsheet_notify_change()'
        )
        _text_search_configuration(db)
        db.execute_sql(
            'CREATE INDEX "interaction_summary_text" ON "interaction" '
            "USING GIN (to_tsvector('callsheet_text', \"summary\"))"
        )
        db.execute_sql(
            'CREATE INDEX "client_notes_text" ON "client" '
            "USING GIN (to_tsvector('callsheet_text', \"notes\"))"
        )
        return
    for table, column in (("interaction", "summary"), ("client", "notes")):
        index = f"{table}_text"
        db.execute_sql(
            f'CREATE VIRTUAL TABLE "{index}" USING fts5("{column}", content="{table}", '
            "content_rowid=\"id\", tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
        )
        db.execute_sql(f'INSERT INTO "{index}"("{index}") VALUES (\'rebuild\')')
        db.execute_sql(
            f'CREATE TRIGGER "{index}_insert" AFTER INSERT ON "{table}" BEGIN '
            f'INSERT INTO "{index}"(rowid, "{column}") VALUES (new."id", new."{column}"); END'
        )
        db.execute_sql(
            f'CREATE TRIGGER "{index}_delete" AFTER DELETE ON "{table}" BEGIN '
            f'INSERT INTO "{index}"("{index}", rowid, "{column}") '
            f'VALUES (\'delete\', old."id", old."{column}"); END'
        )
        db.execute_sql(
            f'CREATE TRIGGER "{index}_update" AFTER UPDATE OF "{column}" ON "{table}" BEGIN '
            f'INSERT INTO "{index}"("{index}", rowid, "{column}") '
            f'VALUES (\'delete\', old."id", old."{column}"); '
            f'INSERT INTO "{index}"(rowid, "{column}") VALUES (new."id", new."{column}"); END'
        )


def _text_search_configuration(db: Database) -> None:
    """PostgreSQL: ``callsheet_text``, the ``simple`` configuration that also folds diacritics.

    ``simple`` (no stemming) suits log entries written in several languages; ``unaccent``
    (a contrib extension a database owner may create) makes "carpati" find "Carpați" as on
    SQLite. Where the server lacks it, the configuration is plain ``simple``.
    """
    try:
        with db.atomic():  # a savepoint: a missing extension must not end the migration
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
            db.execute_sql("CREATE TEXT SEARCH CONFIGURATION callsheet_text (COPY = simple)")
            db.execute_sql(
                "ALTER TEXT SEARCH CONFIGURATION callsheet_text "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
            )
    except Exception:  # noqa: BLE001 - any refusal (not installed, not allowed) means: plain
        db.execute_sql("CREATE TEXT SEARCH CONFIGURATION callsheet_text (COPY = simple)")


def _v5_risk_cache(db: Database, migrator: SchemaMigrator) -> None:
    """``risk_cache``: each client's risk as ``risk --json`` prints it (derived, rewritten with
    the stored score; see models/book/risk_cache.py). Deleting a client deletes it."""

    client = _table(db, "client", legacy_names=False)
    risk_cache = _table(
        db,
        "risk_cache",
        legacy_names=False,
        client=ForeignKeyField(client, primary_key=True, on_delete="CASCADE"),
        as_of=BigIntegerField(),
        score=IntegerField(),
        band=TextField(),
        made_by=TextField(),
        document=TextField(),
    )
    db.create_tables([risk_cache], safe=False)


#: The tables a form edits, each row carrying the ``version`` of step 6.
_VERSIONED_TABLES = ("client", "interaction", "agreement", "invoice", "time_entry", "follow_up")


def _v6_row_versions(db: Database, migrator: SchemaMigrator) -> None:
    """``version`` on every row a form edits: each write through the write path adds one, so
    an edit saved from a form opened on version *n* is refused once the row is past *n*
    (callsheet.models.book.clients.StaleEdit) instead of silently writing over another writer's change.

    An integer rather than ``client.updated_at``: only the client carries ``updated_at``,
    and logging a call bumps it (a derived write that must not make an open form stale).
    """
    # One ALTER, the same on both backends. (playhouse's add_column of a NOT NULL column
    # rebuilds an SQLite table, which drops the full-text index's triggers on it.)
    for table in _VERSIONED_TABLES:
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0')


def _v7_calendar_sync(db: Database, migrator: SchemaMigrator) -> None:
    """``calendar_item``: what ``callsheet sync calendar`` last read of each .ics file of a
    calendar folder (vdir): its etag (``mtime_ns;inode``) and hash, so an unchanged file is
    not parsed again; its UID; when it must be read again even unchanged (a repeating or a
    future meeting); and the log entries its events made, so an edited event updates its
    entry instead of adding one."""
    calendar_item = _table(
        db,
        "calendar_item",
        ((("collection", "filename"), True),),
        legacy_names=False,
        id=AutoField(),
        collection=TextField(),
        filename=TextField(),
        uid=TextField(),
        etag=TextField(),
        hash=TextField(),
        due=BigIntegerField(null=True),
        logged=TextField(),
    )
    db.create_tables([calendar_item], safe=False)


def _v8_exchange_rates(db: Database, migrator: SchemaMigrator) -> None:
    """``exchange_rate``: the ECB reference rates a user imported, one row per day and
    currency (units of the currency per euro, as text: the file's digits kept exactly)."""
    exchange_rate = _table(
        db,
        "exchange_rate",
        ((("day", "currency"), True),),
        legacy_names=False,
        day=TextField(),
        currency=TextField(),
        per_euro=TextField(),
    )
    db.create_tables([exchange_rate], safe=False)


def _v9_contact_sync(db: Database, migrator: SchemaMigrator) -> None:
    """``contact_sync``: what ``callsheet sync contacts`` last agreed with a vdir, one row a card.

    The card's ``collection`` (the vdir's absolute path), ``filename`` (kept as found: vdir
    filenames are not UIDs) and ``uid``; ``etag`` is ``mtime_ns;inode`` of the file as last
    synced (a card whose stat still matches is not read again), ``text_hash`` the SHA-256 of
    its bytes then, ``fields`` a hash of each owned field as both sides had it then (JSON:
    the base of the three-way merge, without the values, so a forgotten client leaves no
    words here) and ``conflict`` the fields changed on both sides since (empty when none).
    ``client`` becomes NULL when the client is deleted, so the next run knows to remove the
    card rather than take it for a new one.
    """
    client = _table(db, "client", legacy_names=False)
    contact_sync = _table(
        db,
        "contact_sync",
        ((("collection", "filename"), True), (("collection", "uid"), False)),
        legacy_names=False,
        id=AutoField(),
        client=ForeignKeyField(client, null=True, on_delete="SET NULL"),
        collection=TextField(),
        filename=TextField(),
        uid=TextField(),
        etag=TextField(),
        text_hash=TextField(),
        fields=TextField(),
        conflict=TextField(default=""),
    )
    db.create_tables([contact_sync], safe=False)
    if isinstance(db, PostgresqlDatabase):  # the change watch of step 2 covers it too
        db.execute_sql(
            'CREATE TRIGGER "contact_sync_notify_change" AFTER INSERT OR UPDATE OR DELETE '
            'OR TRUNCATE ON "contact_sync" FOR EACH STATEMENT EXECUTE FUNCTION '
            "callsheet_notify_change()"
        )


def _v10_ring_events(db: Database, migrator: SchemaMigrator) -> None:
    """``ring_event``: what a telephony hook said about a call (``callsheet ring``), so every
    open dashboard on the store sees it through the change watch (models/capture/ring.py).

    ``event`` is ringing, answered, ended or missed; ``number`` is what the hook handed over
    (kept so an unknown caller can be added), ``e164`` its normalised form (null when
    withheld or unreadable), ``client`` the match (deleted with the client: forgetting a
    client leaves no call of theirs behind). ``call`` groups one call's events when the
    source names it; ``cleared_at`` is when a missed call was dealt with (triage).
    Moments are epoch seconds. Rows are short-lived: the ring command prunes old ones.
    """
    client = _table(db, "client", legacy_names=False)
    ring_event = _table(
        db,
        "ring_event",
        ((("at",), False), (("event", "cleared_at"), False)),
        legacy_names=False,
        id=AutoField(),
        at=BigIntegerField(),
        event=TextField(),
        number=TextField(),
        e164=TextField(null=True),
        withheld=BooleanField(default=False),
        source=TextField(default=""),
        call=TextField(default=""),
        client=ForeignKeyField(client, null=True, on_delete="CASCADE"),
        cleared_at=BigIntegerField(null=True),
    )
    db.create_tables([ring_event], safe=False)
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(  # the change watch of step 2: a ring reaches every open dashboard
            'CREATE TRIGGER "ring_event_notify_change" AFTER INSERT OR UPDATE OR DELETE '
            'OR TRUNCATE ON "ring_event" FOR EACH STATEMENT EXECUTE FUNCTION callsheet_notify_change()'
        )


#: Append new steps at the end; never edit a released one.
STEPS: tuple[Step, ...] = (
    _v1_initial_schema,
    _v2_change_notifications,
    _v3_captured_log,
    _v4_records,
    _v5_risk_cache,
    _v6_row_versions,
    _v7_calendar_sync,
    _v8_exchange_rates,
    _v9_contact_sync,
    _v10_ring_events,
)

CURRENT_VERSION = len(STEPS)


def stored_version(db: Database) -> int:
    """The schema version ``db`` has reached, read without writing anything."""
    if VERSION_TABLE in db.get_tables():
        row = db.execute_sql(f'SELECT MAX("version") FROM "{VERSION_TABLE}"').fetchone()
        return int(row[0] or 0)
    if isinstance(db, SqliteDatabase):  # files made before the version table existed
        return int(db.execute_sql("PRAGMA user_version").fetchone()[0])
    return 0


def check_version(db: Database) -> int:
    """Return the stored version, or raise :class:`SchemaError` if this callsheet can't use it."""
    version = stored_version(db)
    if version > CURRENT_VERSION:
        raise SchemaError(
            f"this database has schema version {version}, newer than this callsheet "
            f"understands ({CURRENT_VERSION}); upgrade callsheet to open it"
        )
    if version == 0 and db.get_tables():
        raise SchemaError("this database already holds tables that are not callsheet's")
    return version


def _migrator(db: Database) -> SchemaMigrator:
    # deferred: slow to import, and only this path needs it
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

    if isinstance(db, PostgresqlDatabase):
        return PostgresqlMigrator(db)
    return SqliteMigrator(db)


def _record_version(db: Database, version: int) -> None:
    db.execute_sql(f'DELETE FROM "{VERSION_TABLE}"')
    db.execute_sql(f'INSERT INTO "{VERSION_TABLE}" ("version") VALUES ({int(version)})')
    if isinstance(db, SqliteDatabase):
        # Callsheets from before the version table read only this: they must refuse, too.
        db.execute_sql(f"PRAGMA user_version = {int(version)}")


def _lock(db: Database) -> None:
    """Inside a transaction: make other processes that migrate the same database wait."""
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(727271)")  # callsheet's own lock number


def migrate(db: Database, steps: tuple[Step, ...] = STEPS) -> int:
    """Bring ``db`` up to the last of ``steps``; return the version it started at.

    Every step runs in its own transaction together with the version it reaches, so a
    crash leaves the database at the last version fully reached.
    """
    start = check_version(db)
    if start > len(steps):
        raise SchemaError(f"this database has schema version {start}, newer than {len(steps)}")
    migrator = _migrator(db)
    for version in range(start, len(steps)):
        with _write_transaction(db):
            _lock(db)
            reached = check_version(db)  # another process may have migrated meanwhile
            if reached > version:
                continue
            if VERSION_TABLE not in db.get_tables():
                db.execute_sql(f'CREATE TABLE "{VERSION_TABLE}" ("version" INTEGER NOT NULL)')
            steps[version](db, migrator)
            _record_version(db, version + 1)
    return start


def _write_transaction(db: Database):
    """A transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE)."""
    if isinstance(db, SqliteDatabase):
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()
