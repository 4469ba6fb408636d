"""Exchange rates: the ECB's reference rates the user imported, and the rates in force.

``callsheet rates import FILE`` stores each day's rates as the ECB wrote them (units per
euro); :func:`home_rates` turns the newest of them into what one unit of each currency is
worth in the home currency, through the euro (``home per euro / currency per euro`` on one
day on which both were quoted), each with its day (:class:`Rate`). :func:`in_force` puts
the user's ``[rates]`` from config.toml over them: a rate typed there is a decision
(a bank's rate, a contract's), so it wins where both give one; it is dated by the day
config.toml was last changed. No network: the user downloads the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from peewee import chunked, fn

from callsheet.models.store.db import database
from callsheet.models.store.tables import ExchangeRate, Invoice
from callsheet.models.values.money import Rate


@dataclass(frozen=True)
class Imported:
    """What an import stored: how many days and rates, the first and last day, and the
    currencies quoted."""

    days: int
    rates: int
    first: date
    last: date
    currencies: tuple[str, ...]


def import_file(path: Path) -> Imported:
    """Read an ECB reference-rate file and store every day of it in one transaction (a day
    imported before is replaced by the file's). Raises InputError naming the bad line;
    then nothing is stored."""
    # deferred: every command reads the rates in force, only this one reads a file
    from callsheet.models.values.ecb import file_text, parse

    days = parse(file_text(path.read_bytes(), path.name), path.name)
    rows = [
        {"day": day.isoformat(), "currency": code, "per_euro": value}
        for day, quoted in days.items()
        for code, value in quoted.items()
    ]
    with database.atomic():
        for batch in chunked(sorted(days), 500):
            ExchangeRate.delete().where(
                ExchangeRate.day.in_([d.isoformat() for d in batch])
            ).execute()
        for batch in chunked(rows, 500):
            ExchangeRate.insert_many(batch).execute()
    return Imported(
        len(days),
        len(rows),
        min(days),
        max(days),
        tuple(sorted({code for quoted in days.values() for code in quoted})),
    )


#: a currency not quoted in this many days before the newest stored day has no rate: the
#: ECB stopped quoting it (the Russian rouble since March 2022), and an old rate shown as
#: today's money would mislead; it is shown apart and named, as any currency without one
RECENT_DAYS = 31


def home_rates(home: str) -> dict[str, Rate]:
    """What one unit of each imported currency is worth in ``home``, from the newest day
    on which both it and ``home`` were quoted (the euro is 1 per euro on every day), within
    :data:`RECENT_DAYS` of the newest stored day; empty when ``home`` is a currency the ECB
    does not quote. Reads that month only (an index range: every command asks)."""
    newest = ExchangeRate.select(fn.MAX(ExchangeRate.day)).scalar()
    if newest is None:
        return {}
    newest_day = _day(newest)
    assert newest_day is not None
    since = (newest_day - timedelta(days=RECENT_DAYS)).isoformat()
    query = ExchangeRate.select(
        ExchangeRate.day, ExchangeRate.currency, ExchangeRate.per_euro
    ).where(ExchangeRate.day >= since)
    by_day: dict[str, dict[str, float]] = defaultdict(dict)
    for day, currency, value in database.execute(query).fetchall():
        by_day[day][currency] = float(value)
    rates: dict[str, Rate] = {}
    for day in sorted(by_day, reverse=True):  # newest first: the first rate found stays
        quoted = by_day[day]
        if home == "EUR":
            home_per_euro = 1.0
        elif home in quoted:
            home_per_euro = quoted[home]
            rates.setdefault("EUR", Rate(home_per_euro, _day(day)))
        else:
            continue
        for currency, per_euro in quoted.items():
            if currency != home and currency not in rates:
                rates[currency] = Rate(home_per_euro / per_euro, _day(day))
    return rates


def in_force(home: str, configured: Mapping[str, float], configured_on: date | None) -> dict:
    """The rates used: the imported ones, with config.toml's ``[rates]`` over them (dated
    ``configured_on``, the day config.toml was last changed)."""
    rates: dict[str, float] = dict(home_rates(home)) if has_rates() else {}
    for currency, rate in configured.items():
        rates[currency] = Rate(rate, getattr(rate, "day", None) or configured_on)
    return rates


def has_rates() -> bool:
    """Whether any rate was imported (one cheap query: every command asks)."""
    return ExchangeRate.select(ExchangeRate.day).limit(1).exists()


def foreign_clients(home: str) -> list[int]:
    """The clients with an invoice in a currency other than ``home``: the ones whose risk a
    change of rates can change."""
    query = Invoice.select(Invoice.client).where(Invoice.currency != home).distinct()
    return [client_id for (client_id,) in query.tuples()]


def days_stored() -> tuple[int, date | None, date | None]:
    """How many days of rates are stored, the first and the last."""
    count, first, last = (
        ExchangeRate.select(
            fn.COUNT(fn.DISTINCT(ExchangeRate.day)),
            fn.MIN(ExchangeRate.day),
            fn.MAX(ExchangeRate.day),
        )
        .tuples()
        .get()
    )
    return count, _day(first), _day(last)


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
