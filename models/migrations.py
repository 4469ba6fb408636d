"""Schema versions, from an empty file to the current layout.

``PRAGMA user_version`` records how far a database has come. Each entry of ``STEPS`` takes
a database from version *n* to *n + 1* inside one transaction; steps are only ever appended,
never edited once released, so a file made by any callsheet opens in every later one.
Later steps use ``playhouse.migrate`` (add/rename/drop columns) on the ``SqliteMigrator``.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import SqliteDatabase
from playhouse.migrate import SqliteMigrator

from models.db import SCHEMA_VERSION, DatabaseError, schema_version, set_schema_version
from models.entities import ALL_MODELS


def _v1_initial_schema(db: SqliteDatabase, migrator: SqliteMigrator) -> None:
    db.create_tables(ALL_MODELS, safe=False)


#: Append new steps at the end; never edit a released one.
STEPS: tuple[Callable[[SqliteDatabase, SqliteMigrator], None], ...] = (_v1_initial_schema,)

CURRENT_VERSION = len(STEPS)
assert CURRENT_VERSION == SCHEMA_VERSION, (
    "models.db.SCHEMA_VERSION must match the number of migration steps"
)


def migrate(db: SqliteDatabase) -> int:
    """Bring ``db`` up to :data:`CURRENT_VERSION`; return the version it started at."""
    start = schema_version(db)
    if start > CURRENT_VERSION:
        raise DatabaseError(
            f"this database has schema version {start}, newer than this callsheet "
            f"understands ({CURRENT_VERSION}); upgrade callsheet to open it"
        )
    if start == 0 and db.get_tables():
        raise DatabaseError("this SQLite file already holds tables that are not callsheet's")
    migrator = SqliteMigrator(db)
    for version in range(start, CURRENT_VERSION):
        with db.atomic():
            STEPS[version](db, migrator)
            set_schema_version(db, version + 1)
    return start
