"""Settings: where the database lives and the default phone region."""

from __future__ import annotations

import pytest

from callsheet.models.config import ConfigError, database_path, load_config, locale_region


def test_region_comes_from_the_environment_before_the_config_file(tmp_path, monkeypatch):
    config_file = tmp_path / "config.toml"
    config_file.write_text('default_region = "pl"\n')
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config_file))
    monkeypatch.setenv("CALLSHEET_REGION", "de")
    assert load_config().default_region == "DE"
    monkeypatch.delenv("CALLSHEET_REGION")
    assert load_config().default_region == "PL"


def test_region_falls_back_to_the_locale_country(monkeypatch):
    monkeypatch.delenv("CALLSHEET_REGION")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    monkeypatch.setenv("LANG", "ro_RO.UTF-8")
    assert locale_region() == "RO"
    assert load_config().default_region == "RO"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        pytest.param('default_regoin = "RO"\n', "default_regoin", id="an unknown setting"),
        pytest.param("default_region = \n", "config.toml", id="a broken file, by its path"),
    ],
)
def test_a_bad_config_file_is_reported_naming_what_is_wrong(tmp_path, monkeypatch, text, named):
    config_file = tmp_path / "config.toml"
    config_file.write_text(text)
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config_file))
    with pytest.raises(ConfigError, match=named):
        load_config()


def test_db_option_beats_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLSHEET_DB", str(tmp_path / "env.db"))
    assert database_path(str(tmp_path / "cli.db")) == tmp_path / "cli.db"
    assert database_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("CALLSHEET_DB")
    assert database_path(None).name == "callsheet.db"


def _run(tmp_path, config_text: str | None = None, *args: str, **env: str):
    """``callsheet list`` (or ARGS) in another process with this config; never allowed to hang."""
    import os
    import subprocess

    from tests.commands import CALLSHEET

    environment = dict(os.environ)
    environment.update(
        CALLSHEET_CONFIG=str(tmp_path / "config.toml"), CALLSHEET_DB=str(tmp_path / "x.db")
    )
    environment.update(env)
    if config_text is not None:
        (tmp_path / "config.toml").write_text(config_text)
    done = subprocess.run(
        [CALLSHEET, *(args or ["list"])],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[risk.rude]\nweight = nan\n", "risk.rude.weight"),
        ("[risk.rude]\nweight = inf\n", "risk.rude.weight"),
        ("[risk.rude]\nhalf_life_days = 1e300\n", "risk.rude.half_life_days"),
        ("[risk]\noverdue_watch_days = 1000000000000\n", "risk.overdue_watch_days"),
        ("stale_after_days = 1000000000000\n", "stale_after_days"),
        ("stale_after_days = -3\n", "stale_after_days"),
        ("stale_after_days = 2.5\n", "stale_after_days"),
        ("stale_after_days = true\n", "stale_after_days"),
        ("currency = 5\n", "currency"),
        ('currency = "EURO"\n', "currency"),
        ('default_region = "Romania"\n', "default_region"),
        ('work_start = "9 o\'clock"\n', "work_start"),
        ("work_end = 18\n", "work_end"),
        ("calendar_years = 0\n", "calendar_years"),
        ("calendar_years = 10000\n", "calendar_years"),
        ("my_addresses = 5\n", "my_addresses"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(tmp_path, text, named):
    code, err = _run(tmp_path, text)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("callsheet: ") and named in err
    assert "Traceback" not in err


@pytest.mark.parametrize("zone", ["UTC+25", "Mars/Olympus_Mons", "Europe/Nowhere"])
def test_a_time_zone_that_does_not_exist_is_refused_naming_tz(tmp_path, zone):
    code, err = _run(tmp_path, TZ=zone)
    assert code == 2, err
    assert err.count("\n") == 1 and "TZ" in err and zone in err


@pytest.mark.parametrize("zone", ["Europe/Bucharest", ":Europe/Warsaw", "UTC", "EST5EDT", "UTC-3"])
def test_real_time_zones_are_accepted(tmp_path, zone):
    code, err = _run(tmp_path, None, "add", "Ana Pop", TZ=zone)
    assert code == 0, err


def test_a_config_path_that_is_a_device_is_refused_without_reading_it(tmp_path):
    code, err = _run(tmp_path, CALLSHEET_CONFIG="/dev/zero")
    assert code == 2 and err.count("\n") == 1 and "not a regular file" in err


def test_a_config_path_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    import os

    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)  # nobody writes to it: reading it would wait forever
    code, err = _run(tmp_path, CALLSHEET_CONFIG=str(fifo))
    assert code == 2 and err.count("\n") == 1 and "not a regular file" in err


def test_a_config_path_that_is_a_folder_is_refused(tmp_path):
    code, err = _run(tmp_path, CALLSHEET_CONFIG=str(tmp_path))
    assert code == 2 and err.count("\n") == 1 and str(tmp_path) in err


def test_good_settings_still_load(tmp_path, monkeypatch):
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        'currency = "ron"\nstale_after_days = 30\ncalendar_years = 5\n'
        "[risk.rude]\nweight = 20\nhalf_life_days = 180\n"
    )
    monkeypatch.setenv("CALLSHEET_CONFIG", str(config_file))
    config = load_config()
    assert (config.currency, config.stale_after_days, config.calendar_years) == ("RON", 30, 5)
