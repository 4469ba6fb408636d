"""A throwaway Radicale CalDAV server and vdirsyncer, as a consultant's phone setup has them.

Radicale (from PyPI, in the test venv) listens on 127.0.0.1 at a free port with its storage
in a temporary folder; any user name and password are accepted (``auth type = none``). The
tests talk to it over HTTP as a phone's calendar would (MKCALENDAR, PUT, GET) and run the real
``vdirsyncer`` command to keep local vdirs in step with it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

USER = "consultant"
VDIRSYNCER = str(Path(sys.executable).with_name("vdirsyncer"))


class Unavailable(Exception):
    """Radicale or vdirsyncer cannot run here."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CalDavServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    @classmethod
    def start(cls, root: Path | None = None) -> CalDavServer:
        if not Path(VDIRSYNCER).exists():
            raise Unavailable("vdirsyncer is not installed in this environment")
        server = cls(Path(root or tempfile.mkdtemp(prefix="callsheet-caldav-")))
        config = server.root / "radicale.conf"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{server.port}\n"
            f"[auth]\ntype = none\n"
            f"[storage]\nfilesystem_folder = {server.root / 'storage'}\n"
            f"[logging]\nlevel = warning\n"
        )
        server._process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if server._process.poll() is not None:
                stderr = server._process.stderr
                error = stderr.read().decode(errors="replace") if stderr else ""
                raise Unavailable(f"radicale exited: {error.strip()[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                    return server
            except OSError:
                time.sleep(0.05)
        server.stop()
        raise Unavailable("radicale did not listen within 20 seconds")

    def request(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> bytes:
        request = urllib.request.Request(self.url + path, data=body or None, method=method)
        request.add_header("Authorization", "Basic Y29uc3VsdGFudDp4")  # consultant:x
        if content_type:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def make_calendar(self, name: str) -> str:
        """A calendar collection (events and tasks); its path on the server."""
        path = f"/{USER}/{name}/"
        self.request("MKCALENDAR", path)
        return path

    def put(self, path: str, data: bytes) -> None:
        """An item written on the server, as a phone's calendar app does."""
        self.request("PUT", path, data, "text/calendar; charset=utf-8")

    def items(self, collection: str) -> dict[str, bytes]:
        """The .ics items of a collection as the server stores them, by file name."""
        folder = self.root / "storage" / "collection-root" / USER / collection
        return {p.name: p.read_bytes() for p in folder.glob("*.ics")}

    def vdirsyncer(self, workdir: Path, *collections: str) -> Path:
        """A vdirsyncer config pairing each collection with a local vdir under ``workdir``."""
        lines = [f'[general]\nstatus_path = "{workdir / "status"}/"\n']
        for name in collections:
            lines.append(
                f'[pair {name}]\na = "{name}_local"\nb = "{name}_remote"\ncollections = null\n'
                'conflict_resolution = "b wins"\n'
                f'[storage {name}_local]\ntype = "filesystem"\npath = "{workdir / name}/"\n'
                'fileext = ".ics"\n'
                f'[storage {name}_remote]\ntype = "caldav"\n'
                f'url = "{self.url}/{USER}/{name}/"\nusername = "{USER}"\npassword = "x"\n'
            )
        config = workdir / "vdirsyncer.conf"
        workdir.mkdir(parents=True, exist_ok=True)
        config.write_text("\n".join(lines))
        for name in collections:
            (workdir / name).mkdir(exist_ok=True)
        return config

    @staticmethod
    def sync(config: Path) -> None:
        """``vdirsyncer discover`` (first time) and ``vdirsyncer sync``, the real commands."""
        for command in (["discover"], ["sync"]):
            done = subprocess.run(
                [VDIRSYNCER, "-c", str(config), *command],
                input=b"y\n" * 10,
                capture_output=True,
                timeout=120,
            )
            if done.returncode != 0:
                raise AssertionError(
                    f"vdirsyncer {command[0]} failed: {done.stderr.decode(errors='replace')}"
                )

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process is not None and self._process.stderr:
            self._process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)
