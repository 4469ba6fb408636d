"""Old, newer, damaged, foreign and missing files given to the real command line.

Each ends in one line on stderr (never a traceback), the documented exit code, and nothing
created or changed: 3 when the database itself cannot be used, 2 when a file or path the
person named is the problem.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from callsheet.models.store.migrations import CURRENT_VERSION, VERSION_TABLE
from tests.commands import CALLSHEET

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CALLSHEET, *args], capture_output=True, text=True, input=stdin, timeout=60
    )


def assert_one_line(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("callsheet: "), result.stderr
    for word in words:
        assert word in lines[0]


def _newer(path: Path) -> None:
    run("add", "Someone", "--db", str(path))
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(f'UPDATE "{VERSION_TABLE}" SET version = {CURRENT_VERSION + 1}')
    connection.close()


def _damaged(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))


def _foreign(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (id INTEGER)")
    connection.close()


@pytest.mark.parametrize("make", [_newer, _damaged, _foreign], ids=["newer", "damaged", "foreign"])
@pytest.mark.parametrize(
    "command",
    [("list",), ("add", "New Client"), ("log", "Someone", "hello"), ("forget", "x", "--yes")],
    ids=["list", "add", "log", "forget"],
)
def test_an_unusable_database_is_one_line_exit_3_and_left_as_it_was(tmp_path, make, command):
    path = tmp_path / "callsheet.db"
    make(path)
    before = path.read_bytes()
    result = run(*command, "--db", str(path))
    assert_one_line(result, 3, str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["callsheet.db"]


def test_an_old_database_opens_and_a_missing_file_to_import_or_restore_is_exit_2(tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v1.db", old)
    assert run("list", "--db", str(old)).returncode == 0
    assert_one_line(run("import", str(tmp_path / "nope.vcf"), "--db", str(old)), 2, "nope.vcf")
    assert_one_line(run("restore", str(tmp_path / "nope.db"), "--db", str(old)), 2, "nope.db")
    assert_one_line(run("import", str(tmp_path), "--format", "csv", "--db", str(old)), 2)
    assert not (tmp_path / "nope.vcf").exists() and not (tmp_path / "nope.db").exists()


@pytest.mark.parametrize(
    "target",
    ["/proc/callsheet-export.json", "{tmp}/old.db/under-a-file.json", "{tmp}", "/", " "],
)
def test_an_output_path_that_cannot_be_written_is_one_line_exit_2(tmp_path, target):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v1.db", db)
    output = target.format(tmp=tmp_path)
    assert_one_line(run("export", "-o", output, "--db", str(db)), 2)
    assert_one_line(run("facts", "1", "-o", output, "--db", str(db)), 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]
