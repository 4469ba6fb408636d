"""E-mail into the log straight from an IMAP server: ``callsheet mail imap://USER@HOST/FOLDER``.

The same capture as a Maildir (:func:`callsheet.models.capture.mail.read_sources`: matching
by address, dedupe by Message-ID, suggested signals), read from the server with IMAPClient:

- **read-only**: the folder is opened with EXAMINE and messages are fetched with
  ``BODY.PEEK``, so no flag on the server changes (mail stays unread on the phone);
- **incremental**: how far a folder was read is a capture mark (the table of Maildir and mbox
  marks) whose place names the folder *and* its UIDVALIDITY, holding the highest UID read. A
  server that renumbers the folder (a new UIDVALIDITY) is read again from the start, and the
  Message-ID keys keep the log exact; the mark moves in the transaction that logs the mail;
- **light**: only the headers of new messages are fetched; the whole message only for
  those a client takes part in;
- **TLS always, certificates checked**: implicit TLS on port 993 or with ``imaps://``,
  STARTTLS on any other port; ``cafile`` trusts a private CA (or a self-signed server);
  there is no switch to turn the checks off;
- **the password** comes from the account's ``password_command`` in config.toml (as
  vdirsyncer's ``fetch = ["command", ...]``: its output, trailing newlines removed) or from
  the system keyring (service ``callsheet``, user ``USER@HOST``). It is held in one local,
  never written to a callsheet file, never printed: every failure is one :class:`ImapError`
  line built from our own words and the server's reply, with no exception chained to it.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, unquote, urlsplit

from callsheet.models.capture.mail import MailReport, Source, SourceFailed, read_sources
from callsheet.models.capture.store import load_marks, save
from callsheet.models.store.db import database
from callsheet.models.store.tables import CaptureMark

#: exit codes of the failures (tui/cli's conventions): nothing done, bad input
NOT_FOUND = 1
BAD_INPUT = 2

IMPLICIT_TLS_PORT = 993
KEYRING_SERVICE = "callsheet"
#: messages whose headers are fetched in one FETCH
HEADER_BATCH = 200
CONNECT_SECONDS = 30.0
PASSWORD_COMMAND_SECONDS = 120


class ImapError(Exception):
    """One line for the user (never holding the password) and the exit code."""

    def __init__(self, message: str, code: int = BAD_INPUT):
        super().__init__(message)
        self.code = code


def is_imap_url(text: str) -> bool:
    return str(text).lower().startswith(("imap://", "imaps://"))


@dataclass(frozen=True)
class ImapAccount:
    """``imap[s]://USER@HOST[:PORT]/FOLDER``, read."""

    user: str
    host: str
    port: int
    folder: str
    #: TLS from the first byte (imaps://, or port 993); otherwise STARTTLS
    implicit_tls: bool

    @property
    def login(self) -> str:
        """``USER@HOST``: the keyring's user name and how errors name the account."""
        return f"{self.user}@{self.host}"

    @property
    def url(self) -> str:
        scheme = "imaps" if self.implicit_tls and self.port != IMPLICIT_TLS_PORT else "imap"
        return (
            f"{scheme}://{quote(self.user, safe='')}@{self.host}:{self.port}/{quote(self.folder)}"
        )

    def place(self, uidvalidity: int) -> str:
        """The capture mark's place for this folder as the server numbers it now."""
        return f"{self.url};UIDVALIDITY={uidvalidity}"


