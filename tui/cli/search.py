"""The ``search`` subcommand: words in log entries and client notes (models/store/search.py finds them)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from callsheet.tui.cli.common import arg, command, json_flag


def register(subparsers, common) -> None:
    command(
        subparsers,
        "search",
        "find words in log entries and client notes",
        cmd_search,
        (
            json_flag("print the record as JSON"),
            arg("text", nargs="+", help="every word must appear; the last may be a prefix"),
            arg("--limit", type=int, default=50),
        ),
        parents=[common],
    )


def cmd_search(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.store.search import search
    from callsheet.models.values.text import printable as plain
    from callsheet.tui.cli import open_store
    from callsheet.tui.cli.common import print_json
    from callsheet.tui.cli.shapes import moment

    open_store(args)
    hits = search(" ".join(args.text), limit=max(args.limit, 1))
    if args.json:
        print_json(
            [
                {
                    "client_id": h.client_id,
                    "client": h.client_name,
                    "kind": h.kind,
                    "entry_id": h.entry_id,
                    "at": moment(_from_epoch(h.at)) if h.at else None,
                    "excerpt": h.excerpt,
                }
                for h in hits
            ]
        )
        return 0 if hits else 1
    if not hits:
        asked = plain(" ".join(args.text))
        print(f"callsheet: nothing in your book matches {asked!r}", file=sys.stderr)
        return 1
    for hit in hits:
        when = f"{_from_epoch(hit.at).astimezone():%Y-%m-%d}" if hit.at else "notes     "
        where = f"entry #{hit.entry_id}" if hit.entry_id else f"client #{hit.client_id}"
        print(f"{when}  {plain(hit.client_name)[:28]:<28}  {plain(hit.excerpt)}  ({where})")
    return 0 if hits else 1


def _from_epoch(seconds: int):
    return datetime.fromtimestamp(seconds, tz=UTC)
