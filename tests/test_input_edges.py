"""Hostile and unlucky input through the real ``callsheet`` entry point.

Each test provokes one failure measured in issue 13 (escape sequences in names, invalid
UTF-8, overflowing dates, deep or mistyped JSON, undecodable CSV bytes, a vCard cut short,
a duplicated re-import, a shared phone, a log entry in the future) and checks the outcome:
stored and valid, or one line naming the place with exit 2 and nothing written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from callsheet.models.exchange.shape import shape_problem
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import Client, Interaction, Invoice, Phone
from callsheet.models.values.text import has_raw_controls, markdown_inline, printable

FIXTURES = Path(__file__).parent / "fixtures"
EVIL = "\x1b]2;PWNED\x07\x1b[2JEvil\x9b31m"


def count_clients(db_path) -> int:
    open_database(db_path)
    try:
        return Client.select().count()
    finally:
        close_database()


# --- one sanitiser for every line printed ---------------------------------------------------


def test_printable_makes_controls_visible_and_keeps_real_text():
    assert printable(EVIL) == "\\x1b]2;PWNED\\x07\\x1b[2JEvil\\x9b31m"
    assert printable("Ana\u202eevil") == "Ana\\u202eevil"  # no right-to-left override
    assert (
        printable("Ștefan Țurcanu 👨\u200d👩\u200d👧 שלום")
        == "Ștefan Țurcanu 👨\u200d👩\u200d👧 שלום"
    )
    assert printable("two\nlines") == "two lines"
    assert printable("two\nlines", keep_newlines=True) == "two\nlines"
    assert not has_raw_controls(printable("\udcff\x00\x7f\u2028" + EVIL))


def test_markdown_escape_keeps_structure_and_shows_controls():
    assert markdown_inline("| # *x* [a](b)\n\x1b[2J") == "\\| \\# \\*x\\* \\[a\\](b) \\\\x1b\\[2J"


def test_add_log_who_and_import_print_no_raw_escape_bytes(cli, tmp_path):
    code, out, err = cli("add", EVIL, "--phone", "+40 721 234 567", "--salutation", EVIL)
    assert code == 0, err
    assert "\\x1b]2;PWNED" in out
    outputs = [out]
    for args in (
        ("log", "1", "--at", "2 hours ago", EVIL),
        ("who", "+40 721 234 567"),
        ("list",),
        ("show", "1"),
        ("risk", "1"),
        ("brief", "1"),
        ("brief", "1", "--markdown"),
        ("facts", "1"),
    ):
        code, out, err = cli(*args)
        assert code == 0, (args, err)
        outputs += [out, err]
    document = tmp_path / "evil.json"
    document.write_text(json.dumps({"format": "callsheet/1", "clients": [{"name": EVIL + "2"}]}))
    code, out, err = cli("import", "--dry-run", str(document))
    assert code == 0, err
    assert "new: \\x1b]2;PWNED" in out
    outputs += [out, err]
    for text in outputs:
        assert not has_raw_controls(text), text


def test_an_error_line_shows_user_text_literally(cli):
    cli("add", "Evil\x1b[2J one")
    cli("add", "Evil\x1b[2J two")
    code, out, err = cli("log", "Evil", "hello")
    assert code == 2 and "matches several clients" in err
    assert not has_raw_controls(err)


# --- argv, dates, numbers -------------------------------------------------------------------


def test_invalid_utf8_in_an_argument_is_named_in_one_line(db_path):
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}
    result = subprocess.run(
        [Path(sys.executable).parent / "callsheet", "add", b"Ana \xff Pop", "--db", str(db_path)],
        capture_output=True,
        env=env,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "argument 2 (after add)" in err and "not valid UTF-8" in err
    assert b"Traceback" not in result.stderr
    assert count_clients(db_path) == 0


@pytest.mark.parametrize(
    "at, message",
    [
        ("9999-12-31T23:59:59-14:00", "outside the years 1900-2200"),
        ("99999999 days ago", "outside the years 1900-2200"),
        ("0001-01-01", "'0001-01-01'"),
        ("in 3 days", "is in the future"),
        ("2062-11-20", "is in the future"),  # a mistyped year
    ],
)
def test_a_log_entry_at_an_impossible_or_future_moment_is_refused(cli, db_path, at, message):
    cli("add", "Ana Pop")
    code, out, err = cli("log", "Ana", "--at", at, "hello")
    assert code == 2 and message in err and "Traceback" not in err
    open_database(db_path)
    assert Interaction.select().count() == 0


@pytest.mark.parametrize("minutes", ["1" + "0" * 40, "-5", "9" * 13, "NaN"])
def test_impossible_minutes_are_refused(cli, minutes):
    cli("add", "Ana Pop")
    code, out, err = cli("log", "Ana", "--minutes", minutes, "hello")
    assert code == 2 and "minutes" in err


# --- callsheet/1 documents ------------------------------------------------------------------


def _import(cli, tmp_path, content: bytes | str, name: str = "in.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return cli("import", str(path))


@pytest.mark.parametrize(
    "content, message",
    [
        (
            b'{"format": "callsheet/1", "clients": [{"name": "Ana \xff"}]}',
            "line 1, column 53: not UTF-8 text (byte 0xff)",
        ),
        (
            b'{"format": "callsheet/1",\n "clients": [{"name": "Ana"},]}',
            "line 2, column 30: not valid JSON: expecting value",
        ),
        (
            b'{"format": "callsheet/1",\n "clients": [{"name": "Ana"',
            "line 2, column 28: not valid JSON: the text ends early",
        ),
        ('{"format": "callsheet/1", "clients": ' + "[" * 5000 + "]" * 5000 + "}", "nested"),
        (
            '{"format": "callsheet/1", "clients": [{"name": "Ana", '
            '"time_entries": [{"start": "2026-11-01T10:00:00+02:00", "minutes": null}]}]}',
            "time_entries[0].minutes: expected a whole number, got null",
        ),
        (
            '{"format": "callsheet/1", "clients": [{"name": "Ana", "status": 7}]}',
            "'Ana': status: expected text, got a whole number",
        ),
        (
            '{"format": "callsheet/1", "clients": [{"name": ["Ana"]}]}',
            "clients[0]: name: expected text, got a list",
        ),
        (
            '{"format": "callsheet/1", "clients": [{"name": "Ana", "invoices": '
            '[{"number": "1", "amount": 123456789012345678901234567890, "issued": "2026-01-01"}]}]}',
            "invoices[0].amount",
        ),
        (
            '{"format": "callsheet/1", "clients": [{"name": "Ana", "invoices": '
            '[{"number": "1", "amount": 0, "issued": "2026-01-01"}]}]}',
            "an amount must be above 0",
        ),
        (
            '{"format": "callsheet/1", "clients": [{"name": "Ana", "interactions": '
            '[{"at": "2099-01-01T10:00:00+02:00", "channel": "call"}]}]}',
            "interactions[0].at: 2099-01-01T10:00:00+02:00 is in the future",
        ),
    ],
)
def test_a_bad_document_is_one_named_problem_and_nothing_is_written(
    cli, tmp_path, db_path, content, message
):
    code, out, err = _import(cli, tmp_path, content)
    assert code == 2 and message in err, err
    assert "Traceback" not in err
    assert count_clients(db_path) == 0


def test_reimporting_clients_without_contact_points_adds_nothing_and_says_so(cli, tmp_path):
    document = {
        "format": "callsheet/1",
        "clients": [
            {
                "name": "Ana  Pop",
                "interactions": [{"at": "2026-11-01T10:00:00+02:00", "channel": "note"}],
            },
            {"name": "Bob Stone"},
        ],
    }
    path = tmp_path / "book.json"
    path.write_text(json.dumps(document))
    code, out, err = cli("import", str(path))
    assert code == 0 and "added 2 clients" in out
    code, out, err = cli("import", str(path))
    assert code == 0 and "added 0 clients, merged 2" in out and "0 log entries" in out
    assert "merge: Ana Pop -> #1 Ana Pop (same name)" in out
    assert [c["name"] for c in cli.json("list", "--json")] == ["Ana Pop", "Bob Stone"]


def test_export_then_import_twice_into_a_fresh_book_is_stable(cli, tmp_path, db_path):
    cli("add", "No Contact")
    cli("add", "Ana Pop", "--phone", "+40 721 234 567")
    cli("log", "No", "--at", "2 hours ago", "talked")
    code, out, err = cli("export", "-o", str(tmp_path / "all.json"))
    assert code == 0, err
    fresh = tmp_path / "fresh.db"
    for _ in range(2):
        code, out, err = cli("import", str(tmp_path / "all.json"), "--db", str(fresh), db=False)
        assert code == 0, err
    open_database(fresh)
    assert Client.select().count() == 2 and Interaction.select().count() == 1


# --- vCard and CSV --------------------------------------------------------------------------


def test_a_vcard_missing_its_end_is_imported_and_reported(cli, db_path):
    code, out, err = cli("import", str(FIXTURES / "missing-end.vcf"))
    assert code == 0, err
    assert "added 3 clients" in out and "card 1 (line 1): no END:VCARD" in out
    open_database(db_path)
    assert sorted(c.name for c in Client.select()) == ["First Card", "Second Card", "Third Card"]


def test_a_phone_book_with_a_short_local_number_in_a_tel_uri_imports_whole(cli, db_path):
    code, out, err = cli("import", str(FIXTURES / "phone-book-4.0.vcf"))
    assert code == 0, err
    assert "added 3 clients" in out
    assert "warning: card 2 (line 10) 'Garage Service': phones[0]: kept as typed" in out
    open_database(db_path)
    garage = Client.get(Client.name == "Garage Service")
    [phone] = garage.phones
    assert phone.raw == "1850" and phone.e164.startswith("?")
    radu = Client.get(Client.name == "Radu Popa")
    assert [p.e164 for p in radu.phones] == ["+40722111222"]
    close_database()
    code, out, err = cli("show", "Garage")
    assert "1850 (?)" in out
    code, out, err = cli("brief", "Garage")
    assert "1850 (?)" in out
    code, out, err = cli("who", "1850")  # the softphone shows the short number as is
    assert code == 0 and out.startswith("Garage Service")
    # the same book again: every card merged, nothing added
    code, out, err = cli("import", str(FIXTURES / "phone-book-4.0.vcf"))
    assert "added 0 clients, merged 3" in out
    assert "merge: Garage Service -> #2 Garage Service (same phone 1850)" in out


def test_a_csv_in_cp1252_with_bytes_latin1_lacks_is_decoded(cli, tmp_path, db_path):
    path = tmp_path / "outlook.csv"
    path.write_bytes("Name;Company;Notes\r\nŠtefan Dvorák;Café „Œuvre“;€ 10\r\n".encode("cp1252"))
    code, out, err = cli("import", str(path))
    assert code == 0, err
    open_database(db_path)
    [client] = Client.select()
    assert client.name.startswith("Š") and client.notes == "€ 10"


def test_an_oversized_csv_field_names_its_line(cli, tmp_path, db_path):
    path = tmp_path / "big.csv"
    path.write_text("name,notes\nAna Pop,short\nBob Stone," + "x" * 200_000 + "\n")
    code, out, err = cli("import", str(path))
    assert code == 2 and "line 3" in err and "Traceback" not in err
    assert count_clients(db_path) == 0
    code, out, err = cli("import", "--skip-bad", str(path))
    assert code == 1 and "skipped line 3" in out
    assert count_clients(db_path) == 1


# --- add stays strict -----------------------------------------------------------------------


def test_add_refuses_a_phone_another_client_has_and_names_them(cli, db_path):
    cli("add", "Ion Ionescu", "--phone", "0721 234 567", "--email", "ion@example.ro")
    code, out, err = cli("add", "Ion Junior", "--phone", "+40 721-234-567")
    assert code == 2 and "already belongs to #1 Ion Ionescu" in err
    assert "--allow-shared-phone" in err
    code, out, err = cli("add", "Ion Junior", "--email", "ION@example.ro")
    assert code == 2 and "already belongs to #1 Ion Ionescu" in err
    assert count_clients(db_path) == 1
    code, out, err = cli("add", "Ion Junior", "--phone", "+40721234567", "--allow-shared-phone")
    assert code == 0, err
    open_database(db_path)
    assert Phone.select().where(Phone.e164 == "+40721234567").count() == 2


def test_add_still_refuses_a_phone_it_cannot_read(cli, db_path):
    code, out, err = cli("add", "Garage", "--phone", "1850")
    assert code == 2 and "phone" in err
    assert count_clients(db_path) == 0


def test_an_invoice_amount_must_be_above_zero(db):
    from callsheet.models.book import clients as ops
    from callsheet.models.values.validate import InputError

    client = ops.add_client("Ana")
    for amount in ("0", "-10", -3):
        with pytest.raises(InputError, match="above 0"):
            ops.add_invoice(client, number="1", amount=amount, issued=client.created_at.date())
    assert Invoice.select().count() == 0


def test_a_line_shared_on_purpose_stays_editable_but_a_new_shared_one_is_refused(db):
    from callsheet.models.book import clients as ops
    from callsheet.models.values.validate import InputError

    ops.add_client("Ion Ionescu", phones=["+40 721 234 567"], emails=["ion@example.ro"])
    junior = ops.add_client("Ion Junior", phones=["+40721234567"], allow_shared_phone=True)
    ops.update_client(junior, company="Carpați", phones=["+40 721 234 567"])
    with pytest.raises(InputError, match="already belongs to #1 Ion Ionescu"):
        ops.update_client(junior, emails=["ion@example.ro"])
    assert Client.get_by_id(junior.id).company == "Carpați"


def test_argument_errors_echo_what_was_typed_without_raw_escapes(cli):
    code, out, err = cli("add", "--", "--phone", "\x1b]2;PWNED\x07")
    assert code == 2 and "unrecognized arguments" in err and "\\x1b]2;PWNED" in err
    code, out, err = cli("export", "--format", "\x9b2J")
    assert code == 2 and "invalid choice" in err
    assert not has_raw_controls(err)


def test_an_empty_output_name_is_one_line(cli):
    cli("add", "Ana Pop")
    code, out, err = cli("export", "-o", "")
    assert code == 2 and "file name is empty" in err and "Traceback" not in err


def test_a_running_time_entry_is_named_not_dropped_silently(cli, tmp_path):
    cli("add", "Ana Pop")
    export = tmp_path / "timew.json"
    export.write_text(
        '[{"id": 1, "start": "20261120T090000Z", "end": "20261120T100000Z", "tags": ["Ana Pop"]},'
        ' {"id": 2, "start": "20261121T090000Z", "tags": ["Ana Pop"]}]'
    )
    code, out, err = cli("import", "--format", "timewarrior", str(export))
    assert code == 0, err
    assert "added 1 time entry" in out and "warning: entry 1: still running" in out


@pytest.mark.parametrize("ref", ["²", "١٢", "9" * 40])
def test_a_client_reference_that_only_looks_like_an_id_is_not_found_cleanly(cli, ref):
    cli("add", "Ana Pop")
    code, out, err = cli("log", ref, "hello")  # found by the fuzz test: "²".isdigit() is True
    assert code == 1 and "no client matches" in err


def test_a_shape_problem_in_a_wording_we_do_not_know_still_names_the_field_and_the_value():
    # A newer msgspec may word its errors differently: the line stays ours.
    error = msgspec.ValidationError("Some new wording - at `$.phones[1].number`")
    raw = {"name": "Ana", "phones": ["0721 234 567", {"number": ["0721"]}]}
    assert shape_problem(error, raw) == "phones[1].number: not an allowed value here (got a list)"
