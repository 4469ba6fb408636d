"""The command line's client verbs, ``time add``, and its slips (issue 23): each through the
real entry point, on both backends where the store is touched."""

from __future__ import annotations

import json
import subprocess

import pytest

from callsheet.models.values.text import span_text
from tests.commands import CALLSHEET


@pytest.fixture
def ion(cli):
    code, _, err = cli(
        "add", "Ion Ionescu", "--phone", "0721 234 567", "--company", "Carpați", "--tag", "vip"
    )
    assert code == 0, err
    return cli


def _one_line(err: str, start: str) -> None:
    assert err.count("\n") == 1 and err.startswith(start) and "Traceback" not in err, err


# -- client edit | archive | unarchive | delete ------------------------------------------


def test_client_edit_writes_only_the_fields_given(ion):
    before = ion.json("show", "Ion", "--json")
    after = ion.json("client", "edit", "Ion", "--notes", "Prefers mornings", "--json")
    assert after["notes"] == "Prefers mornings"
    for field in ("name", "company", "tags", "phones", "emails", "status", "salutation"):
        assert after[field] == before[field], field
    code, out, _ = ion("client", "edit", "1", "--company", "Nord SRL", "--tag", "a", "--tag", "b")
    assert code == 0 and out == "changed #1 Ion Ionescu: company, tags\n"
    shown = ion.json("show", "1", "--json")
    assert (shown["company"], shown["tags"], shown["notes"]) == (
        "Nord SRL",
        ["a", "b"],
        "Prefers mornings",
    )


def test_client_edit_refuses_bad_input_naming_the_field_and_saves_nothing(ion):
    before = ion.json("show", "Ion", "--json")
    code, _, err = ion("client", "edit", "Ion", "--company", "New", "--status", "bogus")
    assert code == 2
    _one_line(err, "callsheet: status: unknown status 'bogus'")
    code, _, err = ion("client", "edit", "Ion", "--company", "New", "--phone", "12")
    assert code == 2
    _one_line(err, "callsheet: phone")
    code, _, err = ion("client", "edit", "Ion", "--tag", "x", "--no-tags")
    assert code == 2
    _one_line(err, "callsheet: tag: give --tag or --no-tags")
    code, _, err = ion("client", "edit", "Ion")
    assert code == 1 and "nothing to change" in err
    assert ion.json("show", "Ion", "--json") == before


def test_archive_is_undone_by_unarchive(ion):
    code, out, _ = ion("client", "archive", "Ion")
    assert code == 0 and "`callsheet client unarchive 1` undoes it" in out
    assert ion.json("list", "--json") == []
    code, _, err = ion("client", "archive", "Ion")
    assert code == 1 and "archived already" in err
    unarchived = ion.json("client", "unarchive", "Ion", "--json")
    assert unarchived["id"] == 1 and [c["id"] for c in ion.json("list", "--json")] == [1]


def _run(db_path, *args: str, answer: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [CALLSHEET, *args, "--db", str(db_path)],
        input=answer,
        capture_output=True,
        text=True,
        check=False,
    )


def test_client_delete_asks_first_as_the_dashboard_does(ion, db_path):
    ion("log", "Ion", "Called about the offer")
    refused = _run(db_path, "client", "delete", "Ion", answer="n\n")
    assert refused.returncode == 1 and "cannot be undone" in refused.stderr
    assert "client archive 1" in refused.stderr and "was not deleted" in refused.stderr
    assert [c["id"] for c in ion.json("list", "--json")] == [1]
    done = _run(db_path, "client", "delete", "Ion", answer="y\n")
    assert done.returncode == 0 and done.stdout == "deleted #1 Ion Ionescu and their history\n"
    assert ion.json("list", "--json", "--archived") == []
    assert ion("entry", "list", "1")[0] == 1  # the history went with them


def test_client_delete_yes_json_prints_the_client_as_it_was(ion):
    gone = ion.json("client", "delete", "Ion", "--yes", "--json")
    assert gone["name"] == "Ion Ionescu" and gone["company"] == "Carpați"
    code, _, err = ion("client", "delete", "Ion", "--yes")
    assert code == 1 and "no client matches" in err


# -- time add ------------------------------------------------------------------------------


def test_time_add_records_time_and_refuses_bad_input_naming_the_field(ion):
    added = ion.json(
        "time", "add", "Ion", "90", "--start", "2026-11-20 09:00", "--note", "prep", "--json"
    )
    assert (added["minutes"], added["note"]) == (90, "prep")
    assert added["start"].startswith("2026-11-20T09:00")
    assert [t["id"] for t in ion.json("time", "list", "Ion", "--json")] == [added["id"]]
    for args, field in (
        (("abc",), "minutes"),
        (("0",), "minutes"),
        (("30", "--start", "next blursday"), "start"),
        (("30", "--agreement", "No such"), "agreement"),
    ):
        code, _, err = ion("time", "add", "Ion", *args)
        assert code == 2, err
        _one_line(err, f"callsheet: {field}: ")
    assert len(ion.json("time", "list", "Ion", "--json")) == 1
    code, out, _ = ion("time", "add", "Ion", "30")
    assert code == 0 and out.startswith("added #") and "minutes=30" in out


