"""The ``client`` subcommand: ``edit``, ``archive``, ``unarchive`` and ``delete`` a client.

What the dashboard's client form (`e`), archive (`a`, undone by `u`) and delete (`D`, asked
first, cannot be undone) do, from the shell. ``edit`` writes only the options given (an
option left out leaves the field as it is; ``--phone``/``--email``/``--tag`` given replace
the whole list, ``--no-phones``... empty it). ``archive`` is the undoable way out: its undo
is ``unarchive``. ``delete`` asks on the terminal (``--yes`` for scripts) because, as on the
dashboard, it cannot be undone. Every verb takes ``--json`` and then prints the client as
callsheet/1 JSON (for ``delete``: as it was). Bad input is one line naming the field, exit 2.
"""

from __future__ import annotations

import argparse
import sys

from callsheet.models.values.terms import STATUSES
from callsheet.tui.cli.common import arg, client_arg, command, json_flag, repeatable

#: The text options of ``client edit``, named as update_client's fields.
_TEXT_FIELDS = ("name", "company", "salutation", "language", "status", "notes", "rapport")


def register(subparsers, common) -> None:
    group = subparsers.add_parser("client", help="edit, archive, unarchive or delete a client")
    verbs = group.add_subparsers(dest="verb", metavar="VERB", required=True)
    who = client_arg()
    output = json_flag("print the client as callsheet/1 JSON (with id)")
    edit = (
        who,
        arg("--name", default=None),
        arg("--company", default=None),
        arg("--salutation", default=None, help='how to greet them: "dl. Ionescu", "Pani Anno"'),
        arg("--language", default=None, help="language to speak with them (en, ro, pl, ru...)"),
        arg("--status", default=None, help=f"one of: {', '.join(STATUSES)}"),
        arg("--notes", default=None),
        arg("--rapport", default=None, help="what works with this person"),
        arg("--referred-by", default=None, metavar="WHO", help="who referred them ('' clears)"),
        repeatable("--phone", "P", "replaces the phones (repeatable)", default=None),
        repeatable("--email", "E", "replaces the e-mail addresses (repeatable)", default=None),
        repeatable("--tag", "T", "replaces the tags (repeatable)", default=None),
        arg("--no-phones", action="store_true", help="remove every phone"),
        arg("--no-emails", action="store_true", help="remove every e-mail address"),
        arg("--no-tags", action="store_true", help="remove every tag"),
        arg("--allow-shared-phone", action="store_true", help="another client has this phone"),
        arg("--allow-shared-email", action="store_true", help="another client has this e-mail"),
        output,
    )
    rows = (
        ("edit", "change a client's fields; options left out stay as they are", cmd_edit, edit),
        ("archive", "archive a client (history kept; `client unarchive` undoes it)", cmd_archive,
         (who, output)),
        ("unarchive", "bring an archived client back", cmd_unarchive, (who, output)),
        ("delete", "delete a client and their whole history (asks; cannot be undone)", cmd_delete,
         (who, arg("--yes", action="store_true", help="do not ask (for scripts)"), output)),
    )  # fmt: skip
    for name, help_text, handler, arguments in rows:
        command(verbs, name, help_text, handler, arguments, parents=[common])


def _found(args):
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client
    from callsheet.tui.cli import open_store

    config = open_store(args)
    return config, find_client(args.client)


def _listed(values: list[str] | None, none: bool, field: str) -> list[str] | None:
    """A list option: None when left out, [] with ``--no-…``, else the values given."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.validate import InputError

    if none and values is not None:
        raise InputError(field, f"give --{field} or --no-{field}s, not both")
    return [] if none else values


def _print(args, client, verb: str, detail: str = "") -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.exchange.export_json import client_record
    from callsheet.models.values.text import printable
    from callsheet.tui.cli.common import print_json

    if args.json:
        print_json(client_record(client, nested=False, with_id=True))
    else:
        print(printable(f"{verb} #{client.id} {client.name}" + (f": {detail}" if detail else "")))
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import update_client
    from callsheet.tui.cli import EXIT_NOTHING

    phones = _listed(args.phone, args.no_phones, "phone")
    emails = _listed(args.email, args.no_emails, "email")
    tags = _listed(args.tag, args.no_tags, "tag")
    config, client = _found(args)
    changes: dict = {name: getattr(args, name) for name in _TEXT_FIELDS}
    changes = {name: value for name, value in changes.items() if value is not None}
    if tags is not None:
        changes["tags"] = tags
    if args.referred_by is not None:
        changes["referred_by"] = args.referred_by or None
    given = [*changes, *(["phones"] if phones is not None else [])]
    given += ["emails"] if emails is not None else []
    if not given:
        print(
            "callsheet: nothing to change: give the fields to change (see --help)", file=sys.stderr
        )
        return EXIT_NOTHING
    update_client(
        client,
        phones=phones,
        emails=emails,
        region=config.default_region,
        allow_shared_phone=args.allow_shared_phone,
        allow_shared_email=args.allow_shared_email,
        **changes,
    )
    return _print(args, client, "changed", ", ".join(name.replace("_", " ") for name in given))


def _archive(args: argparse.Namespace, archived: bool) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import set_archived
    from callsheet.tui.cli import EXIT_NOTHING

    _config, client = _found(args)
    if client.archived == archived:
        state = "archived already" if archived else "not archived"
        print(f"callsheet: #{client.id} is {state}; nothing done", file=sys.stderr)
        return EXIT_NOTHING
    set_archived(client, archived)
    if archived:
        return _print(
            args, client, "archived", f"`callsheet client unarchive {client.id}` undoes it"
        )
    return _print(args, client, "unarchived")


def cmd_archive(args: argparse.Namespace) -> int:
    return _archive(args, True)


def cmd_unarchive(args: argparse.Namespace) -> int:
    return _archive(args, False)


def cmd_delete(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import delete_client
    from callsheet.models.exchange.export_json import client_record
    from callsheet.models.values.text import printable
    from callsheet.tui.cli import EXIT_NOTHING

    _config, client = _found(args)
    name = printable(client.name)
    if not args.yes:
        # as the dashboard's D: asked first, because nothing undoes it
        sys.stderr.write(
            f"Delete {name} (#{client.id}) and their whole history? This cannot be undone; "
            f"`callsheet client archive {client.id}` keeps the history instead. [y/N] "
        )
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            print(f"callsheet: {name} was not deleted", file=sys.stderr)
            return EXIT_NOTHING
    record = client_record(client, nested=False, with_id=True)
    delete_client(client)
    if args.json:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.tui.cli.common import print_json

        print_json(record)
    else:
        print(f"deleted #{record['id']} {name} and their history")
    return 0
