"""The call sheet's printed forms: the sections the screen shows, plain text, Markdown and
JSON (``callsheet brief``), and a risk's headline and JSON (``callsheet risk --json``).

The text, Markdown and screen forms are all built from one :func:`sections`, so they never
disagree; user text goes through :mod:`callsheet.models.values.text` (printable, Markdown-escaped).
"""

from __future__ import annotations

from callsheet.models.briefing.brief import Brief
from callsheet.models.risk.document import risk_json
from callsheet.models.risk.model import Risk
from callsheet.models.values.text import markdown_inline as md
from callsheet.models.values.text import money_text
from callsheet.models.values.text import printable as _printable
from callsheet.models.values.when import iso, to_zone


def _amounts(by_currency: dict[str, int]) -> str:
    return (
        ", ".join(
            f"{money_text(cents)} {currency}"
            for currency, cents in sorted(by_currency.items())
            if cents  # "paid to date: 2,000 EUR", not "2,000 EUR, 0 PLN"
        )
        or "nothing"
    )


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f} h"


def sections(brief: Brief) -> list[tuple[str, list[str]]]:
    """The call sheet as (heading, lines): shared by the text, Markdown and screen renderings."""
    who = [f"Greeting: {brief.greeting}"]
    if brief.rapport:
        who.append(f"What works: {brief.rapport}")
    details = [
        brief.company,
        brief.status,
        f"language {brief.language}" if brief.language else "",
        f"client since {brief.client_since:%d %b %Y}",
    ]
    who.append(" · ".join(d for d in details if d))
    if brief.phones:
        who.append("Phones: " + ", ".join(brief.phones))
    last = [
        f"{to_zone(c.at):%d %b %Y %H:%M} {c.channel} {'in' if c.direction == 'in' else 'out'}"
        + (f" ({c.tone})" if c.tone else "")
        + f": {c.summary}"
        + (f" [{', '.join(s.replace('_', ' ') for s in c.signals)}]" if c.signals else "")
        for c in brief.last_contacts
    ] or ["No contact yet."]
    follow = [f"{to_zone(due):%d %b %H:%M}: {text}" for due, text in brief.follow_ups] or [
        "None open."
    ]
    money = [
        f"Owed: {_amounts(brief.owed_by_currency)}; paid to date: {_amounts(brief.revenue_cents)}"
    ]
    converted = brief.risk.money.overdue_home
    if len(brief.risk.money.overdue) > 1 or converted.foreign or converted.uncounted:
        # one figure only at the user's rates, shown with them; no rate, named apart
        money.append(f"Overdue in {converted.home}: {converted.text()}")
    money += [
        f"OVERDUE {number}: {money_text(cents)} {currency}, due {due:%d %b %Y} ({days} days)"
        for number, cents, currency, due, days in brief.overdue
    ]
    money += [
        f"unpaid {number}: {money_text(cents)} {currency}"
        + (f", due {due:%d %b %Y}" if due else "")
        for number, cents, currency, due in brief.unpaid
    ]
    scope = []
    for use in brief.agreements[:3]:
        budget = (
            f"{money_text(use.budget_cents)} {use.currency}"
            if use.budget_cents is not None
            else "no budget"
        )
        # in the budget's currency alone, as it always read: "invoiced 25,000 of 25,000 EUR"
        alone = set(use.invoiced) <= {use.currency}
        invoiced = money_text(use.invoiced.get(use.currency, 0)) if alone else use.invoiced_text()
        used = f"invoiced {invoiced} of {budget}"
        counted = use.invoiced_in_budget
        if use.budget_cents and counted is not None:
            if counted.foreign or counted.uncounted:  # a conversion shows its rate
                used += f" ({counted.text()})"
            used += f" ({100 * counted.cents // use.budget_cents}%)"
        scope.append(f"{use.title} [{use.status}]: {used}; time {_hours(use.minutes)}")
        if use.scope:
            scope.append(f"  scope: {use.scope}")
    risk = [risk_headline(brief.risk)]
    for factor in brief.risk.factors[:3]:
        latest = factor.evidence[0] if factor.evidence else None
        risk.append(
            f"{factor.points:+d} {factor.label}"
            + (f" — last {to_zone(latest.at):%d %b}: {latest.summary}" if latest else "")
        )
    if brief.risk.what_if:
        risk.append(what_if_line(brief.risk))
    stance = [f"{brief.stance.title.upper()}: {brief.stance.text}"]
    stance += [f"Advice: {line}" for line in brief.risk.advice[:3]]
    if brief.recent_scope_requests:
        asked = dict.fromkeys(c.summary for c in brief.recent_scope_requests)
        stance.append("Recent requests beyond scope: " + "; ".join(asked))
    return [
        (f"{brief.name}", who),
        # the stance first: it is what to take into the call, and the rest says why
        ("Stance for this call", stance),
        ("Last contacts", last),
        ("Open follow-ups", follow),
        ("Money", money),
        ("Scope", scope or ["No agreement recorded."]),
        ("Risk", risk),
    ]


