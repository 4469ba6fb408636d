"""A risk as JSON: what ``callsheet risk --json`` prints and the stored risk documents hold.

Pure: a :class:`~callsheet.models.risk.model.Risk` in, a dict of plain values out.
"""

from __future__ import annotations

from callsheet.models.risk.model import Risk
from callsheet.models.values.when import iso


def risk_json(risk: Risk) -> dict:
    """A risk as JSON: score, band, the points it is made of, factors, floor, stance, advice."""
    out = {
        "score": risk.score,
        "band": risk.band,
        "points": {
            "money": risk.points.money,
            "behaviour": risk.points.behaviour,
            "positive": risk.points.positive,
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
        "advice": list(risk.advice),
    }
    if risk.what_if is not None:
        out["what_if"] = {
            "paid": list(risk.what_if.paid),
            "score": risk.what_if.score,
            "band": risk.what_if.band,
        }
    return out
