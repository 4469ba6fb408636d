"""The ``risk`` subcommand: every client by score, or why one client scores what they do.

``callsheet risk CLIENT --if-paid NUMBER`` (repeatable) adds what the score would be if
those invoices were paid today ("62 -> 41"); nothing is stored.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace

from callsheet.models.values.text import printable as _plain
from callsheet.tui.cli.common import arg, as_of_arg, client_arg, command, json_flag, repeatable

_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def register(subparsers, common) -> None:
    risk = (
        client_arg("explain this client (id, name or unique prefix)", nargs="?", default=None),
        json_flag("print a JSON list"),
        as_of_arg("score as of this date or moment (default now)"),
        arg("--band", default=None, choices=("low", "watch", "high"), help=_BAND_HELP),
        repeatable("--if-paid", "NUMBER", _IF_PAID_HELP, default=None),
        arg("--backtest", action="store_true", help=_BACKTEST_HELP),
        arg("--since", default=None, metavar="DATE", help="with --backtest: invoices issued from"),
        arg(
            "--outcome",
            default="late",
            choices=("late", "late30", "disputed", "any"),
            help="with --backtest: late (paid 14+ days after due, the default), late30,"
            " disputed, or any",
        ),
    )
    command(subparsers, "risk", _HELP, cmd_risk, risk, parents=[common])


_HELP = "clients by risk score, or explain one client's score"
_BAND_HELP = "only clients in this band"
_BACKTEST_HELP = (
    "does the score work? every invoice scored as of its issue day from what came before,"
    " against what happened: per band rates, AUC, Brier"
)
_IF_PAID_HELP = (
    "with CLIENT: the score if this invoice were paid today (repeatable; stores nothing)"
)


def _risk_json(client, risk) -> dict:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.risk.document import risk_json

    return {"id": client.id, "name": client.name, **risk_json(risk)}


def _as_of(text: str | None):
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.dates import read_moment
    from callsheet.models.values.when import utcnow

    if not text:
        return utcnow()
    text = text.strip()
    if _BARE_DATE.match(text):  # a bare date means as of the end of that day
        return read_moment(text + "T23:59:59", "as-of")
    return read_moment(text, "as-of", prefer="past")


def cmd_risk(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import scoring
    from callsheet.models.values.validate import InputError
    from callsheet.tui.cli import open_store
    from callsheet.tui.cli.common import print_json

    open_store(args)
    if args.backtest:
        return _backtest(args)
    if args.since is not None:
        raise InputError("--since", "only with --backtest")
    as_of = _as_of(args.as_of)
    if args.if_paid and not args.client:
        raise InputError("--if-paid", "name the client whose invoices would be paid")
    if args.client:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.book.clients import find_client

        client = find_client(args.client)
        risk = scoring.explain(client, as_of, if_paid=args.if_paid)
        if not args.if_paid:  # the what-if is asked for, not offered unasked
            risk = replace(risk, what_if=None)
        if args.json:
            print_json(_risk_json(client, risk))
        else:
            print(explanation(client.name, risk))
        return 0
    if args.json:
        _print_all_json(as_of, args.band, stored_ok=args.as_of is None)
        return 0
    results = scoring.risk_all(as_of, band=args.band)
    for client, risk in results:
        top = ", ".join(f"{f.label} {f.points:+d}" for f in risk.factors[:3])
        print(
            f"{risk.score:>3} {risk.band:<5}  #{client.id:<6} {_plain(client.name)[:30]:<30}  {top}"
        )
    return 0


def _backtest(args: argparse.Namespace) -> int:
    """``risk --backtest``: the replay's figures, in text or JSON."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.backtest import backtest
    from callsheet.models.risk.backtest import report_text
    from callsheet.models.values.validate import InputError
    from callsheet.models.values.when import utcnow
    from callsheet.tui.cli.common import print_json

    if args.client or args.if_paid or args.band:
        raise InputError("--backtest", "replays the whole book: no client, --band or --if-paid")
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.dates import read_date

    since = read_date(args.since, "--since", prefer="past", required=False)
    now = _as_of(args.as_of) if args.as_of else utcnow()
    result = backtest(args.outcome, now, since)
    if args.json:
        print_json(result.json())
    else:
        print(report_text(result))
    return 0


def _print_all_json(as_of, band: str | None, stored_ok: bool) -> None:
    """Every client's risk as a JSON list, highest first.

    As of now, the documents stored with fresh scores are printed as they are and only the
    other clients are computed (callsheet.models.book.risk_cache); ``--as-of`` computes everyone.
    """
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import risk_cache, scoring
    from callsheet.tui.cli.common import json_line, print_json_lines

    lines: list[tuple[int, str, int, str]] = []  # (score, name, id, line)
    todo: list[int] | None = None
    if stored_ok:
        usable, todo = risk_cache.fresh(as_of, scoring.current_model(), band=band)
        lines = [
            (score, name, client_id, risk_cache.client_line(client_id, name, doc))
            for client_id, name, score, doc in usable
        ]
    for client, risk in _computed(as_of, band, todo, stored=len(lines)):
        lines.append((risk.score, client.name, client.id, json_line(_risk_json(client, risk))))
    lines.sort(key=lambda item: (-item[0], item[1], item[2]))
    print_json_lines(item[3] for item in lines)


def _computed(as_of, band: str | None, todo: list[int] | None, stored: int):
    """(client, risk) of the clients ``todo`` (None: everyone), read in batches: a server
    takes at most 65,535 parameters, and after an upgrade every document is stale."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import scoring

    if todo is None or len(todo) > stored:  # most of the book: one read of everything
        wanted = None if todo is None else set(todo)
        for client, risk in scoring.risk_all(as_of, band=band):
            if wanted is None or client.id in wanted:
                yield client, risk
        return
    for start in range(0, len(todo), 5000):
        yield from scoring.risk_all(as_of, band=band, client_ids=todo[start : start + 5000])


def explanation(name: str, risk) -> str:
    """A client's risk in plain text: score, the points it is made of, each factor with its
    evidence, any floor, the stance, the advice, and the what-if when asked for."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.briefing.forms import what_if_line
    from callsheet.models.values.when import to_zone

    lines = [f"{_plain(name)}: risk {risk.score}/100 ({risk.band})"]
    points = risk.points
    if risk.factors:
        lines.append(f"  points {points.formula()} (positive signs offset behaviour, never money)")
    else:
        lines.append("  no signals")
    if risk.floor:
        lines.append(
            f"  at least watch: {risk.floor.reason}: "
            f"{to_zone(risk.floor.evidence.at):%Y-%m-%d} {_plain(risk.floor.evidence.summary)}"
        )
    for factor in risk.factors:
        label = factor.label
        if factor.points < 0 and points.behaviour == 0:
            label += " (nothing to offset)"
        lines.append(f"  {factor.points:+4d}  {label}")
        for evidence in factor.evidence[:5]:
            lines.append(f"          {to_zone(evidence.at):%Y-%m-%d}  {_plain(evidence.summary)}")
        if len(factor.evidence) > 5:
            lines.append(f"          ... and {len(factor.evidence) - 5} earlier")
    if risk.own_mistakes:
        lines.append("  your own mistakes (facts, not counted):")
        for evidence in risk.own_mistakes[:5]:
            lines.append(f"          {to_zone(evidence.at):%Y-%m-%d}  {_plain(evidence.summary)}")
    lines.append(f"stance: {risk.stance.title.upper()}: {risk.stance.text}")
    lines.append("advice:")
    lines.extend(f"  - {advice}" for advice in risk.advice)
    if risk.what_if:
        lines.append(what_if_line(risk))
    return "\n".join(lines)
