"""The store on both backends: frozen migrations, opening by path or URL, change watch, doctor.

Runs in both passes of ``make test``; the SQLite-file tests are marked ``sqlite_only`` and the
cross-backend comparisons ``postgresql_only``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from peewee import IntegerField, Model, TextField

from callsheet.models.book import clients as ops
from callsheet.models.store import migrations
from callsheet.models.store.db import DatabaseError, close_database, database
from callsheet.models.store.migrations import CURRENT_VERSION, STEPS, stored_version
from callsheet.models.store.opening import mask_password, open_store, parse_target
from callsheet.models.store.tables import ALL_MODELS
from callsheet.models.store.watch import ChangeWatcher
from tests.conftest import BACKEND, NOW

FIXTURES = Path(__file__).parent / "fixtures"
CLI = "import sys; from callsheet.tui.cli import main; sys.exit(main(sys.argv[1:]))"
V1 = FIXTURES / "schema-v1.db"


def _sqlite_schema(path: Path) -> list[tuple[str, str, str]]:
    connection = sqlite3.connect(path)
    try:
        return sorted(
            (kind, name, sql)
            for kind, name, sql in connection.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            )
        )
    finally:
        connection.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- migrations that can't drift -------------------------------------------------------------
@pytest.mark.sqlite_only
def test_a_fresh_database_and_a_migrated_v1_file_have_identical_schemas(tmp_path):
    old = tmp_path / "old.db"
    shutil.copyfile(V1, old)
    open_store(old)
    close_database()
    open_store(tmp_path / "fresh.db")
    close_database()
    assert _sqlite_schema(old) == _sqlite_schema(tmp_path / "fresh.db")
    assert stored_version(open_store(old)) == CURRENT_VERSION


def test_the_live_models_match_the_schema_the_steps_build(db_path):
    """A model changed without its migration step fails here, on both backends."""
    db = open_store(db_path)
    for model in ALL_MODELS:
        table = model._meta.table_name
        in_database = {column.name: column.null for column in db.get_columns(table)}
        in_model = {f.column_name: f.null for f in model._meta.sorted_fields}
        assert in_database == in_model, table


def _step_adding_a_nickname(db, migrator):
    """The kind of step a later feature adds: one column, with a frozen field."""
    from playhouse.migrate import migrate

    migrate(migrator.add_column("client", "nickname", TextField(null=True)))


def _client_with_nickname():
    class ClientWithNickname(Model):
        name = TextField()
        nickname = TextField(null=True)
        risk_score = IntegerField(default=0)

        class Meta:
            database = database
            table_name = "client"

    return ClientWithNickname


def test_a_new_column_with_its_step_works_on_a_fresh_database(db_path):
    db = open_store(db_path)
    migrations.migrate(db, (*STEPS, _step_adding_a_nickname))
    assert stored_version(db) == len(STEPS) + 1
    ops.add_client("Ana Pop", now=NOW)
    model = _client_with_nickname()
    model.update(nickname="Ani").execute()
    assert [(c.name, c.nickname) for c in model.select()] == [("Ana Pop", "Ani")]


@pytest.mark.sqlite_only
def test_a_new_column_with_its_step_works_on_an_old_v1_file(tmp_path):
    old = tmp_path / "old.db"
    shutil.copyfile(V1, old)
    db = open_store(old, migrate=False)
    assert stored_version(db) == 1
    migrations.migrate(db, (*STEPS, _step_adding_a_nickname))
    model = _client_with_nickname()
    ion = model.get(model.name == "Ion Ionescu")
    assert ion.nickname is None
    assert stored_version(db) == len(STEPS) + 1


@pytest.mark.sqlite_only
@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_file_from_a_newer_callsheet_is_refused_and_left_byte_for_byte(tmp_path, journal):
    newer = tmp_path / "newer.db"
    shutil.copyfile(V1, newer)
    connection = sqlite3.connect(newer)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute('CREATE TABLE schema_version ("version" INTEGER NOT NULL)')
    connection.execute(f"INSERT INTO schema_version VALUES ({CURRENT_VERSION + 5})")
    connection.execute(f"PRAGMA user_version = {CURRENT_VERSION + 5}")
    connection.commit()
    connection.close()
    before = _digest(newer)
    with pytest.raises(DatabaseError, match="newer than this callsheet"):
        open_store(newer)
    close_database()
    assert _digest(newer) == before
    assert not Path(f"{newer}-wal").exists() or journal == "wal"
    header_mode = newer.read_bytes()[18:20]  # 1,1 = rollback journal; 2,2 = WAL
    assert header_mode == (b"\x01\x01" if journal == "delete" else b"\x02\x02")


def test_a_database_from_a_newer_callsheet_is_refused_on_any_backend(db_path):
    db = open_store(db_path)
    db.execute_sql(f'UPDATE "schema_version" SET "version" = {CURRENT_VERSION + 1}')
    close_database()
    with pytest.raises(DatabaseError, match="newer than this callsheet"):
        open_store(db_path)


def test_the_version_lives_in_a_table_and_old_files_carry_it_over(tmp_path):
    old = tmp_path / "old.db"
    shutil.copyfile(V1, old)
    db = open_store(old)
    assert db.execute_sql('SELECT "version" FROM "schema_version"').fetchall() == [
        (CURRENT_VERSION,)
    ]
    # Callsheets from before the table read only user_version: they must refuse this file.
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION


# -- one setting: path or URL ------------------------------------------------------------------
def test_paths_and_urls_are_told_apart():
    assert parse_target("/tmp/x.db").path == Path("/tmp/x.db")
    assert parse_target("sqlite:////tmp/x.db").path == Path("/tmp/x.db")
    assert parse_target("sqlite:///x.db").path == Path("x.db")
    assert parse_target("postgresql://ana:pw@host:5433/book").backend == "postgresql"
    assert parse_target("postgres://ana@host/book").backend == "postgresql"
    with pytest.raises(DatabaseError, match="unknown kind of database 'mysql'"):
        parse_target("mysql://ana:pw@host/book")
    with pytest.raises(DatabaseError, match="names no database") as refused:
        parse_target("postgresql://ana:topsecret@host")
    assert "topsecret" not in str(refused.value)


def test_passwords_are_masked():
    assert mask_password("postgresql://ana:s3cr%40t@db.example:5432/book") == (
        "postgresql://ana:***@db.example:5432/book"
    )
    assert mask_password("postgresql://ana@db.example/book") == "postgresql://ana@db.example/book"


@pytest.mark.sqlite_only
def test_a_sqlite_url_opens_the_file_it_names(cli, tmp_path):
    target = tmp_path / "by-url.db"
    code, _, err = cli("add", "Ana Pop", "--db", f"sqlite:///{target}", db=False)
    assert code == 0, err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, out, _ = cli("list", "--db", str(target), db=False)
    assert "Ana Pop" in out


def test_an_unreachable_server_gives_one_line_masks_the_password_and_creates_nothing(
    cli, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    url = "postgresql://ana:hunter2-secret@127.0.0.1:1/book"
    code, out, err = cli("list", "--db", url, db=False)
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "hunter2" not in err and "***" in err and "Traceback" not in err
    assert set(os.listdir(tmp_path)) == before


def test_without_the_driver_a_postgresql_url_names_the_extra(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if callsheet[postgres] were absent
    code, _, err = cli("list", "--db", "postgresql://ana:pw@127.0.0.1:1/book", db=False)
    assert code == 2 and "callsheet[postgres]" in err and "pw@" not in err


@pytest.mark.sqlite_only
def test_a_read_only_command_on_a_mistyped_path_creates_nothing(cli, tmp_path):
    missing = tmp_path / "typo.db"
    for command in (["list"], ["risk", "--json"], ["show", "Ana"], ["export"]):
        code, _, err = cli(*command, "--db", str(missing), db=False)
        assert code == 2 and "no such database" in err, (command, err)
    assert not missing.exists()


@pytest.mark.sqlite_only
def test_a_path_under_a_regular_file_is_one_line(cli, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    code, _, err = cli("add", "Ana", "--db", str(afile / "x.db"), db=False)
    assert code == 2 and "is a file, not a folder" in err and "Traceback" not in err


# -- seeing other writers ----------------------------------------------------------------------
def test_the_change_watcher_sees_a_commit_from_another_process(db_path):
    open_store(db_path)
    watcher = ChangeWatcher()
    try:
        assert watcher.changed() is False
        subprocess.run(
            [sys.executable, "-c", CLI, "add", "From Elsewhere", "--db", str(db_path)],
            check=True,
            capture_output=True,
        )
        assert watcher.changed() is True
        assert watcher.changed() is False
    finally:
        watcher.close()
    assert watcher.changed() is False  # closed: answers, never touches a closed connection


def test_four_processes_logging_at_once_lose_nothing(db_path):
    open_store(db_path)
    ops.add_client("Busy Client", now=NOW)
    close_database()
    script = (
        "import sys\n"
        "from callsheet.tui.cli import main\n"
        "for i in range(25):\n"
        "    assert main(['log', 'Busy', '--at', '2026-11-20T10:00', "
        "f'writer {sys.argv[1]} entry {i}', '--db', sys.argv[2]]) == 0\n"
    )
    env = {**os.environ, "CALLSHEET_REGION": "RO"}
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(n), str(db_path)], env=env)
        for n in range(4)
    ]
    assert [writer.wait(timeout=300) for writer in writers] == [0, 0, 0, 0]
    open_store(db_path)
    from callsheet.models.store.tables import Interaction

    summaries = {i.summary for i in Interaction.select()}
    assert summaries == {f"writer {n} entry {i}" for n in range(4) for i in range(25)}


# -- doctor and backups ------------------------------------------------------------------------
def test_doctor_reports_a_healthy_store_and_exits_zero(cli, db_path):
    open_store(db_path)
    ops.add_client("Ana Pop", now=NOW)
    close_database()
    report = cli.json("doctor", "--json")
    assert report["healthy"] is True and report["problems"] == []
    assert report["backend"] == BACKEND
    assert report["schema_version"] == CURRENT_VERSION
    assert report["rows"]["client"] == 1
    assert "pg-test-secret" not in json.dumps(report)


@pytest.mark.sqlite_only
def test_doctor_names_a_database_others_can_read(cli, db_path):
    open_store(db_path)
    close_database()
    db_path.chmod(0o644)
    code, out, _ = cli("doctor")
    assert code == 1 and "PROBLEM" in out and "chmod 600" in out


@pytest.mark.sqlite_only
def test_doctor_and_backup_refuse_a_damaged_file(cli, db_path, tmp_path):
    open_store(db_path)
    from callsheet.models.demo import generate

    generate(30, 3000, seed=3, now=NOW)
    database.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    data = bytearray(db_path.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 40), page):  # scribble over some pages
        data[offset + 100 : offset + 400] = os.urandom(300)
    db_path.write_bytes(bytes(data))
    code, out, err = cli("doctor")
    assert code in (1, 3) and ("integrity" in out + err or "malformed" in out + err)
    copy = tmp_path / "copy.db"
    code, _, err = cli("backup", str(copy))
    assert code != 0 and not copy.exists()
    assert len(err.strip().splitlines()) == 1


@pytest.mark.postgresql_only
def test_backup_of_a_server_database_points_to_pg_dump(cli, db_path, tmp_path):
    open_store(db_path)
    close_database()
    code, _, err = cli("backup", str(tmp_path / "x.db"))
    assert code == 2 and "pg_dump" in err and not (tmp_path / "x.db").exists()


# -- the same answers on both backends -------------------------------------------------------
@pytest.mark.postgresql_only
def test_postgresql_gives_the_same_scores_and_export_as_sqlite(tmp_path, db_path, capsys):
    """Import a callsheet/1 book into both backends: risk --json and export agree exactly."""
    from callsheet.models.demo import generate
    from callsheet.tui.cli import main

    book = tmp_path / "book.json"
    open_store(tmp_path / "source.db")
    generate(60, 4000, seed=5, now=NOW)
    close_database()
    assert main(["export", "-o", str(book), "--db", str(tmp_path / "source.db")]) == 0

    def answers(target) -> tuple[list, dict]:
        capsys.readouterr()
        assert main(["import", str(book), "--db", str(target)]) == 0
        assert main(["import", str(FIXTURES / "every-field.json"), "--db", str(target)]) == 0
        capsys.readouterr()
        assert main(["risk", "--json", "--as-of", "2026-11-24", "--db", str(target)]) == 0
        scores = [(r["name"], r["score"], r["band"]) for r in json.loads(capsys.readouterr().out)]
        assert main(["export", "--db", str(target)]) == 0
        exported = json.loads(capsys.readouterr().out)
        close_database()
        return scores, exported

    on_sqlite = answers(tmp_path / "same.db")
    on_postgresql = answers(db_path)
    assert len(on_sqlite[0]) > 50 and on_sqlite[1]["clients"]
    assert on_postgresql[0] == on_sqlite[0]
    assert on_postgresql[1] == on_sqlite[1]


def test_moments_after_2038_fit_on_every_backend(db_path):
    """Moments are 64-bit: a follow-up in 2040 overflows a 32-bit integer column."""
    from datetime import UTC, datetime

    from callsheet.models.store.tables import FollowUp

    open_store(db_path)
    client = ops.add_client("Long Term", now=NOW)
    due = datetime(2040, 3, 1, 9, 30, tzinfo=UTC)
    ops.add_follow_up(client, due, "Renew the ten-year contract")
    close_database()
    open_store(db_path)
    assert FollowUp.get().due_at == due


def _psycopg_loaded_by(db_path) -> str:
    """Run `callsheet list` on ``db_path`` in a new process; say its exit and if psycopg loaded."""
    probe = (
        "import sys; from callsheet.tui.cli import main; code = main(['list', '--db', sys.argv[1]]); "
        "print(code, sys.modules.get('psycopg') is not None)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(db_path)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.sqlite_only
def test_a_command_on_a_file_does_not_load_the_postgresql_driver(db_path):
    """peewee would import psycopg (~60 ms) on every `callsheet who`; a file never needs it."""
    open_store(db_path)
    close_database()
    assert _psycopg_loaded_by(db_path) == "0 False"


@pytest.mark.postgresql_only
def test_a_command_on_a_server_still_loads_the_driver(db_path):
    assert _psycopg_loaded_by(db_path) == "0 True"


def test_the_client_filter_ignores_case_and_diacritics_on_every_backend(db_path):
    from callsheet.models.book import queries
    from callsheet.tui.widgets.lists import filter_rows

    open_store(db_path)
    for name, company in (
        ("Ana Ștefănescu", "Dunărea Trans"),
        ("Paweł Łukasiewicz", "Wisła Media"),
        ("Ион Ёлкин", "ООО Ёж"),
        ("Andrei Pop", "Nord"),
    ):
        ops.add_client(name, company=company, now=NOW)
    rows = queries.client_rows(NOW.date())

    def names(query: str) -> list[str]:
        return sorted(row.name for row in filter_rows(rows, query)[0])

    assert names("stefanescu") == ["Ana Ștefănescu"]
    assert names("ŞTEFĂNESCU") == ["Ana Ștefănescu"]  # cedilla form, upper case
    assert names("lukasiewicz wisla") == ["Paweł Łukasiewicz"]
    assert names("елкин") == ["Ион Ёлкин"]
    assert names("dunarea") == ["Ana Ștefănescu"]


def test_money_partly_paid_sums_to_whole_cents_on_every_backend(db_path):
    """PostgreSQL's SUM of a BIGINT is NUMERIC: the list, triage and call sheet want ints."""
    from datetime import date

    from callsheet.models.book import queries, records
    from callsheet.models.briefing.brief import brief_of
    from callsheet.models.values.text import money_text

    open_store(db_path)
    client = ops.add_client("Part Payer", now=NOW)
    invoice = ops.add_invoice(
        client,
        number="7",
        amount="1200.50",
        issued=date(2026, 9, 1),
        due=date(2026, 9, 15),
        now=NOW,
    )
    records.add_payment(invoice, amount="200", paid_on=date(2026, 10, 1), now=NOW)
    [row] = queries.client_rows(NOW.date())
    assert row.overdue == (("EUR", 100050),) and type(row.overdue[0][1]) is int
    assert type(row.overdue_home_cents) is int
    assert money_text(row.overdue_home_cents) == "1,000.50"
    counts = queries.triage_counts(NOW)
    assert all(type(value) is int for value in counts.values())
    assert "1,000.50" in json.dumps(brief_of(client, NOW), default=str)
