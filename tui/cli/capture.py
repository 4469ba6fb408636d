"""``callsheet mail``: the log filled from the user's mail (models/capture/mail.py does the work).

Meetings (.ics) and phone calls (call-log .xml, call-log .csv) come in through ``callsheet
import``, which hands them to :func:`import_capture` here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from callsheet.models.values.text import counted, printable
from callsheet.tui.cli.common import arg, command, json_flag, repeatable


def register(subparsers, common) -> None:
    mail = (
        arg("paths", nargs="*", metavar="PATH", help=_PATHS_HELP),
        repeatable("--me", "ADDRESS", _ME_HELP, default=[]),
        arg("--since", metavar="DATE", default=None, help="leave out mail sent before DATE"),
        arg("--rescan", action="store_true", help=_RESCAN_HELP),
        arg("--dry-run", action="store_true", help=_DRY_RUN_HELP),
        json_flag("print the report as JSON"),
    )
    command(subparsers, "mail", _HELP, cmd_mail, mail, parents=[common])


_HELP = "log e-mail with your clients from Maildir folders, mbox or .eml files, or IMAP"
_PATHS_HELP = (
    "a Maildir tree (nested folders are read), an mbox or .eml file, or an IMAP folder "
    "imap://USER@HOST[:PORT]/FOLDER, read-only (default: mail_paths and the [[sync.imap]] "
    "urls in config.toml)"
)
_ME_HELP = "your own address (mail from it is outgoing); adds to my_addresses in config.toml"
_RESCAN_HELP = (
    "read every message again, not only what arrived since the last run (after adding clients)"
)
_DRY_RUN_HELP = "show what would be logged and who wrote who is not a client; write nothing"


def cmd_mail(args: argparse.Namespace) -> int:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.capture.imap import configured_urls, is_imap_url
    from callsheet.models.capture.mail import capture_mail
    from callsheet.models.values.dates import read_moment
    from callsheet.models.values.validate import InputError
    from callsheet.tui.cli import open_store
    from callsheet.tui.cli.common import Progress

    config = open_store(args)
    imap_accounts = config.sync.get("imap", [])
    paths = args.paths or [*config.mail_paths, *configured_urls(imap_accounts)]
    if not paths:
        raise InputError(
            "PATH",
            "give a Maildir folder, an mbox or .eml file or an imap:// URL, or set mail_paths "
            "in config.toml",
        )
    urls = [p for p in paths if is_imap_url(p)]
    paths = [p for p in paths if not is_imap_url(p)]
    missing = [p for p in paths if not Path(p).expanduser().exists()]
    if missing:
        raise InputError("PATH", f"{missing[0]}: no such file or folder")
    since = read_moment(args.since, "since", prefer="past", required=False)
    me = [*config.my_addresses, *args.me]
    progress = Progress("mail")
    try:
        reports = []
        if paths or not urls:
            reports.append(
                capture_mail(
                    paths,
                    me,
                    since=since,
                    rescan=args.rescan,
                    dry_run=args.dry_run,
                    progress=progress,
                )
            )
        for url in urls:
            code = _capture_imap(url, me, imap_accounts, since, args, progress, reports)
            if code:
                return code
    finally:
        progress.close()
    report = _combined(reports)
    if args.json:
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.tui.cli.common import print_json

        print_json(_report_json(report))
    else:
        _print_report(report, bool(config.my_addresses or args.me))
    return 0


def _capture_imap(url, me, accounts, since, args, progress, reports) -> int:
    """One IMAP folder into ``reports``; a failure is one line and its exit code (the folders
    read before it stay logged: each is its own transaction)."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.capture.imap import ImapError, capture_imap

    try:
        reports.append(
            capture_imap(
                url,
                me,
                accounts=accounts,
                since=since,
                rescan=args.rescan,
                dry_run=args.dry_run,
                progress=progress,
            )
        )
    except ImapError as error:
        progress.close()
        print(f"callsheet: {printable(str(error))}", file=sys.stderr)
        return error.code
    return 0


