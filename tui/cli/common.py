"""What every subcommand module shares: arguments declared as data, JSON on stdout, typed
dates that fail as one line naming the option, and the progress bar of long commands.

A command is a row: its name, help, handler and a tuple of :func:`arg` specs, built by
:func:`command`. Options that mean the same thing in several commands (``--json``,
``--as-of``, ``-o``, the client) are built here once, with each command's own help text,
so ``--help`` reads as it always has.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

#: One argparse argument as data: the flags (or a positional's name) and add_argument's options.
Arg = tuple[tuple[str, ...], dict[str, Any]]


def arg(*flags: str, **options: Any) -> Arg:
    """``arg("--due", default=None)`` is ``parser.add_argument("--due", default=None)`` later."""
    return flags, options


def add_arguments(parser: argparse._ActionsContainer, arguments: Iterable[Arg]) -> None:
    """Add ``arguments`` to a parser or a group of one (both are argparse's _ActionsContainer)."""
    for flags, options in arguments:
        parser.add_argument(*flags, **options)


def command(
    subparsers,
    name: str,
    help: str,
    handler: Callable[[argparse.Namespace], int],
    arguments: Iterable[Arg] = (),
    *,
    parents: Iterable[argparse.ArgumentParser] = (),
    **parser_options: Any,
) -> argparse.ArgumentParser:
    """Add the subcommand ``name`` with its arguments; running it calls ``handler(args)``."""
    parser = subparsers.add_parser(name, parents=list(parents), help=help, **parser_options)
    add_arguments(parser, arguments)
    parser.set_defaults(handler=handler)
    return parser


def commands(subparsers, parents, rows) -> None:
    """Add a module's commands, each row ``(name, help, handler, arguments)``, in order."""
    for name, help_text, handler, arguments in rows:
        command(subparsers, name, help_text, handler, arguments, parents=parents)


def json_flag(help: str) -> Arg:
    return arg("--json", action="store_true", help=help)


def client_arg(help: str = "client id, exact name, or unique prefix of the name", **options) -> Arg:
    return arg("client", help=help, **options)


def as_of_arg(help: str) -> Arg:
    return arg("--as-of", default=None, metavar="WHEN", help=help)


def output_arg(metavar: str, help: str) -> Arg:
    return arg("-o", "--output", metavar=metavar, default=None, help=help)


def repeatable(flag: str, metavar: str, help: str, default: list | None) -> Arg:
    """An option given once per value (``--signal a --signal b``)."""
    return arg(flag, action="append", default=default, metavar=metavar, help=help)


def print_json(value: Any, *, indent: int | None = 2) -> None:
    """``value`` as JSON on stdout, with no raw terminal controls (see callsheet.models.values.text.json_safe)."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.text import json_safe

    sys.stdout.write(json_safe(json.dumps(value, ensure_ascii=False, indent=indent)) + "\n")


def json_line(value: Any) -> str:
    """``value`` as one line of JSON, with no raw terminal controls."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.text import json_safe

    return json_safe(json.dumps(value, ensure_ascii=False))


def print_json_list(records: Iterable[Any]) -> None:
    """A JSON list streamed one object a line, so 100,000 records never sit in memory at once."""
    print_json_lines(json_line(record) for record in records)


def print_json_lines(lines: Iterable[str]) -> None:
    """A JSON list of objects already encoded by :func:`json_line`, one a line."""
    out, separator = sys.stdout, "\n "
    out.write("[")
    for line in lines:
        out.write(separator + line)
        separator = ",\n "
    out.write("]\n" if separator == "\n " else "\n]\n")


class Progress:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, label: str):
        self.label = label
        self.tty = sys.stderr.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.tty or total < 200 or (done % 100 and done != total):
            return
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
        )
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            self.shown = False


def problems_text(problems: list[str]) -> str:
    """The one message for a file with bad records: how many, the first 20 of them."""
    head = "\n  ".join(problems[:20])
    more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
    return f"nothing imported; {len(problems)} problem(s):\n  {head}{more}"


def column_mapping(pairs: list[str]) -> dict[str, str]:
    """``--map COLUMN=FIELD`` options as a dict; a pair without ``=`` is bad input."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.validate import InputError

    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise InputError("--map", f"{pair!r}: expected COLUMN=FIELD")
        mapping[column.strip()] = field.strip()
    return mapping
