"""vCard, CSV and time-tracker imports; CSV, vCard and iCalendar exports; backups."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callsheet.models.book import clients as ops
from callsheet.models.store.db import close_database
from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import Client, Phone, TimeEntry
from tests.conftest import NOW

FIXTURES = Path(__file__).parent / "fixtures"


#: who is in the contact files the tests import (tests/fixtures)
IN_CONTACTS_3_0_VCF = ["Ștefan Țurcanu", "Małgorzata Wiśniewska", "Дмитрий Кузнецов"]
IN_GOOGLE_CSV = ["Ion Popescu", "Anna Kowalska"]


def names() -> list[str]:
    return sorted(c.name for c in Client.select())


def test_vcards_of_three_versions_import_with_names_phones_emails_and_notes(cli, db_path):
    code, out, err = cli(
        "import",
        str(FIXTURES / "contacts-3.0.vcf"),
        str(FIXTURES / "contacts-2.1.vcf"),
        str(FIXTURES / "contacts-4.0.vcf"),
    )
    assert code == 0, err
    open_database(db_path)
    assert names() == sorted([*IN_CONTACTS_3_0_VCF, "Ana-Mară Ionescu", "Olivia Turner"])
    stefan = Client.get(Client.name == "Ștefan Țurcanu")
    assert {(p.e164, p.kind) for p in stefan.phones} == {
        ("+40721234567", "mobile"),
        ("+40213120000", "work"),
    }
    assert stefan.company == "Carpați Soft SRL" and "folded over two lines" in stefan.notes
    assert stefan.tags == ["vip", "retainer"]
    ana = Client.get(Client.name == "Ana-Mară Ionescu")
    assert ana.notes == "Plătește în două rate." and [e.address for e in ana.emails] == [
        "ana@example.ro"
    ]
    assert [p.e164 for p in Client.get(Client.name == "Olivia Turner").phones] == ["+442079460958"]


def test_strict_refuses_a_malformed_vcard_file_whole_and_names_the_card(cli, db_path):
    code, out, err = cli("import", "--strict", str(FIXTURES / "malformed.vcf"))
    assert code == 2
    assert "card 3 (line 11): line 13: 'FN Broken line without a colon' has no ':'" in err
    open_database(db_path)
    assert Client.select().count() == 0


def test_one_bad_card_never_sinks_the_book_and_fixing_it_adds_only_it(cli, db_path, tmp_path):
    # The issue changed the default for vCards: the good cards come in, the bad one is
    # named among the warnings, exit 0.
    code, out, err = cli("import", str(FIXTURES / "malformed.vcf"))
    assert code == 0, err
    assert "warning: not imported: card 3 (line 11): line 13:" in out
    assert "fix or delete that line" in out
    open_database(db_path)
    assert names() == ["Bad Phone", "Good Card"]
    close_database()
    fixed = tmp_path / "fixed.vcf"
    text = (FIXTURES / "malformed.vcf").read_text()
    fixed.write_text(text.replace("FN Broken line", "FN:Broken line"))
    code, out, err = cli("import", str(fixed))
    assert code == 0, err
    assert "added 1" in out and "merged 2" in out
    open_database(db_path)
    assert names() == ["Bad Phone", "Broken line without a colon", "Good Card"]


def test_skip_bad_imports_the_good_cards_and_lists_the_rest(cli, db_path):
    code, out, err = cli("import", "--skip-bad", str(FIXTURES / "malformed.vcf"))
    assert code == 1  # something was skipped
    assert "skipped card 3" in out
    # a number that cannot be normalised is kept as typed, with a warning, not a rejection
    assert "warning: card 2 (line 6) 'Bad Phone': phones[0]: kept as typed" in out
    open_database(db_path)
    assert names() == ["Bad Phone", "Good Card"]
    [kept] = Client.get(Client.name == "Bad Phone").phones
    assert kept.raw == "12" and kept.e164 == "?12"


def test_dry_run_shows_what_would_change_and_writes_nothing(cli, db_path):
    code, out, err = cli("import", "--dry-run", str(FIXTURES / "contacts-3.0.vcf"))
    assert code == 0, err
    assert "would add 3 clients" in out and "new: Ștefan Țurcanu" in out
    open_database(db_path)
    assert Client.select().count() == 0


def test_a_card_matching_a_known_phone_is_merged(cli, db_path):
    cli("add", "Stefan T.", "--phone", "+40 721 234 567")
    code, out, err = cli("import", str(FIXTURES / "contacts-3.0.vcf"))
    assert code == 0, err
    assert "merged 1" in out
    open_database(db_path)
    assert Client.select().count() == 3
    merged = Client.get(Client.name == "Stefan T.")
    assert merged.company == "Carpați Soft SRL" and len(list(merged.phones)) == 2


def test_google_and_outlook_csv_with_bom_semicolons_and_quoted_newlines(cli, db_path):
    code, out, err = cli("import", str(FIXTURES / "google.csv"), str(FIXTURES / "outlook.csv"))
    assert code == 0, err
    open_database(db_path)
    assert names() == sorted([*IN_GOOGLE_CSV, "James Wright", "Георгий Смирнов"])
    assert (
        Client.get(Client.name == "Георгий Смирнов").notes
        == "Two lines\nof notes; with a semicolon"
    )
    assert len(list(Client.get(Client.name == "Anna Kowalska").phones)) == 2


def test_a_malformed_csv_names_its_lines_and_changes_nothing(cli, db_path):
    code, out, err = cli("import", str(FIXTURES / "malformed.csv"))
    assert code == 2 and "line 3: 4 cells" in err and "line 4 'Bad Email'" in err
    open_database(db_path)
    assert Client.select().count() == 0


def test_csv_columns_can_be_mapped(cli, db_path, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("Kundin,Handy\nAna Pop,0721 555 666\n", encoding="utf-8")
    code, _, err = cli("import", str(odd))
    assert code == 2 and "no name column" in err
    code, _, err = cli("import", "--map", "Kundin=name", "--map", "Handy=phone", str(odd))
    assert code == 0, err
    open_database(db_path)
    assert [p.e164 for p in Client.get(Client.name == "Ana Pop").phones] == ["+40721555666"]


def test_watson_and_timewarrior_exports_become_time_entries(cli, db_path):
    cli("import", str(FIXTURES / "contacts-3.0.vcf"))
    code, out, err = cli("import", "--map", "carpati=Ștefan Țurcanu", str(FIXTURES / "watson.json"))
    assert code == 0, err
    code, out, err = cli(
        "import", "--map", "wisniewska=Małgorzata Wiśniewska", str(FIXTURES / "timewarrior.json")
    )
    assert code == 0, err
    code, out, err = cli("import", "--map", "carpati=Ștefan Țurcanu", str(FIXTURES / "watson.json"))
    assert "added 0 time entries" in out  # the same export twice adds nothing
    open_database(db_path)
    stefan = Client.get(Client.name == "Ștefan Țurcanu")
    assert sorted(t.minutes for t in TimeEntry.select().where(TimeEntry.client == stefan)) == [
        45,
        90,
    ]
    gosia = Client.get(Client.name == "Małgorzata Wiśniewska")
    assert sorted(t.minutes for t in TimeEntry.select().where(TimeEntry.client == gosia)) == [
        45,
        90,
    ]


def test_a_time_entry_for_an_unknown_project_is_named(cli):
    code, _, err = cli("import", str(FIXTURES / "watson.json"))
    assert code == 2 and "entry 0" in err and "carpati" in err


def test_csv_and_vcf_exports_round_trip_the_clients(cli, tmp_path):
    cli("import", str(FIXTURES / "contacts-3.0.vcf"), str(FIXTURES / "google.csv"))
    for kind in ("csv", "vcf"):
        target = tmp_path / f"out.{kind}"
        code, _, err = cli("export", "--format", kind, "-o", str(target))
        assert code == 0, err
    close_database()
    fresh = tmp_path / "fresh.db"
    for kind in ("csv", "vcf"):
        code, out, err = cli("import", str(tmp_path / f"out.{kind}"), "--db", str(fresh), db=False)
        assert code == 0, err
    open_database(fresh)
    # the second file merged into the first on phones and e-mails: no duplicates
    assert names() == sorted(IN_CONTACTS_3_0_VCF + IN_GOOGLE_CSV)
    assert Client.get(Client.name == "Ion Popescu").notes == "Owes for the audit"
    assert Phone.select().where(Phone.e164 == "+40721234567").count() == 1


def test_ics_export_lists_open_follow_ups_as_todos(db, tmp_path):
    from icalendar import Calendar

    from callsheet.models.exchange.exporters import write_ics

    client = ops.add_client("Ana Pop", now=NOW)
    ops.add_follow_up(client, NOW + timedelta(days=1), "Send the quote")
    done = ops.add_follow_up(client, NOW - timedelta(days=1), "Old thing")
    ops.complete_follow_up(done, now=NOW)
    target = tmp_path / "f.ics"
    with target.open("w", encoding="utf-8") as stream:
        assert write_ics(stream) == 1
    [todo] = Calendar.from_ical(target.read_bytes()).walk("VTODO")
    assert str(todo["summary"]) == "Ana Pop: Send the quote"
    assert todo.decoded("due") == NOW + timedelta(days=1)


def test_ten_thousand_cards_import_in_one_go(db, tmp_path):
    from callsheet.models.exchange.importers import import_file

    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL:+40 72{i:07d}\r\nEND:VCARD\r\n"
        for i in range(2000)
    )
    big = tmp_path / "big.vcf"
    big.write_text(cards, encoding="utf-8")
    seen = []
    report = import_file(
        big, "vcf", region="RO", progress=lambda done, total: seen.append((done, total))
    )
    assert len(report.added) == 2000 and Client.select().count() == 2000
    assert seen[-1] == (2000, 2000)


def test_a_person_repeated_in_one_file_merges_into_their_first_card(db, tmp_path):
    """New clients are inserted in batches: a repeat within a batch and one after it both
    merge into the first card, each named with the id it got."""
    from callsheet.models.exchange.importers import import_file

    cards = [
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL:+40 72{i:07d}\r\n"
        f"EMAIL:p{i}@example.org\r\nEND:VCARD\r\n"
        for i in range(700)
    ]
    cards.append(  # same e-mail as card 2, in the first batch
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Second Again\r\nEMAIL:p1@example.org\r\n"
        "ORG:Later Ltd\r\nEND:VCARD\r\n"
    )
    cards.append(  # a new phone for card 601, the second batch
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P600\r\nTEL:+40 720000600\r\nTEL:+48 501234567\r\n"
        "END:VCARD\r\n"
    )
    book = tmp_path / "repeats.vcf"
    book.write_text("".join(cards), encoding="utf-8")
    report = import_file(book, "vcf", region="RO")
    second = Client.get(Client.name == "Person 1")
    later = Client.get(Client.name == "Person 600")
    assert len(report.added) == 700 and Client.select().count() == 700
    assert report.merged == [
        f"Second Again -> #{second.id} Person 1 (same e-mail p1@example.org)",
        f"P600 -> #{later.id} Person 600 (same phone +40720000600)",
    ]
    assert second.company == "Later Ltd"
    assert sorted(p.e164 for p in later.phones) == ["+40720000600", "+48501234567"]


# --- backups ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_backup_and_restore_keep_the_current_database_aside(cli, db_path, tmp_path):
    cli("add", "Before Backup")
    backup = tmp_path / "b.db"
    code, out, err = cli("backup", str(backup))
    assert code == 0, err
    cli("add", "After Backup")
    code, out, err = cli("restore", str(backup))
    assert code == 0, err and "kept as" in out
    open_database(db_path)
    assert names() == ["Before Backup"]
    [kept] = db_path.parent.glob("callsheet.before-restore-*.db")
    connection = sqlite3.connect(kept)
    assert {row[0] for row in connection.execute("SELECT name FROM client")} == {
        "Before Backup",
        "After Backup",
    }
    connection.close()


@pytest.mark.parametrize(
    "content, message",
    [(b"not a database at all" * 100, "not a database backup"), (None, "not a callsheet")],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(cli, db_path, tmp_path, content, message):
    cli("add", "Keep Me")
    bad = tmp_path / "bad.db"
    if content is None:
        connection = sqlite3.connect(bad)
        connection.execute("CREATE TABLE recipes (id INTEGER)")
        connection.close()
    else:
        bad.write_bytes(content)
    code, _, err = cli("restore", str(bad))
    assert code == 2 and message in err
    open_database(db_path)
    assert names() == ["Keep Me"]


@pytest.mark.sqlite_only
def test_daily_backup_makes_one_copy_a_day_and_keeps_seven(db, db_path):
    from callsheet.models.store.backups import daily_backup

    ops.add_client("Ana", now=NOW)
    made = [daily_backup(db_path, keep=7, today=datetime(2026, 11, day)) for day in range(1, 11)]
    assert all(made)
    assert daily_backup(db_path, keep=7, today=datetime(2026, 11, 10)) is None
    kept = sorted(p.name for p in (db_path.parent / "backups" / "daily").glob("*.db"))
    assert kept[0] == "callsheet-2026-11-04.db" and len(kept) == 7


# --- real exports of other programs (tests/fixtures/vcards, sources in its LICENSES.md) ---------

VCARDS = FIXTURES / "vcards"
JOHN_IBM = ["john.doe@ibm.com"]
#: file -> each card's (name, [(phone as written, kind)], [e-mail]), in file order
REAL_EXPORTS = {
    "John_Doe_ANDROID.vcf": [
        ("john.doe@company.com", [], ["john.doe@company.com"]),  # no name: under its e-mail
        ("jane.doe@company.com", [], ["jane.doe@company.com"]),
        ("Ñ Ñ Ñ Ñ Ñ", [("123456789", "mobile")], []),  # 2.1 quoted-printable UTF-8
        (
            "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ",  # soft line breaks
            [("123456", "mobile"), ("234567", "home"), ("3456789", "mobile"), ("45678901", "home")],
            [],
        ),
        (  # with an embedded 2.1 BASE64 photo ending at a blank line
            "Ñ Ñ Ñ Ñ",
            [("123456", "mobile"), ("123456", "work"), ("123456", "fax")],
            ["bob@company.com"],
        ),
        ("ÑÑÑÑ", [("55556666", "mobile")], ["henry@company.com"]),
    ],
    "John_Doe_BLACK_BERRY.vcf": [("John Doe", [("+96123456789", "mobile")], [])],
    "John_Doe_EVOLUTION.vcf": [
        (
            "Mr. John Richter, James Doe Sr.",
            [("905-666-1234", "mobile"), ("905-555-1234", "work")],
            JOHN_IBM,
        )
    ],
    "John_Doe_GMAIL.vcf": [
        (
            "Mr. John Richter, James Doe Sr.",
            [("905-555-1234", "mobile"), ("905-666-1234", "home")],
            JOHN_IBM,
        )
    ],
    "John_Doe_IPHONE.vcf": [  # CR CR LF line endings and a large 3.0 ENCODING=b photo
        (
            "Mr. John Richter James Doe Sr.",
            [
                ("905-555-1234", "mobile"),
                ("905-666-1234", "home"),
                ("905-777-1234", "work"),
                ("905-888-1234", "fax"),
                ("905-999-1234", "fax"),
                ("905-111-1234", ""),
                ("905-222-1234", "AssistantPhone"),  # item2.X-ABLabel:_$!<AssistantPhone>!$_
            ],
            JOHN_IBM,
        )
    ],
    "John_Doe_LOTUS_NOTES.vcf": [  # PROFILE:VCard, NAME:, SOURCE:
        (
            "Mr. Doe John I Johny",
            [("+1 (212) 204-34456", "mobile"), ("00-1-212-555-7777", "fax")],
            ["john.doe@ibm.com", "billy_bob@gmail.com"],
        )
    ],
    "John_Doe_MAC_ADDRESS_BOOK.vcf": [
        (
            "Mr. John Richter,James Doe Sr.",
            [
                ("905-777-1234", "work"),
                ("905-666-1234", "home"),
                ("905-555-1234", "mobile"),
                ("905-888-1234", "fax"),
                ("905-999-1234", "fax"),
                ("905-111-1234", ""),
                ("905-222-1234", "AssistantPhone"),
            ],
            JOHN_IBM,
        )
    ],
    "John_Doe_MS_OUTLOOK.vcf": [
        (
            "Mr. John Richter James Doe Sr.",
            [("(905) 555-1234", "work"), ("(905) 666-1234", "home")],
            ["john.doe@ibm.cm"],
        )
    ],
    "fullcontact.vcf": [
        (
            "Prefix FirstName MiddleName LastName Suffix",
            [
                ("555-555-1111", "home"),
                ("555-555-1112", "work"),
                ("555-555-1113", "mobile"),
                ("555-555-1114", "mobile"),
                ("555-555-1115", ""),
                ("555-555-1116", "fax"),
                ("555-555-1117", "fax"),
                ("555-555-1118", ""),
                ("555-555-1119", ""),
            ],
            [f"{who}@example.com" for who in ("home", "work", "school", "other", "custom")],
        )
    ],
    "gmail-list.vcf": [
        ("Arnold Smith", [], ["asmithk@gmail.com"]),
        ("Chris Beatle", [], ["chrisy55d@yahoo.com"]),
        ("Doug White", [], ["dwhite@gmail.com"]),
    ],
    "gmail-single.vcf": [
        (
            "Greg Dartmouth",
            [("555 555 1111", "mobile"), ("555 555 2222", "GRAND_CENTRAL")],
            ["gdartmouth@hotmail.com"],
        )
    ],
    "gmail-single2.vcf": [
        (
            "VCard Test",
            [
                ("5555551111", ""),
                ("5555551112", "home"),
                ("5555551113", "work"),
                ("5555551114", ""),
                ("5555551115", "mobile"),
                ("5555551116", ""),
                ("5555551117", "fax"),
                ("5555551118", "fax"),
                ("5555551119", "GRAND_CENTRAL"),
                ("5555551120", ""),
                ("5555551121", "CustomePhoneCategory"),
            ],
            [
                f"{who}@example.com"
                for who in ("email", "homeemail", "workemail", "otheremail", "customcategory")
            ],
        )
    ],
    "outlook-2003.vcf": [  # ORG with two parts, 2.1 BASE64 key and photo
        (
            "John Doe III",
            [
                ("BusinessPhone", "work"),
                ("HomePhone", "home"),
                ("MobilePhone", "mobile"),
                ("BusinessFaxPhone", "fax"),
            ],
            ["jdoe@hotmail.com"],
        )
    ],
    "outlook-2007.vcf": [
        (
            "Mr. Michael Angstadt Jr.",
            [
                ("(111) 555-1111", "work"),
                ("(111) 555-2222", "home"),
                ("(111) 555-4444", "mobile"),
                ("(111) 555-3333", "fax"),
            ],
            ["mike.angstadt@gmail.com"],
        )
    ],
    "rfc2426-example.vcf": [
        (
            "Frank Dawson",
            [("+1-919-676-9515", "work"), ("+1-919-676-9564", "fax")],
            ["Frank_Dawson@Lotus.com", "fdawson@earthlink.net"],
        ),
        (
            "Tim Howes",
            [("+1-415-937-3419", "work"), ("+1-415-528-4164", "fax")],
            ["howes@netscape.com"],
        ),
    ],
    "rfc6350-example.vcf": [  # tel: URIs with ;ext=
        (
            "Simon Perreault",
            [("+1-418-656-9254", "work"), ("+1-418-262-6501", "mobile")],
            ["simon.perreault@viagenie.ca"],
        )
    ],
    "thunderbird-MoreFunctionsForAddressBook-extension.vcf": [
        (
            "John Doe",
            [
                ("555-555-1111", "work"),
                ("555-555-2222", "home"),
                ("555-555-5555", "mobile"),
                ("555-555-3333", "fax"),
                ("555-555-4444", ""),
            ],
            [
                "doe.john@hotmail.com",
                *(f"additional-email{n}@company.com" for n in ("", "1", "2", "3")),
            ],
        )
    ],
    "vobject-radicale-1587.vcf": [("Given Family", [], [])],
}


def _card_summary(client: dict) -> tuple:
    phones = [
        (p, "") if isinstance(p, str) else (p["number"], p["kind"])
        for p in client.get("phones", [])
    ]
    emails = [e if isinstance(e, str) else e["address"] for e in client.get("emails", [])]
    return client["name"], phones, emails


@pytest.mark.parametrize("file", sorted(REAL_EXPORTS))
def test_every_card_of_real_exports_is_read_with_its_name_phones_and_emails(file):
    from callsheet.models.exchange.importers import decode, read_vcards

    warnings: list[str] = []
    clients, places, problems = read_vcards(decode((VCARDS / file).read_bytes()), warnings)
    assert problems == []
    assert [_card_summary(c) for c in clients] == REAL_EXPORTS[file]
    # no library's or Python's words: every warning names a card, or counts the pictures
    for warning in warnings:
        assert warning.startswith("card ") or "left out: callsheet keeps no pictures" in warning


def test_the_whole_corpus_comes_in_and_nameless_cards_are_tagged(cli, db_path):
    assert {p.name for p in VCARDS.glob("*.vcf")} == set(REAL_EXPORTS)
    code, out, err = cli("import", *(str(VCARDS / f) for f in sorted(REAL_EXPORTS)))
    assert code == 0, err
    assert "Traceback" not in out + err and "codec" not in out + err
    assert "card 1 (line 1): no name; imported as 'john.doe@company.com' (its e-mail)" in out
    # Android's card 5 has a quoted-printable e-mail that is no address: left out, named
    assert "card 5 (line 36): line 44: e-mail 'ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ' is not an address; left out" in out
    assert "not imported" not in out
    code, out, err = cli("search", "needs-name")
    assert code == 0 and "john.doe@company.com" in out and "jane.doe@company.com" in out
    open_database(db_path)
    nameless = Client.get(Client.name == "john.doe@company.com")
    assert "needs-name" in nameless.tags and [e.address for e in nameless.emails] == [
        "john.doe@company.com"
    ]
    for name in ("Simon Perreault", "Frank Dawson", "Tim Howes", "John Doe III", "Given Family"):
        assert Client.select().where(Client.name == name).count() == 1
    assert Client.get(Client.name == "John Doe III").company == "Company, The, TheDepartment"


def test_strict_still_refuses_a_real_book_with_a_card_it_cannot_read(cli, db_path, tmp_path):
    book = tmp_path / "book.vcf"
    android = (VCARDS / "John_Doe_ANDROID.vcf").read_text()
    book.write_text(
        android + "BEGIN:VCARD\nVERSION:2.1\nTEL;CELL this line lost its colon\nEND:VCARD\n"
    )
    code, out, err = cli("import", "--strict", str(book))
    assert (
        code == 2
        and "card 7 (line 94): line 96: 'TEL;CELL this line lost its colon' has no ':'" in err
    )
    open_database(db_path)
    assert Client.select().count() == 0


def _read(text: str) -> tuple[list[dict], list[str], list[str]]:
    from callsheet.models.exchange.importers import read_vcards

    warnings: list[str] = []
    clients, _, problems = read_vcards(text, warnings)
    return clients, problems, warnings


def test_4_0_data_uri_photos_agent_cards_and_unknown_charsets_are_tolerated():
    clients, problems, warnings = _read(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Ana Pop\nPHOTO:data:image/jpeg;base64,/9j/4AAQSk\n"
        " ZJRgABAQ==\nTEL;TYPE=cell:+40 721 000 001\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:2.1\nN:Ionescu;Ion\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\n"
        "FN:His Assistant\nTEL:+40 721 000 009\nEND:VCARD\nTEL;WORK;VOICE:+40 21 312 0000\n"
        "NOTE;CHARSET=X-UNKNOWN;ENCODING=QUOTED-PRINTABLE:Pl=C4=83te=\n=C8=99te\nEND:VCARD\n"
        'BEGIN:VCARD\nVERSION:3.0\nORG:Carpați Soft;Sales;East\nX-CUSTOM;X-PARAM="a:b;c":v\n'
        "END:VCARD\n"
    )
    assert problems == []
    assert [_card_summary(c) for c in clients] == [
        ("Ana Pop", [("+40 721 000 001", "mobile")], []),
        ("Ion Ionescu", [("+40 21 312 0000", "work")], []),
        ("Carpați Soft, Sales, East", [], []),
    ]
    assert clients[1]["notes"] == "Plătește"
    assert "needs-name" in clients[2]["tags"]
    assert "1 card had a photo" in warnings[-1]


def _fold(line: str, width: int, style: str) -> str:
    """``line`` folded every ``width`` characters with ``style`` (" " or "\\t")."""
    parts = [line[i : i + width] for i in range(0, len(line), width)] or [""]
    return ("\r\n" + style).join(parts)


@given(
    version=st.sampled_from(["2.1", "3.0", "4.0"]),
    given_name=st.text(st.characters(categories=["L"]), min_size=1, max_size=12),
    family=st.text(st.characters(categories=["L", "Zs"]), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool),
    digits=st.text("0123456789", min_size=6, max_size=10),
    width=st.integers(min_value=5, max_value=75),
    fold_style=st.sampled_from([" ", "\t"]),
    quoted_printable=st.booleans(),
    photo=st.booleans(),
    grouped=st.booleans(),
    line_ending=st.sampled_from(["\r\n", "\n"]),
)
@settings(max_examples=150, deadline=None)
def test_generated_cards_of_every_version_read_back_their_name_phone_and_email(
    version,
    given_name,
    family,
    digits,
    width,
    fold_style,
    quoted_printable,
    photo,
    grouped,
    line_ending,
):
    import base64
    import quopri

    from callsheet.models.exchange.importers import decode

    name = f"{given_name} {' '.join(family.split())}"
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    if quoted_printable and version == "2.1":
        encoded = quopri.encodestring(name.encode()).decode().replace("=\n", "=\r\n")
        lines.append(f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{encoded}")
    else:
        lines.append(_fold(f"FN:{name}", width, fold_style))
    group = "item1." if grouped else ""
    kind = "CELL" if version == "2.1" else "TYPE=cell"
    lines.append(f"{group}TEL;{kind}:+40 {digits}")
    if grouped:
        lines.append("item1.X-ABLabel:_$!<Mobile>!$_")
    lines.append(_fold(f"EMAIL:p{digits}@example.org", width, fold_style))
    if photo:
        data = base64.b64encode(bytes(range(256)) * 3).decode()
        if version == "2.1":
            body = "\r\n".join("  " + data[i : i + 60] for i in range(0, len(data), 60))
            lines.append(f"PHOTO;ENCODING=BASE64;JPEG:\r\n{body}\r\n")
        elif version == "3.0":
            lines.append(_fold(f"PHOTO;ENCODING=b;TYPE=JPEG:{data}", width, fold_style))
        else:
            lines.append(_fold(f"PHOTO:data:image/jpeg;base64,{data}", width, fold_style))
    lines.append("END:VCARD")
    text = decode(("\r\n".join(lines) + "\r\n").replace("\r\n", line_ending).encode())
    clients, problems, warnings = _read(text + text)  # two cards, one after the other
    assert problems == []
    assert [_card_summary(c) for c in clients] == [
        (name, [(f"+40 {digits}", "mobile")], [f"p{digits}@example.org"])
    ] * 2
    assert any("had a photo" in w for w in warnings) == photo
