"""Correcting records through the real ``callsheet`` entry point: entry, invoice, followup,
agreement, time, cadence and search, each with good and bad input, on both backends."""

from __future__ import annotations

import pytest


@pytest.fixture
def ion(cli):
    code, _, err = cli("add", "Ion Ionescu", "--status", "active")
    assert code == 0, err
    code, _, err = cli(
        "log", "Ion", "--at", "2026-11-20T10:00", "--signal", "rude", "Asked for his lawyer"
    )
    assert code == 0, err
    return cli


def test_entry_list_gives_ids_and_edit_replaces_text_signals_and_moment(ion):
    [entry] = ion.json("entry", "list", "Ion", "--json")
    assert entry["signals"] == ["rude"]
    changed = ion.json(
        "entry",
        "edit",
        str(entry["id"]),
        "--text",
        "Talked about the Carpați contract",
        "--signal",
        "praise",
        "--at",
        "2026-11-21T09:30",
        "--tone",
        "warm",
        "--json",
    )
    assert changed["summary"] == "Talked about the Carpați contract"
    assert changed["signals"] == ["praise"] and changed["tone"] == "warm"
    assert changed["at"].startswith("2026-11-21T09:30")
    shown = ion.json("show", "Ion", "--json")
    assert [i["summary"] for i in shown["interactions"]] == ["Talked about the Carpați contract"]
    # the rude signal is gone, so is its weight in the risk
    assert ion.json("risk", "Ion", "--json")["score"] == 0


def test_entry_edit_without_options_keeps_every_field(ion):
    [entry] = ion.json("entry", "list", "Ion", "--json")
    again = ion.json("entry", "edit", str(entry["id"]), "--json")
    assert again == entry


def test_entry_edit_bad_input_names_the_field_and_changes_nothing(ion):
    [entry] = ion.json("entry", "list", "Ion", "--json")
    for args, field in (
        (["--tone", "furious"], "tone"),
        (["--signal", "rudee"], "signal"),
        (["--at", "the day after never"], "at"),
        (["--minutes", "many"], "minutes"),
    ):
        code, out, err = ion("entry", "edit", str(entry["id"]), *args)
        assert code == 2 and err.startswith(f"callsheet: {field}:"), err
        assert "Traceback" not in err
    assert ion.json("entry", "list", "Ion", "--json") == [entry]


def test_entry_delete_removes_it_and_an_unknown_id_is_one_line(ion):
    [entry] = ion.json("entry", "list", "Ion", "--json")
    deleted = ion.json("entry", "delete", str(entry["id"]), "--json")
    assert deleted["summary"] == "Asked for his lawyer"
    assert ion.json("entry", "list", "Ion", "--json") == []
    assert ion.json("show", "Ion", "--json")["interactions"] == []
    code, _, err = ion("entry", "delete", str(entry["id"]))  # not found, like a client: 1
    assert code == 1 and err.strip() == f"callsheet: no log entry #{entry['id']}"
    code, _, err = ion("entry", "delete", "seven")
    assert code == 2 and "id:" in err


def test_invoice_paid_in_parts_is_overdue_by_what_remains_then_paid_in_full(ion):
    invoice = ion.json(
        "invoice", "add", "Ion", "2026-021", "1000", "--issued", "2026-10-01", "--due",
        "2026-10-15", "--json",
    )  # fmt: skip
    assert invoice["paid"] is None and invoice["paid_so_far"] == 0
    part = ion.json(
        "invoice", "pay", str(invoice["id"]), "400", "--on", "2026-11-01", "--note", "first",
        "--json",
    )  # fmt: skip
    assert part["paid"] is None and part["paid_so_far"] == 400
    assert [p["amount"] for p in part["payments"]] == [400]
    factors = {f["signal"]: f for f in ion.json("risk", "Ion", "--json")["factors"]}
    assert "600 EUR" in factors["invoice_overdue"]["evidence"][0]["summary"]
    code, _, err = ion("invoice", "pay", str(invoice["id"]), "700")
    assert code == 2 and "more than the 600" in err
    full = ion.json("invoice", "pay", str(invoice["id"]), "--on", "2026-11-10", "--json")
    assert full["paid"] == "2026-11-10" and full["paid_so_far"] == 1000
    code, _, err = ion("invoice", "pay", str(invoice["id"]), "1")
    assert code == 2 and "already paid in full" in err


