"""Where callsheet keeps its files, and the user's settings from ``config.toml``.

The database defaults to ``callsheet.db`` in the platform's user data directory; ``--db``
or ``CALLSHEET_DB`` override it. Settings live in an optional ``config.toml`` in the user
config directory (``CALLSHEET_CONFIG`` points elsewhere). Unknown keys are an error that
names the key, so a typo is not silently ignored.

Every setting is checked when it is loaded (types, finite numbers in range, a time zone
that exists, a three-letter currency), so a bad value is one line naming it and exit 2,
never a crash or a hang later. The config path must be a regular file: it is opened
without blocking and checked before a byte is read, so ``/dev/zero`` or a FIFO is refused.
"""

from __future__ import annotations

import locale
import math
import os
import re
import shlex
import stat
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
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
    #: how far back `callsheet import` expands a calendar's repeating events, in years
    calendar_years: int = 2
    #: what one unit of a currency is worth in ``currency`` (the home currency):
    #: {"PLN": 0.2301}; amounts in a currency with no rate are never counted as home money
    rates: dict = field(default_factory=dict)
    #: [sync]: where the user keeps contacts and calendars, the IMAP accounts ([[sync.imap]]),
    #: and how often the dashboard syncs them: {"contacts": "~/.contacts/phone", "every_minutes": 15}
    sync: dict = field(default_factory=dict)

    @property
    def sync_contacts(self) -> str | None:
        """The contacts vdir of [sync], ``~`` expanded (None: not set)."""
        value = self.sync.get("contacts")
        return str(Path(value).expanduser()) if value else None

    @property
    def sync_every_minutes(self) -> int:
        """How often the open dashboard syncs on its own (0: only when asked)."""
        return int(self.sync.get("every_minutes", 0))

    #: where ``default_region`` came from when the user did not set it: "your locale
    #: (LANG=ro_RO.UTF-8)", "your time zone (Europe/Bucharest)"; "" when set (config.toml,
    #: CALLSHEET_REGION) or not known. Not a setting of config.toml.
    region_from: str = ""
    #: when the phone rings (callsheet ring): "bell" (the terminal bell), "osc" (the bell and
    #: a desktop notification through the terminal, OSC 777 and OSC 9) or "command" (the bell
    #: and ``notify_command``, run with {title} and {body} filled in, never through a shell)
    notify: str = "bell"
    notify_command: list[str] = field(
        default_factory=lambda: ["notify-send", "--app-name=callsheet", "{title}", "{body}"]
    )


NOTIFY_KINDS = ("bell", "osc", "command")

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
    "calendar_years",
    "rates",
    "sync",
    "notify",
    "notify_command",
}

#: The settings of [sync] for contacts, each with its check: (what it must be, the test).
_SYNC_KEYS = {
    "contacts": ("a path to a contacts vdir", lambda v: isinstance(v, str) and v.strip() != ""),
    "every_minutes": (
        "a whole number of minutes from 0 (only when asked) to 1440",
        lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1440,
    ),
}

#: a config.toml is a few lines; anything this big is not one
_MAX_CONFIG_BYTES = 1 << 20
_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
# POSIX TZ: std offset [dst [offset] [,rule]]; hours of an offset are 0..24
_POSIX_TZ = re.compile(
    r"(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)[+-]?(?:[01]?\d|2[0-4])(?::[0-5]\d){0,2}"
    r"(?:(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)(?:[+-]?(?:[01]?\d|2[0-4])(?::[0-5]\d){0,2})?"
    r"(?:,[^,]+,[^,]+)?)?"
)


def locale_region() -> str | None:
    """The country of the user's locale: LANG=ro_RO.UTF-8 gives "RO"."""
    return _locale_country()[0]


def _locale_country() -> tuple[str | None, str]:
    """The locale's country and where it was read ("LANG=ro_RO.UTF-8").

    The first of LC_ALL, LC_CTYPE, LANG that names a country: Python itself sets
    LC_CTYPE=C.UTF-8 in a C locale (PEP 538), which names none and must not hide LANG.
    """
    named = [(v, os.environ[v]) for v in ("LC_ALL", "LC_CTYPE", "LANG") if os.environ.get(v)]
    # with no variable set, the C library's own (Python reads C.UTF-8 as en_US: not asked)
    for variable, value in named or [("locale", locale.getlocale()[0] or "")]:
        language_country = value.split(".")[0].split("@")[0]
        if "_" in language_country:
            country = language_country.split("_", 1)[1]
            if len(country) == 2 and country.isalpha():
                return country.upper(), f"{variable}={value}"
    return None, ""