def parse_url(url: str) -> ImapAccount:
    """Read an IMAP URL; a password written in it is refused without being repeated."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ImapError(f"{_safe(url)}: not an IMAP URL (imap://USER@HOST[:PORT]/FOLDER)") from None
    if parts.password is not None:
        raise ImapError(
            "an IMAP URL must not hold the password: give password_command in config.toml "
            "or store it in the system keyring (service callsheet)"
        )
    scheme = parts.scheme.lower()
    if scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise ImapError(f"{_safe(url)}: not an IMAP URL (imap://USER@HOST[:PORT]/FOLDER)")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    port = port or IMPLICIT_TLS_PORT
    return ImapAccount(
        user=unquote(parts.username),
        host=parts.hostname,
        port=port,
        folder=folder,
        implicit_tls=scheme == "imaps" or port == IMPLICIT_TLS_PORT,
    )


def _safe(url: str) -> str:
    """The URL as the user may see it: anything between ``//`` and ``@`` that holds a colon
    (a password) is left out."""
    head, sep, rest = str(url).partition("//")
    if sep and "@" in rest.split("/", 1)[0]:
        userinfo, _, tail = rest.partition("@")
        if ":" in userinfo:
            return f"{head}//{userinfo.split(':', 1)[0]}:***@{tail}"
    return str(url)


@dataclass
class ImapSettings:
    """An account's ``[[sync.imap]]`` entry in config.toml (nothing secret is kept here)."""

    url: str = ""
    password_command: list[str] = field(default_factory=list)
    cafile: str | None = None


def settings_for(account: ImapAccount, entries: Iterable[dict]) -> ImapSettings:
    """The ``[[sync.imap]]`` entry for ``account``'s user and host: the one with the same port
    if there is one (any folder: the password and the CA are the account's)."""
    found: list[tuple[bool, dict]] = []
    for entry in entries:
        try:
            other = parse_url(str(entry.get("url", "")))
        except ImapError:
            continue
        if (other.user, other.host.lower()) == (account.user, account.host.lower()):
            found.append((other.port == account.port, entry))
    if not found:
        return ImapSettings()
    entry = max(found, key=lambda pair: pair[0])[1]
    return ImapSettings(
        url=str(entry.get("url")),
        password_command=list(entry.get("password_command") or []),
        cafile=entry.get("cafile"),
    )


def configured_urls(entries: Iterable[dict]) -> list[str]:
    """The folders ``callsheet mail`` reads when given no path: each ``[[sync.imap]]`` url."""
    return [str(entry["url"]) for entry in entries if entry.get("url")]


def password_for(account: ImapAccount, settings: ImapSettings) -> str:
    """The account's password: ``password_command``'s output, else the system keyring."""
    if settings.password_command:
        return _run_password_command(account, settings.password_command)
    # deferred: the keyring library loads its backends (D-Bus) on import; only IMAP needs it
    import keyring
    import keyring.errors

    try:
        password = keyring.get_password(KEYRING_SERVICE, account.login)
    except keyring.errors.KeyringError as error:
        raise ImapError(
            f"{account.login}: no password: give password_command for this account in "
            f"[[sync.imap]] of config.toml (no system keyring can be read here: "
            f"{type(error).__name__})"
        ) from None
    if not password:
        raise ImapError(
            f"{account.login}: no password: give password_command for this account in "
            f"[[sync.imap]] of config.toml, or store it in the system keyring "
            f"(keyring set {KEYRING_SERVICE} {account.login})"
        )
    return password


def _run_password_command(account: ImapAccount, command: list[str]) -> str:
    program = os.path.basename(command[0])
    try:
        done = subprocess.run(  # noqa: S603 - the user's own command, as a list, no shell
            command,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            timeout=PASSWORD_COMMAND_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise ImapError(f"{account.login}: password_command: {program}: no such program") from None
    except subprocess.TimeoutExpired:
        raise ImapError(
            f"{account.login}: password_command: {program} gave no password within "
            f"{PASSWORD_COMMAND_SECONDS} seconds"
        ) from None
    except OSError as error:
        raise ImapError(
            f"{account.login}: password_command: {program}: {error.strerror or 'cannot run it'}"
        ) from None
    if done.returncode != 0:
        raise ImapError(
            f"{account.login}: password_command: {program} failed (exit {done.returncode})"
        )
    password = done.stdout.decode("utf-8", "replace").strip("\r\n")
    if not password:
        raise ImapError(f"{account.login}: password_command: {program} printed no password")
    return password


def _tls_context(cafile: str | None) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=os.path.expanduser(cafile) if cafile else None)
    except (OSError, ssl.SSLError) as error:
        raise ImapError(
            f"cafile {cafile}: cannot read it as PEM certificates "
            f"({getattr(error, 'strerror', None) or type(error).__name__})"
        ) from None
    return context


