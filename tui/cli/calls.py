"""Subcommands for the moments callsheet is named for: ``brief``, ``who``, ``facts``.

``who`` runs from a softphone's incoming-call hook, so it does as little as it can: no
Textual, no risk computation (the stored band is current), one indexed look-up.
"""

from __future__ import annotations

import argparse
import sys

from callsheet.models.values.text import printable
from callsheet.tui.cli.common import (
    add_arguments,
    arg,
    client_arg,
    command,
    commands,
    json_flag,
    output_arg,
)


def register(subparsers, common) -> None:
    client = client_arg("client id, name or unique prefix")
    brief = command(subparsers, "brief", _BRIEF_HELP, cmd_brief, [client], parents=[common])
    markdown = arg("--markdown", action="store_true", help="print Markdown instead of plain text")
    add_arguments(brief.add_mutually_exclusive_group(), [markdown, json_flag(_BRIEF_JSON)])
    phone = arg("phone", nargs="+", help=_PHONE_HELP)
    who = (phone, json_flag("print the client's id, name, greeting and risk"))
    facts = (client, output_arg("FILE.md", _FACTS_OUTPUT))
    rows = (
        ("who", "who is calling: name, greeting and risk for a phone number", cmd_who, who),
        ("facts", "the dispute fact sheet of a client, as Markdown", cmd_facts, facts),
    )
    commands(subparsers, [common], rows)


_PHONE_HELP = (
    "the number as shown on the phone, in any common format (+40..., 0040..., 011 40..., "
    "0721 234 567); several whole numbers: one answer each"
)
_BRIEF_HELP = "the call sheet: read it before a call"
_BRIEF_JSON = 'print JSON: everything the call sheet shows, with "stance": {"kind", "text"}'
_FACTS_OUTPUT = "write to a file, readable by you only (default, or -: standard output)"


def cmd_brief(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client
    from callsheet.models.briefing.brief import brief_of
    from callsheet.models.briefing.forms import render_markdown, render_text, to_json
    from callsheet.models.values.when import utcnow
    from callsheet.tui.cli import open_store
    from callsheet.tui.cli.common import print_json

    open_store(args)
    brief = brief_of(find_client(args.client), utcnow())
    if args.json:
        print_json(to_json(brief))
        return 0
    sys.stdout.write(render_markdown(brief) if args.markdown else render_text(brief))
    return 0


def _numbers(words: list[str]) -> list[str]:
    """The numbers asked about: one per argument when each is a whole number (seven digits
    or more: ``who 0721234567 0722111222``), else the words are one number typed with
    spaces (``who 0721 234 567``)."""
    if len(words) > 1 and all(sum(ch.isdigit() for ch in word) >= 7 for word in words):
        return words
    return [" ".join(words)]


def cmd_who(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.finding import find_by_typed_phone
    from callsheet.models.values.phones import PhoneError
    from callsheet.tui.cli import open_store

    config = open_store(args)
    worst = 0
    for typed in _numbers(args.phone):
        try:
            number, client = find_by_typed_phone(typed, config.default_region)
        except PhoneError as error:
            print(f"callsheet: {printable(str(error))}", file=sys.stderr)
            worst = max(worst, 2)
            continue
        if client is None:
            shown = printable(number or typed)
            print(
                f"callsheet: nobody in your book has {shown} "
                f"(add them: callsheet add NAME --phone {shown})",
                file=sys.stderr,
            )
            worst = max(worst, 1)
            continue
        _answer(client, args.json)
    return worst


def _answer(client, as_json: bool) -> None:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.greeting import greeting_for
    from callsheet.models.values.when import utcnow

    greeting = greeting_for(client.language, client.salutation, client.name, utcnow())
    archived = " (archived)" if client.archived_at else ""
    if as_json:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.tui.cli.common import print_json

        answer = {
            "id": client.id,
            "name": client.name,
            "greeting": greeting,
            "archived": client.archived_at is not None,
            "risk": {"score": client.risk_score, "band": client.risk_band},
        }
        print_json(answer, indent=None)
        return
    line = f"{client.name}{archived} — {greeting} — risk {client.risk_band} ({client.risk_score})"
    print(printable(line))


def cmd_facts(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client
    from callsheet.models.briefing.facts import fact_sheet, write_fact_sheet
    from callsheet.models.values.when import utcnow
    from callsheet.tui.cli import open_store

    open_store(args)
    client = find_client(args.client)
    if args.output and args.output != "-":
        path = write_fact_sheet(client.id, utcnow(), args.output)
        print(printable(f"wrote {path}"), file=sys.stderr)
    else:
        sys.stdout.write(fact_sheet(client, utcnow()))
    return 0
