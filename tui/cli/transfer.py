"""Subcommands that move data in and out: ``import``, ``export``, ``backup``, ``restore``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from callsheet.models.values.text import printable
from callsheet.tui.cli.common import (
    Progress,
    arg,
    column_mapping,
    commands,
    json_flag,
    output_arg,
    print_json,
    problems_text,
    repeatable,
)

IMPORT_FORMATS = ("json", "vcf", "csv", "watson", "timewarrior", "ics", "xml", "calls")
EXPORT_FORMATS = ("json", "csv", "vcf", "ics")


def register(subparsers, common) -> None:
    importer = (
        arg("files", nargs="+", metavar="FILE", help=_FILES_HELP),
        arg("--format", choices=IMPORT_FORMATS, default=None, help=_FORMAT_HELP),
        json_flag("print what was imported, per file, as JSON"),
        arg("--dry-run", action="store_true", help="show what would change, write nothing"),
        arg("--skip-bad", action="store_true", help="import the good records, list the bad ones"),
        arg("--strict", action="store_true", help=_STRICT_HELP),
        repeatable("--map", "COLUMN=FIELD", _MAP_HELP, default=[]),
    )
    exporter = (
        arg("--format", choices=EXPORT_FORMATS, default="json"),
        output_arg("FILE", _OUTPUT_HELP),
    )
    backup = arg("dest", nargs="?", default=None, metavar="DEST", help=_DEST_HELP)
    rows = (
        ("import", "import clients and history from files", cmd_import, importer),
        ("export", _HELP["export"], cmd_export, exporter),
        ("backup", _HELP["backup"], cmd_backup, [backup]),
        ("restore", _HELP["restore"], cmd_restore, [arg("file", metavar="FILE")]),
    )
    commands(subparsers, [common], rows)


_FILES_HELP = (
    ".json (callsheet/1, or a watson/timewarrior export), .vcf, .csv; "
    ".ics (meetings), .xml or .csv call logs; - reads standard input (with --format)"
)
_MAP_HELP = (
    "CSV: read COLUMN as FIELD (name, phone, email, company, ...); "
    "time exports: PROJECT_OR_TAG=CLIENT"
)
_STRICT_HELP = (
    "vCard: refuse the whole file if one card is bad (by default the others come in "
    "and the bad ones are listed as warnings)"
)
_FORMAT_HELP = "default: from the file extension"
_OUTPUT_HELP = "default (or -): standard output; a file is written readable by you only"
_DEST_HELP = "file or directory (default: the backups directory)"
_HELP = {
    "export": "export everything (json) or clients (csv, vcf), follow-ups (ics)",
    "backup": "a consistent copy of the database, safe while it is in use",
    "restore": "replace the database with a backup (the current one is kept aside)",
}


def cmd_import(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.tui.cli import open_store, patient

    config = open_store(args)
    status = 0
    reports = []
    for name in args.files:
        with _input_file(name, args.format) as (path, kind, label):
            progress = Progress(label)
            try:
                # one transaction per file: a locked database retries this file only
                report = patient(partial(_import_one, path, kind, args, config, progress, label))
            finally:
                progress.close()
        if report.skipped:
            status = 1
        if args.json:
            reports.append({"file": label, **_report_json(report)})
            continue
        # Every client of the file is accounted for: added (listed on a dry run), merged
        # (always listed, with whom), kept with a warning, or skipped.
        lines = [f"{label}: {report.summary()}"]
        lines += [f"  skipped {problem}" for problem in report.skipped]
        lines += [f"  warning: {warning}" for warning in getattr(report, "warnings", [])]
        if args.dry_run:
            lines += [f"  new: {name_}" for name_ in report.added]
        lines += [f"  merge: {line}" for line in report.merged]
        print("\n".join(printable(line) for line in lines))
    if args.json:
        print_json(reports)
    return status


def _report_json(report) -> dict:
    return {
        "dry_run": report.dry_run,
        "added": list(report.added),
        "merged": list(report.merged),
        "interactions": report.interactions,
        "time_entries": report.time_entries,
        "skipped": list(report.skipped),
        "warnings": list(getattr(report, "warnings", [])),
    }


@contextmanager
def _input_file(name: str, format_: str | None):
    """Yield (path, kind, label) for one input; ``-`` is standard input, spooled privately.

    The importers read files (they sniff encodings and may read twice), so standard input
    goes to a 0600 temporary file that is removed afterwards.
    """
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.validate import InputError

    if name == "-":
        if format_ is None:
            raise InputError("FILE", "-: reading standard input needs --format")
        data = sys.stdin.buffer.read()
        fd, spooled = tempfile.mkstemp(prefix="callsheet-", suffix=f".{format_}")  # 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            yield Path(spooled), format_, "-"
        finally:
            Path(spooled).unlink(missing_ok=True)
        return
    path = Path(name)
    kind = format_ or path.suffix.lower().lstrip(".")
    if kind not in IMPORT_FORMATS:
        raise InputError("FILE", f"{path}: cannot tell the format from the extension; use --format")
    if not path.is_file():
        raise InputError("FILE", f"{path}: no such file")
    yield path, kind, name


def _import_one(path: Path, kind: str, args, config, progress, label: str):
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.exchange.document import FormatError, load
    from callsheet.models.exchange.merge import import_document
    from callsheet.models.values.validate import InputError
    from callsheet.tui.cli.capture import capture_kind, import_capture

    if capture := capture_kind(path, kind, column_mapping(args.map)):  # meetings, calls: capture
        return import_capture(path, capture, args, config, label)

    if kind == "json":
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.exchange.time_trackers import detect_time_format

        try:
            document = load(path.read_bytes())
            time_format = detect_time_format(document)
            if time_format:
                kind = time_format
            else:
                return import_document(
                    document,
                    dry_run=args.dry_run,
                    skip_bad=args.skip_bad,
                    region=config.default_region,
                    default_currency=config.currency,
                    progress=progress,
                )
        except FormatError as error:
            raise InputError(label, problems_text(error.problems)) from None
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.exchange import importers

    try:
        return importers.import_file(
            path,
            kind,
            dry_run=args.dry_run,
            skip_bad=args.skip_bad,
            strict=args.strict,
            region=config.default_region,
            mapping=column_mapping(args.map),
            progress=progress,
        )
    except FormatError as error:
        raise InputError(label, problems_text(error.problems)) from None


def cmd_export(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.exchange import export_json
    from callsheet.models.values.validate import InputError
    from callsheet.tui.cli import open_store

    open_store(args)
    writer = export_json.write_export
    if args.format != "json":
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.exchange import exporters

        writer = getattr(exporters, f"write_{args.format}")
    if args.output in (None, "-"):
        count = writer(sys.stdout)
    elif not args.output.strip():
        raise InputError("-o", "the file name is empty")
    else:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.store.files import private_text_file

        # 0600, written next to the target and renamed: never world-readable, never half a file
        target = Path(args.output)
        progress = Progress(target.name)
        try:
            with private_text_file(args.output) as stream:
                count = (
                    writer(stream, progress=progress) if args.format == "json" else writer(stream)
                )
        finally:
            progress.close()
        what = "records" if args.format != "json" else "clients"
        print(printable(f"wrote {count:,} {what} to {target}"), file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.store import backups
    from callsheet.models.store.db import DatabaseError
    from callsheet.models.values.validate import InputError
    from callsheet.tui.cli import open_store

    open_store(args)
    try:
        dest = backups.backup(args.dest)
    except backups.CopyFailed:
        raise  # a full disk, a failed write: exit 3, and nothing half-written is left
    except DatabaseError as error:  # the destination is the problem, not the database
        raise InputError("DEST", str(error)) from None
    print(printable(f"backed up to {dest}"))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.config import database_path
    from callsheet.models.store import backups
    from callsheet.models.store.db import DatabaseError
    from callsheet.models.values.validate import InputError

    current = database_path(getattr(args, "db", None))
    try:
        backups.check_backup(Path(args.file).expanduser())
    except DatabaseError as error:  # a bad backup file is bad input (2), not an unusable store
        raise InputError("FILE", str(error)) from None
    kept = backups.restore(Path(args.file), current)
    print(
        printable(
            f"restored {args.file} into {current}"
            + (f"; the previous database is kept as {kept}" if kept else "")
        )
    )
    return 0
