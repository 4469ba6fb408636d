"""The ``triage`` subcommand: what needs attention today, as the dashboard's triage view shows it.

Meant for a cron job, a morning e-mail or a status bar: the same groups, items and counts
as the dashboard (both read :func:`callsheet.models.book.queries.triage`), as text or as JSON.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from callsheet.models.values.money import amounts_json, sums
from callsheet.models.values.text import counted
from callsheet.models.values.text import printable as _plain
from callsheet.tui.cli.common import as_of_arg, command, json_flag


def register(subparsers, common) -> None:
    triage = (json_flag("print one JSON object"), as_of_arg(_AS_OF_HELP))
    command(subparsers, "triage", _HELP, cmd_triage, triage, parents=[common])


_HELP = "what needs attention today: follow-ups due, overdue invoices, rising risk, quiet clients"
_AS_OF_HELP = "as of this date or moment (default now; a bare date is the end of that day)"


def _when(item, as_of: datetime) -> datetime | None:
    if item.kind == "not_contacted" and not item.when:
        return None  # never contacted
    return datetime.fromtimestamp(item.when, UTC)


def triage_json(triage, counts: dict, as_of: datetime) -> dict:
    """The JSON ``callsheet triage --json`` prints (a stable shape for scripts)."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.when import iso

    return {
        "as_of": iso(as_of),
        "total": triage.total,
        "counts": {**triage.counts, "high_risk": counts["high"]},
        "groups": [
            {
                "kind": section.kind,
                "title": section.title,
                "count": len(section.items),
                # money per currency ({currency: cents}), never one number across currencies
                **(
                    {"amounts": amounts_json(sums(i.amount for i in section.items if i.amount))}
                    if any(i.amount for i in section.items)
                    else {}
                ),
                "items": [
                    {
                        "client_id": item.client_id,
                        # a missed call from a number nobody has: no client, the number
                        "client": item.client_name if item.client_id is not None else None,
                        **({"number": item.number} if item.kind == "missed_call" else {}),
                        "at": iso(moment) if (moment := _when(item, as_of)) else None,
                        "text": item.text,
                        "ref": item.ref,
                        **(
                            {"currency": item.amount[0], "cents": item.amount[1]}
                            if item.amount
                            else {}
                        ),
                    }
                    for item in section.items
                ],
            }
            for section in triage.sections
        ],
    }


def cmd_triage(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import queries
    from callsheet.models.values.when import to_zone
    from callsheet.tui.cli import open_store
    from callsheet.tui.cli.common import print_json
    from callsheet.tui.cli.risk import _as_of

    config = open_store(args)
    as_of = _as_of(args.as_of)
    triage = queries.triage(as_of, config.stale_after_days)
    counts = queries.triage_counts(as_of, config.stale_after_days)
    if args.json:
        print_json(triage_json(triage, counts, as_of))
        return 0
    out = sys.stdout
    out.write(
        f"Needs attention · {triage.total:,}  ({to_zone(as_of):%a %d %b %Y %H:%M}; "
        f"{counted(counts['high'], 'high-risk client')})\n"
    )
    for section in triage.sections:
        if section.kind == "missed_call" and not section.items:
            continue  # (the phone: a kind shown only when a call waits to be returned)
        out.write(f"\n{section.title} · {len(section.items):,}\n")
        names = [
            f"{_plain(item.client_name)} (#{item.client_id})"
            if item.client_id is not None
            else _plain(item.number or "number withheld")
            for item in section.items
        ]
        width = min(max(map(len, names), default=0), 40)
        for item, name in zip(section.items, names, strict=True):
            moment = _when(item, as_of)
            # an invoice falls due on a day, the rest at a moment
            shape = "%d %b %Y" if item.kind == "overdue_invoice" else "%d %b %Y %H:%M"
            if item.kind == "risk_rose":
                stamp = "this week"  # the rise is over the week, not at one moment
            else:
                stamp = to_zone(moment).strftime(shape) if moment else "never"
            out.write(f"  {stamp:<17}  {name:<{width}}  {_plain(item.text)}\n")
    return 0
