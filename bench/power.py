"""Power loss right after an acknowledgement: ``python -m bench power [--trials N]``.

A small ext4 file system in an image file is attached to a loop device and mounted; a
callsheet database lives on it, with the dashboard open (its connections stay open, as they
do all day). Each trial makes one write, waits for its acknowledgement (a command's exit 0,
or the dashboard's "Logged call with ..." notice), and at once "cuts the power": it copies the
image file without syncing anything. The loop device's writes have reached the image (through
the page cache of the file system that holds it); what ext4 still keeps in its own dirty page
cache has not, exactly as after a power cut. The copy is repaired with ``e2fsck -fy`` (the
journal is replayed, as at the next boot), the database and its WAL are taken out with
``debugfs`` (no second mount) and the acknowledged entry is looked for.

The same harness is tests/test_faults_power.py (a few trials, must lose nothing) and this
bench (more trials, and ``--synchronous normal`` to show the harness does see losses: that is
the setting callsheet had before; it is applied in this process and in each command's).
Needs root and loop devices; otherwise :class:`Unavailable` says why. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE_MB = 64
TOOLS = ("losetup", "mkfs.ext4", "mount", "umount", "e2fsck", "debugfs")
CLIENT = "Ana Pop"


class Unavailable(Exception):
    """This machine cannot attach and mount a loop device (not root, no loop, no tools)."""


@dataclass
class Volume:
    """A mounted ext4 image: ``image`` backs ``device``, mounted on ``mount``."""

    image: Path
    device: str
    mount: Path


def _run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=check)


@contextmanager
def ext4_volume(folder: Path, size_mb: int = IMAGE_MB) -> Iterator[Volume]:
    """An ext4 file system of ``size_mb`` in ``folder``/disk.img, loop-mounted for the block.

    Raises :class:`Unavailable` when the machine refuses; always unmounts and detaches.
    """
    if os.geteuid() != 0:
        raise Unavailable("needs root to attach a loop device and mount it")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise Unavailable(f"missing tools: {', '.join(missing)}")
    if not Path("/dev/loop-control").exists():
        raise Unavailable("no /dev/loop-control (loop devices are not available)")
    image, mount = folder / "disk.img", folder / "mnt"
    mount.mkdir()
    with open(image, "wb") as handle:
        handle.truncate(size_mb * 1024 * 1024)
    _run("mkfs.ext4", "-q", "-F", str(image))
    attached = _run("losetup", "--find", "--show", str(image), check=False)
    if attached.returncode != 0:
        raise Unavailable(f"losetup refused: {attached.stderr.strip()}")
    device = attached.stdout.strip()
    try:
        mounted = _run("mount", "-t", "ext4", device, str(mount), check=False)
        if mounted.returncode != 0:
            raise Unavailable(f"mount refused: {mounted.stderr.strip()}")
        try:
            yield Volume(image, device, mount)
        finally:
            if _run("umount", str(mount), check=False).returncode != 0:
                _run("umount", "-l", str(mount), check=False)  # something still holds a file
    finally:
        _run("losetup", "-d", device, check=False)


def cut(volume: Volume, into: Path) -> Path:
    """The power cut: copy the image as the disk holds it now (no sync), then repair the copy
    as the next boot would. Returns the folder holding the database and WAL it kept."""
    into.mkdir()
    copy = into / "after-cut.img"
    shutil.copyfile(volume.image, copy)  # first, before anything else can reach the disk
    repaired = _run("e2fsck", "-fy", str(copy), check=False)
    if repaired.returncode >= 4:
        raise RuntimeError(f"e2fsck could not repair the copy: {repaired.stdout[-500:]}")
    kept = into / "kept"
    kept.mkdir()
    for name in ("callsheet.db", "callsheet.db-wal"):
        _run("debugfs", "-R", f"dump /{name} {kept / name}", str(copy), check=False)
    copy.unlink()
    return kept


def summaries_after_cut(kept: Path) -> set[str]:
    """Every log entry's text in what survived the cut (empty if the database did not)."""
    db = kept / "callsheet.db"
    if not db.exists() or db.stat().st_size == 0:
        return set()
    wal = kept / "callsheet.db-wal"
    if wal.exists() and wal.stat().st_size == 0:
        wal.unlink()
    try:
        connection = sqlite3.connect(str(db))  # read-write, so the WAL is recovered
        try:
            return {row[0] for row in connection.execute("SELECT summary FROM interaction")}
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return set()


@dataclass
class Figures:
    """Acknowledged writes and those a cut right after their acknowledgement lost."""

    acknowledged: dict[str, int] = field(default_factory=lambda: {"cli": 0, "dashboard": 0})
    lost: dict[str, list[str]] = field(default_factory=lambda: {"cli": [], "dashboard": []})


