"""Subcommands that move data in and out: ``import``, ``export``, ``backup``, ``restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

IMPORT_FORMATS = ("json", "vcf", "csv", "watson", "timewarrior", "ics", "xml", "calls")
EXPORT_FORMATS = ("json", "csv", "vcf", "ics")


def register(subparsers, common) -> None:
    importer = subparsers.add_parser(
        "import", parents=[common], help="import clients and history from files"
    )
    importer.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=".json (callsheet/1, or a watson/timewarrior export), .vcf, .csv; "
        ".ics (meetings), .xml or .csv call logs",
    )
    importer.add_argument(
        "--format", choices=IMPORT_FORMATS, default=None, help="default: from the file extension"
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="show what would change, write nothing"
    )
    importer.add_argument(
        "--skip-bad", action="store_true", help="import the good records, list the bad ones"
    )
    importer.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="CSV: read COLUMN as FIELD (name, phone, email, company, ...); "
        "time exports: PROJECT_OR_TAG=CLIENT",
    )
    importer.set_defaults(handler=cmd_import)

    exporter = subparsers.add_parser(
        "export",
        parents=[common],
        help="export everything (json) or clients (csv, vcf), follow-ups (ics)",
    )
    exporter.add_argument("--format", choices=EXPORT_FORMATS, default="json")
    exporter.add_argument(
        "-o", "--output", metavar="FILE", default=None, help="default: standard output"
    )
    exporter.set_defaults(handler=cmd_export)

    backup = subparsers.add_parser(
        "backup",
        parents=[common],
        help="a consistent copy of the database, safe while it is in use",
    )
    backup.add_argument(
        "dest",
        nargs="?",
        default=None,
        metavar="DEST",
        help="file or directory (default: the backups directory)",
    )
    backup.set_defaults(handler=cmd_backup)

    restore = subparsers.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (the current one is kept aside)",
    )
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(handler=cmd_restore)


class _Progress:
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


def cmd_import(args: argparse.Namespace) -> int:
    from models.validate import InputError
    from tui.cli import open_store

    config = open_store(args)
    status = 0
    for name in args.files:
        path = Path(name)
        kind = args.format or path.suffix.lower().lstrip(".")
        if kind not in IMPORT_FORMATS:
            raise InputError(
                "FILE", f"{path}: cannot tell the format from the extension; use --format"
            )
        if not path.is_file():
            raise InputError("FILE", f"{path}: no such file")
        progress = _Progress(path.name)
        try:
            report = _import_one(path, kind, args, config, progress)
        finally:
            progress.close()
        prefix = f"{path}: "
        print(prefix + report.summary())
        for problem in report.skipped:
            print(f"  skipped {problem}")
            status = 1
        if args.dry_run:
            for name_ in report.added:
                print(f"  new: {name_}")
            for line in report.merged:
                print(f"  merge: {line}")
    return status


def _import_one(path: Path, kind: str, args, config, progress):
    from models import jsonformat
    from models.validate import InputError
    from tui.cli.capture import capture_kind, import_capture

    if capture_kind(path, kind, _mapping(args.map)):  # meetings and calls: models/capture
        return import_capture(path, capture_kind(path, kind, _mapping(args.map)), args, config)

    if kind == "json":
        from models.importers import detect_time_format

        with path.open(encoding="utf-8-sig") as stream:
            try:
                document = jsonformat.load(stream)
                time_format = detect_time_format(document)
                if time_format:
                    kind = time_format
                    raise _NotCallsheet
                return jsonformat.import_document(
                    document,
                    dry_run=args.dry_run,
                    skip_bad=args.skip_bad,
                    region=config.default_region,
                    default_currency=config.currency,
                    progress=progress,
                )
            except jsonformat.FormatError as error:
                raise InputError(str(path), _problems_text(error.problems)) from None
            except _NotCallsheet:
                pass
    from models import importers

    try:
        return importers.import_file(
            path,
            kind,
            dry_run=args.dry_run,
            skip_bad=args.skip_bad,
            region=config.default_region,
            mapping=_mapping(args.map),
            progress=progress,
        )
    except jsonformat.FormatError as error:
        raise InputError(str(path), _problems_text(error.problems)) from None


class _NotCallsheet(Exception):
    """A .json file that is a time tracker's export, not a callsheet/1 document."""


def _problems_text(problems: list[str]) -> str:
    head = "\n  ".join(problems[:20])
    more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
    return f"nothing imported; {len(problems)} problem(s):\n  {head}{more}"


def _mapping(pairs: list[str]) -> dict[str, str]:
    from models.validate import InputError

    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise InputError("--map", f"{pair!r}: expected COLUMN=FIELD")
        mapping[column.strip()] = field.strip()
    return mapping


def cmd_export(args: argparse.Namespace) -> int:
    from models import jsonformat
    from tui.cli import open_store

    open_store(args)
    writer = jsonformat.write_export
    if args.format != "json":
        from models import exporters

        writer = getattr(exporters, f"write_{args.format}")
    if args.output is None:
        count = writer(sys.stdout)
    else:
        # Write next to the target and rename, so a failed export never leaves half a file.
        target = Path(args.output)
        partial = target.with_name(target.name + ".partial")
        progress = _Progress(target.name)
        try:
            with partial.open("w", encoding="utf-8", newline="") as stream:
                count = (
                    writer(stream, progress=progress) if args.format == "json" else writer(stream)
                )
            partial.replace(target)
        finally:
            progress.close()
            partial.unlink(missing_ok=True)
        print(
            f"wrote {count:,} {'records' if args.format != 'json' else 'clients'} to {target}",
            file=sys.stderr,
        )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from models import backups
    from tui.cli import open_store

    open_store(args)
    dest = backups.backup(args.dest)
    print(f"backed up to {dest}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from models import backups
    from models.config import database_path

    current = database_path(getattr(args, "db", None))
    kept = backups.restore(Path(args.file), current)
    print(
        f"restored {args.file} into {current}"
        + (f"; the previous database is kept as {kept}" if kept else "")
    )
    return 0
