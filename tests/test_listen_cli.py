"""``callsheet listen`` and the Twinkle and Asterisk scripts, run as a user runs them: the
installed command in its own process, a real D-Bus daemon or TCP port, the store under test
(a SQLite file, or the PostgreSQL server in the second pass), the scripts through /bin/sh
with the environment or standard input Twinkle and Asterisk give them.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from callsheet.models.capture.ring import rings_after
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.tui.cli.telephony_hooks import ASTERISK_AGI_SCRIPT, TWINKLE_SCRIPT
from tests.commands import CALLSHEET
from tests.telephony_parts import Listening, PrivateBus, emit_kdeconnect_call, free_port, wait_for

README = Path(__file__).resolve().parent.parent / "README.md"
ION = "Ion Ionescu — GREETING, dl. Ionescu — risk low (0)"


def greeting_out(text: str) -> str:
    """``text`` with the greeting of the hour ("Bună ziua", "Bună seara") as GREETING."""
    return re.sub(r"— Bun[ăa] \w+,", "— GREETING,", text)


@pytest.fixture
def book(db_path):
    """The store under test with Ion Ionescu on 0721 234 567, closed again for the command."""
    from tests.factories import ion_ionescu

    open_database(db_path)
    ion_ionescu()
    close_database()
    return db_path


def stored(db_path) -> list[tuple[str, str, str, int | None]]:
    open_database(db_path)
    try:
        return [(r.event, r.number, r.source, r.client_id) for r in rings_after(0)]
    finally:
        close_database()


@pytest.fixture
def bus():
    bus = PrivateBus().start()
    yield bus
    bus.close()


def test_listen_kdeconnect_rings_the_store_and_stops_cleanly_on_ctrl_c(book, bus):
    listening = Listening("kdeconnect", "--address", bus.address, db=book)
    try:
        listening.wait("kdeconnect: listening for calls on the bus at unix:path=")
        emit_kdeconnect_call(bus, "callReceived", "0721 234 567", "Ion")
        emit_kdeconnect_call(bus, "callReceived", "7" * 3000, "")
        emit_kdeconnect_call(bus, "missedCall", "0744 555 010", "0744 555 010")
        listening.wait("kdeconnect: missed: unknown caller +40744555010")
        code = listening.interrupt()
    finally:
        listening.kill()
    assert code == 0
    assert listening.lines[0].startswith("callsheet listen: KDE Connect's calls on the bus at")
    assert [greeting_out(line) for line in listening.lines[2:]] == [
        f"kdeconnect: ringing: {ION}",
        "kdeconnect: left out: the number is 3,000 characters long, not a phone number",
        "kdeconnect: missed: unknown caller +40744555010",
        "callsheet listen: stopped",
    ]
    assert listening.process.stdout.read() == ""
    rows = stored(book)
    assert [row[:3] for row in rows] == [
        ("ringing", "0721 234 567", "kdeconnect"),
        ("missed", "0744 555 010", "kdeconnect"),
    ]
    assert rows[0][3] is not None and rows[1][3] is None


def test_listen_baresip_at_a_refused_port_says_so_and_keeps_trying(book):
    port = free_port()
    listening = Listening("baresip", "--port", str(port), db=book)
    try:
        listening.wait(
            f"callsheet listen: baresip's calls on ctrl_tcp at 127.0.0.1:{port} will ring"
        )
        listening.wait(
            "baresip: cannot connect ([Errno 111] Connection refused); trying again in 1 s"
        )
        listening.wait("trying again in 2 s")
        code = listening.interrupt()
    finally:
        listening.kill()
    assert code == 0 and listening.lines[-1] == "callsheet listen: stopped"
    assert not any("Traceback" in line for line in listening.lines)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["kdeconnect", "--port", "4444"], "--port: is for baresip, not kdeconnect"),
        (["baresip", "--address", "unix:path=/x"], "--address: is for kdeconnect and modemmanager"),
        (["baresip", "--port", "70000"], "--port: 70000 is not a TCP port"),
        (["modemmanager", "--address", "nonsense"], "is not a D-Bus address"),
    ],
)
def test_listen_options_for_another_source_are_bad_input(book, args, said):
    done = subprocess.run(
        [CALLSHEET, "listen", *args, "--db", str(book)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert said in done.stderr and len(done.stderr.splitlines()) == 1


def _script(text: str, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    path.chmod(0o755)
    return path


def _environment(db, **extra: str) -> dict[str, str]:
    path = f"{Path(CALLSHEET).parent}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PATH": path, "CALLSHEET_DB": str(db), **extra}


def test_twinkle_script_rings_and_prints_caller_name_for_twinkle(book, tmp_path):
    script = _script(TWINKLE_SCRIPT, tmp_path, "twinkle-callsheet.sh")
    sip = {
        "SIP_FROM_USER": "0721234567",
        "SIP_FROM_HOST": "sip.example.net",
        "SIP_CALL_ID": "a84b4c76e66710",
    }
    shown = []
    for trigger in ("in_call", "in_call_answered", "remote_release"):
        done = subprocess.run(
            [str(script)],
            env=_environment(book, TWINKLE_TRIGGER=trigger, **sip),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        shown.append(greeting_out(done.stdout))
    assert shown == [f"caller_name={ION}\n"] * 3
    unknown = subprocess.run(
        [str(script)],
        env=_environment(
            book,
            TWINKLE_TRIGGER="in_call_failed",
            SIP_FROM_USER="anonymous",
            SIP_FROM_HOST="anonymous.invalid",
            SIP_CALL_ID="x1",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.stdout == "caller_name=number withheld\n"
    assert [row[:3] for row in stored(book)] == [
        ("ringing", "sip:0721234567@sip.example.net", "twinkle"),
        ("answered", "sip:0721234567@sip.example.net", "twinkle"),
        ("ended", "sip:0721234567@sip.example.net", "twinkle"),
        ("missed", "sip:anonymous@anonymous.invalid", "twinkle"),
    ]


def test_asterisk_agi_script_reads_the_caller_id_from_agi_and_rings(book, tmp_path):
    script = _script(ASTERISK_AGI_SCRIPT, tmp_path, "callsheet-ring")
    agi = (
        "agi_request: callsheet-ring\nagi_channel: PJSIP/trunk-00000001\nagi_language: en\n"
        "agi_type: PJSIP\nagi_callerid: 0721234567\nagi_calleridname: Ion\n"
        "agi_extension: 100\nagi_priority: 1\n\n"
    )
    done = subprocess.run(
        [str(script)], input=agi, env=_environment(book), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout == ""  # nothing on the AGI channel
    rows = wait_for(lambda: stored(book), "the ring the AGI script stored")
    assert [row[:3] for row in rows] == [("ringing", "0721234567", "asterisk")]
    assert rows[0][3] is not None


def test_the_readme_shows_the_scripts_callsheet_ring_help_shows():
    readme = README.read_text()
    for script in (TWINKLE_SCRIPT, ASTERISK_AGI_SCRIPT):
        assert script.split("\n", 1)[1].strip() in readme
    shown = subprocess.run(
        [CALLSHEET, "ring", "--help"], capture_output=True, text=True, check=True
    )
    for script in (TWINKLE_SCRIPT, ASTERISK_AGI_SCRIPT):
        assert script.split("\n", 1)[1].strip() in shown.stdout
