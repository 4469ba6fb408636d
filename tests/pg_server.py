"""A throwaway PostgreSQL server for the test run (and the bench): initdb, pg_ctl, stop, gone.

Debian keeps ``initdb`` and ``pg_ctl`` outside PATH (``/usr/lib/postgresql/N/bin``) and they
refuse to run as root, so as root the cluster is owned by and run as the ``postgres`` user.
The server listens on 127.0.0.1 at a free port and on a socket in its own folder; the
``callsheet`` role logs in over TCP with a password (scram), as a real deployment would, so
URLs in tests carry a password that messages must mask. ``python -m tests.pg_server`` starts
one and prints its URL, for trying callsheet by hand.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROLE = "callsheet"
PASSWORD = "pg-test-secret"


class Unavailable(Exception):
    """No PostgreSQL server can be started here (not installed, or it failed to start)."""


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path:
        return path
    raise Unavailable(f"{name} not found (install Debian's postgresql package)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.sockets = root / "sockets"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._as_postgres = os.geteuid() == 0

    # -- lifecycle ----------------------------------------------------------------------------
    @classmethod
    def start(cls, root: Path | None = None) -> PgServer:
        root = Path(root or tempfile.mkdtemp(prefix="callsheet-pg-"))
        server = cls(root)
        server._start()
        return server

    def _run(self, *argv: str) -> subprocess.CompletedProcess:
        command = list(argv)
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    def _start(self) -> None:
        initdb = _bin("initdb")
        _bin("pg_ctl")  # found now, so a missing one is said before initdb runs
        self.sockets.mkdir(parents=True, exist_ok=True)
        self.data.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
            for folder in (self.data, self.sockets):
                shutil.chown(folder, "postgres")
        done = self._run(
            initdb,
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        )
        if done.returncode:
            raise Unavailable(f"initdb failed: {done.stderr.strip()[-300:]}")
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._options = options
        done = self._pg_ctl_start()
        if done.returncode:
            log = (
                (self.root / "log").read_text(errors="replace")[-300:]
                if (self.root / "log").exists()
                else ""
            )
            raise Unavailable(f"pg_ctl start failed: {done.stderr.strip()[-300:]} {log}")
        self._admin(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")

    def _pg_ctl_start(self) -> subprocess.CompletedProcess:
        return self._run(
            _bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            self._options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    # -- faults (tests/test_faults_store_gone.py) ---------------------------------------------
    def stop_server(self) -> None:
        """Stop the server, keeping its data (``start_server`` brings it back): every
        connection is closed, as when an administrator restarts it."""
        done = self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        if done.returncode:
            raise Unavailable(f"pg_ctl stop failed: {done.stderr.strip()[-300:]}")

    def start_server(self) -> None:
        done = self._pg_ctl_start()
        if done.returncode:
            raise Unavailable(f"pg_ctl start failed: {done.stderr.strip()[-300:]}")

    def restart(self) -> None:
        self.stop_server()
        self.start_server()

    def terminate_connections(self, dbname: str) -> None:
        """End every connection to ``dbname`` from the server's side (pg_terminate_backend)."""
        self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{dbname}' AND pid <> pg_backend_pid()"
        )

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- use ----------------------------------------------------------------------------------
    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.sockets),
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(sql)

    def url(self, dbname: str) -> str:
        return f"postgresql://{ROLE}:{PASSWORD}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self, prefix: str = "t") -> str:
        """Create an empty database owned by the callsheet role; return its URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}" OWNER {ROLE}')
        return self.url(name)


if __name__ == "__main__":
    import time

    server = PgServer.start()
    print(server.new_database("manual"), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
