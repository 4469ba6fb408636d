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
import sqlite3
import sys
import traceback
from importlib import import_module

#: The modules that contribute subcommands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "callsheet.tui.cli.records",
    "callsheet.tui.cli.edit",
    "callsheet.tui.cli.clients",
    "callsheet.tui.cli.search",
    "callsheet.tui.cli.risk",
    "callsheet.tui.cli.rates",
    "callsheet.tui.cli.triage",
    "callsheet.tui.cli.calls",
    "callsheet.tui.cli.ring",
    "callsheet.tui.cli.listen",
    "callsheet.tui.cli.transfer",
    "callsheet.tui.cli.capture",
    "callsheet.tui.cli.sync",
    "callsheet.tui.cli.privacy",
    "callsheet.tui.cli.demo",
    "callsheet.tui.cli.store",
    "callsheet.tui.cli.completion",
)


def _version() -> str:
    # deferred: slow to import, and only this command needs it
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


#: One example per command, shown at the end of its ``--help``.
EXAMPLES = {
    "add": 'callsheet add "Ion Ionescu" --phone "0721 234 567" --email ion@example.ro',
    "log": 'callsheet log Ion --channel call --signal late_payment --at "yesterday 14:30" "Promised to pay Friday"',
    "list": "callsheet list --json --archived",
    "show": 'callsheet show "Ion Ionescu" --json',
    "risk": 'callsheet risk --band high   /   callsheet risk "Ion Ionescu" --as-of 2026-11-22',
    "brief": 'callsheet brief "Ion Ionescu" --markdown',
    "who": 'callsheet who "+40 721 234 567" --json',
    "facts": 'callsheet facts "Ion Ionescu" -o ion.md   (-o - for standard output)',
    "import": "callsheet import contacts.vcf   /   cat book.csv | callsheet import --format csv -",
    "export": "callsheet export --format csv -o clients.csv   (-o - for standard output)",
    "mail": "callsheet mail ~/Mail --me me@example.ro --dry-run   (mail_paths in config.toml)",
    "backup": "callsheet backup ~/safe/",
    "restore": "callsheet restore ~/safe/callsheet-20261124-120000.db",
    "forget": 'callsheet forget "Ion Ionescu"   (asks you to type the name; --yes for scripts)',
    "completion": "callsheet completion bash > ~/.local/share/bash-completion/completions/callsheet",
    "demo": "callsheet demo --clients 1000 --interactions 50000 --db demo.db",
    "triage": "callsheet triage --json",
    "entry": 'callsheet entry list Ion   /   callsheet entry edit 812 --text "Asked for a discount"',
    "invoice": "callsheet invoice pay 33 800 --on 2026-11-20   (a part; no amount pays the rest)",
    "followup": 'callsheet followup add Ion "Send the offer" --due "w piątek"',
    "agreement": 'callsheet agreement add Ion Website --scope "Five pages" --budget 8000',
    "time": 'callsheet time add Ion 90 --start "today 09:00" --note "Workshop prep"',
    "cadence": "callsheet cadence Ion 30   (stay in touch every 30 days; 0 removes it)",
    "search": "callsheet search lawyer contr --json",
    "sync": "callsheet sync contacts ~/.contacts/phone   /   callsheet sync calendar ~/.calendars/work",
    "rates": "callsheet rates import eurofxref-hist.csv   /   callsheet rates --json",
    "client": 'callsheet client edit Ion --company "Carpați SRL" --tag vip   /   callsheet client archive Ion',
    "ring": 'callsheet ring "sip:+40721234567@sip.example.net" --source baresip --json',
    "listen": "callsheet listen baresip --port 4444   (kdeconnect, modemmanager: D-Bus)",
}

TOP_EPILOG = """examples:
  callsheet                         open the dashboard
  callsheet log Ion "Called back"   log a call from the shell
  callsheet COMMAND --help          every command's options, with an example

exit status: 0 ok, 1 not found or nothing done, 2 bad input, 3 database busy or
unusable, 4 a bug (CALLSHEET_DEBUG=1 shows where)"""

#: Exit codes, the same for every command (README lists them).
EXIT_OK, EXIT_NOTHING, EXIT_BAD_INPUT, EXIT_UNAVAILABLE, EXIT_BUG = 0, 1, 2, 3, 4


