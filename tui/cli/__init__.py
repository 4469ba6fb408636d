"""The ``callsheet`` command: the dashboard when run bare, subcommands for everything else.

argparse (standard library) rather than click or typer: it costs nothing to import, which
matters for ``callsheet who`` run from a softphone hook on every incoming call, and its
parent parsers give ``--db`` in both places a user expects it (``callsheet --db X list`` and
``callsheet list --db X``). Each group of subcommands lives in its own module with a
``register(subparsers, common)`` function; this module assembles them and turns the
domain's exceptions into one clear line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

#: The modules that contribute subcommands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "tui.cli.records",
    "tui.cli.edit",
    "tui.cli.risk",
    "tui.cli.triage",
    "tui.cli.calls",
    "tui.cli.transfer",
    "tui.cli.demo",
    "tui.cli.store",
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("callsheet")
    except PackageNotFoundError:
        return "unknown"


class _VersionAction(argparse.Action):
    """Look the version up only when asked, so other commands do not pay for metadata."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"callsheet {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH|URL",
        default=argparse.SUPPRESS,
        help="database file or URL (sqlite:///file, postgresql://user:pass@host/db; "
        "default: $CALLSHEET_DB or callsheet.db in the user data directory)",
    )
    parser = argparse.ArgumentParser(
        prog="callsheet",
        description="A keyboard-first dashboard of your clients, their history and their risk.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--db", metavar="PATH|URL", default=None, help=common._actions[0].help)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers, common)
    return parser


#: Commands that only read: a mistyped --db must not leave an empty database behind them.
READ_ONLY_COMMANDS = frozenset(
    {
        "list",
        "show",
        "risk",
        "brief",
        "who",
        "facts",
        "export",
        "backup",
        "doctor",
        "triage",
        "search",
    }
)


def open_store(args: argparse.Namespace):
    """Open the store ``args`` names (a path or a URL) and load the configuration; return it."""
    from models.config import database_setting, load_config
    from models.store import open_store as open_target

    config = load_config()
    if config.risk:  # the risk engine loads lazily; `callsheet who` never needs it
        from models import scoring

        scoring.configure(config)
    create = getattr(args, "command", None) not in READ_ONLY_COMMANDS
    open_target(database_setting(getattr(args, "db", None)), create=create)
    return config


def skip_unneeded_drivers(argv: list[str]) -> None:
    """Keep peewee from importing the PostgreSQL driver when the store is an SQLite file.

    peewee imports psycopg at its own import time when it is installed (about 60 ms, a
    third of `callsheet who`). A process works on one store, named by --db or CALLSHEET_DB,
    so for a file the driver can be marked absent before peewee is first imported. Does
    nothing once peewee is loaded (as inside the test suite).
    """
    if "peewee" in sys.modules:
        return
    setting = os.environ.get("CALLSHEET_DB", "")
    for index, arg in enumerate(argv):
        if arg == "--db" and index + 1 < len(argv):
            setting = argv[index + 1]
        elif arg.startswith("--db="):
            setting = arg.removeprefix("--db=")
    if "://" in setting and not setting.lower().startswith("sqlite"):
        return
    for driver in ("psycopg", "psycopg2"):
        sys.modules.setdefault(driver, None)  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    skip_unneeded_drivers(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    from models.clients import ClientNotFound
    from models.config import ConfigError
    from models.db import DatabaseError
    from models.validate import InputError
    from models.when import WhenError

    try:
        if args.command is None:
            from tui.app import run_dashboard

            config = open_store(args)
            run_dashboard(config)
            return 0
        return args.handler(args) or 0
    except (InputError, ClientNotFound, ConfigError, DatabaseError, WhenError) as error:
        print(f"callsheet: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `callsheet list --json | head`
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
