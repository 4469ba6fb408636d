"""`callsheet mail`: Maildir trees, mbox and odd real-world messages become the e-mail log.

The Maildir tree in tests/fixtures/mail/maildir (made by make_maildir.py there) has nested
folders, a message filed twice, one without Message-ID filed twice, HTML-only mail, a
KOI8-R message without Date, an encrypted one, garbage and mangled headers; the files in
tests/fixtures/mail/cpython come from CPython's e-mail test suite (see the README there).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.capture.message import read_message
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import CaptureMark, Interaction

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
ME = "me@consult.example"


@pytest.fixture
def maildir(tmp_path):
    """A private copy of the fixture tree: runs record marks against its absolute path."""
    target = tmp_path / "Mail"
    shutil.copytree(FIXTURES / "maildir", target)
    return target


@pytest.fixture
def people(db_path):
    open_database(db_path)
    ids = {
        "ion": ops.add_client("Ion Ionescu", emails=["ion@carpati.example"]).id,
        "anna": ops.add_client("Anna Kowalska", emails=["anna@kowalska.example"]).id,
        "oleg": ops.add_client("Oleg Volkov", emails=["oleg@volga.example"]).id,
    }
    from callsheet.models.store.db import close_database

    close_database()
    return ids


def _log(db_path, client_id):
    open_database(db_path)
    rows = list(
        Interaction.select()
        .where(Interaction.client == client_id)
        .order_by(Interaction.occurred_at, Interaction.id)
    )
    from callsheet.models.store.db import close_database

    close_database()
    return rows


def test_a_maildir_tree_logs_each_distinct_message_once_per_client_and_a_rerun_adds_nothing(
    cli, people, maildir, db_path
):
    code, out, err = cli("mail", str(maildir), "--me", ME)
    assert code == 0, err
    assert "logged 8 entries" in out
    assert "2 copies of messages seen in another folder" in out
    ion = _log(db_path, people["ion"])
    # the first mail (filed in INBOX and Archive) once, the reply to him, the encrypted one,
    # and the one with mangled headers whose address could still be read
    assert [i.external_key for i in ion] == [
        "mid:<ion-1@carpati.example>",
        "mid:<reply-1@consult.example>",
        "mid:<ion-pgp@carpati.example>",
        "mid:<bad-headers@carpati.example>",
    ]
    assert len(ion) == 4
    first, reply = ion[0], ion[1]
    assert (first.direction, first.channel, first.source) == ("in", "email", "mail")
    assert first.occurred_at == datetime(2026, 11, 10, 7, 14, tzinfo=UTC)
    assert first.summary == (
        "Factură restantă — Nu plătesc factura până nu vorbim. Am vorbit deja cu avocatul."
    )
    assert first.external_key == "mid:<ion-1@carpati.example>"
    assert reply.direction == "out" and reply.occurred_at == datetime(
        2026, 11, 10, 10, 30, tzinfo=UTC
    )
    # the reply went to Ion with Anna in Cc: both get it
    anna = _log(db_path, people["anna"])
    assert [i.external_key for i in anna].count("mid:<reply-1@consult.example>") == 1
    # the message without a Message-ID was filed twice: one entry, keyed by its headers
    assert sum(i.external_key.startswith("hdr:") for i in anna) == 1

    code, out, err = cli("mail", str(maildir), "--me", ME)
    assert code == 0, err
    assert "logged 0 entries" in out
    code, out, err = cli("mail", str(maildir), "--me", ME, "--rescan")
    assert code == 0 and "logged 0 entries" in out and "8 already in the log" in out
    assert len(_log(db_path, people["ion"])) == 4


def test_html_only_mail_is_summarised_from_its_text_without_the_quoted_part(
    cli, people, maildir, db_path
):
    cli("mail", str(maildir), "--me", ME)
    (html,) = [i for i in _log(db_path, people["anna"]) if "anna-html" in (i.external_key or "")]
    assert html.summary == "Świetna robota — Dziękuję bardzo za projekt & za szybką pracę!"
    # "Nie zapłacę" is only in the quoted block: praise is suggested, refusal is not
    assert html.suggested_signals == ["praise"]


def test_a_message_without_date_takes_its_received_stamp_and_a_koi8_body_is_read(
    cli, people, maildir, db_path
):
    cli("mail", str(maildir), "--me", ME)
    (oleg,) = _log(db_path, people["oleg"])
    assert oleg.occurred_at == datetime(2026, 11, 12, 5, 0, tzinfo=UTC)
    assert oleg.summary == "Счёт — Не буду платить за вторую часть."
    assert oleg.suggested_signals == ["refused_payment"]


def test_a_message_without_date_or_received_takes_the_file_time(cli, people, maildir, db_path):
    stamp = datetime(2026, 11, 12, 9, 30, tzinfo=UTC).timestamp()
    for path in maildir.rglob("*M6P1*"):
        os.utime(path, (stamp, stamp))
    for path in maildir.rglob("*M7P1*"):
        path.unlink()  # leave one copy, so which file wins is not in question
    cli("mail", str(maildir), "--me", ME)
    (no_date,) = [i for i in _log(db_path, people["anna"]) if i.external_key.startswith("hdr:")]
    assert no_date.occurred_at == datetime(2026, 11, 12, 9, 30, tzinfo=UTC)


def test_dry_run_writes_nothing_and_lists_correspondents_who_are_not_clients(
    cli, people, maildir, db_path
):
    code, out, err = cli("mail", str(maildir), "--me", ME, "--dry-run")
    assert code == 0, err
    assert "would log 8 entries" in out
    assert "news@shop.example" in out
    assert "Oleg Volkov: Счёт — Не буду платить за вторую часть." in out
    assert _log(db_path, people["ion"]) == []
    open_database(db_path)
    assert CaptureMark.select().count() == 0


def test_only_mail_that_arrived_since_the_last_run_is_read_again(cli, people, maildir, db_path):
    # A run's mark stops a quarter second before it began (mail landing mid-scan is read
    # next time): let the copied tree be older than that.
    time.sleep(0.3)
    cli("mail", str(maildir), "--me", ME)
    new = maildir / "INBOX" / "new" / "1764300000.M99P1.host"
    new.write_bytes(
        b"From: ion@carpati.example\nTo: me@consult.example\nSubject: Invoice paid\n"
        b"Date: Sat, 28 Nov 2026 10:00:00 +0200\nMessage-ID: <paid@carpati.example>\n\n"
        b"I have paid the invoice today.\n"
    )
    report = cli.json("mail", str(maildir), "--me", ME, "--json")
    assert report["messages"] == 1 and report["not_read"] == 11
    # mail delivered right after a run is read by the next one, and logged once
    late = maildir / "INBOX" / "new" / "1764300001.M100P1.host"
    late.write_bytes(new.read_bytes().replace(b"<paid@", b"<late@"))
    report = cli.json("mail", str(maildir), "--me", ME, "--json")
    assert report["logged"] == 1
    assert report["logged"] == 1
    assert report["entries"][0]["suggested_signals"] == ["paid_on_time"]


def test_since_leaves_out_older_mail(cli, people, maildir, db_path):
    report = cli.json("mail", str(maildir), "--me", ME, "--since", "2026-11-12", "--json")
    # Oleg's, Ion's encrypted one, and the two without any date (file time: today)
    assert report["logged"] == 4
    assert report["before_since"] == 3  # Ion's first mail, the reply, Anna's HTML mail


def test_mail_paths_and_my_addresses_come_from_the_config(
    cli, people, maildir, db_path, tmp_path, monkeypatch
):
    config = tmp_path / "config.toml"
    config.write_text(f'my_addresses = ["{ME}"]\nmail_paths = ["{maildir}"]\n')
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config))
    report = cli.json("mail", "--json")
    assert report["logged"] == 8
    assert {e["direction"] for e in report["entries"] if e["summary"].startswith("Re:")} == {"out"}


def test_a_missing_path_is_one_line_and_exit_2(cli, people, tmp_path):
    code, out, err = cli("mail", str(tmp_path / "nowhere"))
    assert code == 2
    assert err.startswith("callsheet: ") and "nowhere" in err and len(err.splitlines()) == 1


def test_real_world_oddities_from_cpython_are_read_not_fatal():
    received_only = read_message((FIXTURES / "cpython" / "msg_15.txt").read_bytes())
    assert received_only.at == datetime(2001, 4, 30, 10, 17, 50, tzinfo=UTC)
    assert received_only.senders == ["xx@xx.dk"] and received_only.key == "mid:<xxxx>"
    assert received_only.first_line == "Some removed test."
    no_blank_line = read_message((FIXTURES / "cpython" / "msg_35.txt").read_bytes())
    assert no_blank_line.defects and no_blank_line.key.startswith("hdr:")
    assert no_blank_line.recipients == ["bperson@dom.ain"]
    hour_27 = read_message((FIXTURES / "cpython" / "msg_47.txt").read_bytes())
    assert hour_27.at is None and hour_27.senders == ["123@example.com"]


def test_an_mbox_file_is_read_and_logged(cli, db_path, tmp_path):
    box = tmp_path / "clients.mbox"
    box.write_bytes(
        (FIXTURES / "cpython" / "mailbox_01.mbox").read_bytes()
        + b"\nFrom ion@carpati.example Tue Nov 10 09:00:00 2026\n"
        b"From: ion@carpati.example\nTo: me@consult.example\nSubject: Lawyer\n"
        b"Date: Tue, 10 Nov 2026 09:00:00 +0200\nMessage-ID: <mbox-1@carpati.example>\n\n"
        b"Hello,\n\nOur lawyer will write to you.\n>From the archive\n"
    )
    cli("add", "Ion Ionescu", "--email", "ion@carpati.example")
    report = cli.json("mail", str(box), "--json")
    # mailbox_01.mbox has an unquoted "From " line in its body, which splits it in two:
    # the pieces have no client's address, so they are read and left out
    assert report["messages"] == 3 and report["logged"] == 1
    assert report["entries"][0]["summary"] == "Lawyer — Our lawyer will write to you."
    assert report["entries"][0]["suggested_signals"] == ["legal_threat"]
    assert cli.json("mail", str(box), "--json")["not_read"] == 1


def test_the_report_json_counts_what_was_skipped(cli, people, maildir):
    report = cli.json("mail", str(maildir), "--me", ME, "--json")
    assert report["encrypted"] == 1
    assert report["duplicates"] == 2
    assert report["unknown"] == {"news@shop.example": 1}
    assert json.dumps(report)  # plain JSON all the way down


def test_suggestions_follow_who_wrote_the_words_and_skip_outlook_quotes(cli, tmp_path):
    box = tmp_path / "thread.mbox"
    box.write_bytes(
        b"From ion@carpati.example Tue Nov 10 09:00:00 2026\n"
        b"From: ion@carpati.example\nTo: me@consult.example\nSubject: Invoice\n"
        b"Date: Tue, 10 Nov 2026 09:00:00 +0200\nMessage-ID: <in-1@carpati.example>\n\n"
        b"My mistake, I sent it to the wrong address. Thanks so much for your patience.\n"
        b"\nFrom me@consult.example Tue Nov 10 10:00:00 2026\n"
        b"From: me@consult.example\nTo: ion@carpati.example\nSubject: RE: Invoice\n"
        b"Date: Tue, 10 Nov 2026 10:00:00 +0200\nMessage-ID: <out-1@consult.example>\n\n"
        b"My mistake: the total was wrong, here is the right one. Great job on the launch!\n\n"
        b"________________________________\nFrom: Ion Ionescu <ion@carpati.example>\n"
        b"Sent: Tuesday\n\nWe are not paying this until it is fixed.\n"
    )
    cli("add", "Ion Ionescu", "--email", "ion@carpati.example")
    report = cli.json("mail", str(box), "--me", ME, "--json")
    suggested = {e["direction"]: e["suggested_signals"] for e in report["entries"]}
    assert suggested == {"in": ["praise"], "out": ["own_mistake"]}


def test_a_message_with_a_large_attachment_is_read_from_its_top_and_not_called_broken():
    attachment = b"QUJD" * 19 + b"\n"
    data = (
        b"From: ion@carpati.example\nTo: me@consult.example\nSubject: Drawings\n"
        b"Date: Tue, 10 Nov 2026 09:00:00 +0200\nMessage-ID: <big@carpati.example>\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain; charset=utf-8\n\nThe drawings are attached.\n"
        b"--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
        + attachment * 8000
        + b"--b--\n"
    )
    assert len(data) > 512 * 1024
    mail = read_message(data)
    assert mail.first_line == "The drawings are attached." and mail.defects == 0