class _Parser(argparse.ArgumentParser):
    """argparse that shows the arguments it echoes in errors ("unrecognized arguments: ...")
    through callsheet.models.values.text, so a mistyped escape sequence never reaches the terminal raw."""

    def _print_message(self, message: str, file=None) -> None:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.values.text import printable

        super()._print_message(printable(message, keep_newlines=True), file)


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH|URL",
        default=argparse.SUPPRESS,
        help="database file or URL (sqlite:///file, postgresql://user:pass@host/db; "
        "default: $CALLSHEET_DB or callsheet.db in the user data directory)",
    )
    parser = _Parser(
        prog="callsheet",
        description="A keyboard-first dashboard of your clients, their history and their risk.",
        epilog=TOP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--db", metavar="PATH|URL", default=None, help=common._actions[0].help)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers, common)
    for command, sub in subparsers.choices.items():
        if command in EXAMPLES and not sub.epilog:
            sub.epilog = f"example:\n  {EXAMPLES[command]}"
            sub.formatter_class = argparse.RawDescriptionHelpFormatter
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
        # and `ring`: it writes, but a hook's mistyped --db must not start an empty book
        "ring",
        # and `listen`, for the same reason
        "listen",
    }
)


def open_store(args: argparse.Namespace):
    """Open the store ``args`` names (a path or a URL) and load the configuration; return it."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.config import database_setting, load_config
    from callsheet.models.store.opening import open_store as open_target

    config = load_config()
    # the risk engine loads lazily; `callsheet who` never needs it (once loaded, as in a
    # test's process, it takes this config's settings, or keeps the last one's)
    scoring_loaded = "callsheet.models.book.scoring" in sys.modules
    if config.risk or config.rates or config.currency != "EUR" or scoring_loaded:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.book import scoring

        scoring.configure(config)
    create = getattr(args, "command", None) not in READ_ONLY_COMMANDS
    open_target(database_setting(getattr(args, "db", None)), create=create)
    use_rates(config)
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.store.busy import set_attempt_timeout

    # short attempts, so a locked database is reported after about a second (main retries)
    set_attempt_timeout()
    return config


def use_rates(config) -> None:
    """The rates in force: the imported ECB rates with config.toml's ``[rates]`` over them,
    each with its day; the risk model takes them (see callsheet.models.book.rates)."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from datetime import date

    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import rates
    from callsheet.models.config import config_path

    if not config.rates and not rates.has_rates():
        return
    try:
        configured_on = date.fromtimestamp(config_path().stat().st_mtime)
    except OSError:
        configured_on = None
    config.rates = rates.in_force(config.currency, config.rates, configured_on)
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import scoring

    scoring.configure(config)


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
        sys.modules.setdefault(driver, None)  # type: ignore[arg-type]