def render_text(brief: Brief) -> str:
    out = []
    for heading, lines in sections(brief):
        out.append(heading.upper() if heading != brief.name else f"CALL SHEET: {heading}")
        out.extend(f"  {line}" for line in lines)
        out.append("")
    return "\n".join(_printable(line) for line in out).rstrip() + "\n"


def render_markdown(brief: Brief) -> str:
    out = [f"# Call sheet: {md(brief.name)}", ""]
    for heading, lines in sections(brief):
        if heading != brief.name:
            out += [f"## {heading}", ""]
        out += [f"- {md(line.strip())}" for line in lines] + [""]
    return "\n".join(out).rstrip() + "\n"


def risk_headline(risk: Risk) -> str:
    """ "62/100 (high) from points 74 = money 40 + max(behaviour 46 - positive 12, 0)"."""
    text = f"{risk.score}/100 ({risk.band})"
    if risk.factors:
        text += f" from points {risk.points.formula()}"
    if risk.floor:
        text += f"; at least watch: {risk.floor.reason}"
    return text


def what_if_line(risk: Risk) -> str:
    """ "If 2 unpaid invoices were paid today: 62 -> 41 (watch)"."""
    what = risk.what_if
    if what is None:
        return ""
    invoices = f"invoice {what.paid[0]}" if len(what.paid) == 1 else f"{len(what.paid)} invoices"
    return (
        f"If {invoices} {'was' if len(what.paid) == 1 else 'were'} paid today: "
        f"{risk.score} -> {what.score} ({what.band})"
    )


def to_json(brief: Brief) -> dict:
    """Everything the call sheet shows, as one JSON object (``callsheet brief --json``)."""
    risk = brief.risk
    return {
        "id": brief.client_id,
        "name": brief.name,
        "company": brief.company,
        "status": brief.status,
        "language": brief.language,
        "salutation": brief.salutation,
        "greeting": brief.greeting,
        "rapport": brief.rapport,
        "phones": brief.phones,
        "client_since": brief.client_since.isoformat(),
        "last_contacts": [
            {
                "at": iso(c.at),
                "channel": c.channel,
                "direction": c.direction,
                "tone": c.tone,
                "summary": c.summary,
                "signals": c.signals,
            }
            for c in brief.last_contacts
        ],
        "follow_ups": [{"due": iso(due), "text": text} for due, text in brief.follow_ups],
        "money": {
            "owed": _by_currency(brief.owed_by_currency),
            "paid": _by_currency(brief.revenue_cents),
            "overdue": [
                {
                    "number": number,
                    "amount": cents / 100,
                    "currency": currency,
                    "due": due.isoformat(),
                    "days_overdue": days,
                }
                for number, cents, currency, due, days in brief.overdue
            ],
            "unpaid": [
                {
                    "number": number,
                    "amount": cents / 100,
                    "currency": currency,
                    "due": due.isoformat() if due else None,
                }
                for number, cents, currency, due in brief.unpaid
            ],
        },
        "agreements": [
            {
                "title": a.title,
                "scope": a.scope,
                "status": a.status,
                "budget": None if a.budget_cents is None else a.budget_cents / 100,
                "currency": a.currency,
                "invoiced": _by_currency(a.invoiced),
                "minutes": a.minutes,
            }
            for a in brief.agreements
        ],
        "risk": risk_json(risk),
        "referrals_given": brief.referrals_given,
        "stance": {"kind": brief.stance.kind, "text": brief.stance.text},
        "recent_scope_requests": [
            {"at": iso(c.at), "summary": c.summary} for c in brief.recent_scope_requests
        ],
    }


def _by_currency(by_currency: dict[str, int]) -> dict[str, float]:
    return {currency: cents / 100 for currency, cents in sorted(by_currency.items())}
