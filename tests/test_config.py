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
