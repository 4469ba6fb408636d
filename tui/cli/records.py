"""Subcommands that record and read clients: ``add``, ``log``, ``list``, ``show``."""

from __future__ import annotations

import argparse
import json
import sys

from models.entities import CHANNELS, DIRECTIONS, SIGNALS, STATUSES, TONES


def register(subparsers, common) -> None:
    add = subparsers.add_parser("add", parents=[common], help="add a client")
    add.add_argument("name", help="the client's full name")
    add.add_argument(
        "--phone", action="append", default=[], metavar="P", help="a phone number (repeatable)"
    )
    add.add_argument(
        "--email", action="append", default=[], metavar="E", help="an e-mail address (repeatable)"
    )
    add.add_argument("--company", default="")
    add.add_argument(
        "--salutation", default="", help='how to greet them: "dl. Ionescu", "Pani Anno"'
    )
    add.add_argument(
        "--language", default="", help="language to speak with them (en, ro, pl, ru...)"
    )
    add.add_argument("--status", default="prospect", help=f"one of: {', '.join(STATUSES)}")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeatable)")
    add.add_argument(
        "--referred-by",
        default=None,
        metavar="WHO",
        help="the client (or person) who referred them",
    )
    add.add_argument("--notes", default="")
    add.add_argument("--rapport", default="", help="what works with this person")
    add.add_argument("--json", action="store_true", help="print the new client as callsheet/1 JSON")
    add.set_defaults(handler=cmd_add)

    log = subparsers.add_parser(
        "log", parents=[common], help="log a call, email, meeting, message or note"
    )
    log.add_argument("client", help="client id, exact name, or unique prefix of the name")
    log.add_argument("text", nargs="+", help="what happened")
    log.add_argument(
        "--channel", default="call", help=f"one of: {', '.join(CHANNELS)} (default call)"
    )
    log.add_argument(
        "--direction", default="in", help=f"one of: {', '.join(DIRECTIONS)} (default in)"
    )
    log.add_argument("--minutes", default=None, help="duration in minutes")
    log.add_argument("--tone", default=None, help=f"one of: {', '.join(TONES)}")
    log.add_argument(
        "--signal",
        action="append",
        default=[],
        metavar="S",
        help=f"repeatable; one of: {', '.join(SIGNALS)}",
    )
    log.add_argument(
        "--at",
        default=None,
        metavar="WHEN",
        help='when it happened (ISO 8601, "yesterday 14:30", "2 hours ago"; default now)',
    )
    log.add_argument(
        "--json", action="store_true", help="print the logged entry and the new risk as JSON"
    )
    log.set_defaults(handler=cmd_log)

    listing = subparsers.add_parser("list", parents=[common], help="list clients")
    listing.add_argument(
        "--json",
        action="store_true",
        help="print callsheet/1 client objects (with id), without history",
    )
    listing.add_argument("--archived", action="store_true", help="include archived clients")
    listing.set_defaults(handler=cmd_list)

    show = subparsers.add_parser(
        "show", parents=[common], help="show one client with everything recorded"
    )
    show.add_argument("client", help="client id, exact name, or unique prefix of the name")
    show.add_argument(
        "--json", action="store_true", help="print the client as a callsheet/1 object (with id)"
    )
    show.set_defaults(handler=cmd_show)


