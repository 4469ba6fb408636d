"""callsheet's benchmark: ``make bench`` or ``python -m bench [--clients N --interactions M]``.

(``python -m bench power [--trials N]`` is the power-loss bench instead: bench/power.py;
``python -m bench contacts-sync`` the contacts sync figure: bench/contacts_sync.py.)

Builds (or reuses, cached by parameters and schema version under bench/.cache/) a demo
database, then measures, with medians over several runs, and prints ONE JSON object:

- startup_ms: process start to the dashboard's first full frame with data (clients listed,
  the first client's log and risk shown), headless, in a fresh process, so imports count;
- baseline_startup_ms: the same for a bare Textual app with one Static, in the same run;
- floor_startup_ms: the same for the bare three-pane app of bench/floor.py (10k names,
  header, footer, an Input): what a screen of the dashboard's shape costs in Textual alone;
- filter_keystroke_ms {median, p95}: a key reaching the filter until the list re-rendered;
- select_client_ms: the cursor moving to another client until log and risk re-rendered;
- log_interaction_ms: ctrl+s in the log form until list, log and risk show the entry;
- risk_all_ms, who_ms, version_ms: `callsheet risk --json`, `callsheet who PHONE`,
  `callsheet --version`, end to end (risk on a store whose stored scores are kept fresh, as
  the open dashboard keeps them; risk_computed_ms: `--as-of now`, every client computed);
- backtest_ms: `callsheet risk --backtest --json` (every invoice replayed as of its issue day);
- rss_mb: peak resident memory of the dashboard process during the interactive run;
- ring_to_sheet_ms: `callsheet ring NUMBER` (a client's number in national format) started in
  another process until that client's call sheet is painted on the open dashboard.

In-app figures are taken inside the app (``CallsheetApp.mark_start``/``mark``: from the key
reaching the widget to the refresh that shows the result), never "time around
pilot.press", whose round trip alone is ~84 ms (see shared bench-notes).
Progress goes to stderr; stdout is only the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
BIN = Path(sys.executable).parent
CALLSHEET = str(BIN / "callsheet")


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], 1)


def load_demo(clients: int, interactions: int, seed: int, target: str) -> None:
    """`callsheet demo` into ``target`` (a file or a URL); its progress goes to stderr."""
    command = [CALLSHEET, "demo", "--clients", str(clients), "--interactions", str(interactions)]
    command += ["--seed", str(seed), "--db", target]
    subprocess.run(command, check=True, stdout=sys.stderr)


def demo_database(clients: int, interactions: int, seed: int) -> Path:
    from callsheet.models.store.migrations import CURRENT_VERSION as SCHEMA_VERSION

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{clients}-{interactions}-s{seed}-v{SCHEMA_VERSION}.db"
    if path.exists():
        log(f"reusing {path.name}")
        return path
    log(f"building {path.name} (this takes a while at large scales)")
    partial = path.with_suffix(".building")
    for stale in CACHE.glob(partial.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    load_demo(clients, interactions, seed, str(partial))
    partial.rename(path)
    log(f"built in {time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e6:.0f} MB")
    return path


def wall_ms(command: list[str], runs: int, env: dict | None = None) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env
        )
        times.append((time.perf_counter() - started) * 1000)
    return median(times)


def startup_ms(kind: str, db: Path, runs: int) -> float:
    """Spawn the driver and time from spawn to its "ready" line (first full frame with data)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.drive", kind, str(db)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=HERE.parent,
        )
        line = process.stdout.readline()
        elapsed = (time.perf_counter() - started) * 1000
        process.wait()
        if not line.startswith("ready"):
            raise RuntimeError(f"the {kind} driver did not start: {line!r}")
        times.append(elapsed)
    return median(times)


def server_database(url: str, clients: int, interactions: int, seed: int) -> str:
    """Fill the (empty) server database at ``url`` with the demo book once; reuse it after."""
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_store
    from callsheet.models.store.tables import Client

    open_store(url)
    present = Client.select().count()
    close_database()
    if present:
        log(f"reusing the {present:,} clients already in the server database")
        return url
    log("loading the demo book into the server database (this takes a while at large scales)")
    started = time.perf_counter()
    load_demo(clients, interactions, seed, url)
    log(f"loaded in {time.perf_counter() - started:.0f} s")
    return url


