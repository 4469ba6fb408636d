"""The risk model's settings: the table of weights and half-lives, and the one setting
(``overdue_watch_days``), with config.toml's ``[risk]`` overrides applied and checked.

Pure: no database. :mod:`callsheet.models.risk.model` scores with a :class:`RiskModel`; :mod:`callsheet.models.book.scoring`
builds the one in force from the user's config.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from callsheet.models.risk.vocabulary import DEFAULT_TABLE, Rule


@dataclass(frozen=True)
class RiskModel:
    """The table of weights and the model's one setting (both overridable in config.toml)."""

    table: Mapping[str, Rule] = field(default_factory=lambda: DEFAULT_TABLE)
    #: an invoice overdue longer than this keeps the client at least in "watch"
    overdue_watch_days: int = 30
    #: the home currency (config.toml's ``currency``) and the user's ``[rates]`` into it
    home: str = "EUR"
    rates: Mapping[str, float] = field(default_factory=dict)


DEFAULT_MODEL = RiskModel()


def model_with(
    overrides: Mapping[str, object] | None,
    home: str = "EUR",
    rates: Mapping[str, float] | None = None,
) -> RiskModel:
    """The default model with config.toml's ``[risk]`` table applied.

    ``[risk] overdue_watch_days = 45`` sets the model's setting; ``[risk.rude] weight = 25``
    (and ``half_life_days``) overrides one factor. Raises ValueError naming a bad entry.
    """
    settings = {k: v for k, v in (overrides or {}).items() if not isinstance(v, Mapping)}
    per_kind = {k: v for k, v in (overrides or {}).items() if isinstance(v, Mapping)}
    unknown = set(settings) - {"overdue_watch_days"}
    for name in sorted(unknown):
        if name in DEFAULT_TABLE:
            raise ValueError(f"risk.{name}: expected a table with weight and/or half_life_days")
        raise ValueError(f"risk.{name}: unknown signal or setting")
    days = settings.get("overdue_watch_days", DEFAULT_MODEL.overdue_watch_days)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError("risk.overdue_watch_days must be a whole number of days")
    return RiskModel(table_with(per_kind), days, home, dict(rates or {}))


def table_with(overrides: Mapping[str, Mapping[str, float]] | None) -> dict[str, Rule]:
    """DEFAULT_TABLE with per-factor overrides of ``weight`` and ``half_life_days``.

    A warning cannot be turned into a positive sign or back (the vocabulary is built from
    the signs of the defaults). Raises ValueError naming an unknown factor or setting.
    """
    table = dict(DEFAULT_TABLE)
    for kind, values in (overrides or {}).items():
        if kind not in table:
            raise ValueError(f"risk.{kind}: unknown signal")
        if not isinstance(values, Mapping):
            raise ValueError(f"risk.{kind}: expected a table with weight and/or half_life_days")
        unknown = set(values) - {"weight", "half_life_days"}
        if unknown:
            raise ValueError(f"risk.{kind}: unknown setting {sorted(unknown)[0]!r}")
        try:
            half_life = float(values.get("half_life_days", table[kind].half_life_days))
            weight = float(values.get("weight", table[kind].weight))
        except (TypeError, ValueError):
            raise ValueError(f"risk.{kind}: weight and half_life_days must be numbers") from None
        if half_life <= 0:
            raise ValueError(f"risk.{kind}.half_life_days must be above 0")
        default = DEFAULT_TABLE[kind].weight
        if (default > 0 and weight < 0) or (default < 0 and weight > 0):
            raise ValueError(f"risk.{kind}.weight must keep its sign ({default:+g} by default)")
        table[kind] = replace(table[kind], weight=weight, half_life_days=half_life)
    return table