def _undecodable_argument(argv: list[str]) -> str | None:
    """One line naming the first argument that is not valid UTF-8, or None.

    Python hands undecodable bytes over as lone surrogates; they would fail much later,
    when a name is stored or printed, so they are refused here with the argument's place.
    """
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.text import printable

    for number, value in enumerate(argv, 1):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            after = f" (after {printable(argv[number - 2])})" if number > 1 else ""
            return f"argument {number}{after} '{printable(value)}' is not valid UTF-8 text"
    return None


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure ends as one line on stderr and an exit code.

    0 ok, 1 not found or nothing done, 2 bad input (arguments, files, paths, a --db that
    names nothing usable), 3 the database is busy or unusable (locked past the patience
    limit, damaged, newer, not callsheet's, read-only, server down), 4 a bug
    (``CALLSHEET_DEBUG=1`` shows the traceback).
    """
    argv = sys.argv[1:] if argv is None else argv
    skip_unneeded_drivers(argv)
    undecodable = _undecodable_argument(argv)
    if undecodable:
        print(f"callsheet: {undecodable}", file=sys.stderr)
        return EXIT_BAD_INPUT
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            # deferred: each command loads only what it runs (`who` answers a ringing phone)
            from callsheet.tui.app import run_dashboard

            config = open_store(args)
            run_dashboard(config)
            return EXIT_OK
        return _run_patiently(args)
    except BaseException as error:  # noqa: BLE001 - this is the one place that reports
        code, message = _failure(error)
        if code is None:
            raise
        if message:
            print(f"callsheet: {_printable(message)}", file=sys.stderr)
        if os.environ.get("CALLSHEET_DEBUG") and code == EXIT_BUG:
            traceback.print_exception(error, file=sys.stderr)
        return code


def _run_patiently(args: argparse.Namespace) -> int:
    """Run the command; while another program holds the write lock, wait and say so once."""
    global _told_busy
    _told_busy = False  # once per command (the tests run many in one process)
    return patient(lambda: args.handler(args)) or EXIT_OK


_told_busy = False


def patient(write):
    """Run ``write`` (one transaction, or a whole command) through a locked database.

    Says once on stderr that it is waiting; a command that writes in several transactions
    (import, one per file) wraps each, so a retry never repeats what was already done.
    """
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.store.busy import patiently

    def waiting(_seconds: float) -> None:
        global _told_busy
        if not _told_busy:
            _told_busy = True
            print(
                "callsheet: the database is busy (another program is writing); waiting...",
                file=sys.stderr,
                flush=True,
            )

    return patiently(write, on_busy=waiting)


def _failure(error: BaseException) -> tuple[int | None, str]:
    """The exit code and the one line for ``error`` (code None: let it propagate)."""
    # deferred: slow to import, and only this command needs it
    import peewee

    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.finding import AmbiguousClient, ClientNotFound
    from callsheet.models.config import ConfigError
    from callsheet.models.store.busy import DISK_FULL, DatabaseBusy, is_busy, is_disk_full
    from callsheet.models.store.db import DatabaseError
    from callsheet.models.values.validate import InputError
    from callsheet.models.values.when import WhenError

    if isinstance(error, SystemExit):
        return None, ""
    if isinstance(error, KeyboardInterrupt):
        return 130, ""
    if isinstance(error, BrokenPipeError):  # `callsheet list --json | head`
        _silence_stdout()
        return EXIT_OK, ""
    if isinstance(error, AmbiguousClient):  # several match: the name needs saying more
        return EXIT_BAD_INPUT, str(error)
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book.records import RecordNotFound

    if isinstance(error, ClientNotFound | RecordNotFound):
        return EXIT_NOTHING, str(error)
    if isinstance(error, InputError | ConfigError | WhenError):
        return EXIT_BAD_INPUT, str(error)
    if isinstance(error, DatabaseBusy):
        return EXIT_UNAVAILABLE, str(error)
    if is_busy(error):
        return EXIT_UNAVAILABLE, "the database is busy (another program is writing); try again"
    if is_disk_full(error):  # before the driver's own words, which may be a failed rollback
        return EXIT_UNAVAILABLE, DISK_FULL
    if isinstance(error, DatabaseError):
        # Raised from the driver or the schema check: the store is there but unusable (3).
        # Raised on its own or from the file system: --db names nothing usable, a typo (2).
        cause = error.__cause__
        if cause is None or isinstance(cause, ImportError | OSError):
            return EXIT_BAD_INPUT, str(error)
        return EXIT_UNAVAILABLE, str(error)
    if isinstance(error, peewee.DatabaseError | sqlite3.DatabaseError):
        return EXIT_UNAVAILABLE, f"the database cannot be used: {_one_line(error)}"
    if isinstance(error, OSError):
        name = error.filename
        # a name that is empty or padded with spaces is shown quoted, so the problem shows
        where = (
            ""
            if name is None
            else f"{name!r}: "
            if str(name).strip() != str(name) or not name
            else f"{name}: "
        )
        return EXIT_BAD_INPUT, _one_line(f"{where}{error.strerror or error}")
    return EXIT_BUG, (
        f"unexpected error ({type(error).__name__}: {_one_line(error)}); "
        "run again with CALLSHEET_DEBUG=1 to see where"
    )


def _one_line(value: object) -> str:
    """A message for the terminal: one line, control characters made visible."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.text import printable

    return printable(" ".join(str(value).split()))[:500]


def _printable(text: str) -> str:
    """Keep line breaks (an import names each bad record on its own line), show the rest."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.text import printable

    return printable(text, keep_newlines=True)


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
