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


# --- special files named by -o: written to or refused, never replaced -----------------------


@pytest.fixture
def book(tmp_path) -> Path:
    db = tmp_path / "book.db"
    assert run("add", "Ana Pop", "--email", "ana@pop.example", "--db", str(db)).returncode == 0
    return db


def test_export_to_a_fifo_writes_into_it_and_leaves_the_fifo(tmp_path, book):
    import stat
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    # the reader waits for a writer: it is what `-o fifo` feeds, as a pipe would
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("export", "-o", str(fifo), "--db", str(book))
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert b"Ana Pop" in received[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not a file in its place


def test_a_fifo_nobody_reads_is_refused_at_once_in_one_line(tmp_path, book):
    import stat

    fifo = tmp_path / "lonely.fifo"
    os.mkfifo(fifo)
    assert_one_line(
        run("export", "-o", str(fifo), "--db", str(book)), 2, str(fifo), "nothing reading"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_to_dev_null_writes_to_the_device_and_never_replaces_it(book):
    import stat

    before = os.stat("/dev/null")
    result = run("export", "-o", "/dev/null", "--db", str(book))
    assert result.returncode == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino and not Path("/dev/.null.partial").exists()


def test_a_link_to_dev_stdout_is_followed(tmp_path, book):
    link = tmp_path / "to-stdout.md"
    link.symlink_to("/dev/stdout")
    result = run("facts", "Ana Pop", "-o", str(link), "--db", str(book))
    assert result.returncode == 0, result.stderr
    assert "Ana Pop" in result.stdout  # what the link points at received the fact sheet
    assert link.is_symlink() and os.readlink(link) == "/dev/stdout"


def test_a_link_to_a_file_writes_the_file_and_keeps_the_link(tmp_path, book):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert run("export", "-o", str(link), "--db", str(book)).returncode == 0
    assert link.is_symlink() and "Ana Pop" in real.read_text()


def test_a_socket_as_output_is_refused_in_one_line(tmp_path, book):
    import socket
    import stat

    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        assert_one_line(
            run("export", "-o", str(path), "--db", str(book)), 2, str(path), "not a regular file"
        )
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


# --- folders: 0700 whatever the umask ---------------------------------------------------------


def test_every_folder_made_for_the_default_database_is_0700_under_umask_0(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CALLSHEET_DB", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
    }
    environment["HOME"] = str(home)
    result = subprocess.run(
        [CALLSHEET, "add", "Ana Pop"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        preexec_fn=lambda: os.umask(0),
    )
    assert result.returncode == 0, result.stderr
    made = [home / ".local", home / ".local/share", home / ".local/share/callsheet"]
    assert [oct(folder.stat().st_mode & 0o777) for folder in made] == ["0o700"] * 3
    assert (home / ".local/share/callsheet/callsheet.db").stat().st_mode & 0o777 == 0o600


def test_folders_made_for_an_output_file_are_0700_under_umask_0(tmp_path, book):
    result = subprocess.run(
        [CALLSHEET, "export", "-o", str(tmp_path / "a/b/out.json"), "--db", str(book)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0),
    )
    assert result.returncode == 0, result.stderr
    modes = [(tmp_path / p).stat().st_mode & 0o777 for p in ("a", "a/b", "a/b/out.json")]
    assert modes == [0o700, 0o700, 0o600]