def _combined(reports):
    """One report for a run over files and IMAP folders."""
    first, *rest = reports
    for other in rest:
        first.messages += other.messages
        first.matched += other.matched
        first.entries += other.entries
        first.added += other.added
        first.unknown.update(other.unknown)
        first.duplicates += other.duplicates
        first.not_read += other.not_read
        first.before_since += other.before_since
        first.encrypted += other.encrypted
        first.with_defects += other.with_defects
        first.broken += other.broken
        first.missing += other.missing
    return first


def _names(entries) -> dict[int, str]:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.capture.store import client_names

    return client_names({e.client_id for e in entries}) if entries else {}


def _report_json(report) -> dict:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.when import iso

    names = _names(report.added)
    return {
        "dry_run": report.dry_run,
        "messages": report.messages,
        "matched": report.matched,
        "logged": len(report.added),
        "already_logged": len(report.entries) - len(report.added),
        "duplicates": report.duplicates,
        "not_read": report.not_read,
        "before_since": report.before_since,
        "encrypted": report.encrypted,
        "with_defects": report.with_defects,
        "unreadable": report.broken,
        "unknown": dict(report.unknown.most_common()),
        "entries": [
            {
                "client": names.get(e.client_id, str(e.client_id)),
                "at": iso(e.at),
                "direction": e.direction,
                "summary": e.summary,
                "suggested_signals": e.suggested,
            }
            for e in report.added
        ],
    }


def _print_report(report, knows_me: bool) -> None:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.values.when import iso

    verb = "would log" if report.dry_run else "logged"
    already = len(report.entries) - len(report.added)
    line = (
        f"mail: read {counted(report.messages, 'message')}"
        + (f" ({report.not_read:,} read by an earlier run)" if report.not_read else "")
        + f", {report.matched:,} with clients: {verb} {counted(len(report.added), 'entry', 'entries')}"
    )
    if already:
        line += f", {already:,} already in the log"
    print(line)
    if report.duplicates:
        print(f"  {report.duplicates:,} copies of messages seen in another folder, read once")
    if report.before_since:
        print(f"  {report.before_since:,} from clients sent before --since, left out")
    suggested = sum(1 for e in report.added if e.suggested)
    if suggested:
        print(
            f"  {counted(suggested, 'entry', 'entries')} with suggested signals: "
            "confirm or dismiss them in the log"
        )
    if report.encrypted:
        print(f"  {report.encrypted:,} encrypted: logged with their subject only")
    if report.with_defects:
        print(f"  {report.with_defects:,} not quite RFC 5322: logged with what could be read")
    if report.broken:
        print(f"  {len(report.broken):,} unreadable, skipped:")
        for problem in report.broken[:20]:
            print(f"    {printable(problem)}")
    if not knows_me:
        print("  no --me or my_addresses in config.toml: every message counted as incoming")
    if report.unknown:
        if report.dry_run:
            print(f"  {len(report.unknown):,} correspondents are not clients (messages):")
            for address, count in report.unknown.most_common(50):
                print(f"    {count:>5}  {printable(address)}")
        else:
            print(
                f"  {len(report.unknown):,} correspondents are not clients "
                "(--dry-run lists them; --rescan after adding some)"
            )
    if report.dry_run and report.added:
        names = _names(report.added)
        for entry in report.added[:50]:
            print(
                f"  {iso(entry.at)[:16]}  {entry.direction:<3}  "
                f"{printable(names.get(entry.client_id, ''))}: {printable(entry.summary)[:80]}"
            )
        if len(report.added) > 50:
            print(f"  ... and {len(report.added) - 50:,} more")


# --- callsheet import FILE.ics / FILE.xml / call-log CSV -------------------------------------


def capture_kind(path: Path, kind: str, mapping: dict[str, str]) -> str | None:
    """ "ics", "xml" or "calls" when ``callsheet import`` is given a calendar or call log."""
    if kind in ("ics", "xml", "calls"):
        return kind
    if kind == "csv":
        # deferred: each command loads only what it runs (`who` answers a ringing phone)
        from callsheet.models.capture.calllog import looks_like_call_log

        with path.open(encoding="utf-8-sig", errors="replace") as stream:
            if looks_like_call_log(stream.readline(), mapping):
                return "calls"
    return None


