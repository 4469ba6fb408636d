"""Schema versions, from an empty database to the current layout, on SQLite and PostgreSQL.

Each entry of :data:`STEPS` takes a database from version *n* to *n + 1* inside one
transaction. A step is **frozen**: it declares the tables it creates as Model classes of its
own, inside the step, and alters existing ones with ``playhouse.migrate``; it never reads the
live models in :mod:`models.entities`, which keep changing. So a column added to a model
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


def _v1_initial_schema(db: Database, migrator: SchemaMigrator) -> None:
    """The first layout: clients, contact points, the log and its signals, money, follow-ups."""

    class Frozen(Model):
        class Meta:
            database = db
            legacy_table_names = False  # index names follow the table names, as in v1 files

    class Client(Frozen):
        id = AutoField()
        name = TextField()
        name_key = TextField(index=True)
        salutation = TextField()
        language = TextField()
        company = TextField()
        status = TextField()
        referred_by = ForeignKeyField("self", null=True, on_delete="SET NULL")
        referred_by_text = TextField()
        tags = TextField()
        notes = TextField()
        rapport = TextField()
        created_at = BigIntegerField()
        updated_at = BigIntegerField()
        archived_at = BigIntegerField(null=True)
        last_contact_at = BigIntegerField(null=True)
        risk_score = IntegerField()
        risk_band = TextField()
        risk_as_of = BigIntegerField(null=True)
        risk_week_ago = IntegerField()

        class Meta:
            table_name = "client"
            indexes = ((("archived_at", "risk_score"), False),)

    class Phone(Frozen):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        e164 = TextField(index=True)
        raw = TextField()  # the column's name; it hides Model.raw(), never used on this model
        kind = TextField()

        class Meta:
            table_name = "phone"
            indexes = ((("client", "e164"), True),)

    class Email(Frozen):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        address = TextField(index=True)
        kind = TextField()

        class Meta:
            table_name = "email"
            indexes = ((("client", "address"), True),)

    class Interaction(Frozen):
        id = AutoField()
        client = ForeignKeyField(Client, on_delete="CASCADE", index=False)
        occurred_at = BigIntegerField()
        channel = TextField()
        direction = TextField()
        duration_min = IntegerField(null=True)
        tone = TextField(null=True)
        summary = TextField()

        class Meta:
            table_name = "interaction"
            indexes = ((("client", "occurred_at"), False),)

    class Signal(Frozen):
        interaction = ForeignKeyField(Interaction, on_delete="CASCADE")
        client = ForeignKeyField(Client, on_delete="CASCADE", index=False)
        kind = TextField()
        at = BigIntegerField()

        class Meta:
            table_name = "signal"
            indexes = ((("client", "at"), False),)

    class Agreement(Frozen):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        title = TextField()
        scope = TextField()
        budget_cents = IntegerField(null=True)
        currency = TextField()
        start = TextField(null=True)
        end = TextField(null=True)
        status = TextField()

        class Meta:
            table_name = "agreement"

    class Invoice(Frozen):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        agreement = ForeignKeyField(Agreement, null=True, on_delete="SET NULL")
        number = TextField()
        amount_cents = IntegerField()
        currency = TextField()
        issued = TextField()
        due = TextField(null=True)
        paid = TextField(null=True)
        disputed = BooleanField()

        class Meta:
            table_name = "invoice"
            indexes = ((("paid", "due"), False),)

    class TimeEntry(Frozen):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        agreement = ForeignKeyField(Agreement, null=True, on_delete="SET NULL")
        started_at = BigIntegerField()
        minutes = IntegerField()
        note = TextField()

        class Meta:
            table_name = "time_entry"

    class FollowUp(Frozen):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        due_at = BigIntegerField()
        text = TextField()
        done_at = BigIntegerField(null=True)

        class Meta:
            table_name = "follow_up"
            indexes = ((("done_at", "due_at"), False),)

    db.create_tables(
        [Client, Phone, Email, Interaction, Signal, Agreement, Invoice, TimeEntry, FollowUp],
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
    from playhouse.migrate import migrate

    class CaptureMark(Model):
        place = TextField(unique=True)
        mark = BigIntegerField()

        class Meta:
            database = db
            table_name = "capture_mark"

    migrate(
        migrator.add_column("interaction", "source", TextField(default="typed")),
        migrator.add_column("interaction", "external_key", TextField(null=True)),
        migrator.add_column("interaction", "suggested_signals", TextField(default="")),
        migrator.add_column("interaction", "dismissed_signals", TextField(default="")),
        # NULL keys (typed entries) never collide, on SQLite and PostgreSQL alike
        migrator.add_index("interaction", ("client_id", "external_key"), True),
        migrator.add_index("interaction", ("suggested_signals",), False),
    )
    db.create_tables([CaptureMark], safe=False)


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
    from playhouse.migrate import migrate as apply

    class Frozen(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Invoice(Frozen):
        class Meta:
            table_name = "invoice"

    class Payment(Frozen):
        id = AutoField()
        invoice = ForeignKeyField(Invoice, on_delete="CASCADE")
        amount_cents = IntegerField()
        paid_on = TextField()
        note = TextField()

        class Meta:
            table_name = "payment"

    db.create_tables([Payment], safe=False)
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
    the stored score; see models/risk_cache.py). Deleting a client deletes it."""

    class Frozen(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Client(Frozen):
        class Meta:
            table_name = "client"

    class RiskCache(Frozen):
        client = ForeignKeyField(Client, primary_key=True, on_delete="CASCADE")
        as_of = BigIntegerField()
        score = IntegerField()
        band = TextField()
        made_by = TextField()
        document = TextField()

        class Meta:
            table_name = "risk_cache"

    db.create_tables([RiskCache], safe=False)


#: Append new steps at the end; never edit a released one.
STEPS: tuple[Step, ...] = (
    _v1_initial_schema,
    _v2_change_notifications,
    _v3_captured_log,
    _v4_records,
    _v5_risk_cache,
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
