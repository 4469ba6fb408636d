"""``callsheet risk``: every client by score, one band, as of a moment, or one client explained."""

from __future__ import annotations

import json


def _angry_and_calm(cli):
    cli("add", "Calm Client")
    cli("add", "Angry Client")
    cli(
        "log",
        "Angry",
        "--signal",
        "aggressive",
        "--signal",
        "rude",
        "--at",
        "2026-11-20",
        "Shouted at my assistant",
    )


def test_cli_risk_json_lists_clients_highest_first_with_evidence(cli):
    _angry_and_calm(cli)
    listed = cli.json("risk", "--json", "--as-of", "2026-11-22")
    assert [c["name"] for c in listed] == ["Angry Client", "Calm Client"]
    angry = listed[0]
    assert set(angry) == {
        "id",
        "name",
        "score",
        "band",
        "points",
        "factors",
        "floor",
        "stance",
        "advice",
        "money",
    }
    assert angry["band"] in ("watch", "high") and angry["advice"]
    assert set(angry["factors"][0]) == {"signal", "label", "points", "evidence"}
    assert angry["factors"][0]["evidence"][0]["summary"] == "Shouted at my assistant"
    assert angry["factors"][0]["evidence"][0]["at"].startswith("2026-11-20")
    assert sum(f["points"] for f in angry["factors"]) == angry["points"]["counted"]
    assert angry["stance"]["kind"] in ("firm", "let_go", "decline") and angry["stance"]["text"]
    assert listed[1]["score"] == 0 and listed[1]["band"] == "low" and listed[1]["factors"] == []
    assert listed[1]["stance"]["kind"] == "decline" or listed[1]["stance"]["kind"] == "warm"


def test_cli_risk_band_keeps_only_clients_of_that_band(cli):
    _angry_and_calm(cli)
    assert [
        c["name"] for c in cli.json("risk", "--json", "--band", "low", "--as-of", "2026-11-22")
    ] == ["Calm Client"]
    assert [
        c["name"]
        for c in cli.json("risk", "--json", "--band", "high", "--as-of", "2026-11-22")
        + cli.json("risk", "--json", "--band", "watch", "--as-of", "2026-11-22")
    ] == ["Angry Client"]


def test_cli_risk_as_of_a_date_before_the_events_scores_zero(cli):
    cli("add", "Angry Client")
    cli("log", "Angry", "--signal", "aggressive", "--at", "2026-11-20", "Shouted")
    [angry] = cli.json("risk", "--json", "--as-of", "2026-11-19")
    assert angry["score"] == 0 and angry["band"] == "low"


def test_cli_risk_as_of_a_date_counts_events_of_that_whole_day(cli):
    cli("add", "Angry Client")
    cli("log", "Angry", "--signal", "aggressive", "--at", "2026-11-20T17:00", "Shouted")
    [angry] = cli.json("risk", "--json", "--as-of", "2026-11-20")
    assert angry["score"] > 0


def test_cli_risk_as_of_accepts_a_datetime_and_old_events_fade(cli):
    cli("add", "Angry Client")
    cli("log", "Angry", "--signal", "rude", "--at", "2026-01-10T10:00", "Rude on the phone")
    soon = cli.json("risk", "--json", "--as-of", "2026-01-11T10:00")[0]["score"]
    later = cli.json("risk", "--json", "--as-of", "2028-01-11T10:00+02:00")[0]["score"]
    assert soon > later


def test_cli_risk_plain_list_shows_score_band_and_name_highest_first(cli):
    _angry_and_calm(cli)
    code, out, err = cli("risk", "--as-of", "2026-11-22")
    assert code == 0, err
    lines = out.splitlines()
    assert "Angry Client" in lines[0] and "Calm Client" in lines[1]
    assert lines[1].split()[:2] == ["0", "low"]


def test_cli_risk_explains_one_client_in_plain_text(cli):
    cli("add", "Angry Client")
    cli("log", "Angry", "--signal", "scope_creep", "--signal", "own_mistake", "Wants an app too")
    code, out, err = cli("risk", "Angry")
    assert code == 0, err
    assert (
        "scope creep" in out
        and "Wants an app too" in out
        and "own mistakes" in out
        and "advice:" in out
    )
    assert "Say no" in out  # the advice for scope creep (rule 6)


def test_cli_risk_one_client_as_json_is_a_single_object(cli):
    _angry_and_calm(cli)
    code, out, err = cli("risk", "Angry", "--json", "--as-of", "2026-11-22")
    assert code == 0, err
    angry = json.loads(out)
    assert angry["name"] == "Angry Client" and angry["score"] > 0


def test_cli_risk_prints_a_name_with_markup_as_typed(cli):
    cli("add", "[bold red]x[/]")
    code, out, _ = cli("risk")
    assert code == 0 and "[bold red]x[/]" in out


def test_cli_risk_of_an_unknown_client_is_exit_1_and_an_unreadable_date_exit_2(cli):
    _angry_and_calm(cli)
    code, _, err = cli("risk", "Nobody")
    assert code == 1 and err.startswith("callsheet:") and len(err.strip().splitlines()) == 1
    code, _, err = cli("risk", "--as-of", "someday soon")
    assert code == 2 and "someday soon" in err


def test_cli_risk_of_an_empty_book_is_an_empty_json_list(db, cli):
    assert cli.json("risk", "--json") == []


