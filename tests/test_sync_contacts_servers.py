"""Contacts through a real CardDAV server and vdirsyncer (issue 25 item 6).

A Radicale server (PyPI, in the venv) is started on a free port with its storage under
tmp_path and no authentication; vdirsyncer (in the venv), with its config in tmp_path,
syncs its address book into a vdir; ``callsheet sync contacts`` syncs that vdir with the
book. A phone's edit is an HTTP PUT of the card, as a phone's CardDAV client does.
"""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.commands import CALLSHEET

BIN = Path(sys.executable).parent
USER = "consultant"
AUTH = "Basic " + base64.b64encode(f"{USER}:any".encode()).decode()

MKCOL = b"""<?xml version="1.0" encoding="UTF-8"?>
<mkcol xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">
  <set><prop>
    <resourcetype><collection/><CR:addressbook/></resourcetype>
    <displayname>Phone</displayname>
  </prop></set>
</mkcol>"""

#: the card as a phone first uploads it (iPhone shape: grouped label, photo, X- property)
ION = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.1//EN\r\n"
    "N:Popescu;Ion;;;\r\nFN:Ion Popescu\r\nORG:Popescu SRL;\r\n"
    "item1.TEL;type=CELL;type=VOICE;type=pref:+40 721 234 567\r\n"
    "item1.X-ABLabel:_$!<Mobile>!$_\r\nX-ABUID:5B0A2F1E-0000-4000-8000-ION:ABPerson\r\n"
    "UID:ion-popescu-1\r\nEND:VCARD\r\n"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(method: str, url: str, body: bytes | None = None, **headers: str):
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", AUTH)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


