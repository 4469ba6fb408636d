"""What callsheet promises, written down once for the tests that check it from several sides
(the query, the command line, the dashboard). Stated here by hand, not read from the code,
so that a change to the code cannot change what the tests expect."""

from __future__ import annotations

#: triage's groups, in the order they are shown (shared/domain.md: what needs attention first)
TRIAGE_KINDS = [
    "follow_up",
    "missed_call",
    "overdue_invoice",
    "risk_rose",
    "cadence",
    "not_contacted",
    "sync_conflict",
    "suggestion",
]