def _cli_command(db: Path, text: str, synchronous: str | None) -> list[str]:
    """``callsheet log`` as the entry point runs it; ``synchronous`` overrides the setting
    (the bench's "before" figure)."""
    override = "" if synchronous is None else f"d.PRAGMAS['synchronous'] = {synchronous!r}; "
    program = (
        f"import sys, callsheet.models.store.db as d; {override}"
        "from callsheet.tui.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    return [sys.executable, "-c", program, "log", CLIENT, text, "--db", str(db)]


def prepare(volume: Volume) -> Path:
    """A database on the volume with one client, made durable once (trials start from it)."""
    from callsheet.models.book import clients as ops
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_database

    db = volume.mount / "callsheet.db"
    open_database(db)
    ops.add_client(CLIENT)
    close_database()
    _run("sync", "-f", str(volume.mount))
    return db


async def trials(
    volume: Volume,
    scratch: Path,
    *,
    cli: int,
    dashboard: int,
    synchronous: str | None = None,
) -> Figures:
    """With the dashboard open on a database of ``volume``: ``cli`` writes by the command
    line, then ``dashboard`` "Logged call" saves, each followed at once by a cut."""
    from callsheet.models.config import Config
    from callsheet.models.store.opening import open_database
    from callsheet.tui.app import CallsheetApp
    from callsheet.tui.screens.forms import InteractionForm

    db = prepare(volume)
    env = dict(os.environ, CALLSHEET_REGION="RO")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    figures = Figures()
    open_database(db)
    app = CallsheetApp(Config(default_region="RO"))
    async with app.run_test(size=(160, 48)) as pilot:
        await _until(pilot, lambda: bool(app.screen.client_list.all_rows), "the client list")
        for number in range(cli):
            text = f"power trial cli {number} {time.time_ns()}"
            done = subprocess.run(
                _cli_command(db, text, synchronous), capture_output=True, text=True, env=env
            )
            if done.returncode != 0:  # not acknowledged: nothing was promised
                raise RuntimeError(f"callsheet log failed: {done.stderr.strip()}")
            kept = cut(volume, scratch / f"cli-{number}")
            figures.acknowledged["cli"] += 1
            if text not in summaries_after_cut(kept):
                figures.lost["cli"].append(text)
        for number in range(dashboard):
            text = f"power trial dashboard {number} {time.time_ns()}"
            told = {note.identity for note in app._notifications}  # old ones expire
            await pilot.press("l")
            await _until(pilot, lambda: isinstance(app.screen, InteractionForm), "the log form")
            await pilot.press(*text, "ctrl+s")
            await _until(pilot, lambda told=told: _logged(app, told), "the 'Logged call' notice")
            kept = cut(volume, scratch / f"dashboard-{number}")
            figures.acknowledged["dashboard"] += 1
            if text not in summaries_after_cut(kept):
                figures.lost["dashboard"].append(text)
    return figures


def _logged(app, told: set) -> bool:
    """A "Logged call with ..." notice appeared that was not there before the save."""
    return any(
        str(note.message).startswith("Logged call with")
        for note in list(app._notifications)
        if note.identity not in told
    )


async def _until(pilot, condition, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            notes = [str(note.message) for note in pilot.app._notifications]
            raise RuntimeError(f"timed out waiting for {what} (screen {pilot.app.screen}, {notes})")
        await pilot.pause(0.02)


def run(cli: int, dashboard: int, synchronous: str | None = None) -> Figures:
    """One volume, ``cli`` + ``dashboard`` trials; ``synchronous`` overrides callsheet's."""
    from callsheet.models.store import db as models_db
    from callsheet.models.store.db import close_database

    before = models_db.PRAGMAS["synchronous"]
    if synchronous is not None:
        models_db.PRAGMAS["synchronous"] = synchronous
    try:
        with tempfile.TemporaryDirectory(prefix="callsheet-power-") as tmp:
            folder = Path(tmp)
            with ext4_volume(folder) as volume:
                try:
                    return asyncio.run(
                        trials(
                            volume, folder, cli=cli, dashboard=dashboard, synchronous=synchronous
                        )
                    )
                finally:
                    close_database()
    finally:
        models_db.PRAGMAS["synchronous"] = before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench power", description=__doc__)
    parser.add_argument("--trials", type=int, default=20, help="command-line writes")
    parser.add_argument(
        "--dashboard", type=int, default=None, help="dashboard saves (default: trials // 2)"
    )
    parser.add_argument(
        "--synchronous",
        choices=["off", "normal", "full", "extra"],
        default=None,
        help="override callsheet's SQLite setting (default: callsheet's own, full)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("CALLSHEET_REGION", "RO")
    with tempfile.TemporaryDirectory(prefix="callsheet-power-home-") as home:
        # no user's config or data: the bench's own
        os.environ["CALLSHEET_CONFIG"] = str(Path(home) / "no-config.toml")
        os.environ["XDG_DATA_HOME"] = str(Path(home) / "data")
        dashboard = args.trials // 2 if args.dashboard is None else args.dashboard
        try:
            figures = run(args.trials, dashboard, args.synchronous)
        except Unavailable as error:
            print(json.dumps({"unavailable": str(error)}))
            return 1
    from callsheet.models.store.db import PRAGMAS

    result = {
        "synchronous": args.synchronous or PRAGMAS["synchronous"],
        "acknowledged": figures.acknowledged,
        "lost": {kind: len(texts) for kind, texts in figures.lost.items()},
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