def test_risk_overrides_in_config_are_applied_and_checked(cli, tmp_path, monkeypatch):
    from callsheet.models.book import scoring

    monkeypatch.setattr(scoring, "_model", scoring.DEFAULT_MODEL)  # restored after the test
    _angry_and_calm(cli)
    before = cli.json("risk", "--json", "--as-of", "2026-11-22")[0]["score"]
    config = tmp_path / "config.toml"
    config.write_text("[risk.aggressive]\nweight = 60\n")
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config))
    assert cli.json("risk", "--json", "--as-of", "2026-11-22")[0]["score"] > before
    config.write_text("[risk.grumpy]\nweight = 3\n")
    code, _, err = cli("risk", "--json")
    assert code == 2 and "grumpy" in err


def test_cli_risk_as_of_a_relative_phrase_is_read_as_a_moment(cli):
    cli("add", "Angry Client")
    cli("log", "Angry", "--signal", "aggressive", "--at", "2 hours ago", "Shouted")
    [before] = cli.json("risk", "--json", "--as-of", "2 days ago")
    [now] = cli.json("risk", "--json", "--as-of", "now")
    assert before["score"] == 0 < now["score"]


def test_cli_risk_explains_a_positive_sign_with_nothing_to_offset(cli):
    cli("add", "Kind Client")
    cli("log", "Kind", "--signal", "referral", "Sent us their cousin")
    code, out, _ = cli("risk", "Kind")
    assert code == 0 and "0/100 (low)" in out and "referral (nothing to offset)" in out
    assert "Keep the relationship" in out


def _import(cli, tmp_path, name: str, invoices: list[dict]) -> None:
    document = {
        "format": "callsheet/1",
        "clients": [{"name": name, "status": "active", "invoices": invoices}],
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = cli("import", str(path))
    assert code == 0, err


def _owing(cli, tmp_path):
    _import(
        cli,
        tmp_path,
        "Owing Client",
        [
            {"number": "A-1", "amount": 3000, "issued": "2026-08-01", "due": "2026-08-15"},
            {"number": "A-2", "amount": 500, "issued": "2026-10-01", "due": "2026-10-15"},
            {
                "number": "A-0",
                "amount": 900,
                "issued": "2026-05-01",
                "due": "2026-05-15",
                "paid": "2026-05-10",
            },
        ],
    )


def test_cli_risk_if_paid_shows_the_score_before_and_after_and_stores_nothing(cli, tmp_path):
    _owing(cli, tmp_path)
    stored = cli.json("list", "--json")[0]
    code, out, err = cli("risk", "Owing", "--if-paid", "A-1", "--as-of", "2026-11-22")
    assert code == 0, err
    before = cli.json("risk", "Owing", "--json", "--as-of", "2026-11-22")["score"]
    line = out.strip().splitlines()[-1]
    assert line.startswith("If invoice A-1 was paid today: ") and f"{before} -> " in line
    both = cli.json(
        "risk", "Owing", "--json", "--if-paid", "A-1", "--if-paid", "A-2", "--as-of", "2026-11-22"
    )
    assert both["what_if"]["paid"] == ["A-1", "A-2"] and both["what_if"]["score"] < before
    assert cli.json("list", "--json")[0] == stored  # nothing was written


def test_cli_risk_if_paid_names_an_unknown_or_paid_invoice_and_exits_2(cli, tmp_path):
    _owing(cli, tmp_path)
    code, _, err = cli("risk", "Owing", "--if-paid", "Z-9")
    assert code == 2 and "Z-9" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("risk", "Owing", "--if-paid", "A-0")
    assert code == 2 and "already paid" in err
    code, _, err = cli("risk", "--if-paid", "A-1")
    assert code == 2 and "--if-paid" in err


def test_cli_risk_money_overdue_beyond_the_threshold_is_at_least_watch_and_says_why(cli, tmp_path):
    _owing(cli, tmp_path)
    cli("log", "Owing", "--signal", "praise", "--signal", "referral", "Lovely people")
    code, out, _ = cli("risk", "Owing", "--as-of", "2026-11-22")
    assert "(low)" not in out.splitlines()[0]
    assert "never money" in out and "invoice overdue" in out


def test_the_overdue_watch_threshold_comes_from_config(cli, tmp_path, monkeypatch):
    from callsheet.models.book import scoring

    monkeypatch.setattr(scoring, "_model", scoring.DEFAULT_MODEL)
    _import(
        cli,
        tmp_path,
        "Small Debt",
        [
            {"number": "S-1", "amount": 50, "issued": "2026-10-01", "due": "2026-10-15"},
            {
                "number": "S-0",
                "amount": 50000,
                "issued": "2026-03-01",
                "due": "2026-03-15",
                "paid": "2026-03-10",
            },
        ],
    )
    floor = cli.json("risk", "Small", "--json", "--as-of", "2026-11-22")["floor"]
    assert floor and "30 days" in floor["reason"]
    config = tmp_path / "config.toml"
    config.write_text("[risk]\noverdue_watch_days = 90\n")
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config))
    assert cli.json("risk", "Small", "--json", "--as-of", "2026-11-22")["floor"] is None
    config.write_text('[risk]\noverdue_watch_days = "soon"\n')
    code, _, err = cli("risk", "--json")
    assert code == 2 and "overdue_watch_days" in err
