"""The add, log, list and show commands through the real ``callsheet`` entry point."""

from __future__ import annotations

import os
import subprocess
import sys

from callsheet.models.store.opening import open_database
from callsheet.models.store.tables import Client, Interaction


def test_add_log_show_round_trips_a_client_with_two_phone_formats(cli):
    code, out, err = cli(
        "add",
        "Ion Ionescu",
        "--phone",
        "0721 234 567",
        "--phone",
        "+40 744-555-010",
        "--email",
        "Ion@Example.ro",
        "--salutation",
        "dl. Ionescu",
        "--language",
        "ro",
        "--company",
        "Carpați Soft",
        "--status",
        "active",
    )
    assert code == 0, err
    code, out, err = cli(
        "log",
        "Ion",
        "--channel",
        "call",
        "--direction",
        "in",
        "--minutes",
        "12",
        "--tone",
        "tense",
        "--signal",
        "late_payment",
        "--signal",
        "scope_creep",
        "--at",
        "2026-11-20T10:30+02:00",
        "Wants",
        "more",
        "for",
        "the",
        "same",
        "price",
    )
    assert code == 0, err
    shown = cli.json("show", "Ion Ionescu", "--json")
    assert shown["name"] == "Ion Ionescu"
    assert shown["salutation"] == "dl. Ionescu" and shown["company"] == "Carpați Soft"
    numbers = [p if isinstance(p, str) else p["number"] for p in shown["phones"]]
    assert numbers == ["0721 234 567", "+40 744-555-010"]
    emails = [e if isinstance(e, str) else e["address"] for e in shown["emails"]]
    assert emails == ["ion@example.ro"]
    [entry] = shown["interactions"]
    assert entry["at"].startswith("2026-11-20T10:30:00+02:00")
    assert entry["duration_min"] == 12 and entry["tone"] == "tense"
    assert sorted(entry["signals"]) == ["late_payment", "scope_creep"]
    assert entry["summary"] == "Wants more for the same price"


def test_show_finds_a_client_by_any_of_its_phone_formats_after_add(cli, db_path):
    cli("add", "Ion Ionescu", "--phone", "0721 234 567", "--phone", "+40744555010")
    open_database(db_path)
    from callsheet.models.book.finding import find_by_phone

    assert find_by_phone("+40721234567").name == "Ion Ionescu"
    assert find_by_phone("+40744555010").name == "Ion Ionescu"


def test_list_json_gives_one_small_object_per_client_with_id(cli):
    cli("add", "Ana Pop", "--phone", "+40721234567")
    cli("add", "[bold red]x[/]", "--company", "Acme")
    listed = cli.json("list", "--json")
    assert sorted(c["name"] for c in listed) == ["Ana Pop", "[bold red]x[/]"]
    assert all("id" in c and "interactions" not in c for c in listed)


def test_list_json_of_an_empty_database_is_an_empty_list(db, cli):
    assert cli.json("list", "--json") == []


def test_db_option_works_before_and_after_the_subcommand(cli, db_path):
    code, _, err = cli("--db", str(db_path), "add", "Before", db=False)
    assert code == 0, err
    code, _, err = cli("add", "After", "--db", str(db_path), db=False)
    assert code == 0, err
    assert [c["name"] for c in cli.json("list", "--json")] == ["After", "Before"]


def test_the_environment_variable_chooses_the_database(cli, tmp_path, monkeypatch):
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("CALLSHEET_DB", str(target))
    code, _, err = cli("add", "Env Client", db=False)
    assert code == 0, err
    assert target.exists()
    open_database(target)
    assert Client.select().count() == 1


def test_an_unknown_client_exits_non_zero_with_one_line_and_writes_nothing(cli, db_path):
    code, out, err = cli("log", "Nobody", "hello")
    assert code != 0
    assert err.strip().count("\n") == 0 and "Nobody" in err
    open_database(db_path)
    assert Interaction.select().count() == 0


def test_a_bad_date_is_named_and_nothing_is_logged(cli, db_path):
    cli("add", "Ana")
    code, _, err = cli("log", "Ana", "--at", "the day after", "hello")
    assert code != 0 and "the day after" in err
    open_database(db_path)
    assert Interaction.select().count() == 0


def test_a_bad_phone_is_named_and_no_client_is_added(cli, db_path):
    code, _, err = cli("add", "Ana", "--phone", "12ab")
    assert code != 0 and "phone" in err
    open_database(db_path)
    assert Client.select().count() == 0


def test_an_unknown_signal_is_named(cli):
    cli("add", "Ana")
    code, _, err = cli("log", "Ana", "--signal", "grumpy", "hello")
    assert code != 0 and "grumpy" in err


def test_the_installed_command_runs_and_reports_its_version():
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "callsheet"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("callsheet ")


def test_plain_list_shows_control_characters_visibly(cli):
    cli("add", "Evil\x1b[2Jname")
    code, out, _ = cli("list")
    assert "\x1b" not in out and "Evil\\x1b[2Jname" in out
