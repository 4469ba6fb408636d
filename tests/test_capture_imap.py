"""`callsheet mail imap://USER@HOST[:PORT]/FOLDER` against a real Dovecot server.

The server (tests/dovecot_server.py) is started once for this file, on free ports with its
own self-signed certificate; each test has its own user and mailbox. The messages are the
real-world Maildir corpus of tests/test_capture_mail.py (a message filed twice, one without
Message-ID filed twice, HTML-only, KOI8-R without Date, encrypted, mangled headers),
appended over IMAP as another mail program would, with their flags. The password comes from
``password_command`` in a real config.toml (a command printing a file).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.capture.imap import ImapError, parse_url
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import CaptureMark, Interaction
from tests.conftest import BACKEND

MAILDIR = Path(__file__).parent / "fixtures" / "mail" / "maildir"
ME = "me@consult.example"
#: the Maildir file name's stamp of the message whose Date cannot be read (appended with it)
BAD_HEADERS_ARRIVED = 1764223400


@pytest.fixture(scope="module")
def dovecot():
    from tests.dovecot_server import DovecotServer, Unavailable

    try:
        server = DovecotServer.start()
    except Unavailable as error:
        pytest.skip(f"Dovecot could not be started: {error}")
    yield server
    server.stop()


def _fixture_messages() -> list[tuple[bytes, tuple[bytes, ...], datetime]]:
    """Each message of the Maildir corpus with its flags (``:2,S`` is \\Seen)."""
    found = []
    for path in sorted(MAILDIR.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        info = path.name.split(":2,", 1)[1] if ":2," in path.name else ""
        flags = tuple(
            flag for letter, flag in (("S", b"\\Seen"), ("R", b"\\Answered")) if letter in info
        )
        arrived = datetime.fromtimestamp(int(path.name.split(".", 1)[0]), tz=UTC)
        found.append((path.read_bytes(), flags, arrived))
    return found


@pytest.fixture
def account(dovecot, tmp_path, monkeypatch):
    """A user whose INBOX holds the corpus, and a config.toml whose password_command reads
    the password from a file."""
    user, password = dovecot.add_user()
    client = dovecot.client(user, password)
    for data, flags, arrived in _fixture_messages():
        client.append("INBOX", data, flags=flags, msg_time=arrived)
    client.logout()
    secret = tmp_path / "imap-password"
    secret.write_text(password + "\n")
    config = tmp_path / "config.toml"
    config.write_text(
        f'my_addresses = ["{ME}"]\n\n'
        f"[[sync.imap]]\n"
        f'url = "imap://{user}@127.0.0.1:{dovecot.imap_port}/INBOX"\n'
        f'password_command = ["cat", "{secret}"]\n'
        f'cafile = "{dovecot.cafile}"\n'
    )
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config))
    return {
        "user": user,
        "password": password,
        "secret": secret,
        "config": config,
        "url": f"imap://{user}@127.0.0.1:{dovecot.imap_port}/INBOX",
        "imaps": f"imaps://{user}@127.0.0.1:{dovecot.imaps_port}/INBOX",
    }


@pytest.fixture
def people(db_path):
    open_database(db_path)
    ids = {
        "ion": ops.add_client("Ion Ionescu", emails=["ion@carpati.example"]).id,
        "anna": ops.add_client("Anna Kowalska", emails=["anna@kowalska.example"]).id,
        "oleg": ops.add_client("Oleg Volkov", emails=["oleg@volga.example"]).id,
    }
    close_database()
    return ids


def _keys(db_path, client_id) -> list[str]:
    open_database(db_path)
    rows = [
        i.external_key
        for i in Interaction.select()
        .where(Interaction.client == client_id)
        .order_by(Interaction.occurred_at, Interaction.id)
    ]
    close_database()
    return rows


def _flags(dovecot, account, folder: str = "INBOX") -> dict:
    client = dovecot.client(account["user"], account["password"])
    client.select_folder(folder, readonly=True)
    flags = {
        uid: set(found) - {b"\\Recent"} for uid, found in client.get_flags(client.search()).items()
    }
    client.logout()
    return flags


def test_an_imap_folder_is_captured_like_a_maildir_read_only_and_a_rerun_adds_nothing(
    cli, people, account, dovecot, db_path
):
    before = _flags(dovecot, account)
    assert sum(b"\\Seen" not in f for f in before.values()) == 4  # new and unread mail
    code, out, err = cli("mail", account["url"])  # STARTTLS on the plain port
    assert code == 0, err
    assert "read 11 messages" in out and "logged 8 entries" in out
    assert "2 copies of messages seen in another folder" in out
    # the same entries as the same corpus read from a Maildir (tests/test_capture_mail.py)
    assert sorted(_keys(db_path, people["ion"])) == [
        "mid:<bad-headers@carpati.example>",
        "mid:<ion-1@carpati.example>",
        "mid:<ion-pgp@carpati.example>",
        "mid:<reply-1@consult.example>",
    ]
    # "Date: yesterday at noon" cannot be read: the server's arrival time stands in for it
    open_database(db_path)
    mangled = Interaction.get(Interaction.external_key == "mid:<bad-headers@carpati.example>")
    close_database()
    assert mangled.occurred_at == datetime.fromtimestamp(BAD_HEADERS_ARRIVED, tz=UTC)
    assert "mid:<reply-1@consult.example>" in _keys(db_path, people["anna"])
    assert len(_keys(db_path, people["oleg"])) == 1
    # nothing on the server changed: unread mail is still unread
    assert _flags(dovecot, account) == before

    report = cli.json("mail", account["url"], "--json")
    assert (report["messages"], report["logged"], report["not_read"]) == (0, 0, 11)
    # the same folder over implicit TLS is the same folder: still nothing new
    report = cli.json("mail", account["imaps"], "--json")
    assert report["logged"] == 0

    # mail that arrives later is read alone, its whole text fetched because a client wrote it
    client = dovecot.client(account["user"], account["password"])
    client.append(
        "INBOX",
        b"From: Ion Ionescu <ion@carpati.example>\r\nTo: me@consult.example\r\n"
        b"Subject: Invoice paid\r\nDate: Sat, 28 Nov 2026 10:00:00 +0200\r\n"
        b"Message-ID: <paid@carpati.example>\r\n\r\nI have paid the invoice today.\r\n",
    )
    client.logout()
    report = cli.json("mail", "--json")  # the account from [[sync.imap]] in config.toml
    assert (report["messages"], report["logged"]) == (1, 1)
    assert report["entries"][0]["suggested_signals"] == ["paid_on_time"]
    assert _flags(dovecot, account)[max(_flags(dovecot, account))] == set()  # still unread


def test_a_renumbered_folder_is_read_again_and_logs_nothing_twice(
    cli, people, account, dovecot, db_path
):
    client = dovecot.client(account["user"], account["password"])
    client.create_folder("Clients")
    messages = _fixture_messages()
    for data, flags, arrived in messages:
        client.append("Clients", data, flags=flags, msg_time=arrived)
    url = account["url"].replace("/INBOX", "/Clients")
    assert cli.json("mail", url, "--json")["logged"] == 8
    # the folder is deleted and made again: a new UIDVALIDITY, the same mail
    client.delete_folder("Clients")
    client.create_folder("Clients")
    for data, flags, arrived in messages:
        client.append("Clients", data, flags=flags, msg_time=arrived)
    client.logout()
    report = cli.json("mail", url, "--json")
    assert (report["messages"], report["logged"], report["already_logged"]) == (11, 0, 8)
    open_database(db_path)
    marks = [m.place for m in CaptureMark.select() if "/Clients" in m.place]
    close_database()
    assert len(marks) == 1  # the mark of the old numbering is gone


def test_a_dry_run_logs_nothing_and_moves_no_mark(cli, people, account, db_path):
    code, out, err = cli("mail", account["url"], "--dry-run")
    assert code == 0, err
    assert "would log 8 entries" in out and "news@shop.example" in out
    assert _keys(db_path, people["ion"]) == []
    assert cli.json("mail", account["url"], "--json")["logged"] == 8


def _one_line(code, out, err, expected_code):
    assert code == expected_code, err
    assert out == ""
    assert err.startswith("callsheet: ") and len(err.splitlines()) == 1
    assert "Traceback" not in err
    return err


def test_a_wrong_password_is_one_line_and_exit_2(cli, people, account, db_path):
    account["secret"].write_text("not-the-password\n")
    err = _one_line(*cli("mail", account["url"]), 2)
    assert "refused the user name or password" in err and account["user"] in err
    assert "not-the-password" not in err


def test_an_untrusted_certificate_is_one_line_and_exit_2(cli, people, account, dovecot, tmp_path):
    # the account without cafile: the self-signed certificate is checked against the system's CAs
    text = account["config"].read_text()
    account["config"].write_text(
        "\n".join(line for line in text.splitlines() if "cafile" not in line)
    )
    for url in (account["url"], account["imaps"]):
        err = _one_line(*cli("mail", url), 2)
        assert "certificate is not trusted" in err and "cafile" in err


def test_no_such_folder_and_an_unreachable_host_are_one_line_and_exit_1(
    cli, people, account, dovecot
):
    err = _one_line(*cli("mail", account["url"].replace("/INBOX", "/Nowhere")), 1)
    assert "no folder 'Nowhere'" in err
    from tests.dovecot_server import _free_port

    closed = f"imap://{account['user']}@127.0.0.1:{_free_port()}/INBOX"
    err = _one_line(*cli("mail", closed), 1)
    assert "connection refused" in err


def test_the_password_is_never_printed_nor_written_to_a_file_callsheet_keeps(
    cli, people, account, db_path, tmp_path
):
    password = account["password"].encode()
    code, out, err = cli("mail", account["url"], "--json")
    assert code == 0, err
    code, out2, err2 = cli("mail", account["url"], "--dry-run")
    assert password not in (out + err + out2 + err2).encode()
    written = [path for path in tmp_path.rglob("*") if path.is_file() and path != account["secret"]]
    if BACKEND == "sqlite":  # the database file itself is among them
        assert Path(db_path) in written
    for path in written:
        assert password not in path.read_bytes(), path
    open_database(db_path)  # on PostgreSQL too: what the capture stored names no password
    assert CaptureMark.select().count() == 1
    assert all(account["password"] not in mark.place for mark in CaptureMark.select())
    close_database()
    # a password written into the URL is refused without being repeated
    url = account["url"].replace("@127.0.0.1", f":{account['password']}@127.0.0.1", 1)
    code, out, err = cli("mail", url)
    assert code == 2 and account["password"] not in out + err


def test_imap_urls_are_read_as_written():
    plain = parse_url("imap://ann%40firm.example@mail.firm.example:143/Clients/Acme")
    assert (plain.user, plain.host, plain.port, plain.folder) == (
        "ann@firm.example",
        "mail.firm.example",
        143,
        "Clients/Acme",
    )
    assert not plain.implicit_tls
    default = parse_url("imap://ann@mail.firm.example")
    assert (default.port, default.folder, default.implicit_tls) == (993, "INBOX", True)
    assert parse_url("imaps://ann@h.example:1993/INBOX").implicit_tls
    with pytest.raises(ImapError) as refused:
        parse_url("imap://ann:hunter2@h.example/INBOX")
    assert "hunter2" not in str(refused.value)


class _SessionKeyring:
    """A keyring backend holding passwords for this test only (the machine has no desktop
    keyring daemon); callsheet reaches it through the keyring library as it would any."""

    priority = 1

    def __init__(self):
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))


def test_without_password_command_the_password_comes_from_the_system_keyring(
    cli, people, account, monkeypatch
):
    import keyring
    from keyring.backend import KeyringBackend

    class Backend(_SessionKeyring, KeyringBackend):
        def set_password(self, service, username, password):
            self.passwords[(service, username)] = password

        def delete_password(self, service, username):
            self.passwords.pop((service, username), None)

    text = account["config"].read_text()
    account["config"].write_text(
        "\n".join(line for line in text.splitlines() if "password_command" not in line)
    )
    previous = keyring.get_keyring()
    backend = Backend()
    keyring.set_keyring(backend)
    try:
        err = _one_line(*cli("mail", account["url"]), 2)
        assert f"keyring set callsheet {account['user']}@127.0.0.1" in err
        keyring.set_password("callsheet", f"{account['user']}@127.0.0.1", account["password"])
        assert cli.json("mail", account["url"], "--json")["logged"] == 8
    finally:
        keyring.set_keyring(previous)


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ('[[sync.imap]]\nurl = "https://mail.example/"\n', "url must be imap://"),
        (
            '[[sync.imap]]\nurl = "imap://a@h.example/INBOX"\npassword_command = "pass mail"\n',
            "password_command must be a list",
        ),
        ('[[sync.imap]]\nurl = "imap://a@h.example/INBOX"\npassword = "x"\n', "'password'"),
    ],
)
def test_a_bad_sync_imap_setting_is_one_line_naming_it(cli, tmp_path, monkeypatch, toml, said):
    config = tmp_path / "config.toml"
    config.write_text(toml)
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config))
    code, out, err = cli("mail", "imap://a@h.example/INBOX")
    assert code == 2 and said in err and len(err.splitlines()) == 1


def test_a_connection_lost_mid_run_logs_nothing_and_the_next_run_reads_it_all(
    people, account, dovecot, db_path, monkeypatch
):
    from callsheet.models.capture import imap
    from callsheet.models.config import load_config

    monkeypatch.setattr(imap, "HEADER_BATCH", 2)  # several FETCHes, so one comes after the cut
    accounts = load_config().sync["imap"]

    def cut_after_three(done: int, _total: int) -> None:
        if done == 3:
            dovecot.kick(account["user"])

    open_database(db_path)
    with pytest.raises(ImapError) as lost:
        imap.capture_imap(account["url"], [ME], accounts=accounts, progress=cut_after_three)
    assert lost.value.code == 1 and "connection failed while reading" in str(lost.value)
    assert Interaction.select().count() == 0 and CaptureMark.select().count() == 0
    report = imap.capture_imap(account["url"], [ME], accounts=accounts)
    assert len(report.added) == 8
    close_database()


async def test_m_in_the_dashboard_reads_the_imap_folders_of_config_too(people, account, db):
    """The dashboard's M takes every [[sync.imap]] folder as well as mail_paths."""
    # deferred: the dashboard is loaded only by the one test that drives it
    from callsheet.models.config import load_config
    from tests.tui_helpers import make_app, running, wait_for

    settings = load_config(account["config"])
    app = make_app(my_addresses=settings.my_addresses, sync=settings.sync)
    async with running(app) as (app, pilot):
        await pilot.press("M")
        await wait_for(
            pilot,
            lambda: any(n.message.startswith("Mail: ") for n in app._notifications),
            what="the mail summary",
        )
        said = next(n.message for n in app._notifications if n.message.startswith("Mail: "))
    assert said == "Mail: 8 new log entries from 11 messages"
    assert Interaction.select().where(Interaction.client == people["ion"]).count() == 4
