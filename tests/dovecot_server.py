"""A throwaway Dovecot IMAP server for the tests: real IMAP, STARTTLS and implicit TLS.

Debian's ``dovecot-imapd`` provides ``/usr/sbin/dovecot``. The server runs in the foreground
(``dovecot -F``) from a minimal ``dovecot.conf`` written here: it listens on 127.0.0.1 at two
free ports (plain IMAP with STARTTLS, and IMAPS), with a self-signed certificate made here
with the ``cryptography`` library (for 127.0.0.1 and localhost), users in a ``passwd-file``
(one per user, so each test adds its own user and mailbox), and
Maildir mailboxes. Everything lives in one temporary folder that is removed at the end.

The folder is made with ``tempfile.mkdtemp`` rather than under pytest's ``tmp_path``: as root,
Dovecot runs its auth and mail processes as unprivileged users (it refuses uid 0 for mail),
and pytest's base folder is private to root, so those users could not reach the password
file or the mailboxes there. The mail processes run as ``nobody`` (as root) or as the user
running the tests. ``python -m tests.dovecot_server`` starts one for trying things by hand.
"""

from __future__ import annotations

import datetime
import ipaddress
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"


class Unavailable(Exception):
    """Dovecot is not installed or did not start."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _self_signed(cert: Path, key: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "callsheet test IMAP")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key.chmod(0o600)


class DovecotServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.imap_port = _free_port()
        self.imaps_port = _free_port()
        self.cafile = root / "cert.pem"
        self.passwd = root / "passwd"
        self.mail = root / "mail"
        self.log = root / "dovecot.log"
        self._users = itertools.count(1)
        self._process: subprocess.Popen | None = None

    @classmethod
    def start(cls) -> DovecotServer:
        if not os.path.exists(DOVECOT):
            raise Unavailable(f"{DOVECOT} not found (install Debian's dovecot-imapd package)")
        root = Path(tempfile.mkdtemp(prefix="callsheet-dovecot-"))
        root.chmod(0o755)  # the auth and mail processes run as other users
        server = cls(root)
        try:
            server._start()
        except BaseException:
            server.stop()
            raise
        return server

    def _start(self) -> None:
        if os.geteuid() == 0:
            mail_user = pwd.getpwnam("nobody")
            login_user, internal_user = "dovenull", "dovecot"
            for name in (login_user, internal_user):
                try:
                    pwd.getpwnam(name)
                except KeyError:
                    raise Unavailable(f"no {name} user (Debian's dovecot-core makes it)") from None
        else:
            mail_user = pwd.getpwuid(os.getuid())
            login_user = internal_user = mail_user.pw_name
        self.uid, self.gid = mail_user.pw_uid, mail_user.pw_gid
        _self_signed(self.cafile, self.root / "key.pem")
        self.passwd.mkdir(mode=0o755)
        self.mail.mkdir()
        os.chown(self.mail, self.uid, self.gid)
        for sub in ("run", "state"):
            (self.root / sub).mkdir()
        conf = self.root / "dovecot.conf"
        conf.write_text(
            f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
instance_name = callsheet-test-{self.imap_port}
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {min(self.uid, 500)}
log_path = {self.log}
auth_failure_delay = 0
ssl = required
ssl_cert = <{self.cafile}
ssl_key = <{self.root}/key.pem
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}/%u
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={self.mail}/%d/%n
}}
mail_location = maildir:~/Maildir
# a wrong password is tested: no growing delay for the next test's logins
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
"""
        )
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = (
                    self._process.stderr.read().decode(errors="replace")
                    if self._process.stderr
                    else ""
                )
                raise Unavailable(f"dovecot exited: {error.strip()[-500:]}")
            if all(self._accepts(port) for port in (self.imap_port, self.imaps_port)):
                return
            time.sleep(0.05)
        raise Unavailable("dovecot did not listen within 20 seconds")

    @staticmethod
    def _accepts(port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    def add_user(self) -> tuple[str, str]:
        """A new user with an empty mailbox: (user name, password)."""
        number = next(self._users)
        user, password = f"user{number}@example.test", f"Pw-{number}-{os.urandom(6).hex()}"
        # a file per user: Dovecot reads it at the user's first login (no reload to wait for)
        entry = self.passwd / user
        entry.write_text(f"{user}:{{PLAIN}}{password}\n")
        entry.chmod(0o644)
        return user, password

    def kick(self, user: str) -> None:
        """Disconnect the user's sessions, as a server restarting or a network cut does."""
        subprocess.run(
            ["/usr/bin/doveadm", "-c", str(self.root / "dovecot.conf"), "kick", user],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def client(self, user: str, password: str):
        """A logged-in IMAPClient (implicit TLS), as another mail program would connect."""
        import ssl

        from imapclient import IMAPClient

        context = ssl.create_default_context(cafile=str(self.cafile))
        client = IMAPClient("127.0.0.1", port=self.imaps_port, ssl=True, ssl_context=context)
        client.login(user, password)
        return client

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
        if self._process is not None and self._process.stderr:
            self._process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)


if __name__ == "__main__":
    server = DovecotServer.start()
    user, password = server.add_user()
    print(f"imap://{user}@127.0.0.1:{server.imap_port}/INBOX (STARTTLS)")
    print(f"imaps://{user}@127.0.0.1:{server.imaps_port}/INBOX  password {password}")
    print(f"cafile {server.cafile}; Ctrl-C stops it")
    try:
        signal.pause()
    finally:
        server.stop()
