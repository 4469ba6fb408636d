"""Passwords in a database URL never reach a message, whatever form they take in the URL.

Each URL goes through the real error paths: the real command line against a closed port on
localhost (the driver really fails, and echoes what it echoes), for several commands.
"""

from __future__ import annotations

import socket
import subprocess

import pytest

from callsheet.models.store.opening import mask_password
from tests.commands import CALLSHEET

SECRET = "Sekr3tPw"


def _closed_port() -> int:
    with socket.socket() as probe:  # bound then closed: nothing listens there now
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SHAPES = [
    "postgresql://ana@{host}/db?password={s}",
    "postgresql://ana:{s}@{host}/db",
    "postgres://ana:{s}@{host}/db",
    "postgresql://ana:{s}@{host}/db?connect_timeout=2",
    "postgresql://ana@{host}/db?passfile=/tmp/{s}",
    "postgresql://ana@{host}/db?sslpassword={s}",
    "postgresql://ana@{host}/db?pass%77ord={s}",
    "postgresql://ana:x%40{s}@{host}/db",
    "postgresql://ana:p@{s}@{host}/db",
    "postgresql://ana:{s}@{host}/db?password={s}",
    "postgresql://ana@{host}/db?password={s}&bogus=1",
    "postgresql://ana@{host}/db?password={s}&sslmode=bogus",
    "postgresql://ana@{host}/db?password={s}#part",
    "postgresql://ana@/db?host=/nonexistent&password={s}",
    "postgresql://ana:{s}@127.0.0.1:abc/db",
    "postgresql://ana:{s}@127.0.0.1:99999/db",
    "postgresql://ana:{s}@[::1/db",
    "postgresql://ana:{s}@{host}/",
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("command", [["list"], ["doctor"], ["add", "Ana Pop"], ["backup"]])
def test_no_password_form_reaches_a_message(shape, command):
    url = shape.format(host=f"127.0.0.1:{_closed_port()}", s=SECRET)
    result = subprocess.run(
        [CALLSHEET, *command, "--db", url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode in (2, 3), result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert "***" in result.stderr or SECRET not in url.split("/db")[0]


def test_the_masked_url_keeps_what_is_not_secret():
    masked = mask_password("postgresql://ana:p%40ss@db.example:5433/books?sslmode=require")
    assert masked == "postgresql://ana:***@db.example:5433/books?sslmode=require"
    masked = mask_password("postgresql://ana@h/db?sslmode=require&password=x&passfile=/f")
    assert masked == "postgresql://ana@h/db?sslmode=require&password=***&passfile=***"
