"""The ``doctor`` subcommand: is the store sound, private and backed up, and what to do if not."""

from __future__ import annotations

import argparse
import json
import sys

EXAMPLES = """examples:
  callsheet doctor
  callsheet doctor --json --db postgresql://ana@nas.local/callsheet
exit status: 0 healthy, 1 a problem was found (each is named), 3 the store cannot be opened"""


def register(subparsers, common) -> None:
    doctor = subparsers.add_parser(
        "doctor",
        parents=[common],
        help="check the database: backend, schema, integrity, permissions, backups, size",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doctor.add_argument("--json", action="store_true", help="print one JSON object")
    doctor.set_defaults(handler=cmd_doctor)


def _size(size: int | None) -> str:
    if size is None:
        return "unknown"
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return str(size)


def cmd_doctor(args: argparse.Namespace) -> int:
    from models import doctor
    from models.config import database_setting
    from models.db import DatabaseError
    from models.store import open_store, parse_target
    from tui.cli.records import _plain

    setting = database_setting(getattr(args, "db", None))
    try:
        name = parse_target(setting).describe()
        open_store(setting, create=False, migrate=False)
    except DatabaseError as error:
        if args.json:
            json.dump({"healthy": False, "problems": [str(error)]}, sys.stdout)
            sys.stdout.write("\n")
        else:
            print(f"callsheet doctor: {_plain(str(error))}", file=sys.stderr)
        return 3
    health = doctor.check(name)
    if args.json:
        json.dump(health.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        age = (
            f"{health.last_backup_age_days:g} days ago ({_plain(health.last_backup or '')})"
            if health.last_backup_age_days is not None
            else "none"
        )
        print(f"store       {_plain(health.store)} ({health.backend})")
        print(
            f"schema      version {health.schema_version} (this callsheet: {health.current_version})"
        )
        print(f"integrity   {_plain(health.integrity)}")
        print(f"size        {_size(health.size_bytes)}")
        print(f"last backup {age}")
        print(
            "rows        " + ", ".join(f"{table} {count:,}" for table, count in health.rows.items())
        )
        for line in health.problems:
            print(f"PROBLEM: {_plain(line)}")
        for line in health.warnings:
            print(f"warning: {_plain(line)}")
        print("healthy" if health.healthy else f"{len(health.problems)} problem(s) found")
    return 0 if health.healthy else 1