# -- search, who, help, list ---------------------------------------------------------------


def test_search_with_no_match_says_so(ion):
    code, out, err = ion("search", "zzyzx")
    assert code == 1 and out == ""
    _one_line(err, "callsheet: nothing in your book matches 'zzyzx'")


def test_who_reads_international_prefixes_and_one_number_per_argument(ion):
    ion("add", "Ana Pop", "--phone", "+40 722 111 222")
    for typed in (["0040-721-234-567"], ["+40", "721", "234", "567"], ["011 40 721 234 567"]):
        code, out, err = ion("who", *typed)
        assert code == 0 and out.startswith("Ion Ionescu — "), (typed, err)
    code, out, _ = ion("who", "0721234567", "0722111222")
    assert code == 0 and [line.split(" — ")[0] for line in out.splitlines()] == [
        "Ion Ionescu",
        "Ana Pop",
    ]
    code, out, err = ion("who", "0721234567", "567")  # never glued into one number
    assert code == 2 and out == "" and "is not a possible number" in err
    code, out, err = ion("who", "0721234567", "0733333333")
    assert (
        code == 1
        and out.startswith("Ion Ionescu")
        and "nobody in your book has +40733333333" in err
    )


@pytest.mark.parametrize("kind", ["entry", "invoice", "followup", "agreement", "time"])
def test_help_names_each_kind_in_plain_english(kind):
    result = subprocess.run([CALLSHEET, kind, "--help"], capture_output=True, text=True, check=True)
    for typo in ("entrys", "followups", " times of", "invoices of a client, with ids\n" * 2):
        assert typo not in result.stdout
    assert "of a client, with ids" in result.stdout


def test_list_has_a_header_row(ion):
    code, out, _ = ion("list")
    header, row = out.splitlines()
    assert header.split() == ["id", "name", "company", "status", "risk"]
    assert row.split()[:3] == ["1", "Ion", "Ionescu"]
    assert header.index("name") == row.index("Ion")


# -- one money format, JSON and text agree, words ----------------------------------------


def test_money_reads_as_on_the_dashboard_in_every_text_output(ion):
    ion("invoice", "add", "Ion", "2026-7", "1500.50", "--issued", "2026-11-01")
    code, out, _ = ion("show", "Ion")
    assert "invoice 2026-7: 1,500.50 EUR" in out and "1500.5 " not in out
    code, out, _ = ion("invoice", "list", "Ion")
    assert "amount=1,500.50" in out and "1500.5" not in out
    code, out, _ = ion("invoice", "pay", "1", "500")
    assert "amount=1,500.50" in out and "payment #1: 500 on" in out
    assert ion.json("invoice", "list", "Ion", "--json")[0]["amount"] == 1500.5  # JSON: a number


def test_risk_json_and_text_give_the_positive_points_the_same_sign(ion):
    ion("log", "Ion", "--signal", "praise", "--signal", "referral", "Sent us a friend")
    code, out, _ = ion("risk", "Ion")
    [risk] = [ion.json("risk", "Ion", "--json")]
    positive = risk["points"]["positive"]
    assert positive > 0 and f"positive {positive}," in out
    assert all(f["points"] < 0 for f in risk["factors"])  # each positive sign keeps its sign


def test_counts_agree_with_their_word(ion, tmp_path):
    book = tmp_path / "one.csv"
    book.write_text("name,phone\nAna Pop,+40 722 111 222\n", encoding="utf-8")
    code, out, _ = ion("import", str(book))
    assert code == 0 and "added 1 client," in out and "0 log entries" in out
    assert [span_text(d) for d in (0, 1, 20, 200, 365, 800)] == [
        "0 days",
        "1 day",
        "3 weeks",
        "7 months",
        "1 year",
        "2.2 years",
    ]


def test_a_new_payer_is_not_paid_over_zero_years(ion):
    ion("client", "edit", "Ion", "--status", "active")
    ion("invoice", "add", "Ion", "2026-9", "1500", "--issued", "20 days ago")
    ion("invoice", "pay", "1", "--on", "today")
    code, out, _ = ion("risk", "Ion")
    assert "paid 1,500 EUR over 3 weeks" in out and "0.0 years" not in out


def test_an_id_that_is_no_number_reads_in_good_english(ion):
    code, _, err = ion("invoice", "edit", "abc")
    assert code == 2 and err == "callsheet: id: 'abc' is not an invoice id\n"
    code, _, err = ion("followup", "done", "x")
    assert code == 2 and err == "callsheet: id: 'x' is not a follow-up id\n"


@pytest.mark.sqlite_only
def test_restore_of_an_export_points_to_import(ion, tmp_path):
    exported = tmp_path / "book.json"
    assert ion("export", "-o", str(exported))[0] == 0
    code, _, err = ion("restore", str(exported))
    assert code == 2
    _one_line(err, "callsheet: FILE: ")
    assert "not a database backup" in err and f"callsheet import {exported}" in err
    assert [c["name"] for c in ion.json("list", "--json")] == ["Ion Ionescu"]


def test_json_outputs_still_parse(ion):
    code, out, _ = ion("who", "0721234567", "--json")
    assert code == 0 and json.loads(out)["name"] == "Ion Ionescu"
