"""Money in EUR, PLN and RON in one book: every output keeps currencies apart, and converts
only at the rates the user supplies in ``[rates]``, showing the rate, naming what has none."""

from __future__ import annotations

from datetime import date

import pytest

from callsheet.models.config import ConfigError, load_config
from callsheet.models.values.money import convert

AS_OF = "2026-12-06"


@pytest.fixture
def rates(tmp_path, monkeypatch):
    """Write config.toml with these lines (EUR at home) and point callsheet at it."""

    def write(text: str = "") -> None:
        path = tmp_path / "config.toml"
        path.write_text('currency = "EUR"\n' + text, encoding="utf-8")
        monkeypatch.setenv("CALLSHEET_CONFIG", str(path))

    return write


def _day_text(day: date) -> str:
    """A rate's day as shown beside it: "6 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def _book(cli) -> None:
    """Marta owes 4,000 PLN and 1,000 EUR (overdue) and 500 RON; she paid 2,000 EUR."""
    assert cli("add", "Marta Nowak", "--status", "active")[0] == 0
    assert cli("add", "Calm Client")[0] == 0
    for number, amount, currency, issued, due in (
        ("P-1", "4000", "PLN", "2026-09-01", "2026-09-15"),
        ("E-1", "1000", "EUR", "2026-09-10", "2026-10-01"),
        ("R-1", "500", "RON", "2026-10-01", "2026-10-20"),
        ("E-0", "2000", "EUR", "2026-08-01", "2026-08-15"),
    ):
        code, _, err = cli(
            "invoice", "add", "Marta", number, amount, "--currency", currency,
            "--issued", issued, "--due", due,
        )  # fmt: skip
        assert code == 0, err
    code, out, err = cli("invoice", "list", "Marta", "--json")
    assert code == 0, err


def _pay(cli, number: str, on: str) -> None:
    import json

    invoices = json.loads(cli("invoice", "list", "Marta", "--json")[1])
    (chosen,) = [i for i in invoices if i["number"] == number]
    code, _, err = cli("invoice", "pay", str(chosen["id"]), "--on", on)
    assert code == 0, err


def _marta(cli, *extra: str) -> dict:
    listed = cli.json("risk", "--json", "--as-of", AS_OF, *extra)
    (marta,) = [c for c in listed if c["name"] == "Marta Nowak"]
    return marta


def test_risk_json_keeps_each_currency_apart_without_rates(cli, rates):
    rates()
    _book(cli)
    _pay(cli, "E-0", "2026-08-10")
    marta = _marta(cli)
    money = marta["money"]
    assert money["overdue"] == {"PLN": 400_000, "EUR": 100_000, "RON": 50_000}
    assert money["paid"] == {"EUR": 200_000}
    # no rates: only the EUR is home money; the others are named, never added
    assert money["overdue_in_home"] == {
        "currency": "EUR",
        "cents": 100_000,
        "rates": {},
        "rate_days": {},
        "not_counted": {"PLN": 400_000, "RON": 50_000},
    }
    text = marta["stance"]["text"]
    assert "4,000 PLN + 1,000 EUR + 500 RON overdue" in text
    assert "5,000" not in text and "5,500" not in text


def test_risk_json_converts_at_the_users_rates_and_shows_them(cli, rates):
    rates("[rates]\nPLN = 0.2301\n")
    _book(cli)
    _pay(cli, "E-0", "2026-08-10")
    money = _marta(cli)["money"]
    assert money["overdue"] == {"PLN": 400_000, "EUR": 100_000, "RON": 50_000}
    # 1,000 EUR + 4,000 PLN at 0.2301 = 1,920.40 EUR; RON has no rate and stays apart
    assert money["overdue_in_home"] == {
        "currency": "EUR",
        "cents": 192_040,
        "rates": {"PLN": 0.2301},
        # a [rates] entry is dated by the day config.toml was last changed (today here)
        "rate_days": {"PLN": date.today().isoformat()},
        "not_counted": {"RON": 50_000},
    }


def test_stance_worth_counts_foreign_payments_only_at_a_rate(cli, rates):
    rates()
    _book(cli)
    _pay(cli, "P-1", "2026-09-10")  # 4,000 PLN paid, no rate: not worth 4,000 EUR
    text = _marta(cli)["stance"]["text"]
    assert "paid 4,000 PLN" in text and "4,000 PLN not counted: no rate" in text
    rates("[rates]\nPLN = 0.2301\n")
    text = _marta(cli)["stance"]["text"]
    assert "≈ 920.40 EUR at PLN 0.2301" in text


def test_one_currency_scores_as_before_with_or_without_rates(cli, rates):
    """A book in one currency is one group: the exposure ratio needs no rate."""
    rates()
    assert cli("add", "Solo", "--status", "active")[0] == 0
    cli("invoice", "add", "Solo", "S-1", "3000", "--currency", "PLN",
        "--issued", "2026-09-01", "--due", "2026-09-15")  # fmt: skip
    before = cli.json("risk", "--json", "--as-of", AS_OF)[0]
    rates("[rates]\nPLN = 0.2301\nRON = 0.2\n")
    after = cli.json("risk", "--json", "--as-of", AS_OF)[0]
    # the size of the invoice is judged in home money once PLN has a rate (690 EUR, not
    # 3,000): only that may move; the exposure (everything overdue, nothing paid) stays 1
    assert before["money"]["overdue"] == after["money"]["overdue"] == {"PLN": 300_000}
    assert after["score"] <= before["score"]


def test_convert_sets_apart_what_has_no_rate():
    converted = convert({"EUR": 100_000, "PLN": 400_000, "RON": 50_000}, "EUR", {"PLN": 0.2301})
    assert converted.cents == 192_040
    assert converted.text() == "≈ 1,920.40 EUR at PLN 0.2301; 500 RON not counted: no rate"
    assert convert({"EUR": 100}, "EUR", {}).text() == "1 EUR"


@pytest.mark.parametrize(
    ("lines", "named"),
    [
        ("[rates]\nPLN = 0\n", "rates.PLN must be a finite number above 0"),
        ("[rates]\nPLN = -1.5\n", "rates.PLN must be a finite number above 0"),
        ("[rates]\nPLN = nan\n", "rates.PLN must be a finite number above 0"),
        ("[rates]\nPLN = inf\n", "rates.PLN must be a finite number above 0"),
        ('[rates]\nPLN = "0.23"\n', "rates.PLN must be a finite number above 0"),
        ("[rates]\nPLN = true\n", "rates.PLN must be a finite number above 0"),
        ("[rates]\nZLOTY = 0.23\n", "rates.ZLOTY: not a three-letter currency code"),
        ("[rates]\nEUR = 2\n", "rates.EUR: the home currency's rate is 1"),
        ('rates = "PLN"\n', "[rates] must be a table"),
    ],
)
def test_bad_rates_are_one_line_naming_the_setting(tmp_path, lines, named):
    path = tmp_path / "config.toml"
    path.write_text('currency = "EUR"\n' + lines, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert named in str(raised.value) and "\n" not in str(raised.value)


def test_rates_load_upper_cased_and_the_cli_refuses_bad_ones(tmp_path, cli, rates):
    path = tmp_path / "ok.toml"
    path.write_text('currency = "eur"\n[rates]\npln = 0.2301\nRON = 1\n', encoding="utf-8")
    assert load_config(path).rates == {"PLN": 0.2301, "RON": 1.0}
    rates("[rates]\nPLN = -1\n")
    code, out, err = cli("risk", "--json")
    assert code == 2 and out == "" and "rates.PLN" in err and "Traceback" not in err


def test_the_list_cell_keeps_home_money_as_before_and_names_other_currencies():
    from callsheet.models.values.money import column_text

    assert column_text([("EUR", 100_050)], "EUR") == "1,000.50"
    assert column_text([("PLN", 400_000)], "EUR") == "4,000 PLN"
    assert column_text([("PLN", 400_000), ("EUR", 100_000)], "EUR") == "4k PLN+"
    assert column_text([("RON", 123_456_700)], "EUR") == "1.2M RON"  # 1,234,567 RON
    assert column_text([], "EUR") == ""


def test_call_sheet_keeps_currencies_apart_and_names_what_has_no_rate(cli, rates):
    rates()
    _book(cli)
    _pay(cli, "E-0", "2026-08-10")
    code, out, err = cli("brief", "Marta")
    assert code == 0, err
    assert "Owed: 1,000 EUR, 4,000 PLN, 500 RON" in out
    assert "OVERDUE P-1: 4,000 PLN" in out and "OVERDUE R-1: 500 RON" in out
    assert "Overdue in EUR: 1,000 EUR; 4,000 PLN not counted: no rate; 500 RON not counted" in out
    assert "5,000" not in out and "5,500" not in out
    sheet = cli.json("brief", "Marta", "--json")
    assert sheet["money"]["owed"] == {"EUR": 1000.0, "PLN": 4000.0, "RON": 500.0}
    assert sheet["risk"]["money"]["overdue"] == {"PLN": 400_000, "EUR": 100_000, "RON": 50_000}
    assert sheet["risk"]["money"]["overdue_in_home"]["not_counted"] == {
        "PLN": 400_000,
        "RON": 50_000,
    }
    code, out, err = cli("facts", "Marta")
    assert code == 0, err
    assert "- Money (PLN): invoiced 4,000, paid 0, overdue 4,000" in out
    assert "- Overdue in EUR: 1,000 EUR; 4,000 PLN not counted: no rate" in out


def test_call_sheet_shows_a_conversion_with_its_rate(cli, rates):
    rates("[rates]\nPLN = 0.2301\nRON = 0.2\n")
    _book(cli)
    code, out, err = cli("brief", "Marta", "--markdown")
    assert code == 0, err
    # 3,000 EUR + 4,000 PLN x 0.2301 + 500 RON x 0.2 = 4,020.40 EUR, with both rates
    on = _day_text(date.today())
    assert f"Overdue in EUR: ≈ 4,020.40 EUR at PLN 0.2301 on {on}, RON 0.2 on {on}" in out
    code, out, err = cli("facts", "Marta")
    assert f"- Overdue in EUR: ≈ 4,020.40 EUR at PLN 0.2301 on {on}, RON 0.2 on {on}." in out


def test_an_agreements_invoices_in_another_currency_are_not_added_to_its_budget(cli, rates):
    rates()
    assert cli("add", "Marta Nowak", "--status", "active")[0] == 0
    code, _, err = cli("agreement", "add", "Marta", "Website", "--budget", "2000")
    assert code == 0, err
    for number, amount, currency in (("A-1", "1000", "EUR"), ("A-2", "4000", "PLN")):
        code, _, err = cli(
            "invoice", "add", "Marta", number, amount, "--currency", currency,
            "--agreement", "Website", "--issued", "2026-11-01", "--due", "2026-12-30",
        )  # fmt: skip
        assert code == 0, err
    code, out, err = cli("brief", "Marta")
    assert "invoiced 4,000 PLN + 1,000 EUR of 2,000 EUR" in out
    assert "(1,000 EUR; 4,000 PLN not counted: no rate) (50%)" in out
    rates("[rates]\nPLN = 0.25\n")
    code, out, err = cli("brief", "Marta")
    assert f"(≈ 2,000 EUR at PLN 0.25 on {_day_text(date.today())}) (100%)" in out
    assert cli.json("brief", "Marta", "--json")["agreements"][0]["invoiced"] == {
        "EUR": 1000.0,
        "PLN": 4000.0,
    }


def test_triage_json_gives_each_overdue_invoice_its_currency_and_sums_per_currency(cli, rates):
    rates()
    _book(cli)
    _pay(cli, "E-0", "2026-08-10")
    triage = cli.json("triage", "--json", "--as-of", AS_OF)
    (overdue,) = [g for g in triage["groups"] if g["kind"] == "overdue_invoice"]
    assert overdue["amounts"] == {"PLN": 400_000, "EUR": 100_000, "RON": 50_000}
    by_number = {i["text"].split(":")[0]: i for i in overdue["items"]}
    assert by_number["invoice P-1"]["currency"] == "PLN"
    assert by_number["invoice P-1"]["cents"] == 400_000
    assert by_number["invoice R-1"]["currency"] == "RON"
    code, out, err = cli("triage", "--as-of", AS_OF)
    assert code == 0 and "invoice P-1: 4,000 PLN, 82 days overdue" in out


def test_client_since_is_the_earliest_invoice_agreement_time_entry_or_contact(cli, rates):
    """An imported client's record is new; its history is not."""
    rates()
    _book(cli)  # the record is created today (the real clock); invoices from 1 Aug 2026
    code, out, err = cli("brief", "Marta")
    assert code == 0 and "client since 01 Aug 2026" in out, out
    assert cli.json("brief", "Marta", "--json")["client_since"] == "2026-08-01"
    code, _, err = cli("agreement", "add", "Marta", "Old deal", "--start", "2025-03-01")
    assert code == 0, err
    assert cli.json("brief", "Marta", "--json")["client_since"] == "2025-03-01"
    code, out, err = cli("facts", "Marta")
    assert "client since 2025-03-01" in out
    code, _, err = cli("log", "Marta", "--at", "2023-06-01 10:00", "First call")
    assert code == 0, err
    assert cli.json("brief", "Marta", "--json")["client_since"] == "2023-06-01"


def test_client_since_counts_time_entries_in_the_bulk_scoring_too(db):
    """The stance's years together read the same beginning, one client or all at once."""
    from datetime import UTC, datetime

    import callsheet.models.book.clients as ops
    from callsheet.models.book import scoring
    from tests.clock import NOW
    from tests.factories import client

    marta = client("Marta Nowak", status="active")
    ops.add_time_entry(marta, started_at=datetime(2024, 11, 5, 9, tzinfo=UTC), minutes=90)
    assert scoring.client_since(marta) == datetime(2024, 11, 5, 9, tzinfo=UTC)
    one = scoring.explain(marta.id, NOW).stance.text
    assert "2.1 years, nothing paid yet" in one
    [(_, bulk)] = scoring.risk_all(NOW)  # the bulk path: every client from one read
    assert bulk.stance.text == one
