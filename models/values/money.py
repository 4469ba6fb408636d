"""Money in more than one currency: sums kept per currency, and one figure only by a rate.

Amounts of different currencies are never added: a sum is a mapping ``{currency: cents}``
(:func:`add`, :func:`amounts_text` "4,000 PLN + 1,000 EUR"). Where one figure is needed
(the risk model's money factor, sorting by overdue, the stance's worth), :func:`convert`
turns the amounts into the home currency (``currency`` in config.toml) with the rates the
user supplies (``[rates]``: what one unit of a currency is worth in the home currency); a
currency with no rate is kept apart in :attr:`Converted.uncounted` and named, never
counted as home money. Pure: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from callsheet.models.values.text import money_text

#: currency -> cents
Amounts = Mapping[str, int]


class Rate(float):
    """A rate (what one unit of a currency is worth in another) with the day it is from:
    the ECB's day for an imported rate, the day config.toml was last changed for ``[rates]``.
    A plain float everywhere else, so every sum and every settings hash takes it as one."""

    day: date | None

    def __new__(cls, value: float, day: date | None = None) -> Rate:
        rate = super().__new__(cls, value)
        rate.day = day
        return rate

    def __reduce__(self):
        return (Rate, (float(self), self.day))


def rate_text(currency: str, rate: float) -> str:
    """ "PLN 0.2301 on 5 Dec 2026": the rate, with its day when it has one."""
    day = getattr(rate, "day", None)
    return f"{currency} {rate:g}" + (f" on {day.day} {day:%b %Y}" if day else "")


def add(into: dict[str, int], currency: str, cents: int) -> None:
    """Add ``cents`` of ``currency`` to the per-currency sum ``into``."""
    into[currency] = into.get(currency, 0) + cents


def sums(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Per-currency sums of (currency, cents) pairs, without the zero ones."""
    totals: dict[str, int] = {}
    for currency, cents in pairs:
        add(totals, currency, cents)
    return {c: v for c, v in totals.items() if v}


def _ordered(amounts: Amounts) -> list[tuple[str, int]]:
    """Largest first, then by code (a stable order for text and JSON)."""
    return sorted(((c, v) for c, v in amounts.items() if v), key=lambda cv: (-cv[1], cv[0]))


def amounts_text(amounts: Amounts, *, whole: bool = False) -> str:
    """ "4,000 PLN + 1,000 EUR": each currency on its own, largest first; "" when none.

    ``whole`` rounds to whole units (the stance's one-line reasons).
    """
    return " + ".join(
        f"{round(cents / 100):,} {currency}" if whole else f"{money_text(cents)} {currency}"
        for currency, cents in _ordered(amounts)
    )


def amounts_json(amounts: Amounts) -> dict[str, int]:
    """The per-currency form of ``--json``: ``{currency: cents}``, largest first."""
    return dict(_ordered(amounts))


@dataclass(frozen=True)
class Converted:
    """Amounts in the home currency: what could be counted, with the rates used, and what
    could not (no rate)."""

    home: str
    cents: int = 0
    #: the rates used, for the currencies other than home that were counted
    rates: Mapping[str, float] = field(default_factory=dict)
    #: the amounts not counted, per currency, because there is no rate for them
    uncounted: Mapping[str, int] = field(default_factory=dict)

    @property
    def foreign(self) -> bool:
        """Whether a rate was used (the figure is a conversion, to be shown with its rate)."""
        return bool(self.rates)

    def text(self) -> str:
        """ "≈ 920 EUR at PLN 0.2301 on 5 Dec 2026; 4,000 RON not counted: no rate" (or
        "1,000 EUR"): each rate with its day (:class:`Rate`)."""
        parts = []
        if self.rates or self.cents or not self.uncounted:
            at = ", ".join(rate_text(c, r) for c, r in sorted(self.rates.items()))
            figure = f"{money_text(self.cents) or '0'} {self.home}"
            parts.append(f"≈ {figure} at {at}" if at else figure)
        parts += [
            f"{amounts_text({c: v})} not counted: no rate" for c, v in _ordered(self.uncounted)
        ]
        return "; ".join(parts)


def convert(amounts: Amounts, home: str, rates: Mapping[str, float]) -> Converted:
    """``amounts`` in ``home``: home money as it is, others at their rate, and the ones with no
    rate set apart. One currency's amount times its rate, rounded to the cent."""
    total = 0.0
    used: dict[str, float] = {}
    uncounted: dict[str, int] = {}
    for currency, cents in amounts.items():
        if not cents:
            continue
        if currency == home:
            total += cents
        elif currency in rates:
            total += cents * rates[currency]
            used[currency] = rates[currency]
        else:
            uncounted[currency] = cents
    return Converted(home, round(total), used, uncounted)


def _compact(cents: int, room: int) -> str:
    """Whole units with thousands separators, or "12k" / "1.2M" when that is too wide."""
    units = round(cents / 100)
    for text in (f"{units:,}", f"{round(units / 1000):,}k", f"{units / 1_000_000:.1f}M"):
        if len(text) <= room:
            return text
    return f"{round(units / 1_000_000):,}M"


def column_text(per_currency: Iterable[tuple[str, int]], home: str, width: int = 9) -> str:
    """A short money cell: home money alone as before ("1,000.50"); otherwise the largest
    amount with its currency, and "+" when other currencies are owed too ("4,000 PLN+")."""
    amounts = [(c, v) for c, v in per_currency if v]
    if not amounts:
        return ""
    if len(amounts) == 1 and amounts[0][0] == home:
        return money_text(amounts[0][1])
    currency, cents = max(amounts, key=lambda cv: (cv[1], cv[0]))
    more = "+" if len(amounts) > 1 else ""
    return f"{_compact(cents, width - len(currency) - 1 - len(more))} {currency}{more}"


def convert_to(amounts: Amounts, target: str, home: str, rates: Mapping[str, float]) -> Converted:
    """``amounts`` in ``target`` (any currency): through the home currency, at the user's
    rates (one ``target`` is worth ``rates[target]`` home money); no rate, not counted."""
    if target == home:
        return convert(amounts, home, rates)
    if target not in rates:
        own = {target: amounts[target]} if amounts.get(target) else {}
        rest = {c: v for c, v in amounts.items() if v and c != target}
        return Converted(target, sum(own.values()), {}, rest)
    to = rates[target]
    through = {c: Rate(r / to, _older(r, to)) for c, r in rates.items() if c != target}
    through[home] = Rate(1 / to, getattr(to, "day", None))
    total = 0.0
    used: dict[str, float] = {}
    uncounted: dict[str, int] = {}
    for currency, cents in amounts.items():
        if not cents:
            continue
        if currency == target:
            total += cents
        elif currency in through:
            total += cents * through[currency]
            used[currency] = Rate(round(through[currency], 6), through[currency].day)
        else:
            uncounted[currency] = cents
    return Converted(target, round(total), used, uncounted)


def _older(one: float, other: float) -> date | None:
    """The older day of two rates (a rate made of both is as old as the older one)."""
    days = [d for d in (getattr(one, "day", None), getattr(other, "day", None)) if d]
    return min(days) if days else None
