"""``python -m bench contacts-sync [--clients N]``: the issue 25 figure for ``sync contacts``.

A demo book of N active clients (``callsheet demo`` archives 3%, so it is made with enough
more that N are active) is synced into an empty vdir, synced again with nothing changed,
then the vdir is synced into an empty book and again. Prints one JSON object: the wall
time of each run, the cards and clients each made, and the files each wrote (the second
runs must write none; every card's mtime is compared before and after them).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _run(callsheet: str, db: Path, vdir: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run(
        [callsheet, "--db", str(db), "sync", "contacts", str(vdir), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return round((time.perf_counter() - started) * 1000), json.loads(done.stdout)


def _mtimes(vdir: Path) -> dict[str, int]:
    return {entry.name: entry.stat().st_mtime_ns for entry in os.scandir(vdir)}


def measure(callsheet: str, clients: int = 10_000, seed: int = 42) -> dict:
    made = math.ceil(clients / 0.97)
    while made - int(made * 0.03) > clients:  # the demo archives int(3%)
        made -= 1
    with tempfile.TemporaryDirectory(prefix="callsheet-contacts-bench-") as scratch:
        folder = Path(scratch)
        book, back, vdir = folder / "book.db", folder / "back.db", folder / "contacts"
        vdir.mkdir()
        subprocess.run(
            [
                callsheet,
                "--db",
                str(book),
                "demo",
                "--clients",
                str(made),
                "--interactions",
                "1000",
                "--seed",
                str(seed),
            ],
            check=True,
            capture_output=True,
        )
        first_ms, first = _run(callsheet, book, vdir)
        before = _mtimes(vdir)
        again_ms, again = _run(callsheet, book, vdir)
        into_ms, into = _run(callsheet, back, vdir)
        settled_ms, settled = _run(callsheet, back, vdir)
        untouched = _mtimes(vdir) == before
    return {
        "sync_contacts_cards": len(first["cards_written"]),
        "sync_contacts_first_ms": first_ms,
        "sync_contacts_again_ms": again_ms,
        "sync_contacts_again_files_written": again["files_written"],
        "sync_contacts_into_empty_book_ms": into_ms,
        "sync_contacts_clients_added": len(into["added"]),
        "sync_contacts_back_again_ms": settled_ms,
        "sync_contacts_back_again_files_written": settled["files_written"],
        "sync_contacts_mtimes_kept": untouched,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench contacts-sync")
    parser.add_argument("--clients", type=int, default=10_000)
    args = parser.parse_args(argv)
    print(json.dumps(measure(str(BIN / "callsheet"), args.clients)))
    return 0