def time_zone_name() -> str | None:
    """The system's time zone as a tz database name ("Europe/Bucharest"), or None."""
    tz = (os.environ.get("TZ") or "").lstrip(":")
    if "/" in tz and not tz.startswith("/"):
        return tz
    try:
        target = os.path.realpath(tz or "/etc/localtime")
    except OSError:
        return None
    if "/zoneinfo/" in target:
        return target.split("/zoneinfo/", 1)[1].removeprefix("posix/").removeprefix("right/")
    try:
        return Path("/etc/timezone").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _zone_table() -> str:
    """tzdata's zone.tab (country code, coordinates, zone name a line), or ""."""
    # deferred: only a first run with no country known reads it
    from importlib import resources

    try:
        return resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        pass
    try:
        return Path("/usr/share/zoneinfo/zone.tab").read_text(encoding="utf-8")
    except OSError:
        return ""


def zone_region(zone: str | None) -> str | None:
    """The country a time zone belongs to: "Europe/Bucharest" gives "RO"; None for UTC."""
    if not zone:
        return None
    for line in _zone_table().splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#") and parts[2] == zone:
            return parts[0].upper()
    return None


def _read_config(path: Path) -> str | None:
    """The text of the config file, or None when there is none. Opened without blocking and
    checked to be a regular file of sane size before reading, so ``CALLSHEET_CONFIG`` naming
    /dev/zero, a FIFO or a folder is refused instead of hanging or filling memory."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{path}: the config file is not a regular file")
        if info.st_size > _MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: the config file is over 1 MB; is it the right file?")
        data = os.read(fd, _MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file ({error.strerror})") from None
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None


def _whole(path: Path, name: str, value, low: int, high: int, unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{path}: {name} must be a whole number of {unit} from {low} to {high}")


def check_time_zone(value: str | None) -> None:
    """Refuse a ``TZ`` the system cannot use (``UTC+25``) or that names no zone (``Mars/Base``):
    the C library would silently read the second as UTC, and Python fails on the first."""
    if not value:
        return
    # deferred: slow to import, and only this path needs it
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    key = value[1:] if value.startswith(":") else value
    known = False
    if key.startswith("/"):
        known = Path(key).is_file()
    else:
        try:
            ZoneInfo(key)
            known = True
        except (ZoneInfoNotFoundError, ValueError, OSError):
            known = _POSIX_TZ.fullmatch(key) is not None
    if known:
        try:
            datetime.now().astimezone()  # the offset itself must be one Python can use
        except (ValueError, OverflowError, OSError):
            known = False
    if not known:
        raise ConfigError(
            f"TZ: unknown time zone {value!r} (use a name such as Europe/Bucharest, or unset it)"
        )


def _check(config: Config, path: Path) -> None:
    """Types and ranges of every setting: one line naming the first bad one."""
    if config.default_region is not None and (
        not isinstance(config.default_region, str)
        or len(config.default_region) != 2
        or not config.default_region.isascii()
        or not config.default_region.isalpha()
    ):
        raise ConfigError(f"{path}: default_region must be a two-letter country code such as RO")
    if (
        not isinstance(config.currency, str)
        or len(config.currency) != 3
        or not config.currency.isascii()
        or not config.currency.isalpha()
    ):
        raise ConfigError(f"{path}: currency must be a three-letter code such as EUR")
    config.currency = config.currency.upper()
    for name in ("work_start", "work_end"):
        value = getattr(config, name)
        if not isinstance(value, str) or not _HH_MM.fullmatch(value):
            raise ConfigError(f'{path}: {name} must be a time such as "09:00"')
    _whole(path, "stale_after_days", config.stale_after_days, 1, 3650, "days")
    _whole(path, "calendar_years", config.calendar_years, 1, 50, "years")
    if not isinstance(config.risk, dict):
        raise ConfigError(f"{path}: [risk] must be a table")
    for kind, values in config.risk.items():
        for setting, number in values.items() if isinstance(values, dict) else [("", values)]:
            name = f"risk.{kind}" + (f".{setting}" if setting else "")
            if isinstance(number, bool) or (
                isinstance(number, int | float)
                and (not math.isfinite(number) or abs(number) > 1_000_000)
            ):
                raise ConfigError(f"{path}: {name} must be a finite number up to 1,000,000")
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
    _check_rates(config, path)
    _check_sync(config, path)
    _check_sync_imap(config.sync.get("imap", []), path)
    _check_sync_calendar(config.sync, path)
    if config.theme not in ("dark", "light"):
        raise ConfigError(f"{path}: theme must be 'dark' or 'light', not {config.theme!r}")
    _check_notify(config, path)


def _check_notify(config: Config, path: Path) -> None:
    """``notify``: one of NOTIFY_KINDS; ``notify_command``: a program and its arguments, as a
    list or one string split the way a shell would (it is never run through one)."""
    if config.notify not in NOTIFY_KINDS:
        raise ConfigError(
            f"{path}: notify must be one of {', '.join(map(repr, NOTIFY_KINDS))}, "
            f"not {config.notify!r}"
        )
    command = config.notify_command
    if isinstance(command, str):
        try:
            command = shlex.split(command)
        except ValueError as error:
            raise ConfigError(f"{path}: notify_command: {error}") from None
    if not isinstance(command, list) or not command or not all(isinstance(c, str) for c in command):
        raise ConfigError(
            f"{path}: notify_command must be a program and its arguments, e.g. "
            f'["notify-send", "{{title}}", "{{body}}"]'
        )
    config.notify_command = command


def _check_rates(config: Config, path: Path) -> None:
    """``[rates]``: three-letter codes to finite numbers above 0 (codes kept upper-case)."""
    if not isinstance(config.rates, dict):
        raise ConfigError(f"{path}: [rates] must be a table such as PLN = 0.2301")
    rates = {}
    for code, rate in config.rates.items():
        if not (len(code) == 3 and code.isascii() and code.isalpha()):
            raise ConfigError(f"{path}: rates.{code}: not a three-letter currency code")
        if (
            isinstance(rate, bool)
            or not isinstance(rate, int | float)
            or not math.isfinite(rate)
            or rate <= 0
        ):
            raise ConfigError(
                f"{path}: rates.{code} must be a finite number above 0 (what one {code.upper()}"
                f" is worth in {config.currency})"
            )
        rates[code.upper()] = float(rate)
    # the home currency is worth itself: a rate for it would be a second, conflicting answer
    if rates.pop(config.currency, 1.0) != 1.0:
        raise ConfigError(f"{path}: rates.{config.currency}: the home currency's rate is 1")
    config.rates = rates


#: the keys of one [[sync.imap]] account
_IMAP_KEYS = {"url", "password_command", "cafile"}


def _check_sync_imap(accounts, path: Path) -> None:
    """``[[sync.imap]]``: a list of accounts, each an imap:// URL, the command that prints
    the password (a list, as vdirsyncer's ``fetch = ["command", ...]``) and a CA file."""
    if not isinstance(accounts, list) or not all(isinstance(a, dict) for a in accounts):
        raise ConfigError(f"{path}: sync.imap must be a list of [[sync.imap]] tables")
    for number, account in enumerate(accounts, 1):
        where = f"{path}: [[sync.imap]] number {number}"
        unknown = sorted(set(account) - _IMAP_KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown setting {unknown[0]!r}")
        url = account.get("url")
        if not isinstance(url, str) or not url.lower().startswith(("imap://", "imaps://")):
            raise ConfigError(f"{where}: url must be imap://USER@HOST[:PORT]/FOLDER")
        command = account.get("password_command", [])
        if not isinstance(command, list) or not all(
            isinstance(part, str) and part for part in command
        ):
            raise ConfigError(
                f'{where}: password_command must be a list such as ["pass", "mail/work"]'
            )
        cafile = account.get("cafile")
        if cafile is not None and (not isinstance(cafile, str) or not cafile.strip()):
            raise ConfigError(f"{where}: cafile must be the path of a PEM file")


def _check_sync_calendar(sync: dict, path: Path) -> None:
    """``[sync]`` calendar = the vdir meetings are read from, followups = the vdir follow-ups
    are written to, followups_as = "vtodo" (tasks) or "vevent" (for phone calendars that
    show no tasks)."""
    for name in ("calendar", "followups"):
        value = sync.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"{path}: sync.{name} must be the path of a calendar folder (vdir)")
    if sync.get("followups_as", "vtodo") not in ("vtodo", "vevent"):
        raise ConfigError(f"{path}: sync.followups_as must be 'vtodo' or 'vevent'")


def _check_sync(config: Config, path: Path) -> None:
    if not isinstance(config.sync, dict):
        raise ConfigError(f'{path}: [sync] must be a table such as contacts = "~/.contacts/phone"')
    # only the keys of the contacts sync; the calendar and IMAP keys are checked by theirs
    for key, (what, fits) in _SYNC_KEYS.items():
        if key in config.sync and not fits(config.sync[key]):
            raise ConfigError(f"{path}: sync.{key} must be {what}")


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    check_time_zone(os.environ.get("TZ"))
    values: dict = {}
    text = _read_config(path)
    if text is not None:
        try:
            values = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: {error}") from error
    unknown = sorted(set(values) - _KNOWN)
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r}")
    config = Config(**values)
    _check(config, path)
    env_region = os.environ.get("CALLSHEET_REGION")
    if env_region:
        if not (len(env_region) == 2 and env_region.isascii() and env_region.isalpha()):
            raise ConfigError("CALLSHEET_REGION must be a two-letter country code such as RO")
        config.default_region = env_region
    if not config.default_region:
        config.default_region, read_from = _locale_country()
        if config.default_region:
            config.region_from = f"your locale ({read_from})"
    if not config.default_region:
        zone = time_zone_name()
        config.default_region = zone_region(zone)
        if config.default_region:
            config.region_from = f"your time zone ({zone})"
    if config.default_region:
        config.default_region = config.default_region.upper()
    return config
