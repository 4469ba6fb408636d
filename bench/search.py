"""Full-text search at scale: ``python -m bench.search DB`` prints one JSON object.

- search_ms {median, p95}: :func:`callsheet.models.store.search.search` for words of every frequency (rare,
  common, a prefix as typed, two words), in this process, warm, as the dashboard's worker
  calls it;
- search_keystroke_ms {median, p95}: the search screen (``?`` in the filter), a key reaching
  its query field until the results are re-rendered, taken inside the app like the filter's
  keystrokes (``mark_start``/``mark``);
- search_cli_ms: ``callsheet search WORD --json`` end to end (process start included).

Compare with ``filter_keystroke_ms`` of ``python -m bench``: a search must fit the same
keystroke budget. The in-app figure runs on a copy of the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent

#: rare words, the demo's most common words, prefixes as typed, two words together
QUERIES = ["lawyer", "invoice", "inv", "prot", "timeline", "refuses pay", "weekly status", "zzz"]


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
    }


def model_search(db: str, rounds: int) -> dict:
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_store
    from callsheet.models.store.search import search

    open_store(db, create=False)
    for query in QUERIES:
        search(query)  # warm the page cache once
    samples = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search(query)
            samples.append((time.perf_counter() - started) * 1000)
    close_database()
    return _stats(samples)


async def _keystrokes(db: str, count: int) -> list[float]:
    from bench.drive import SIZE, dashboard_app

    app = dashboard_app(db, exit_when_ready=False)
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2000):
            if app.mark_counts.get("clients") and app.mark_counts.get("select"):
                break
            await pilot.pause(0.01)
        await pilot.press("slash", "question_mark", "enter")
        words = ["lawyer", "invoice", "prototype", "timeline"]
        while len(samples) < count:
            word = words[len(samples) % len(words)]
            for key in [*word, *["backspace"] * len(word)]:
                before = app.mark_counts.get("search", 0)
                await pilot.press(key)
                for _ in range(500):
                    if app.mark_counts.get("search", 0) > before:
                        break
                    await pilot.pause(0.005)
                else:
                    raise RuntimeError("search results never showed")
                samples.append((app.marks["search"] - app.started["search"]) * 1000)
    return samples


def cli_search(db: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "callsheet"), "search", "invoice", "--json", "--db", db],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure(db: str, rounds: int = 10, keystrokes: int = 40, runs: int = 5) -> dict:
    """The search figures for the store at ``db`` (a path or URL)."""
    import shutil
    import tempfile

    result = {"search_ms": model_search(db, rounds)}
    if "://" in db:
        result["search_keystroke_ms"] = _stats(asyncio.run(_keystrokes(db, keystrokes)))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            copy = str(Path(tmp) / "bench.db")
            shutil.copyfile(db, copy)
            result["search_keystroke_ms"] = _stats(asyncio.run(_keystrokes(copy, keystrokes)))
    result["search_cli_ms"] = cli_search(db, runs)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("db", help="a demo database (path or URL), e.g. from bench/.cache/")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--keystrokes", type=int, default=40)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.db, args.rounds, args.keystrokes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