def test_invoice_edit_dispute_and_delete(ion):
    invoice = ion.json("invoice", "add", "Ion", "7", "250.50", "--issued", "2026-11-01", "--json")
    edited = ion.json(
        "invoice", "edit", str(invoice["id"]), "--amount", "300", "--due", "2026-11-30",
        "--number", "7b", "--json",
    )  # fmt: skip
    assert (edited["amount"], edited["due"], edited["number"]) == (300, "2026-11-30", "7b")
    assert ion.json("invoice", "dispute", str(invoice["id"]), "--json")["disputed"] is True
    withdrawn = ion.json("invoice", "dispute", str(invoice["id"]), "--withdrawn", "--json")
    assert withdrawn["disputed"] is False
    code, _, err = ion("invoice", "edit", str(invoice["id"]), "--due", "2026-10-01")
    assert code == 2 and err.startswith("callsheet: due:")
    code, _, err = ion("invoice", "edit", str(invoice["id"]), "--amount", "lots")
    assert code == 2 and err.startswith("callsheet: amount:")
    ion.json("invoice", "delete", str(invoice["id"]), "--json")
    assert ion.json("invoice", "list", "Ion", "--json") == []


def test_invoice_add_bad_input(ion):
    for args, field in (
        (["Ion", "8", "12,3,4"], "amount"),
        (["Ion", "8", "100", "--due", "not a day at all"], "due"),
        (["Ion", "8", "100", "--currency", "EURO"], "currency"),
        (["Ion", "8", "100", "--agreement", "Nothing"], "agreement"),
    ):
        code, _, err = ion("invoice", "add", *args)
        assert code == 2 and err.startswith(f"callsheet: {field}:"), err
    assert ion.json("invoice", "list", "Ion", "--json") == []


def test_follow_ups_take_natural_dates_snooze_complete_and_delete(ion):
    # 2026-11-24 in the tests' clock is not used by the CLI: compare weekdays instead.
    from datetime import datetime

    added = ion.json("followup", "add", "Ion", "Send", "the", "offer", "--due", "vineri", "--json")
    assert datetime.fromisoformat(added["due"]).weekday() == 4  # a Friday
    polish = ion.json("followup", "add", "Ion", "Call", "back", "--due", "w piątek", "--json")
    assert datetime.fromisoformat(polish["due"]).weekday() == 4
    russian = ion.json("followup", "add", "Ion", "Remind", "--due", "в понедельник", "--json")
    assert datetime.fromisoformat(russian["due"]).weekday() == 0
    snoozed = ion.json("followup", "snooze", str(added["id"]), "next", "week", "--json")
    assert datetime.fromisoformat(snoozed["due"]).weekday() == 0
    assert ion.json("followup", "done", str(added["id"]), "--json")["done"] is not None
    assert ion.json("followup", "done", str(added["id"]), "--reopen", "--json")["done"] is None
    edited = ion.json("followup", "edit", str(polish["id"]), "--text", "Call Ana", "--json")
    assert edited["text"] == "Call Ana"
    ion.json("followup", "delete", str(russian["id"]), "--json")
    assert {f["id"] for f in ion.json("followup", "list", "Ion", "--json")} == {
        added["id"],
        polish["id"],
    }


def test_follow_up_bad_input(ion):
    code, _, err = ion("followup", "add", "Ion", "x", "--due", "someday maybe never")
    assert code == 2 and err.startswith("callsheet: due:")
    code, _, err = ion("followup", "add", "Ion", " ")
    assert code == 2 and err.startswith("callsheet: text:")
    code, _, err = ion("followup", "snooze", "99", "tomorrow")
    assert code == 1 and "no follow-up #99" in err


def test_agreements_added_edited_closed_and_read_by_the_call_sheet(ion):
    agreement = ion.json(
        "agreement", "add", "Ion", "Website", "--scope", "Five pages", "--budget", "8000",
        "--start", "2026-09-01", "--json",
    )  # fmt: skip
    assert agreement["status"] == "active" and agreement["budget"] == 8000
    edited = ion.json(
        "agreement", "edit", str(agreement["id"]), "--scope", "Six pages", "--end",
        "2026-12-15", "--json",
    )  # fmt: skip
    assert edited["scope"] == "Six pages" and edited["end"] == "2026-12-15"
    code, out, err = ion("brief", "Ion")
    assert code == 0 and "Website" in out
    assert ion.json("agreement", "close", str(agreement["id"]), "--json")["status"] == "done"
    code, _, err = ion("agreement", "edit", str(agreement["id"]), "--end", "2026-01-01")
    assert code == 2 and err.startswith("callsheet: end:")
    code, _, err = ion("agreement", "add", "Ion", "Website")
    assert code == 2 and err.startswith("callsheet: title:")
    code, _, err = ion("agreement", "edit", str(agreement["id"]), "--status", "finished")
    assert code == 2 and err.startswith("callsheet: status:")


