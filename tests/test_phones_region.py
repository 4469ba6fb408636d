"""Phones that always work (issue 23 item 5): the country guessed on a first run and said on
the welcome screen, a form hint that reads in any region, `who` reading 00/+/011, and numbers
kept as typed read again once a country is known (on start-up and by `doctor --fix`)."""

from __future__ import annotations

import pytest

from callsheet.models.book import clients as ops
from callsheet.models.book.kept_phones import kept_phones, normalise_kept
from callsheet.models.config import Config, load_config
from callsheet.models.store.tables import Client, Phone
from callsheet.models.values.phones import PhoneError, example_hint, lookup_keys, to_e164
from callsheet.tui.app import CallsheetApp
from callsheet.tui.widgets.field import Field
from tests.clock import NOW
from tests.tui_helpers import running, settle, wait_for


@pytest.fixture
def no_country(monkeypatch):
    """A C locale in UTC: nothing tells which country national numbers are from."""
    for variable in ("CALLSHEET_REGION", "LC_ALL", "LC_CTYPE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TZ", "UTC")


# -- the country, guessed and said -------------------------------------------------------


def test_the_country_is_guessed_from_the_time_zone_and_says_where_from(no_country, monkeypatch):
    assert load_config().default_region is None
    monkeypatch.setenv("TZ", "Europe/Warsaw")
    config = load_config()
    assert config.default_region == "PL" and config.region_from == "your time zone (Europe/Warsaw)"
    monkeypatch.setenv("LANG", "ro_RO.UTF-8")
    monkeypatch.setenv("LC_CTYPE", "C.UTF-8")  # what Python sets itself in a C locale
    config = load_config()
    assert config.default_region == "RO" and config.region_from == "your locale (LANG=ro_RO.UTF-8)"
    monkeypatch.setenv("CALLSHEET_REGION", "DE")
    assert (load_config().default_region, load_config().region_from) == ("DE", "")


@pytest.mark.parametrize("region", [None, "RO", "PL", "US", "GB", "RU"])
def test_every_number_a_phone_hint_shows_reads_in_its_region(region):
    hint = example_hint(region)
    numbers = hint.removeprefix("e.g. ").split(" (with")[0].split(", ")
    for number in numbers:
        assert to_e164(number, region).startswith("+"), (region, number)


def _welcome(app) -> str:
    return str(app.screen.query_one("#welcome").render())


async def test_the_welcome_says_which_country_and_currency_and_where_they_came_from(db):
    guessed = Config(default_region="PL", region_from="your time zone (Europe/Warsaw)")
    async with running(CallsheetApp(guessed, now=lambda: NOW)) as (app, _pilot):
        said = _welcome(app)
        assert "+48 (PL)" in said and "guessed from your time zone (Europe/Warsaw)" in said
        assert "Money is in EUR" in said and "default_region, currency" in said
    async with running(CallsheetApp(Config(), now=lambda: NOW)) as (app, _pilot):
        said = _welcome(app)
        assert "No country is known for phone numbers" in said and "+40 721" in said
    async with running(CallsheetApp(Config(default_region="RO"), now=lambda: NOW)) as (app, _):
        assert "country" not in _welcome(app)  # set by the user: nothing to say


async def test_the_new_client_forms_own_hint_is_accepted_with_no_country(db):
    async with running(CallsheetApp(Config(), now=lambda: NOW)) as (app, pilot):
        await pilot.press("n", *"Ion Ionescu")
        form = app.screen
        phone = form.query_one("#field-phone", Field).widget
        example = phone.placeholder.removeprefix("e.g. ").split(" (with")[0].split(", ")[0]
        phone.value = example
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form, what="the form to close")
        await settle(pilot)
    [stored] = Phone.select()
    assert stored.e164 == "+40721234567"


# -- who: international prefixes -------------------------------------------------------------


