"""A risk as JSON: what ``callsheet risk --json`` prints and the stored risk documents hold.

Pure: a :class:`~callsheet.models.risk.model.Risk` in, a dict of plain values out.
"""

from __future__ import annotations

from callsheet.models.risk.model import Money, Risk
from callsheet.models.values.money import amounts_json
from callsheet.models.values.when import iso


def money_json(money: Money) -> dict:
    """Money per currency (``{currency: cents}``; never one number across currencies) and the
    overdue money in the home currency: the rates used and what has no rate, named."""
    home = money.overdue_home
    return {
        "overdue": amounts_json(money.overdue),
        "disputed": amounts_json(money.disputed),
        "paid": amounts_json(money.paid),
        "overdue_in_home": {
            "currency": home.home,
            "cents": home.cents,
            "rates": dict(sorted(home.rates.items())),
            # the day each rate is from (an ECB day, or when config.toml was changed)
            "rate_days": {
                currency: day.isoformat() if (day := getattr(rate, "day", None)) else None
                for currency, rate in sorted(home.rates.items())
            },
            "not_counted": amounts_json(home.uncounted),
        },
    }


def risk_json(risk: Risk) -> dict:
    """A risk as JSON: score, band, the points it is made of, factors, floor, stance, advice.

    ``points`` reads as the formula the text prints (``counted = money + max(behaviour -
    positive, 0)``): ``positive`` is the points the positive signs offset, a number >= 0,
    as the text's "positive 4"; each factor's own ``points`` keeps its sign (-4 for a
    positive sign), as the text lists it.
    """
    out = {
        "score": risk.score,
        "band": risk.band,
        "points": {
            "money": risk.points.money,
            "behaviour": risk.points.behaviour,
            "positive": -risk.points.positive,
            "counted": risk.points.counted,
        },
        "factors": [
            {
                "signal": f.signal,
                "label": f.label,
                "points": f.points,
                # iso() written out: this runs for every piece of evidence of every client
                "evidence": [
                    {"at": e.at.astimezone().isoformat(timespec="seconds"), "summary": e.summary}
                    for e in f.evidence
                ],
            }
            for f in risk.factors
        ],
        "floor": None
        if risk.floor is None
        else {
            "reason": risk.floor.reason,
            "at": iso(risk.floor.evidence.at),
            "summary": risk.floor.evidence.summary,
        },
        "stance": {"kind": risk.stance.kind, "text": risk.stance.text},
        "money": money_json(risk.money),
        "advice": list(risk.advice),
    }
    if risk.what_if is not None:
        out["what_if"] = {
            "paid": list(risk.what_if.paid),
            "score": risk.what_if.score,
            "band": risk.what_if.band,
        }
    return out