def cmd_add(args: argparse.Namespace) -> int:
    from models.clients import add_client
    from tui.cli import open_store

    config = open_store(args)
    client = add_client(
        args.name,
        phones=args.phone,
        emails=args.email,
        company=args.company,
        salutation=args.salutation,
        language=args.language,
        status=args.status,
        tags=args.tag,
        referred_by=args.referred_by,
        notes=args.notes,
        rapport=args.rapport,
        region=config.default_region,
    )
    if args.json:
        from models.jsonformat import client_record

        _print_json(client_record(client, nested=False, with_id=True))
    else:
        print(f"added #{client.id} {client.name}")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from models.clients import find_client, log_interaction
    from models.when import iso, parse_when, utcnow
    from tui.cli import open_store

    open_store(args)
    client = find_client(args.client)
    now = utcnow()
    at = parse_when(args.at, now) if args.at else now
    interaction = log_interaction(
        client,
        channel=args.channel,
        direction=args.direction,
        summary=" ".join(args.text),
        at=at,
        minutes=args.minutes,
        tone=args.tone,
        signals=args.signal,
        now=now,
    )
    client = type(client).get_by_id(client.id)
    if args.json:
        _print_json(
            {
                "client": {"id": client.id, "name": client.name},
                "interaction": {
                    "id": interaction.id,
                    "at": iso(at),
                    "channel": interaction.channel,
                    "direction": interaction.direction,
                    "duration_min": interaction.duration_min,
                    "tone": interaction.tone,
                    "signals": [s.kind for s in interaction.signals],
                    "summary": interaction.summary,
                },
                "risk": {"score": client.risk_score, "band": client.risk_band},
            }
        )
        return 0
    print(
        f"logged {interaction.channel} with {client.name} at {iso(at)}; risk {client.risk_score} ({client.risk_band})"
    )
    if interaction.suggested_signals:  # never silent: say what the text seems to mention
        kinds = ", ".join(interaction.suggested_signals)
        print(f"  suggested signals (not counted until confirmed with v in the log): {kinds}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from models.entities import Client
    from tui.cli import open_store

    open_store(args)
    query = Client.select().order_by(Client.name_key, Client.id)
    if not args.archived:
        query = query.where(Client.archived_at.is_null())
    if args.json:
        from models.jsonformat import client_records_flat

        # Streamed, one object a line, so 100,000 clients never sit in memory as one string.
        out, separator = sys.stdout, "\n "
        out.write("[")
        for record in client_records_flat(query):
            out.write(separator + json.dumps(record, ensure_ascii=False))
            separator = ",\n "
        out.write("]\n" if separator == "\n " else "\n]\n")
        return 0
    rows = query.tuples().select(
        Client.id, Client.name, Client.company, Client.status, Client.risk_score, Client.risk_band
    )
    for client_id, name, company, status, score, band in rows:
        print(
            f"{client_id:>6}  {_plain(name)[:32]:<32}  {_plain(company)[:24]:<24}  {status:<8}  {score:>3} {band}"
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from models.clients import find_client
    from models.jsonformat import client_record
    from tui.cli import open_store

    open_store(args)
    client = find_client(args.client)
    record = client_record(client, nested=True, with_id=True)
    if args.json:
        _print_json(record)
        return 0
    _print_client(record)
    return 0


def _plain(text: str) -> str:
    """User text for a terminal: control characters (escape sequences) are made visible."""
    return "".join(
        ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" for ch in text or ""
    )


def _print_client(record: dict) -> None:
    lines = [f"#{record['id']} {record['name']}"]
    for label, key in (
        ("greeting", "salutation"),
        ("company", "company"),
        ("language", "language"),
        ("status", "status"),
        ("referred by", "referred_by"),
        ("rapport", "rapport"),
        ("notes", "notes"),
    ):
        if record.get(key):
            lines.append(f"  {label + ':':<13}{record[key]}")
    for key in ("phones", "emails", "tags"):
        values = [
            v if isinstance(v, str) else v.get("number") or v.get("address")
            for v in record.get(key) or []
        ]
        if values:
            lines.append(f"  {key + ':':<13}{', '.join(values)}")
    interactions = record.get("interactions") or []
    if interactions:
        lines.append(f"  last contacts ({len(interactions)} in all):")
        for item in sorted(interactions, key=lambda i: i["at"], reverse=True)[:10]:
            signals = f" [{', '.join(item['signals'])}]" if item.get("signals") else ""
            lines.append(
                f"    {item['at'][:16]}  {item['channel']:<7} {item['direction']:<3} {item.get('summary', '')}{signals}"
            )
    for item in record.get("follow_ups") or []:
        if not item.get("done"):
            lines.append(f"  follow-up due {item['due'][:16]}: {item['text']}")
    for item in record.get("invoices") or []:
        state = f"paid {item['paid']}" if item.get("paid") else f"UNPAID, due {item.get('due')}"
        lines.append(
            f"  invoice {item['number']}: {item['amount']} {item.get('currency', '')} issued {item['issued']}, {state}"
        )
    print("\n".join(_plain(line) for line in lines))


def _print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