def test_cadence_is_set_and_refused_when_not_a_number(ion):
    code, out, _ = ion("cadence", "Ion", "14")
    assert code == 0 and "every 14 days" in out
    code, _, err = ion("cadence", "Ion", "often")
    assert code == 2 and err.startswith("callsheet: cadence:")
    code, out, _ = ion("cadence", "Ion", "0")
    assert code == 0 and "no cadence" in out


def test_search_finds_words_in_entries_and_notes_and_prints_text_literally(ion):
    ion("add", "Ana Pop", "--notes", "Her [bold]lawyer[/bold] is Mr. Vasile")
    ion("log", "Ion", "--at", "2026-11-22T10:00", "The Carpați contract, \x1b[31mred\x1b[0m")
    hits = ion.json("search", "lawyer", "--json")
    assert {(h["client"], h["kind"]) for h in hits} == {
        ("Ion Ionescu", "entry"),
        ("Ana Pop", "notes"),
    }
    # diacritics folded, the last word a prefix
    [hit] = ion.json("search", "carpati", "contr", "--json")
    assert hit["client"] == "Ion Ionescu" and hit["entry_id"] is not None
    code, out, _ = ion("search", "carpati")
    assert code == 0 and "\x1b" not in out and "\\x1b[31mred" in out
    code, out, _ = ion("search", "nothing-like-this")
    assert (
        code == 1
        and out == ""
        and "nothing in your book matches" in ion("search", "nothing-like-this")[2]
    )
    code, out, _ = ion("search", '"*', "--json")  # FTS syntax typed by the user is only text
    assert code == 1 and out.strip() == "[]"  # nothing found: exit 1, as in text


def test_time_entries_are_corrected_and_deleted(ion, db_path):
    from callsheet.models.book.clients import add_time_entry, find_client
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_store
    from callsheet.models.values.when import utcnow

    open_store(db_path)  # no CLI command adds time (imports and the dashboard do)
    add_time_entry(find_client("Ion"), started_at=utcnow(), minutes=60, note="Wireframes")
    close_database()
    [entry] = ion.json("time", "list", "Ion", "--json")
    changed = ion.json("time", "edit", str(entry["id"]), "--minutes", "90", "--json")
    assert changed["minutes"] == 90 and changed["note"] == "Wireframes"
    code, _, err = ion("time", "edit", str(entry["id"]), "--minutes", "0")
    assert code == 2 and err.startswith("callsheet: minutes:")
    ion.json("time", "delete", str(entry["id"]), "--json")
    assert ion.json("time", "list", "Ion", "--json") == []


def test_export_and_import_keep_partial_payments_and_the_cadence(ion, tmp_path, new_store):
    import json

    invoice = ion.json("invoice", "add", "Ion", "5", "900", "--issued", "2026-11-01", "--json")
    ion("invoice", "pay", str(invoice["id"]), "300", "--on", "2026-11-10", "--note", "first")
    ion("cadence", "Ion", "30")
    book = tmp_path / "book.json"
    code, _, err = ion("export", "-o", str(book))
    assert code == 0, err
    other = str(new_store())
    code, _, err = ion("import", str(book), "--db", other, db=False)
    assert code == 0, err
    for store in (None, other):
        args = ("show", "Ion", "--json") + (("--db", store) if store else ())
        code, out, err = ion(*args, db=store is None)
        assert code == 0, err
        shown = json.loads(out)
        assert shown["cadence_days"] == 30
        [part_paid] = [i for i in shown["invoices"] if i["number"] == "5"]
        assert part_paid["paid"] is None
        assert part_paid["payments"] == [{"amount": 300, "on": "2026-11-10", "note": "first"}]


def test_an_imported_payment_with_a_bad_date_names_its_place(cli, tmp_path):
    import json

    book = tmp_path / "bad.json"
    book.write_text(
        json.dumps(
            {
                "format": "callsheet/1",
                "clients": [
                    {
                        "name": "Ana",
                        "invoices": [
                            {
                                "number": "1",
                                "amount": 10,
                                "issued": "2026-11-01",
                                "payments": [{"amount": 5, "on": "soon", "tip": 1}],
                            }
                        ],
                    }
                ],
            }
        )
    )
    code, _, err = cli("import", str(book))
    assert code == 2 and "invoices[0].payments[0].unknown field 'tip'" in err
    # The shape is checked first (an unknown field); with it right, the bad date is named.
    book.write_text(book.read_text().replace(', "tip": 1', ""))
    code, _, err = cli("import", str(book))
    assert code == 2 and "invoices[0].payments[0].on" in err and "soon" in err
