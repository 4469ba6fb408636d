"""``callsheet rates import``: the ECB's reference-rate CSVs in, rates with their day out.

The files below are written in the exact shape of the ECB's downloads: ``eurofxref.csv``
(one day: a space after each comma, the date in words, a trailing comma on every line) and
``eurofxref-hist.csv`` (ISO dates, ``N/A`` for currencies not quoted that day, a trailing
comma). The header is the ECB's; the 2019-04-10 row's figures are the ECB's of that day as
public code quotes them (first 37), the rest and the December 2026 figures are made up in
the same shape.
"""

from __future__ import annotations

import json
import zipfile

import pytest

DAILY = (
    "Date, USD, JPY, BGN, CZK, DKK, GBP, HUF, PLN, RON, SEK, CHF, ISK, NOK, TRY, AUD, BRL,"
    " CAD, CNY, HKD, IDR, ILS, INR, KRW, MXN, MYR, NZD, PHP, SGD, THB, ZAR, \n"
    "04 December 2026, 1.0539, 158.17, 1.9558, 25.061, 7.4601, 0.83340, 410.15, 4.2313,"
    " 4.9750, 11.4325, 0.9335, 146.30, 11.7435, 36.4970, 1.6322, 6.4150, 1.4740, 7.6470,"
    " 8.1995, 16795.12, 3.8172, 89.1450, 1480.35, 21.2200, 4.6830, 1.7950, 61.020, 1.4122,"
    " 36.010, 19.0290, \n"
)

