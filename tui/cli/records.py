"""Subcommands that record and read clients: ``add``, ``log``, ``list``, ``show``."""

from __future__ import annotations

import argparse

from callsheet.models.values.terms import CHANNELS, DIRECTIONS, SIGNALS, STATUSES, TONES
from callsheet.models.values.text import printable as _plain
from callsheet.tui.cli.common import arg, client_arg, commands, json_flag, print_json, repeatable


def register(subparsers, common) -> None:
    client = client_arg()
    add = (
        arg("name", help="the client's full name"),
        repeatable("--phone", "P", "a phone number (repeatable)", default=[]),
        repeatable("--email", "E", "an e-mail address (repeatable)", default=[]),
        arg("--company", default=""),
        arg("--salutation", default="", help='how to greet them: "dl. Ionescu", "Pani Anno"'),
        arg("--language", default="", help="language to speak with them (en, ro, pl, ru...)"),
        arg("--status", default="prospect", help=f"one of: {', '.join(STATUSES)}"),
        repeatable("--tag", "T", "a tag (repeatable)", default=[]),
        arg("--referred-by", default=None, metavar="WHO", help=_REFERRED_BY),
        arg("--notes", default=""),
        arg("--rapport", default="", help="what works with this person"),
        _flag("--allow-shared-phone", "another client has this phone (a shared line)"),
        _flag("--allow-shared-email", "another client has this e-mail (a shared mailbox)"),
        json_flag("print the new client as callsheet/1 JSON"),
    )
    log = (
        client,
        arg("text", nargs="+", help="what happened"),
        arg("--channel", default="call", help=f"one of: {', '.join(CHANNELS)} (default call)"),
        arg("--direction", default="in", help=f"one of: {', '.join(DIRECTIONS)} (default in)"),
        arg("--minutes", default=None, help="duration in minutes"),
        arg("--tone", default=None, help=f"one of: {', '.join(TONES)}"),
        repeatable("--signal", "S", f"repeatable; one of: {', '.join(SIGNALS)}", default=[]),
        arg("--at", default=None, metavar="WHEN", help=_AT_HELP),
        json_flag("print the logged entry and the new risk as JSON"),
    )
    listing = (
        json_flag("print callsheet/1 client objects (with id), without history"),
        arg("--archived", action="store_true", help="include archived clients"),
    )
    show = (client, json_flag("print the client as a callsheet/1 object (with id)"))
    rows = (
        ("add", "add a client", cmd_add, add),
        ("log", "log a call, email, meeting, message or note", cmd_log, log),
        ("list", "list clients", cmd_list, listing),
        ("show", "show one client with everything recorded", cmd_show, show),
    )
    commands(subparsers, [common], rows)


_REFERRED_BY = "the client (or person) who referred them"
_AT_HELP = 'when it happened (ISO 8601, "yesterday 14:30", "2 hours ago"; default now)'


def _flag(flag: str, when: str):
    return arg(flag, action="store_true", help=f"add even when {when}")


_SAME_NAMED = [
    "company",
    "salutation",
    "language",
    "status",
    "referred_by",
    "notes",
    "rapport",
    "allow_shared_phone",
    "allow_shared_email",
]


def cmd_add(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import add_client
    from callsheet.tui.cli import open_store

    config = open_store(args)
    # the options named as add_client's parameters pass through as typed
    same = {name: getattr(args, name) for name in _SAME_NAMED}
    client = add_client(
        args.name,
        phones=args.phone,
        emails=args.email,
        tags=args.tag,
        region=config.default_region,
        **same,
    )
    if args.json:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.exchange.export_json import client_record

        print_json(client_record(client, nested=False, with_id=True))
    else:
        print(f"added #{client.id} {_plain(client.name)}")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client, log_interaction
    from callsheet.models.values.dates import read_moment
    from callsheet.models.values.when import iso, utcnow
    from callsheet.tui.cli import open_store

    open_store(args)
    client = find_client(args.client)
    now = utcnow()
    at = read_moment(args.at, "at", now, prefer="past", required=False, happened=True) or now
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
        print_json(
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
        f"logged {interaction.channel} with {_plain(client.name)} at {iso(at)}; risk {client.risk_score} ({client.risk_band})"
    )
    if interaction.suggested_signals:  # never silent: say what the text seems to mention
        kinds = ", ".join(interaction.suggested_signals)
        print(f"  suggested signals (not counted until confirmed with v in the log): {kinds}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.store.tables import Client
    from callsheet.tui.cli import open_store

    open_store(args)
    query = Client.select().order_by(Client.name_key, Client.id)
    if not args.archived:
        query = query.where(Client.archived_at.is_null())
    if args.json:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.exchange.export_json import client_records_flat
        from callsheet.tui.cli.common import print_json_list

        print_json_list(client_records_flat(query))
        return 0
    rows = query.tuples().select(
        Client.id, Client.name, Client.company, Client.status, Client.risk_score, Client.risk_band
    )
    line = "{:>6}  {:<32}  {:<24}  {:<8}  {:>3} {}".format
    print(line("id", "name", "company", "status", "risk", "").rstrip())
    for client_id, name, company, status, score, band in rows:
        print(line(client_id, _plain(name)[:32], _plain(company)[:24], status, score, band))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client
    from callsheet.models.exchange.export_json import client_record
    from callsheet.tui.cli import open_store

    open_store(args)
    client = find_client(args.client)
    record = client_record(client, nested=True, with_id=True)
    if args.json:
        print_json(record)
        return 0
    _print_client(record)
    return 0


def _print_client(record: dict) -> None:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.store.tables import Phone
    from callsheet.models.values.phones import is_unverified
    from callsheet.tui.cli.shapes import money

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
        if key == "phones":
            values = [
                p.raw + (" (?)" if is_unverified(p.e164) else "")
                for p in Phone.select().where(Phone.client == record["id"]).order_by(Phone.id)
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
        amount = money(item["amount"])
        lines.append(
            f"  invoice {item['number']}: {amount} {item.get('currency', '')} issued {item['issued']}, {state}"
        )
    print("\n".join(_plain(line, keep_newlines=True) for line in lines))