def test_lookup_reads_00_plus_and_011_but_not_a_sheffield_number():
    for typed, region in [
        ("0040-721-234-567", None),
        ("+40 721 234 567", None),
        ("011 40 721 234 567", None),
        ("011 40 721 234 567", "US"),
        ("011 40 721 234 567", "RO"),  # no Romanian number starts 011: read as dialled abroad
        ("0721 234 567", "RO"),
    ]:
        keys, error = lookup_keys(typed, region)
        assert keys[0] == "+40721234567" and error is None, (typed, region)
    keys, _ = lookup_keys("0114 496 0000", "GB")
    assert keys[0] == "+441144960000" and "+41" not in "".join(keys)
    keys, error = lookup_keys("0721 234 567", None)
    assert keys == ["?0721234567"] and isinstance(error, PhoneError)
    # a caller's international number finds a national number kept as typed before
    assert "?0721234567" in lookup_keys("+40 721 234 567", None)[0]


def test_who_finds_a_stored_number_by_its_international_forms(cli):
    assert cli("add", "Ion Ionescu", "--phone", "0721-234-567")[0] == 0
    for typed in ("0040-721-234-567", "0040 721 234 567", "+40721234567", "011 40 721 234 567"):
        code, out, err = cli("who", typed)
        assert code == 0 and out.startswith("Ion Ionescu — "), (typed, err)


# -- numbers kept as typed ---------------------------------------------------------------------


@pytest.fixture
def kept(no_country, cli, tmp_path):
    """A CSV imported with no country known: both numbers kept as typed ("(?)")."""
    book = tmp_path / "book.csv"
    book.write_text("name,phone\nIon Ionescu,0721 234 567\nService,1850\n", encoding="utf-8")
    code, out, err = cli("import", str(book))
    assert code == 0 and "kept as typed" in out, err
    return cli


def test_doctor_names_each_number_it_cannot_read_and_fix_stores_the_rest(kept, monkeypatch):
    code, out, _ = kept("doctor")
    assert "phone '0721 234 567' of #1 Ion Ionescu is kept as typed: " in out
    assert "phone '1850' of #2 Service is kept as typed: " in out and "no country code" in out
    monkeypatch.setenv("CALLSHEET_REGION", "RO")
    code, out, _ = kept("doctor")
    assert code == 1 and "PROBLEM: 1 phone number kept as typed can be read in RO now" in out
    assert "doctor --fix" in out
    assert kept("who", "0040-721-234-567")[0] == 0  # found as typed meanwhile
    code, out, _ = kept("doctor", "--fix")
    assert "fixed: 1 phone number kept as typed now read in RO" in out
    assert "PROBLEM" not in out and "phone '1850' of #2 Service is kept as typed" in out
    code, out, _ = kept("who", "0040-721-234-567")
    assert code == 0 and out.startswith("Ion Ionescu")
    shown = kept("show", "Ion")[1]
    assert "phones:      0721 234 567\n" in shown  # no "(?)": stored as +40721234567
    doctor = kept.json("doctor", "--json")
    assert doctor["problems"] == [] and any("'1850'" in w for w in doctor["warnings"])


def test_normalising_keeps_one_row_when_the_client_has_the_number_already(db):
    ion = ops.add_client("Ion Ionescu", phones=["+40 721 234 567"], now=NOW)
    Phone.create(client=ion, e164="?0721234567", raw="0721 234 567")
    Phone.create(client=ion, e164="?0722111222", raw="0722 111 222")
    done = normalise_kept("RO")
    assert sorted(e164 for _, _, e164 in done.read) == ["+40721234567", "+40722111222"]
    assert sorted(p.e164 for p in Phone.select()) == ["+40721234567", "+40722111222"]
    assert kept_phones("RO") == []


async def test_the_dashboard_reads_kept_numbers_on_start_up_once_a_country_is_known(db):
    ion = ops.add_client("Ion Ionescu", now=NOW)
    Phone.create(client=ion, e164="?0721234567", raw="0721 234 567")
    Phone.create(client=ion, e164="?1850", raw="1850")
    async with running(CallsheetApp(Config(default_region="RO"), now=lambda: NOW)) as (app, pilot):
        await wait_for(
            pilot,
            lambda: Phone.get_or_none(Phone.e164 == "+40721234567") is not None,
            what="the kept number read",
        )
    assert sorted(p.e164 for p in Phone.select()) == ["+40721234567", "?1850"]
    assert Client.select().count() == 1
