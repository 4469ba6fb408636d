"""The ``rates`` subcommand: the exchange rates in force, and ``rates import FILE`` to store
the ECB's reference rates (``eurofxref.csv`` or ``eurofxref-hist.csv``, downloaded by the
user: callsheet itself never goes on the network)."""

from __future__ import annotations

import argparse
from pathlib import Path

from callsheet.tui.cli.common import add_arguments, arg, json_flag, print_json

_HELP = "exchange rates into the home currency; 'rates import FILE' stores the ECB's"
_EPILOG = """examples:
  callsheet rates                          the rates in force, each with its day
  callsheet rates import eurofxref-hist.csv

Download eurofxref.csv (today) or eurofxref-hist.csv (every day) from the ECB's
euro foreign exchange reference rates page. A rate in config.toml's [rates] wins
over an imported one for its currency."""


def register(subparsers, common) -> None:
    rates = subparsers.add_parser(
        "rates",
        parents=[common],
        help=_HELP,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(rates, [json_flag("print one JSON object")])
    rates.set_defaults(handler=cmd_rates)
    verbs = rates.add_subparsers(dest="verb", metavar="VERB")
    load = verbs.add_parser(
        "import",
        parents=[common],
        help="store the rates of an ECB reference-rate CSV (or its zip)",
    )
    add_arguments(load, [arg("file", metavar="FILE", help="eurofxref.csv or eurofxref-hist.csv")])
    load.set_defaults(handler=cmd_import)


def cmd_rates(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import rates
    from callsheet.models.book.scoring import current_model
    from callsheet.models.values.money import rate_text
    from callsheet.tui.cli import open_store

    config = open_store(args)
    model = current_model()
    count, first, last = rates.days_stored()
    in_force = model.rates if config.rates else {}
    if args.json:
        print_json(
            {
                "home": config.currency,
                "rates": {
                    c: {
                        "rate": float(r),
                        "day": d.isoformat() if (d := getattr(r, "day", None)) else None,
                    }
                    for c, r in sorted(in_force.items())
                },
                "imported_days": count,
                "first_day": first.isoformat() if first else None,
                "last_day": last.isoformat() if last else None,
            }
        )
        return 0
    if not in_force:
        print(
            f"No rates: amounts in currencies other than {config.currency} are shown apart."
            " Import the ECB's with 'callsheet rates import eurofxref.csv'"
            " or set [rates] in config.toml."
        )
        return 1
    print(f"What one unit is worth in {config.currency}:")
    for currency, rate in sorted(in_force.items()):
        print(f"  {rate_text(currency, rate)}")
    if count:
        print(f"{count:,} days of ECB rates stored, {first} to {last}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.book import rates, scoring
    from callsheet.models.config import load_config
    from callsheet.models.values.when import utcnow
    from callsheet.tui.cli import open_store, patient, use_rates

    config = open_store(args)
    done = patient(lambda: rates.import_file(Path(args.file)))
    use_rates(load_config())  # the new rates under config.toml's, as the next command sees them
    # the stored risk of clients billed in other currencies depends on the rates
    refreshed = patient(
        lambda: scoring.refresh_clients(rates.foreign_clients(config.currency), utcnow())
    )
    print(
        f"Stored {done.rates:,} rates of {len(done.currencies)} currencies for {done.days:,}"
        f" day{'s' if done.days != 1 else ''} ({done.first} to {done.last});"
        f" risk rescored for {refreshed:,} client{'s' if refreshed != 1 else ''}"
        " billed in other currencies."
    )
    return 0
