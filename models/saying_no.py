"""Saying no well (domain rule 6): a reply outline for a request beyond the agreement.

Know the person, explain the reasons with the facts and the agreed scope and budget, and
always offer an alternative as close to the request as possible (a priced change, a later
phase, or a swap for something of equal effort). The outline is text the consultant can
copy or save to the log; it is a skeleton to speak from, not a letter to send unread.
"""

from __future__ import annotations

from datetime import datetime

from models.briefing import brief_of
from models.validate import money_text


def reply_outline(client_id: int, as_of: datetime, request: str | None = None) -> str:
    brief = brief_of(client_id, as_of)
    asked = request or (
        brief.recent_scope_requests[0].summary if brief.recent_scope_requests else "the new request"
    )
    agreement = next(
        (a for a in brief.agreements if a.status == "active"),
        brief.agreements[0] if brief.agreements else None,
    )
    lines = [f"Reply outline: {brief.name} asks for more than agreed", ""]
    lines.append(
        f'1. Greet and acknowledge: "{brief.greeting}. Thank you for telling me what you need: {asked}."'
    )
    if agreement:
        budget = (
            f"{money_text(agreement.budget_cents)} {agreement.currency}"
            if agreement.budget_cents is not None
            else "the agreed budget"
        )
        lines.append(
            f'2. What we agreed: "{agreement.title}": {agreement.scope or "the agreed scope"}; budget {budget}.'
        )
        used = f"{money_text(agreement.invoiced_cents)} {agreement.currency} invoiced and {agreement.minutes / 60:.0f} hours spent so far"
        lines.append(
            f"3. Why this is outside it: the request is not part of that scope, and {used}. "
            "Doing it inside the same budget would cut time from what you already asked for."
        )
    else:
        lines.append(
            "2. What we agreed: (no written agreement recorded — say what was agreed, and put it in writing now)."
        )
        lines.append(
            "3. Why this is outside it: explain with facts what the request adds in time and cost."
        )
    lines.append(
        '4. The closest alternative: "I can do this as a priced change: I\'ll send an estimate by <date>." '
        "Or: schedule it as the next phase after delivery, or swap it for an item of equal effort."
    )
    lines.append(
        "5. Stay calm and concrete: no excuses, no passive tone; confirm the decision in writing (rules 6, 7)."
    )
    if brief.rapport:
        lines.append(f"Remember: {brief.rapport}")
    return "\n".join(lines) + "\n"