def _certificate_problem(account: ImapAccount, error: BaseException) -> ImapError:
    reason = getattr(error, "verify_message", None) or getattr(error, "reason", None) or "refused"
    return ImapError(
        f"{account.host}:{account.port}: the server's TLS certificate is not trusted ({reason}); "
        "if it is your own server's, name its CA certificate as cafile in [[sync.imap]]"
    )


def connect(account: ImapAccount, cafile: str | None = None):
    """An IMAPClient talking TLS to a server whose certificate checked out (not logged in
    yet: a wrong host or certificate is said before any password is asked for), or
    :class:`ImapError` with one line."""
    # deferred: only an IMAP capture needs it
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError

    context = _tls_context(cafile)
    where = f"{account.host}:{account.port}"
    try:
        client = IMAPClient(
            account.host,
            port=account.port,
            ssl=account.implicit_tls,
            ssl_context=context,
            timeout=CONNECT_SECONDS,
        )
        if not account.implicit_tls:
            client.starttls(context)
    except ssl.SSLCertVerificationError as error:
        raise _certificate_problem(account, error) from None
    except socket.gaierror:
        raise ImapError(f"{account.host}: no such host (check the IMAP URL)", NOT_FOUND) from None
    except TimeoutError:
        raise ImapError(f"{where}: the server did not answer (timed out)", NOT_FOUND) from None
    except ssl.SSLError as error:
        raise ImapError(
            f"{where}: TLS failed ({error.reason or type(error).__name__}); is this an IMAP port?"
        ) from None
    except ConnectionRefusedError:
        raise ImapError(f"{where}: connection refused (is the port right?)", NOT_FOUND) from None
    except OSError as error:
        raise ImapError(f"{where}: cannot connect ({error.strerror or error})", NOT_FOUND) from None
    except IMAPClientError as error:  # e.g. no STARTTLS on a plain port
        raise ImapError(f"{where}: {_reply(error)}") from None
    return client


def login(client, account: ImapAccount, password: str) -> None:
    """Log in; a refusal is one line naming the account, never the password."""
    # deferred: only an IMAP capture needs it
    from imapclient.exceptions import IMAPClientError, LoginError

    where = f"{account.host}:{account.port}"
    try:
        client.login(account.user, password)
    except LoginError:
        _close(client)
        raise ImapError(f"{account.login}: the server refused the user name or password") from None
    except (IMAPClientError, OSError) as error:
        _close(client)
        raise ImapError(f"{where}: login failed ({_reply(error)})") from None


def _reply(error: BaseException) -> str:
    """The server's words, on one line, without Dovecot's "(0.001 + 0.000 secs)" timings."""
    text = str(error)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    text = re.sub(r"\s*\([\d.]+ \+ [\d.+ ]*secs?\)\.?", "", text)
    return " ".join(text.split())[:200]


def _close(client) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - closing a session that failed: nothing more to say
        with contextlib.suppress(Exception):
            client.shutdown()


class _Fetcher:
    """The new messages' headers in batches (read in order), a whole message on demand."""

    def __init__(self, client, uids: list[int]):
        self.client, self.uids = client, uids
        self.position = {uid: n for n, uid in enumerate(uids)}
        self.cache: dict[int, dict] = {}

    def _fetch(self, uids: list[int], parts: list[str]) -> dict:
        # deferred: only an IMAP capture needs it
        from imapclient.exceptions import IMAPClientError

        try:
            return self.client.fetch(uids, parts)
        except (IMAPClientError, OSError) as error:
            raise SourceFailed(_reply(error)) from None

    def _batch(self, uid: int) -> dict:
        if uid not in self.cache:
            start = self.position[uid]
            batch = self.uids[start : start + HEADER_BATCH]
            self.cache = self._fetch(batch, ["BODY.PEEK[HEADER]", "INTERNALDATE"])
        return self.cache.get(uid) or {}

    def headers(self, uid: int) -> bytes:
        return bytes(self._batch(uid).get(b"BODY[HEADER]") or b"")

    def arrived(self, uid: int) -> float:
        moment = self._batch(uid).get(b"INTERNALDATE")
        return moment.timestamp() if isinstance(moment, datetime) else 0.0

    def whole(self, uid: int) -> bytes:
        found = self._fetch([uid], ["BODY.PEEK[]"]).get(uid) or {}
        return bytes(found.get(b"BODY[]") or b"")

    def source(self, label: str, uid: int) -> Source:
        return Source(
            label=f"{label} UID {uid}",
            read=lambda: self.headers(uid),
            mtime=0.0,
            read_whole=lambda: self.whole(uid),
            arrived=lambda: self.arrived(uid),
        )