class CaptureImport:
    """What ``callsheet import`` prints for a calendar or call log (the ImportReport shape)."""

    def __init__(self, what: str, added: list, seen: int, notes: list[str], dry_run: bool):
        self.what, self.seen, self.notes, self.dry_run = what, seen, notes, dry_run
        self.entries = added
        #: the ImportReport fields `callsheet import --json` prints
        self.interactions = len(added)
        self.time_entries: int | None = None
        self.added: list[str] = []
        self.merged: list[str] = []
        self.skipped: list[str] = []

    def summary(self) -> str:
        verb = "would log" if self.dry_run else "logged"
        already = self.seen - len(self.entries)
        text = f"{verb} {len(self.entries)} {self.what}"
        if already:
            text += f", {already} already in the log"
        return "; ".join([text, *self.notes])


def _skip_bad_text(problems: list[str]) -> str:
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.tui.cli.common import problems_text

    text = problems_text([printable(p) for p in problems])
    return text + "\n  (--skip-bad logs the rest and lists these)"


def import_capture(path: Path, kind: str, args, config, label: str | None = None) -> CaptureImport:
    """Log the meetings of an .ics file or the calls of a call log; nothing on any bad record."""
    # deferred: each command loads only what it runs (`who` answers a ringing phone)
    from callsheet.models.capture import calllog
    from callsheet.models.capture.calendar import CalendarError, meeting_entries, read_meetings
    from callsheet.models.capture.store import client_names, match_addresses, match_phones, save
    from callsheet.models.values.validate import InputError
    from callsheet.models.values.when import iso, utcnow
    from callsheet.tui.cli.common import column_mapping, problems_text

    data = path.read_bytes()
    name = label or str(path)  # "-" for standard input, not the spooled file's name
    notes: list[str] = []
    if kind == "ics":
        try:
            # clients are matched before any expansion: only their events are expanded
            clients_of, mine = match_addresses(), set(config.my_addresses)
            reading = read_meetings(data, utcnow(), clients_of, mine, config.calendar_years)
        except CalendarError as error:
            raise InputError(name, str(error)) from None
        problems = reading.problems
        if problems and not args.skip_bad:
            raise InputError(name, _skip_bad_text(problems))
        entries, without = meeting_entries(reading.meetings, clients_of, mine)
        what = "meetings"
        without += reading.without_clients
        if without:
            notes.append(f"{without} events without a client")
        notes += [printable(w) for w in reading.warnings]
    else:
        try:
            if kind == "xml":
                calls, problems = calllog.read_android_xml(data)
            else:
                text = data.decode("utf-8-sig", errors="replace")
                calls, problems = calllog.read_csv_calls(text, column_mapping(args.map))
        except calllog.CallLogError as error:
            raise InputError(name, problems_text(error.problems)) from None
        if problems and not args.skip_bad:
            raise InputError(name, _skip_bad_text(problems))
        found = calllog.call_entries(calls, match_phones(), config.default_region)
        entries, what = found.entries, "calls"
        if found.private:
            notes.append(f"{found.private} private or unknown numbers skipped")
        if found.blocked:
            notes.append(f"{found.blocked} blocked calls skipped")
        if found.unknown:
            notes.append(
                f"{sum(found.unknown.values())} calls from {len(found.unknown)} numbers "
                "that are no client's"
            )
    problems = [printable(p) for p in problems]  # event titles and numbers are the file's text
    added = save(entries, dry_run=args.dry_run)
    report = CaptureImport(what, added, len(entries), notes, args.dry_run)
    report.skipped = problems
    if args.dry_run:
        names = client_names({e.client_id for e in added}) if added else {}
        report.added = [
            f"{iso(e.at)[:16]} {printable(names.get(e.client_id, ''))}: {printable(e.summary)}"
            for e in added
        ]
    return report
