"""Subcommands for the moments callsheet is named for: ``brief``, ``who``, ``facts``.

``who`` runs from a softphone's incoming-call hook, so it does as little as it can: no
Textual, no risk computation (the stored band is current), one indexed look-up.
"""

from __future__ import annotations

import argparse
import json
import sys

from models.text import printable


def register(subparsers, common) -> None:
    brief = subparsers.add_parser(
        "brief", parents=[common], help="the call sheet: read it before a call"
    )
    brief.add_argument("client", help="client id, name or unique prefix")
    shape = brief.add_mutually_exclusive_group()
    shape.add_argument(
        "--markdown", action="store_true", help="print Markdown instead of plain text"
    )
    shape.add_argument(
        "--json",
        action="store_true",
        help='print JSON: everything the call sheet shows, with "stance": {"kind", "text"}',
    )
    brief.set_defaults(handler=cmd_brief)

    who = subparsers.add_parser(
        "who", parents=[common], help="who is calling: name, greeting and risk for a phone number"
    )
    who.add_argument(
        "phone", nargs="+", help="the number as shown on the phone, in any common format"
    )
    who.add_argument(
        "--json", action="store_true", help="print the client's id, name, greeting and risk"
    )
    who.set_defaults(handler=cmd_who)

    facts = subparsers.add_parser(
        "facts", parents=[common], help="the dispute fact sheet of a client, as Markdown"
    )
    facts.add_argument("client", help="client id, name or unique prefix")
    facts.add_argument(
        "-o",
        "--output",
        metavar="FILE.md",
        default=None,
        help="write to a file, readable by you only (default, or -: standard output)",
    )
    facts.set_defaults(handler=cmd_facts)


def cmd_brief(args: argparse.Namespace) -> int:
    from models.briefing import brief_of, render_markdown, render_text, to_json
    from models.clients import find_client
    from models.when import utcnow
    from tui.cli import open_store

    open_store(args)
    brief = brief_of(find_client(args.client), utcnow())
    if args.json:
        json.dump(to_json(brief), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write(render_markdown(brief) if args.markdown else render_text(brief))
    return 0


def cmd_who(args: argparse.Namespace) -> int:
    from models.finding import find_by_phone
    from models.phones import PhoneError, international_digits, to_e164, unverified_key
    from tui.cli import open_store

    config = open_store(args)
    typed = " ".join(args.phone)
    quick = international_digits(typed)
    client = find_by_phone(quick) if quick else None
    if client is None:
        try:
            e164 = to_e164(typed, config.default_region)
        except PhoneError as error:
            # A short number an import kept as typed (a service line) is still someone's.
            kept = unverified_key(typed)
            client = find_by_phone(kept) if kept else None
            if client is None:
                print(f"callsheet: {printable(str(error))}", file=sys.stderr)
                return 2
        else:
            client = find_by_phone(e164)
    if client is None:
        print(
            f"callsheet: nobody in your book has {e164} (add them: callsheet add NAME --phone {e164})",
            file=sys.stderr,
        )
        return 1
    from models.greeting import greeting_for
    from models.when import utcnow

    greeting = greeting_for(client.language, client.salutation, client.name, utcnow())
    archived = " (archived)" if client.archived_at else ""
    if args.json:
        import json

        from models.text import json_safe

        answer = {
            "id": client.id,
            "name": client.name,
            "greeting": greeting,
            "archived": client.archived_at is not None,
            "risk": {"score": client.risk_score, "band": client.risk_band},
        }
        sys.stdout.write(json_safe(json.dumps(answer, ensure_ascii=False)) + "\n")
        return 0
    line = f"{client.name}{archived} — {greeting} — risk {client.risk_band} ({client.risk_score})"
    print(printable(line))
    return 0


def cmd_facts(args: argparse.Namespace) -> int:

    from models.clients import find_client
    from models.facts import fact_sheet, write_fact_sheet
    from models.when import utcnow
    from tui.cli import open_store

    open_store(args)
    client = find_client(args.client)
    if args.output and args.output != "-":
        path = write_fact_sheet(client.id, utcnow(), args.output)
        print(printable(f"wrote {path}"), file=sys.stderr)
    else:
        sys.stdout.write(fact_sheet(client, utcnow()))
    return 0