def capture_imap(
    url: str,
    me: Iterable[str] = (),
    *,
    accounts: Iterable[dict] = (),
    since: datetime | None = None,
    rescan: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> MailReport:
    """Log the mail of one IMAP folder as :func:`capture_mail` logs a Maildir folder.

    ``accounts`` are config.toml's ``[[sync.imap]]`` entries (password_command, cafile).
    Raises :class:`ImapError` (one line, an exit code) when the server cannot be read.
    """
    account = parse_url(url)
    settings = settings_for(account, accounts)
    client = connect(account, settings.cafile)
    try:
        login(client, account, password_for(account, settings))
        return _capture(client, account, me, since, rescan, dry_run, progress, now)
    finally:
        _close(client)


def _capture(client, account, me, since, rescan, dry_run, progress, now) -> MailReport:
    # deferred: only an IMAP capture needs it
    from imapclient.exceptions import IMAPClientError

    try:
        selected = client.select_folder(account.folder, readonly=True)
    except IMAPClientError as error:
        raise ImapError(
            f"{account.login}: no folder {account.folder!r} on the server ({_reply(error)})",
            NOT_FOUND,
        ) from None
    uidvalidity = int(selected.get(b"UIDVALIDITY") or 0)
    place = account.place(uidvalidity)
    last = 0 if rescan else load_marks().get(place, 0)
    try:
        uids = sorted(uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last)
    except IMAPClientError as error:
        raise ImapError(f"{account.login}: {account.folder}: {_reply(error)}") from None
    exists = int(selected.get(b"EXISTS") or 0)
    report = MailReport(not_read=max(exists - len(uids), 0), dry_run=dry_run)
    fetcher = _Fetcher(client, uids)
    label = f"{account.login}/{account.folder}"
    sources = [fetcher.source(label, uid) for uid in uids]
    mine = {a.strip().lower() for a in me if a.strip()}
    try:
        read_sources(report, sources, mine, since, progress)
    except SourceFailed as error:
        raise ImapError(
            f"{account.login}: {account.folder}: the connection failed while reading "
            f"({error}); nothing was logged, run again",
            NOT_FOUND,
        ) from None
    marks = {} if dry_run or not uids else {place: uids[-1]}
    with database.atomic():
        report.added = save(report.entries, marks, now, dry_run=dry_run)
        if marks:  # the folder under an older numbering is never read again
            prefix = account.place(0).rsplit("=", 1)[0] + "="
            older = [p for p in load_marks() if p.startswith(prefix) and p != place]
            if older:
                CaptureMark.delete().where(CaptureMark.place.in_(older)).execute()
    return report


def capture_configured(
    accounts: list[dict],
    me: Iterable[str] = (),
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[str, MailReport | ImapError]]:
    """Each ``[[sync.imap]]`` folder of config.toml, read in turn: its URL and its report, or
    the :class:`ImapError` that stopped it (one folder failing does not stop the others).
    What a "sync now" in the dashboard runs in a worker thread."""
    results: list[tuple[str, MailReport | ImapError]] = []
    for url in configured_urls(accounts):
        try:
            results.append((url, capture_imap(url, me, accounts=accounts, progress=progress)))
        except ImapError as error:
            results.append((url, error))
    return results