_HIST_HEADER = (
    "Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,HUF,LTL,LVL,MTL,PLN,ROL,RON,SEK,SIT,SKK,CHF,ISK,"
    "NOK,HRK,RUB,TRL,TRY,AUD,BRL,CAD,CNY,HKD,IDR,ILS,INR,KRW,MXN,MYR,NZD,PHP,SGD,THB,ZAR,\n"
)
HIST = (
    _HIST_HEADER
    + "2026-12-04,1.0539,158.17,1.9558,N/A,25.061,7.4601,N/A,0.8334,410.15,N/A,N/A,N/A,"
    "4.2313,N/A,4.975,11.4325,N/A,N/A,0.9335,146.3,11.7435,N/A,N/A,N/A,36.497,1.6322,6.415,"
    "1.474,7.647,8.1995,16795.12,3.8172,89.145,1480.35,21.22,4.683,1.795,61.02,1.4122,"
    "36.01,19.029,\n"
    + "2019-04-10,1.1279,125.38,1.9558,N/A,25.608,7.4652,N/A,0.86083,321.84,N/A,N/A,N/A,"
    "4.2833,N/A,4.7605,10.44,N/A,N/A,1.128,134.2,9.5895,7.4253,72.86,N/A,6.4144,1.5785,"
    "4.3301,1.5032,7.5758,8.8405,15959.79,4.0351,77.9945,1283.09,21.2783,4.6328,1.6697,"
    "58.543,1.5258,35.25,15.6836,\n"
)


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Write config.toml with these lines and point callsheet at it."""

    def write(text: str = 'currency = "EUR"\n') -> None:
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("CALLSHEET_CONFIG", str(path))

    write()
    return write


def _file(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _rates(cli) -> dict:
    return cli.json("rates", "--json")


def _marta_owes_pln(cli) -> None:
    assert cli("add", "Marta Nowak", "--status", "active")[0] == 0
    code, _, err = cli(
        "invoice", "add", "Marta", "P-1", "4000", "--currency", "PLN",
        "--issued", "2026-09-01", "--due", "2026-09-15",
    )  # fmt: skip
    assert code == 0, err


def test_one_day_file_is_stored_with_its_day_and_every_conversion_shows_it(cli, tmp_path, config):
    _marta_owes_pln(cli)
    code, out, err = cli("rates", "import", _file(tmp_path, "eurofxref.csv", DAILY))
    assert code == 0, err
    assert "30 rates of 30 currencies for 1 day (2026-12-04 to 2026-12-04)" in out
    listed = _rates(cli)
    # 1 PLN = 1 / 4.2313 EUR, from the ECB's 4 December
    assert listed["rates"]["PLN"]["rate"] == pytest.approx(1 / 4.2313)
    assert listed["rates"]["PLN"]["day"] == "2026-12-04"
    code, out, err = cli("brief", "Marta")
    assert code == 0, err
    assert "Overdue in EUR: ≈ 945.34 EUR at PLN 0.236334 on 4 Dec 2026" in out
    marta = cli.json("risk", "Marta", "--json")
    home = marta["money"]["overdue_in_home"]
    assert home["cents"] == 94_534 and home["rate_days"] == {"PLN": "2026-12-04"}
    code, out, _ = cli("rates")
    assert code == 0 and "PLN 0.236334 on 4 Dec 2026" in out


def test_history_file_uses_the_newest_day_and_converts_through_the_euro(cli, tmp_path, config):
    config('currency = "RON"\n')
    code, out, err = cli("rates", "import", _file(tmp_path, "eurofxref-hist.csv", HIST))
    assert code == 0, err
    assert "for 2 days (2019-04-10 to 2026-12-04)" in out
    rates = _rates(cli)["rates"]
    # home RON: one PLN is 4.975 / 4.2313 RON (RON per euro over PLN per euro, same day)
    assert rates["PLN"]["rate"] == pytest.approx(4.975 / 4.2313)
    assert rates["PLN"]["day"] == "2026-12-04"
    assert rates["EUR"]["rate"] == pytest.approx(4.975)
    # the Russian rouble was last quoted in 2019 (N/A since): no rate for today's money,
    # and neither for N/A currencies (the Cypriot pound); RON is home
    assert "RUB" not in rates and "CYP" not in rates and "RON" not in rates
    assert rates["USD"]["day"] == "2026-12-04"


def test_a_currency_not_quoted_today_keeps_its_last_rate_of_the_month(cli, tmp_path, config):
    """A day on which a currency is N/A: its rate comes from the last day it was quoted,
    with that day beside it (within the month before the newest day)."""
    older = HIST.splitlines()[1].replace("2026-12-04", "2026-11-20").replace("1.0539", "1.0400")
    newest = HIST.splitlines()[1].replace(",1.0539,", ",N/A,")
    text = _HIST_HEADER + newest + "\n" + older + "\n"
    assert cli("rates", "import", _file(tmp_path, "eurofxref-hist.csv", text))[0] == 0
    rates = _rates(cli)["rates"]
    assert rates["USD"] == {"rate": pytest.approx(1 / 1.04), "day": "2026-11-20"}
    assert rates["PLN"]["day"] == "2026-12-04"


def test_a_zip_as_the_ecb_serves_it_is_read(cli, tmp_path, config):
    path = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("eurofxref-hist.csv", HIST)
    code, out, err = cli("rates", "import", str(path))
    assert code == 0, err
    assert _rates(cli)["imported_days"] == 2


def test_config_rates_win_over_imported_ones(cli, tmp_path, config):
    config('currency = "EUR"\n[rates]\nPLN = 0.25\n')
    _marta_owes_pln(cli)
    assert cli("rates", "import", _file(tmp_path, "eurofxref.csv", DAILY))[0] == 0
    rates = _rates(cli)["rates"]
    assert rates["PLN"]["rate"] == 0.25
    assert rates["RON"]["rate"] == pytest.approx(1 / 4.975)
    code, out, _ = cli("brief", "Marta")
    assert "≈ 1,000 EUR at PLN 0.25 on " in out


def _stored_score(db_path) -> int:
    """The score the list sorts by, as the database holds it."""
    from callsheet.models.store.db import close_database
    from callsheet.models.store.opening import open_database
    from callsheet.models.store.tables import Client

    open_database(db_path)
    try:
        return Client.get(Client.name == "Marta Nowak").risk_score
    finally:
        close_database()


def test_importing_rates_rescores_clients_billed_in_other_currencies(
    cli, tmp_path, config, db_path
):
    _marta_owes_pln(cli)
    before = _stored_score(db_path)
    code, out, err = cli("rates", "import", _file(tmp_path, "eurofxref.csv", DAILY))
    assert code == 0, err
    assert "risk rescored for 1 client" in out
    fresh = cli.json("risk", "Marta", "--json")
    # without a rate 4,000 PLN counted as 4,000 units; at 0.2363 it is 945 EUR: smaller
    assert _stored_score(db_path) == fresh["score"] < before


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (DAILY + "05 December 2026, 1.05, lots, \n", "eurofxref.csv line 3: JPY 'lots'"),
        (DAILY + "5th of December, 1.05, \n", "eurofxref.csv line 3: '5th of December'"),
        (DAILY + "04 December 2026, 1.05, \n", "eurofxref.csv line 3: 2026-12-04 is given twice"),
        ("Datum, USD, \n04 December 2026, 1.05, \n", "eurofxref.csv line 1: not an ECB"),
        ("Date, USD, EURO, \n", "eurofxref.csv line 1: 'EURO' is not a three-letter"),
        ("Date, USD, \n04 December 2026, 1.05, 2.0, 3.0, \n", "line 2: 3 rates for 1 currencies"),
        (DAILY.replace("1.0539", "-1.0539"), "eurofxref.csv line 2: USD '-1.0539'"),
        ("", "eurofxref.csv: no rates in it"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_line_and_nothing_is_saved(
    cli, tmp_path, config, text, named
):
    code, out, err = cli("rates", "import", _file(tmp_path, "eurofxref.csv", text))
    assert code == 2, (out, err)
    assert named in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    listed = _rates(cli)
    assert listed["imported_days"] == 0 and listed["rates"] == {}


def test_a_missing_file_is_named(cli, tmp_path, config):
    code, out, err = cli("rates", "import", str(tmp_path / "nowhere.csv"))
    assert code == 2 and "nowhere.csv" in err


def test_json_of_rates_is_one_object(cli, config):
    listed = _rates(cli)
    assert json.dumps(listed) and listed["home"] == "EUR" and listed["rates"] == {}
