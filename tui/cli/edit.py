"""Subcommands that correct and complete records: ``entry``, ``invoice``, ``followup``,
``agreement``, ``time`` and ``cadence``.

One scheme for every kind of record: ``callsheet KIND list CLIENT`` shows the records with
their ids, and ``callsheet KIND VERB ID`` changes one (``edit``, ``delete``, and the verbs
that kind has: ``pay``, ``dispute``, ``done``, ``snooze``, ``close``). Options left out
leave a field as it is. Every command takes ``--json`` and then prints the record as it is
now (or, for ``delete``, as it was). Dates read the way people say them, in English,
Romanian, Polish or Russian ("vineri", "w piątek", "в пятницу", "next monday").

Each verb, its options and what it does are declared in tui/cli/changes.py; two handlers here
run them all, :func:`cmd_change` for a record named by id and :func:`cmd_add` for a new one,
so every verb fetches, fails and prints the same way (tui/cli/shapes.py prints).
"""

from __future__ import annotations

import argparse

from callsheet.tui.cli import changes
from callsheet.tui.cli.common import add_arguments, arg, command, json_flag
from callsheet.tui.cli.shapes import emit, shape

# -- the handlers ---------------------------------------------------------------------------


def _open(args):
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.tui.cli import open_store

    return open_store(args)


def _now():
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.when import utcnow

    return utcnow()


def cmd_change(args) -> int:
    """``KIND VERB ID``: fetch the record, apply the verb, print the record as it is now."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import records

    _open(args)
    now = _now()
    get = getattr(records, f"get_{changes.NOUNS[args.kind]}")
    row = get(args.id)
    before = shape(args.kind, row)
    word = args.change(row, args, now)
    return emit(args, before if args.verb == "delete" else shape(args.kind, get(row.id)), word)


def cmd_add(args) -> int:
    """``KIND add CLIENT ...``: add a record to the client and print it."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client

    config = _open(args)
    client = find_client(args.client)
    return emit(args, shape(args.kind, args.change(client, args, _now(), config)), "added")


def cmd_list(args) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client
    from callsheet.models.store.tables import Agreement, FollowUp, Interaction, Invoice, TimeEntry
    from callsheet.tui.cli.common import print_json
    from callsheet.tui.cli.shapes import line

    _open(args)
    client = find_client(args.client)
    model, order = {
        "entry": (Interaction, Interaction.occurred_at.desc()),
        "invoice": (Invoice, Invoice.issued.desc()),
        "followup": (FollowUp, FollowUp.due_at.desc()),
        "agreement": (Agreement, Agreement.id.desc()),
        "time": (TimeEntry, TimeEntry.started_at.desc()),
    }[args.kind]
    query = model.select().where(model.client == client).order_by(order, model.id.desc())
    if args.kind == "entry":
        query = query.limit(200)  # the newest; the dashboard pages through the rest
    records = [shape(args.kind, row) for row in query]
    if args.json:
        print_json(records)
    else:
        for record in records:
            print(line(record))
    return 0


def cmd_cadence(args) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.clients import find_client
    from callsheet.models.book.records import set_cadence
    from callsheet.models.values.text import printable as plain

    _open(args)
    client = find_client(args.client)
    set_cadence(client, args.days)
    record = {"id": client.id, "name": client.name, "cadence_days": client.cadence_days}
    if args.json:
        return emit(args, record, "")
    every = f"every {client.cadence_days} days" if client.cadence_days else "no cadence"
    print(f"stay in touch with {plain(client.name)}: {every}")
    return 0


# -- the command line ------------------------------------------------------------------------


def register(subparsers, common) -> None:
    output = argparse.ArgumentParser(add_help=False, parents=[common])
    add_arguments(output, [json_flag("print the record as JSON")])
    for kind, verbs in changes.VERBS.items():
        group = subparsers.add_parser(kind, help=_HELP[kind])
        group.set_defaults(kind=kind)
        choices = group.add_subparsers(dest="verb", metavar="VERB", required=True)
        lister = f"{PLURALS[kind]} of a client, with ids"
        command(choices, "list", lister, cmd_list, [changes.CLIENT], parents=[output])
        record_id = arg("id", metavar="ID", help=f"the {kind}'s id (see `list`)")
        for name, (change, help_text, options) in verbs.items():
            # ``add`` names the client; every other verb a record, by id
            handler, first = (cmd_add, []) if name == "add" else (cmd_change, [record_id])
            parser = command(choices, name, help_text, handler, first + options, parents=[output])
            parser.set_defaults(change=change)
    days = arg("days", help="a number of days; 0 removes the cadence")
    command(
        subparsers,
        "cadence",
        "stay in touch with a client every N days",
        cmd_cadence,
        [changes.CLIENT, days],
        parents=[output],
    )


#: Each kind's records, as ``list``'s help names them.
PLURALS = {
    "entry": "log entries",
    "invoice": "invoices",
    "followup": "follow-ups",
    "agreement": "agreements",
    "time": "time entries",
}

#: What each kind's ``--help`` line says.
_HELP = {
    "entry": "correct or delete a log entry",
    "invoice": "add, correct, pay, dispute or delete invoices",
    "followup": "add, complete, snooze or delete follow-ups",
    "agreement": "add, correct or close agreements (scope and budget)",
    "time": "add, correct or delete time entries",
}
