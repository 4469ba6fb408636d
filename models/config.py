"""Where callsheet keeps its files, and the user's settings from ``config.toml``.

The database defaults to ``callsheet.db`` in the platform's user data directory; ``--db``
or ``CALLSHEET_DB`` override it. Settings live in an optional ``config.toml`` in the user
config directory (``CALLSHEET_CONFIG`` points elsewhere). Unknown keys are an error that
names the key, so a typo is not silently ignored.
"""

from __future__ import annotations

import locale
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "callsheet"


class ConfigError(Exception):
    """config.toml cannot be read or holds a value callsheet does not understand."""


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "callsheet.db"


def database_setting(cli_value: str | None = None) -> str:
    """The store to open: ``--db``, else ``CALLSHEET_DB``, else the default file.

    A file path or a URL (``sqlite:///path``, ``postgresql://user:pass@host/db``); see
    :mod:`callsheet.models.store.opening`.
    """
    chosen = cli_value or os.environ.get("CALLSHEET_DB")
    return chosen if chosen else str(default_database_path())


def database_path(cli_value: str | None = None) -> Path:
    """The database file to open (for an SQLite store): ``--db``, ``CALLSHEET_DB`` or the default."""
    return Path(database_setting(cli_value)).expanduser()


def config_path() -> Path:
    chosen = os.environ.get("CALLSHEET_CONFIG")
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


@dataclass
class Config:
    #: ISO country for national phone numbers ("0721 234 567" -> +40 with "RO")
    default_region: str | None = None
    currency: str = "EUR"
    #: working hours, "HH:MM" strings, used for follow-up defaults
    work_start: str = "09:00"
    work_end: str = "18:00"
    #: an active client not contacted for this many days needs attention
    stale_after_days: int = 21
    #: overrides of the risk table: {"rude": {"weight": 20, "half_life_days": 180}, ...}
    risk: dict = field(default_factory=dict)
    #: the user's own e-mail addresses: mail From one of them is logged as outgoing
    my_addresses: list[str] = field(default_factory=list)
    #: Maildir folders or mbox files that `callsheet mail` reads when given no path
    mail_paths: list[str] = field(default_factory=list)
    #: the dashboard's keys by binding id: {"dashboard.log": "L", "dashboard.triage": "t,f2"}
    keys: dict = field(default_factory=dict)
    #: "dark" or "light"
    theme: str = "dark"


_KNOWN = {
    "default_region",
    "currency",
    "work_start",
    "work_end",
    "stale_after_days",
    "risk",
    "my_addresses",
    "mail_paths",
    "keys",
    "theme",
}


def locale_region() -> str | None:
    """The country of the user's locale: LANG=ro_RO.UTF-8 gives "RO"."""
    for variable in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = os.environ.get(variable)
        if value:
            break
    else:
        value = locale.getlocale()[0] or ""
    language_country = value.split(".")[0].split("@")[0]
    if "_" in language_country:
        country = language_country.split("_", 1)[1]
        if len(country) == 2 and country.isalpha():
            return country.upper()
    return None


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    values: dict = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: {error}") from error
    unknown = sorted(set(values) - _KNOWN)
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r}")
    config = Config(**values)
    env_region = os.environ.get("CALLSHEET_REGION")
    if env_region:
        config.default_region = env_region
    if not config.default_region:
        config.default_region = locale_region()
    if config.default_region:
        config.default_region = config.default_region.upper()
    if not isinstance(config.stale_after_days, int) or config.stale_after_days < 1:
        raise ConfigError(f"{path}: stale_after_days must be a whole number of days")
    for name in ("my_addresses", "mail_paths"):
        value = getattr(config, name)
        if isinstance(value, str):  # one address or path written without brackets
            setattr(config, name, [value])
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {name} must be a list of strings")
    if not isinstance(config.keys, dict) or not all(
        isinstance(key, str) and key.strip() for key in config.keys.values()
    ):
        raise ConfigError(f'{path}: [keys] maps binding ids to keys, e.g. "dashboard.log" = "L"')
    if config.theme not in ("dark", "light"):
        raise ConfigError(f"{path}: theme must be 'dark' or 'light', not {config.theme!r}")
    return config