@pytest.fixture
def carddav(tmp_path):
    """A Radicale server on a free port, its collections under tmp_path; an empty address
    book at the returned URL. Stopped at the end of the test."""
    port = _free_port()
    config = tmp_path / "radicale.conf"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\ntype = none\n"
        "[rights]\ntype = owner_only\n"
        "[storage]\n"
        f"filesystem_folder = {tmp_path / 'radicale'}\n"
        "[logging]\nlevel = warning\n"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    message = f"radicale did not start: {server.stderr.read()!r}"
                    raise RuntimeError(message) from None
                time.sleep(0.05)
        book = f"{base}/{USER}/phone/"
        _request("MKCOL", book, MKCOL, Content_Type="application/xml")
        yield book
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def vdirsyncer(tmp_path, carddav):
    """Run vdirsyncer with a config in tmp_path pairing the address book with a vdir."""
    vdir = tmp_path / "contacts"
    vdir.mkdir()
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(
        "[general]\n"
        f'status_path = "{tmp_path / "vdirsyncer-status"}/"\n\n'
        "[pair phone]\n"
        'a = "phone_local"\nb = "phone_remote"\ncollections = null\n\n'
        "[storage phone_local]\n"
        f'type = "filesystem"\npath = "{vdir}/"\nfileext = ".vcf"\n\n'
        "[storage phone_remote]\n"
        f'type = "carddav"\nurl = "{carddav}"\nusername = "{USER}"\npassword = "any"\n'
    )

    def run(*args: str) -> None:
        done = subprocess.run(
            [str(BIN / "vdirsyncer"), "-c", str(config), *args],
            capture_output=True,
            text=True,
            input="y\n" * 5,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    run("discover", "phone")
    run.vdir = vdir  # type: ignore[attr-defined]
    return run


def callsheet(db: Path | str, *args: str) -> str:
    done = subprocess.run(
        [CALLSHEET, *args, "--db", str(db)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_phone_edit_reaches_callsheet_and_a_phone_added_in_callsheet_reaches_the_server(
    tmp_path, db_path, carddav, vdirsyncer
):
    db = db_path
    vdir: Path = vdirsyncer.vdir
    # the phone creates the contact on the server
    status, _ = _request("PUT", carddav + "ion.vcf", ION.encode(), Content_Type="text/vcard")
    assert status in (200, 201, 204)
    vdirsyncer("sync", "phone")
    assert len(list(vdir.glob("*.vcf"))) == 1
    assert "1 clients added" in callsheet(db, "sync", "contacts", str(vdir))
    shown = callsheet(db, "show", "Ion Popescu", "--json")
    assert "+40 721 234 567" in shown and "Popescu SRL" in shown

    # the phone edits it: a new number and a note, PUT over the old card
    edited = ION.replace("+40 721 234 567", "+40 731 000 111").replace(
        "\r\nUID:", "\r\nNOTE:Met at the fair\r\nUID:"
    )
    _request("PUT", carddav + "ion.vcf", edited.encode(), Content_Type="text/vcard")
    vdirsyncer("sync", "phone")
    out = callsheet(db, "sync", "contacts", str(vdir))
    assert "1 updated" in out, out
    shown = callsheet(db, "show", "Ion Popescu", "--json")
    assert "+40 731 000 111" in shown and "+40 721 234 567" not in shown
    assert "Met at the fair" in shown

    # callsheet adds a phone; it reaches the server, the rest of the card as the phone made it
    callsheet(db, "add", "Ana Pop", "--phone", "+40 744 111 222")
    script = tmp_path / "add_phone.py"
    script.write_text(
        "import sys\n"
        "from callsheet.models.store.opening import open_database\n"
        "from callsheet.models.book.clients import update_client\n"
        "from callsheet.models.book.contact_points import PhoneInput\n"
        "from callsheet.models.store.tables import Client\n"
        "open_database(sys.argv[1])\n"
        "ion = Client.get(Client.name == 'Ion Popescu')\n"
        "update_client(ion, phones=[*(PhoneInput(p.raw, p.kind) for p in ion.phones),\n"
        "              PhoneInput('+40 755 222 333', 'work')])\n"
    )
    subprocess.run([sys.executable, str(script), str(db)], check=True)
    out = callsheet(db, "sync", "contacts", str(vdir))
    assert "1 cards written, 1 edited" in out, out
    vdirsyncer("sync", "phone")
    _, card = _request("GET", carddav + "ion.vcf")
    text = card.decode()
    assert "TEL;TYPE=WORK:+40755222333" in text
    assert "+40 731 000 111" in text and "X-ABUID:5B0A2F1E-0000-4000-8000-ION:ABPerson" in text
    # (Radicale stores cards as vobject writes them: property names in upper case)
    assert "item1.x-ablabel:_$!<mobile>!$_" in text.lower() and "NOTE:Met at the fair" in text
    # Ana's new card reached the server's address book too
    _, listing = _request("PROPFIND", carddav, Depth="1")
    assert listing.count(b".vcf</") == 2

    # nothing changed anywhere: nothing is written on either side
    before = {p.name: p.stat().st_mtime_ns for p in vdir.iterdir()}
    assert "0 cards written, 0 edited, 0 removed" in callsheet(db, "sync", "contacts", str(vdir))
    vdirsyncer("sync", "phone")
    assert {p.name: p.stat().st_mtime_ns for p in vdir.iterdir()} == before


def test_a_contact_deleted_on_the_phone_archives_the_client(db_path, carddav, vdirsyncer):
    db = db_path
    vdir: Path = vdirsyncer.vdir
    _request("PUT", carddav + "ion.vcf", ION.encode(), Content_Type="text/vcard")
    ana = ION.replace("Ion", "Ana").replace("ion-", "ana-").replace("721 234 567", "744 111 222")
    _request("PUT", carddav + "ana.vcf", ana.encode(), Content_Type="text/vcard")
    vdirsyncer("sync", "phone")
    callsheet(db, "sync", "contacts", str(vdir))
    callsheet(db, "log", "Ion Popescu", "Called about the offer")
    _request("DELETE", carddav + "ion.vcf")
    vdirsyncer("sync", "phone")
    out = callsheet(db, "sync", "contacts", str(vdir))
    assert "1 archived" in out, out
    shown = callsheet(db, "show", "Ion Popescu", "--json")
    assert '"archived": null' not in shown and '"archived": "' in shown
    assert "Called about the offer" in shown
    with pytest.raises(urllib.error.HTTPError):
        _request("GET", carddav + "ion.vcf")
