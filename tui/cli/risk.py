"""The ``risk`` subcommand: every client by score, or why one client scores what they do."""

from __future__ import annotations

import argparse
import json
import re
import sys

from models.text import json_safe
from models.text import printable as _plain

_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def register(subparsers, common) -> None:
    risk = subparsers.add_parser(
        "risk", parents=[common], help="clients by risk score, or explain one client's score"
    )
    risk.add_argument(
        "client", nargs="?", default=None, help="explain this client (id, name or unique prefix)"
    )
    risk.add_argument("--json", action="store_true", help="print a JSON list")
    risk.add_argument(
        "--as-of",
        default=None,
        metavar="WHEN",
        help="score as of this date or moment (default now)",
    )
    risk.add_argument(
        "--band", default=None, choices=("low", "watch", "high"), help="only clients in this band"
    )
    risk.set_defaults(handler=cmd_risk)


def _risk_json(client, risk) -> dict:
    from models.when import iso

    return {
        "id": client.id,
        "name": client.name,
        "score": risk.score,
        "band": risk.band,
        "factors": [
            {
                "signal": f.signal,
                "points": f.points,
                "evidence": [{"at": iso(e.at), "summary": e.summary} for e in f.evidence],
            }
            for f in risk.factors
        ],
        "advice": list(risk.advice),
    }


def _as_of(text: str | None):
    from models.when import parse_when, utcnow

    if not text:
        return utcnow()
    text = text.strip()
    if _BARE_DATE.match(text):  # a bare date means as of the end of that day
        return parse_when(text + "T23:59:59")
    return parse_when(text)


def cmd_risk(args: argparse.Namespace) -> int:
    from models import scoring
    from tui.cli import open_store

    open_store(args)
    as_of = _as_of(args.as_of)
    if args.client:
        from models.clients import find_client

        client = find_client(args.client)
        risk = scoring.explain(client, as_of)
        if args.json:
            sys.stdout.write(
                json_safe(json.dumps(_risk_json(client, risk), ensure_ascii=False, indent=2))
            )
            sys.stdout.write("\n")
        else:
            print(explanation(client.name, risk))
        return 0
    results = scoring.risk_all(as_of, band=args.band)
    if args.json:
        out, separator = sys.stdout, "\n "
        out.write("[")
        for client, risk in results:
            out.write(
                separator + json_safe(json.dumps(_risk_json(client, risk), ensure_ascii=False))
            )
            separator = ",\n "
        out.write("]\n" if separator == "\n " else "\n]\n")
        return 0
    for client, risk in results:
        top = ", ".join(f"{f.signal} {f.points:+d}" for f in risk.factors[:3])
        print(
            f"{risk.score:>3} {risk.band:<5}  #{client.id:<6} {_plain(client.name)[:30]:<30}  {top}"
        )
    return 0


def explanation(name: str, risk) -> str:
    """A client's risk in plain text: score, each factor with its evidence, the advice."""
    from models.when import to_zone

    lines = [f"{_plain(name)}: risk {risk.score}/100 ({risk.band})"]
    if not risk.factors:
        lines.append("  no signals")
    for factor in risk.factors:
        label = factor.signal.replace("_", " ")
        if factor.points == 0:  # a positive sign with no warning to offset
            label += " (nothing to offset)"
        lines.append(f"  {factor.points:+4d}  {label}" if factor.points else f"     0  {label}")
        for evidence in factor.evidence[:5]:
            lines.append(f"          {to_zone(evidence.at):%Y-%m-%d}  {_plain(evidence.summary)}")
        if len(factor.evidence) > 5:
            lines.append(f"          ... and {len(factor.evidence) - 5} earlier")
    if risk.own_mistakes:
        lines.append("  your own mistakes (facts, not counted):")
        for evidence in risk.own_mistakes[:5]:
            lines.append(f"          {to_zone(evidence.at):%Y-%m-%d}  {_plain(evidence.summary)}")
    lines.append("advice:")
    lines.extend(f"  - {advice}" for advice in risk.advice)
    return "\n".join(lines)