def interactive(db: Path | str, keystrokes: int) -> dict:
    """Run the interactive driver on a copy of the database (it writes one interaction).

    A server database is used as it is: the one logged call is all it gains.
    """
    with tempfile.TemporaryDirectory() as tmp:
        copy: Path | str = db
        if isinstance(db, Path):
            copy = Path(tmp) / "bench.db"
            shutil.copyfile(db, copy)
        result = subprocess.run(
            [sys.executable, "-m", "bench.drive", "interact", str(copy), str(keystrokes)],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
    if result.returncode != 0:
        raise RuntimeError(f"interactive driver failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def ring_to_sheet(db: Path | str, rings: int) -> dict[str, list[float]]:
    """`callsheet ring` in another process to the sheet painted on an open dashboard (on a
    copy of an SQLite file: each ring stores an event)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy: Path | str = db
        if isinstance(db, Path):
            copy = Path(tmp) / "bench.db"
            shutil.copyfile(db, copy)
        result = subprocess.run(
            [sys.executable, "-m", "bench.drive", "ring", str(copy), str(rings)],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
    if result.returncode != 0:
        raise RuntimeError(f"ring driver failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def floor(keystrokes: int) -> list[float]:
    """Key-to-refresh times of the bare three-pane app (bench/floor.py), in its own process."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.drive", "floor", "-", str(keystrokes)],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    if result.returncode != 0:
        raise RuntimeError(f"floor driver failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])["filter"]


def keep_scores_fresh(db: Path | str) -> None:
    """What the open dashboard does every minute: refresh stored scores (and the risk --json
    documents) older than its limit, so `risk --json` is timed as a user with the dashboard
    open gets it. `risk_computed_ms` times computing every client instead."""
    from datetime import UTC, datetime

    from callsheet.models.book import scoring
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_store
    from callsheet.tui.sync import STALE_AFTER

    open_store(db, create=False)
    started = time.perf_counter()
    count = scoring.refresh_stale(datetime.now(UTC).replace(microsecond=0), max_age=STALE_AFTER)
    close_database()
    if count:
        log(f"refreshed {count:,} stale scores in {time.perf_counter() - started:.0f} s")


def a_phone(db: Path | str) -> str:
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_store
    from callsheet.models.store.tables import Phone

    open_store(db, create=False)
    e164 = Phone.select(Phone.e164).order_by(Phone.id).offset(77).limit(1).scalar()
    close_database()
    from callsheet.models.values.phones import pretty

    return pretty(e164)  # as a caller display shows it: "+40 721 234 567"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["contacts-sync"]:  # issue 25: sync contacts into a vdir and back
        from bench.contacts_sync import main as contacts_sync

        return contacts_sync(argv[1:])
    if argv[:1] == ["power"]:  # power loss after acknowledgement (root, loop devices)
        from bench.power import main as power

        return power(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (medians)")
    parser.add_argument(
        "--keystrokes", type=int, default=40, help="filter keystrokes and selections to time"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="measure on this PostgreSQL database (filled with the demo book if empty) "
        "instead of a cached SQLite file",
    )
    parser.add_argument(
        "--skip-imports", action="store_true", help="leave out the 10,000-vCard import figure"
    )
    args = parser.parse_args(argv)

    if args.db:
        db: Path | str = server_database(args.db, args.clients, args.interactions, args.seed)
    else:
        db = demo_database(args.clients, args.interactions, args.seed)
    env = dict(os.environ, CALLSHEET_REGION="RO")
    log("startup (dashboard vs bare app)")
    baseline = startup_ms("baseline", db, args.runs)
    floor_startup = startup_ms("floor_start", db, args.runs)
    startup = startup_ms("dashboard", db, args.runs)
    log("the floor: a bare three-pane app filtering 10k rows")
    floor_samples = floor(args.keystrokes * 2)
    log("keystrokes, selection, logging, memory")
    inner = interactive(db, args.keystrokes)
    log("the phone rings: callsheet ring to the call sheet on the open dashboard")
    rings = ring_to_sheet(db, args.runs * 2)
    log("command line")
    keep_scores_fresh(db)
    phone = a_phone(db)
    risk_runs = max(3, args.runs // 2)
    result = {
        "clients": args.clients,
        "interactions": args.interactions,
        "runs": args.runs,
        "startup_ms": startup,
        "baseline_startup_ms": baseline,
        "startup_ratio": round(startup / baseline, 2),
        "floor_startup_ms": floor_startup,
        "startup_ratio_to_floor": round(startup / floor_startup, 2),
        "filter_keystroke_ms": {"median": median(inner["filter"]), "p95": p95(inner["filter"])},
        "select_client_ms": median(inner["select"]),
        "log_interaction_ms": median(inner["save"]),
        "risk_all_ms": wall_ms([CALLSHEET, "risk", "--json", "--db", str(db)], risk_runs, env),
        "risk_computed_ms": wall_ms(
            [CALLSHEET, "risk", "--json", "--as-of", "now", "--db", str(db)], risk_runs, env
        ),
        "who_ms": wall_ms([CALLSHEET, "who", phone, "--db", str(db)], args.runs * 3, env),
        "backtest_ms": wall_ms(
            [CALLSHEET, "risk", "--backtest", "--json", "--db", str(db)], risk_runs, env
        ),
        "version_ms": wall_ms([CALLSHEET, "--version"], args.runs * 3, env),
        "rss_mb": inner["rss_mb"],
        "ring_to_sheet_ms": {
            "median": median(rings["ring"]),
            "p95": p95(rings["ring"]),
            "runs": len(rings["ring"]),
            # of which: the command's start to the dashboard hearing the ring
            "heard_median": median(rings["heard"]),
        },
        "backend": "postgresql" if args.db else "sqlite",
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
    }
    result["who_ratio"] = round(result["who_ms"] / result["version_ms"], 2)
    result["risk_ratio"] = round(result["risk_all_ms"] / result["version_ms"], 1)
    floor_median = median(floor_samples)
    result["floor_keystroke_ms"] = {"median": floor_median, "p95": p95(floor_samples)}
    result["ratios_to_floor"] = {
        "filter_median": round(result["filter_keystroke_ms"]["median"] / floor_median, 2),
        "filter_p95": round(result["filter_keystroke_ms"]["p95"] / floor_median, 2),
        "select": round(result["select_client_ms"] / floor_median, 2),
        "save": round(result["log_interaction_ms"] / floor_median, 2),
    }
    if not args.skip_imports:
        log("10,000 vCards: callsheet import vs khard list")
        from bench.vcards import measure

        result.update(measure(CALLSHEET))
    log("full-text search (bench/search.py)")
    from bench.search import measure as measure_search

    result.update(measure_search(str(db), keystrokes=args.keystrokes, runs=args.runs))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
